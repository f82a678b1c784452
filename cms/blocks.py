"""StreamField blocks shared by guides and training modules."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock


class StepBlock(blocks.StructBlock):
    """One numbered step: what to do, in a short line, then how."""

    heading = blocks.CharBlock(
        label=_("what to do"), max_length=120, help_text=_("A short line, e.g. “Open VNeID”")
    )
    text = blocks.TextBlock(label=_("how"), required=False)
    image = ImageBlock(required=False, label=_("picture"))

    class Meta:
        icon = "list-ol"
        label = _("Step")


class NoteBlock(blocks.TextBlock):
    """A tip or a warning, shown with the step before it."""

    class Meta:
        icon = "help"


def step_blocks():
    return [
        ("step", StepBlock()),
        ("tip", NoteBlock(label=_("Tip"))),
        ("warning", NoteBlock(label=_("Warning"), icon="warning")),
    ]


class AnswerBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("answer"), max_length=200)
    correct = blocks.BooleanBlock(label=_("correct"), required=False)


class QuestionBlock(blocks.StructBlock):
    """A self-check question; the answer opens without JavaScript (<details>)."""

    question = blocks.TextBlock(label=_("question"))
    answers = blocks.ListBlock(AnswerBlock(), label=_("answers"), min_num=2)
    explanation = blocks.TextBlock(label=_("why"), required=False)

    class Meta:
        icon = "help"
        label = _("Question")


def numbered_steps(stream):
    """Group a steps stream for display: [(number, step, [notes after it])].

    Tips and warnings belong to the step before them; those before the first step come
    first with number None.
    """
    groups = []
    number = 0
    for child in stream:
        if child.block_type == "step":
            number += 1
            groups.append({"number": number, "step": child.value, "notes": []})
        else:
            if not groups:
                groups.append({"number": None, "step": None, "notes": []})
            groups[-1]["notes"].append(child)
    return groups
