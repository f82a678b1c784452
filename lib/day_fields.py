"""Form fields for days and times, typed and shown as people in Vietnam write them:
07/12/2026 and 07/12/2026 07:30.

A browser's own date picker shows the format of the browser's language (12/07/2026 in
an English one), so these are text boxes that say the format they take. They also take
the ISO form (2026-12-07), which links and query strings use.
"""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

DAY_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
TIME_FORMATS = ["%H:%M", "%Hh%M", "%Hh"]
MOMENT_FORMATS = [
    f"{day}{separator}{time}"
    for day in DAY_FORMATS
    for separator in (" ", "T")
    for time in TIME_FORMATS
]


def with_hint(help_text, hint):
    return format_lazy("{} · {}", help_text, hint) if help_text else hint


class WrittenAs:
    """A text box for a day or moment, its format written in the placeholder and the help,
    read in `input_formats`; the subclasses name the rest."""

    widget_class = forms.DateInput
    shown_as = placeholder = hint = invalid = ""
    size = 10
    input_formats: list[str] = []

    def __init__(self, *, help_text="", **kwargs):
        kwargs.setdefault(
            "widget",
            self.widget_class(
                format=self.shown_as,
                attrs={"placeholder": self.placeholder, "size": self.size, "autocomplete": "off"},
            ),
        )
        kwargs.setdefault("error_messages", {"invalid": self.invalid})
        super().__init__(
            input_formats=self.input_formats,
            help_text=with_hint(help_text, self.hint),
            **kwargs,
        )


class DayField(WrittenAs, forms.DateField):
    """dd/mm/yyyy in a text box that says so."""

    shown_as, placeholder, input_formats = "%d/%m/%Y", "dd/mm/yyyy", DAY_FORMATS
    hint = _("dd/mm/yyyy")
    invalid = _("Write the day as dd/mm/yyyy, for example 07/12/2026.")


class MomentField(WrittenAs, forms.DateTimeField):
    """dd/mm/yyyy hh:mm (24 hours) in a text box that says so."""

    widget_class = forms.DateTimeInput
    shown_as, placeholder, size = "%d/%m/%Y %H:%M", "dd/mm/yyyy hh:mm", 16
    input_formats = MOMENT_FORMATS
    hint = _("dd/mm/yyyy hh:mm, 24 hours")
    invalid = _("Write the day and time as dd/mm/yyyy hh:mm, for example 07/12/2026 07:30.")
