"""`manage.py seed_guides`: the starting guides, training modules and hotlines.

Vietnamese pages are written as the source and published; their English versions are
made the way an editor makes them, through wagtail-localize: a translation source, one
English string per Vietnamese segment, then the translated page, published. Editors
therefore find both languages in the translation workflow and can update either.

Idempotent: what already exists (found by slug, or by name for hotlines) is left as it
is, editors' changes included, so a second run changes nothing.
"""

import uuid
from dataclasses import dataclass, field

from django.db import transaction
from wagtail.models import Locale, Page
from wagtail_localize.models import (
    StringSegment,
    StringTranslation,
    Translation,
    TranslationSource,
)
from wagtail_localize.strings import StringValue

from campaign.models import ServiceType
from cms import starting_content as content
from cms.models import (
    GuideIndexPage,
    GuidePage,
    HomePage,
    RelatedGuide,
    SupportContact,
    TrainingIndexPage,
    TrainingModulePage,
)

SOURCE, TARGET = "vi", "en"
NO_IMAGE = {"image": None, "alt_text": "", "decorative": False}  # as the editor saves it


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    def __str__(self):
        return f"created: {len(self.created)}, unchanged: {len(self.kept)}"


class Texts:
    """Collects the (Vietnamese, English) pairs of one page as its fields are built."""

    def __init__(self):
        self.english = {}

    def __call__(self, pair):
        vietnamese, english = pair
        self.english[vietnamese] = english
        return vietnamese


def _block(block_type, value):
    return {"type": block_type, "value": value, "id": str(uuid.uuid4())}


def _steps(spec, texts):
    stream = []
    for kind, *parts in spec:
        if kind == "step":
            heading, text = parts
            stream.append(
                _block(
                    "step",
                    {"heading": texts(heading), "text": texts(text), "image": NO_IMAGE},
                )
            )
        else:
            stream.append(_block(kind, texts(parts[0])))
    return stream


def _questions(spec, texts):
    return [
        _block(
            "question",
            {
                "question": texts(question["question"]),
                "answers": [
                    _block("item", {"text": texts(answer), "correct": correct})
                    for answer, correct in question["answers"]
                ],
                "explanation": texts(question["explanation"]),
            },
        )
        for question in spec
    ]


def translate(instance, texts: Texts, locale: Locale, extra=None):
    """Make (or bring up to date) `instance`'s translation into `locale` through
    wagtail-localize, with the English of every segment; returns the translation."""
    english = {"": "", **texts.english, **(extra or {})}
    source, _ = TranslationSource.update_or_create_from_instance(instance)
    translation, _ = Translation.objects.get_or_create(
        source=source, target_locale=locale, defaults={"enabled": True}
    )
    for segment in StringSegment.objects.filter(source=source).select_related("string", "context"):
        text = segment.string.as_value().render_text()
        if text not in english:
            raise KeyError(f"no English for {text!r} ({instance}, {segment.context.path})")
        StringTranslation.objects.update_or_create(
            translation_of=segment.string,
            locale=locale,
            context=segment.context,
            defaults={
                "data": StringValue.from_plaintext(english[text]).data,
                "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL,
            },
        )
    is_page = isinstance(instance, Page)
    # Pages are saved as a draft, then published here at once (wagtail-localize would
    # publish them when the transaction commits).
    translation.save_target(publish=not is_page)
    target = translation.get_target_instance()
    if is_page:
        target.get_latest_revision().publish()
        target.refresh_from_db()
    return target


@transaction.atomic
def seed_guides() -> SeedReport:
    report = SeedReport()
    source = Locale.objects.get(language_code=SOURCE)
    target = Locale.objects.filter(language_code=TARGET).first()
    guide_index = GuideIndexPage.objects.filter(locale=source).first()
    training_index = TrainingIndexPage.objects.filter(locale=source).first()
    if guide_index is None or training_index is None:
        raise RuntimeError(
            "The guide and training sections are missing: run `manage.py migrate` first"
        )

    contacts = seed_contacts(source, target, report)
    seed_home_hotlines(contacts[content.HOME_HOTLINE], target, report)

    services = {service.code: service for service in ServiceType.objects.all()}
    new_guides = []
    for spec in content.GUIDES:
        page = GuidePage.objects.child_of(guide_index).filter(slug=spec["slug"][0]).first()
        if page:
            report.kept.append(page.title)
            continue
        texts = Texts()
        page = GuidePage(
            title=texts(spec["title"]),
            slug=spec["slug"][0],
            summary=texts(spec["summary"]),
            audience=spec["audience"],
            topic=spec["topic"],
            minutes_needed=spec["minutes"],
            last_reviewed=content.REVIEWED,
            what_to_bring=[_block("item", texts(item)) for item in spec["bring"]],
            steps=_steps(spec["steps"], texts),
            help_contact=contacts.get(spec.get("contact")),
        )
        page.services = [services[code] for code in spec["services"] if code in services]
        guide_index.add_child(instance=page)
        new_guides.append((page, spec, texts))
        report.created.append(page.title)

    by_slug = {guide.slug: guide for guide in GuidePage.objects.child_of(guide_index)}
    for page, spec, _texts in new_guides:
        page.related_guide_links = [
            RelatedGuide(guide=by_slug[slug]) for slug in spec["related"] if slug in by_slug
        ]
        page.save_revision().publish()
    if target:
        for page, spec, texts in new_guides:
            translate(page, texts, target, extra={spec["slug"][0]: spec["slug"][1]})

    for spec in content.MODULES:
        page = TrainingModulePage.objects.child_of(training_index)
        page = page.filter(slug=spec["slug"][0]).first()
        if page:
            report.kept.append(page.title)
            continue
        texts = Texts()
        page = TrainingModulePage(
            title=texts(spec["title"]),
            slug=spec["slug"][0],
            summary=texts(spec["summary"]),
            minutes_needed=spec["minutes"],
            goals=[_block("goal", texts(goal)) for goal in spec["goals"]],
            steps=_steps(spec["steps"], texts),
            self_check=_questions(spec["questions"], texts),
        )
        training_index.add_child(instance=page)
        page.save_revision().publish()
        report.created.append(page.title)
        if target:
            translate(page, texts, target, extra={spec["slug"][0]: spec["slug"][1]})
    return report


def seed_contacts(source, target, report) -> dict[str, SupportContact]:
    contacts = {}
    for spec in content.CONTACTS:
        texts = Texts()
        name = texts(spec["name"])
        contact = SupportContact.objects.filter(locale=source, name=name).first()
        if contact:
            report.kept.append(contact.name)
        else:
            contact = SupportContact.objects.create(
                locale=source,
                name=name,
                kind=spec["kind"],
                phone=spec["phone"],
                note=texts(spec["note"]),
            )
            report.created.append(contact.name)
            if target:
                translate(contact, texts, target)
        contacts[spec["key"]] = contact
    return contacts


def seed_home_hotlines(contact, target, report):
    """Show `contact` on home pages that show no hotline yet."""
    for home in HomePage.objects.filter(hotline__isnull=True):
        home.hotline = contact.get_translation_or_none(home.locale) or contact
        home.save_revision().publish()
        report.created.append(f"{home.title}: {home.hotline}")
