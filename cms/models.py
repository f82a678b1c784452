"""Pages and snippets: the home page, guides for citizens, training for volunteers.

Guides are written for people new to smartphones and read on weak connections: every
page renders without JavaScript and images are served as resized WebP renditions.
"""

from django import forms
from django.conf import settings
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail import blocks
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from campaign.models import Province, ServiceType
from cms.blocks import QuestionBlock, numbered_steps, step_blocks
from cms.posters import qr_code_svg
from lib.text import fold_text


class SupportContact(TranslatableMixin, models.Model):
    """A hotline or a support centre, national or for one province (a snippet)."""

    class Kind(models.TextChoices):
        HOTLINE = "hotline", _("Hotline")
        SUPPORT_CENTRE = "support_centre", _("Support centre")

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.HOTLINE)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("province"),
        help_text=_("Empty: national"),
    )
    phone = models.CharField(
        _("phone number"), max_length=30, blank=True, help_text=_("As people should dial it")
    )
    hours = models.CharField(_("opening hours"), max_length=120, blank=True)
    address = models.TextField(_("address"), blank=True)
    note = models.TextField(_("what it helps with"), blank=True)

    # The same number in every language.
    override_translatable_fields = [SynchronizedField("phone")]

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("province")]),
        FieldRowPanel([FieldPanel("phone"), FieldPanel("hours")]),
        FieldPanel("address"),
        FieldPanel("note"),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["province__name", "name"]
        verbose_name = _("hotline or support centre")
        verbose_name_plural = _("hotlines and support centres")

    def __str__(self):
        return f"{self.name} ({self.phone})" if self.phone else self.name

    @property
    def tel_href(self) -> str:
        """The number for a tel: link: digits only, a leading + kept."""
        digits = "".join(ch for ch in self.phone if ch.isdigit())
        return ("+" if self.phone.strip().startswith("+") else "") + digits


def hotline_for(page):
    """The hotline chosen on the home page above `page`, in the page's language."""
    home = HomePage.objects.ancestor_of(page, inclusive=True).first()
    if home is None or home.hotline is None:
        return None
    return home.hotline.get_translation_or_none(page.locale) or home.hotline


class PrintedAddressMixin:
    def public_url(self, request=None) -> str:
        """The address printed on posters and handbooks: SITE_URL and the page's path
        (SITE_URL is the public address, whichever host the editor printed from)."""
        url = self.get_url(request)
        return url if url.startswith("http") else settings.SITE_URL + url


class HomePage(Page):
    """The public front page, one per language."""

    intro = models.CharField(_("introduction"), max_length=300, blank=True)
    body = RichTextField(_("body"), blank=True)
    hotline = models.ForeignKey(
        SupportContact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hotline"),
        help_text=_("Shown on the home page, every guide and every poster: the province's own"),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("hotline"),
        FieldPanel("body"),
    ]
    max_count_per_parent = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.GuideIndexPage", "cms.TrainingIndexPage"]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["guide_index"] = GuideIndexPage.objects.child_of(self).live().first()
        context["training_index"] = TrainingIndexPage.objects.child_of(self).live().first()
        context["hotline"] = hotline_for(self)
        return context


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    NEW_TO_SMARTPHONES = "new_to_smartphones", _("People new to smartphones")
    OLDER_PEOPLE = "older_people", _("Older people")
    PEOPLE_WITH_DISABILITIES = "people_with_disabilities", _("People with disabilities")


class Topic(models.TextChoices):
    E_ID = "e_id", _("e-ID (VNeID)")
    PUBLIC_SERVICES = "public_services", _("Public services online")
    PAYMENTS = "payments", _("Paying online")
    DOCUMENTS = "documents", _("Papers and copies")
    SAFETY = "safety", _("Staying safe")


class GuideIndexPage(Page):
    """The guides for citizens, grouped by topic."""

    summary = models.TextField(_("summary"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("summary")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.GuidePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("guide index")

    def guides(self):
        return GuidePage.objects.child_of(self).live().public().specific()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        guides = self.guides()
        service = ServiceType.objects.filter(code=request.GET.get("service", "")).first()
        if service:
            guides = guides.filter(services=service)
        by_topic = {}
        for guide in guides:
            by_topic.setdefault(guide.topic, []).append(guide)
        context["service"] = service
        context["topics"] = [
            {"value": value, "label": label, "guides": by_topic[value]}
            for value, label in Topic.choices
            if value in by_topic
        ]
        return context


class GuidePage(PrintedAddressMixin, RoutablePageMixin, Page):
    """One task explained step by step, for citizens; printable as an A4 poster."""

    summary = models.TextField(
        _("summary"), help_text=_("One or two plain sentences: what this guide helps with")
    )
    audience = models.CharField(
        _("for whom"), max_length=30, choices=Audience.choices, default=Audience.EVERYONE
    )
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices)
    services = ParentalManyToManyField(
        ServiceType,
        blank=True,
        limit_choices_to={"active": True},
        related_name="+",
        verbose_name=_("services covered"),
        help_text=_("The same catalogue volunteers log their help in"),
    )
    what_to_bring = StreamField(
        [("item", blocks.CharBlock(label=_("item"), max_length=200))],
        blank=True,
        verbose_name=_("what to bring"),
    )
    steps = StreamField(step_blocks(), verbose_name=_("steps"))
    minutes_needed = models.PositiveSmallIntegerField(
        _("time needed (minutes)"), null=True, blank=True
    )
    last_reviewed = models.DateField(
        _("last reviewed"), help_text=_("When someone last checked every step still works")
    )
    help_contact = models.ForeignKey(
        SupportContact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who helps with this"),
        help_text=_("Shown with the home page's hotline, e.g. the VNeID helpline"),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("audience"), FieldPanel("topic")]),
                FieldPanel("services", widget=forms.CheckboxSelectMultiple),
                FieldRowPanel([FieldPanel("minutes_needed"), FieldPanel("last_reviewed")]),
                FieldPanel("help_contact"),
            ],
            heading=_("About this guide"),
        ),
        FieldPanel("what_to_bring"),
        FieldPanel("steps"),
        InlinePanel("related_guide_links", label=_("related guides"), max_num=4),
    ]

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("search_text_folded"),
    ]
    # Services are the same catalogue in every language: copied to translations.
    override_translatable_fields = [SynchronizedField("services")]

    parent_page_types = ["cms.GuideIndexPage"]
    subpage_types = []
    preview_modes = [("", _("Page")), ("poster", _("Poster"))]

    class Meta:
        verbose_name = _("guide")
        verbose_name_plural = _("guides")

    def search_text_folded(self) -> str:
        """Title, summary, what to bring and steps without diacritics (đ as d), so that
        "dang ky" finds "đăng ký" on SQLite and PostgreSQL alike."""
        parts = [self.title, self.summary]
        parts += [item.value for item in self.what_to_bring]
        parts += _stream_text(self.steps)
        return fold_text(" ".join(str(part) for part in parts if part))

    @cached_property
    def step_groups(self):
        return numbered_steps(self.steps)

    def related_guides(self):
        """Related guides in this page's language where translated, live ones only."""
        keys = [
            link.guide.translation_key for link in self.related_guide_links.select_related("guide")
        ]
        by_key = {}
        for page in GuidePage.objects.live().filter(translation_key__in=keys):
            # This page's language where translated, else the guide as it is.
            if page.translation_key not in by_key or page.locale_id == self.locale_id:
                by_key[page.translation_key] = page
        return [by_key[key] for key in keys if key in by_key]

    def contacts(self):
        """Who to call about this guide, then the home page's hotline."""
        found = []
        if self.help_contact:
            found.append(
                self.help_contact.get_translation_or_none(self.locale) or self.help_contact
            )
        hotline = hotline_for(self)
        if hotline and hotline not in found:
            found.append(hotline)
        return found

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["contacts"] = self.contacts()
        return context

    @path("")
    def guide(self, request):
        return self.render(request)

    @path("poster/")
    def poster(self, request):
        url = self.public_url(request)
        return self.render(
            request,
            template="cms/guide_page_poster.html",
            context_overrides={"poster_url": url, "qr_code": qr_code_svg(url)},
        )

    def serve_preview(self, request, mode_name):
        if mode_name == "poster":
            return self.poster(request)
        return super().serve_preview(request, mode_name)


class RelatedGuide(Orderable):
    page = ParentalKey(GuidePage, on_delete=models.CASCADE, related_name="related_guide_links")
    guide = models.ForeignKey(
        GuidePage, on_delete=models.CASCADE, related_name="+", verbose_name=_("guide")
    )

    panels = [PageChooserPanel("guide", "cms.GuidePage")]

    class Meta(Orderable.Meta):
        verbose_name = _("related guide")

    def __str__(self):
        return str(self.guide)


class TrainingIndexPage(RoutablePageMixin, Page):
    """Training modules for volunteers, and the handbook that prints them all."""

    summary = models.TextField(_("summary"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("summary")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.TrainingModulePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("training index")

    def modules(self):
        return TrainingModulePage.objects.child_of(self).live().public().specific()

    @path("")
    def index(self, request):
        return self.render(request, context_overrides={"modules": self.modules()})

    @path("handbook/")
    def handbook(self, request):
        return self.render(
            request,
            template="cms/training_index_page_handbook.html",
            context_overrides={"modules": self.modules()},
        )


class TrainingModulePage(PrintedAddressMixin, Page):
    """One training module: goals, steps, a video, documents and a short self-check."""

    summary = models.TextField(_("summary"), help_text=_("What a volunteer learns here"))
    goals = StreamField(
        [("goal", blocks.CharBlock(label=_("goal"), max_length=200))],
        blank=True,
        verbose_name=_("goals"),
    )
    steps = StreamField(step_blocks(), verbose_name=_("steps"))
    video_url = models.URLField(
        _("video"), blank=True, help_text=_("A YouTube or Vimeo address; shown embedded")
    )
    documents = StreamField(
        [("document", DocumentChooserBlock(label=_("document")))],
        blank=True,
        verbose_name=_("documents to download"),
    )
    self_check = StreamField(
        [("question", QuestionBlock())], blank=True, verbose_name=_("self-check")
    )
    minutes_needed = models.PositiveSmallIntegerField(
        _("time needed (minutes)"), null=True, blank=True
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("minutes_needed"),
        FieldPanel("goals"),
        FieldPanel("steps"),
        FieldPanel("video_url"),
        FieldPanel("documents"),
        FieldPanel("self_check"),
    ]

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("search_text_folded"),
    ]

    parent_page_types = ["cms.TrainingIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("training module")
        verbose_name_plural = _("training modules")

    def search_text_folded(self) -> str:
        """Like GuidePage.search_text_folded: the module's text without diacritics."""
        parts = [self.title, self.summary]
        parts += [goal.value for goal in self.goals]
        parts += _stream_text(self.steps)
        return fold_text(" ".join(str(part) for part in parts if part))

    @cached_property
    def step_groups(self):
        return numbered_steps(self.steps)


def _stream_text(stream) -> list[str]:
    """The words of a steps stream: headings, texts, tips and warnings."""
    texts = []
    for child in stream:
        if child.block_type == "step":
            texts += [child.value["heading"], child.value["text"]]
        else:
            texts.append(child.value)
    return texts
