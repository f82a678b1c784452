from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class DivisionType(models.TextChoices):
    """The official kinds of unit, as named by the government's list."""

    PROVINCE = "province", _("Province")
    CENTRAL_CITY = "central_city", _("Centrally-run city")
    COMMUNE = "commune", _("Commune")
    WARD = "ward", _("Ward")
    SPECIAL_ZONE = "special_zone", _("Special zone")


class Province(models.Model):
    code = models.CharField(_("official code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)
    division_type = models.CharField(
        _("division type"), max_length=20, choices=DivisionType.choices
    )
    codename = models.SlugField(_("name without diacritics"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self):
        return self.name


class CommuneQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The communes `user` may see; `campaign.access` decides."""
        from campaign.access import visible_commune_filter

        return self.filter(visible_commune_filter(user))


class Commune(models.Model):
    """A commune, ward or special zone: the unit campaigns set targets for."""

    code = models.CharField(_("official code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=100)
    division_type = models.CharField(
        _("division type"), max_length=20, choices=DivisionType.choices
    )
    codename = models.SlugField(_("name without diacritics"), max_length=100)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="communes", verbose_name=_("province")
    )

    objects = CommuneQuerySet.as_manager()

    class Meta:
        ordering = ["province__code", "name"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self):
        return self.name


class Role(models.Model):
    """What a person does in the campaigns, and where: one row per person and role.

    Organisers see the whole province, coordinators only their communes. Volunteers are
    registered in `teams`; this row only says that the account is a volunteer's.
    """

    class Kind(models.TextChoices):
        ORGANISER = "organiser", _("Province organiser")
        COORDINATOR = "coordinator", _("Commune coordinator")
        VOLUNTEER = "volunteer", _("Volunteer")
        EDITOR = "editor", _("Editor")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="campaign_roles",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("role"), max_length=20, choices=Kind.choices)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roles",
        verbose_name=_("province"),
    )
    communes = models.ManyToManyField(
        Commune, blank=True, related_name="coordinator_roles", verbose_name=_("communes")
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="role_one_per_user_and_kind"),
            models.CheckConstraint(
                condition=~models.Q(kind__in=["organiser", "coordinator"])
                | models.Q(province__isnull=False),
                name="role_organiser_and_coordinator_have_province",
            ),
        ]

    def __str__(self):
        where = f" – {self.province}" if self.province_id else ""
        return f"{self.user}: {self.get_kind_display()}{where}"


CAMPAIGN_DAYS = 45


def default_contact_retention_days() -> int:
    return settings.CITIZEN_CONTACT_RETENTION_DAYS


class CampaignQuerySet(models.QuerySet):
    def organised_by(self, user):
        """Campaigns of the provinces `user` organises (all of them for a superuser)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(
            province__roles__user=user, province__roles__kind=Role.Kind.ORGANISER
        ).distinct()


def campaign_tag(campaign_id, commune_id=None) -> str:
    """The tag (notifications.Message.tag) of the SMS sent about a campaign in a commune,
    or about the whole campaign; the dashboard counts a campaign's messages by it."""
    if commune_id is None:
        return f"campaign:{campaign_id}"
    return f"campaign:{campaign_id}:commune:{commune_id}"


class Campaign(models.Model):
    """A province's campaign, such as "45 days and nights supporting digital transformation"."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", pgettext_lazy("campaign status", "Active")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=200)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("province")
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), blank=True, help_text=_("Empty: 45 days after the start"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    sms_brand = models.CharField(
        _("SMS brand name"),
        max_length=40,
        help_text=_("Put before every message, as the rules for bulk SMS require"),
    )
    sms_without_diacritics = models.BooleanField(
        _("send SMS without diacritics"),
        default=False,
        help_text=_("Fits 160 characters in a message instead of 70"),
    )
    sms_only = models.BooleanField(
        _("SMS only"),
        default=False,
        db_default=False,
        help_text=_(
            "Never by Zalo: every message goes by SMS. Otherwise a notification with an "
            "approved Zalo template goes by Zalo first, to people who agreed to it"
        ),
    )
    description = models.TextField(_("description"), blank=True)
    citizen_contact_retention_days = models.PositiveSmallIntegerField(
        _("keep citizens' phone numbers for (days after the end)"),
        default=default_contact_retention_days,
        help_text=_(
            "Numbers citizens gave for a follow-up are erased this many days after the "
            "campaign ends"
        ),
    )
    communes = models.ManyToManyField(
        Commune, through="CampaignCommune", related_name="campaigns", verbose_name=_("communes")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "name"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="campaign_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.end is None and self.start is not None:
            self.end = self.start + timedelta(days=CAMPAIGN_DAYS)
        super().save(*args, **kwargs)

    @property
    def sms_sender(self) -> dict:
        """How its messages go out, as the outbox takes them (queue_message's `brand`
        and `without_diacritics`): the brand first, without diacritics if it says so."""
        return {"brand": self.sms_brand, "without_diacritics": self.sms_without_diacritics}

    def sender_for(self, *, zalo_consent: bool) -> dict:
        """`sms_sender`, and whether Zalo may carry the message: the campaign allows it
        and the person's consent covers it."""
        return {**self.sms_sender, "zalo": zalo_consent and not self.sms_only}

    @property
    def contacts_purged_after(self):
        """The last day citizens' phone numbers are kept; purged from the next day on."""
        return self.end + timedelta(days=self.citizen_contact_retention_days)

    def readiness(self):
        """Per participating commune: how many readiness criteria it has met, of how many."""
        total = self.readiness_criteria.count()
        rows = self.campaign_communes.select_related("commune").annotate(
            met=models.Count("readiness_checks")
        )
        return [(row.commune, row.met, total) for row in rows]

    def add_all_communes(self) -> int:
        """Every commune of the province takes part unless the organiser says otherwise."""
        present = set(self.campaign_communes.values_list("commune_id", flat=True))
        missing = [
            CampaignCommune(campaign=self, commune_id=pk)
            for pk in self.province.communes.values_list("pk", flat=True)
            if pk not in present
        ]
        CampaignCommune.objects.bulk_create(missing)
        return len(missing)


class CampaignCommune(models.Model):
    """A commune taking part in a campaign. Its targets are per indicator
    (IndicatorTarget, related name `targets`)."""

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        related_name="campaign_communes",
        verbose_name=_("campaign"),
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="+", verbose_name=_("commune")
    )
    unmatched_targets = models.JSONField(
        _("targets to set again"),
        default=dict,
        blank=True,
        help_text=_(
            "Targets typed as free text before indicators existed that no indicator took: "
            "{name: number}. Shown on the targets page until an organiser clears them"
        ),
    )

    class Meta:
        ordering = ["campaign", "commune__name"]
        verbose_name = _("campaign commune")
        verbose_name_plural = _("campaign communes")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "commune"], name="campaign_commune_once"),
        ]

    def __str__(self):
        return f"{self.campaign}: {self.commune}"


class ReadinessCriterion(models.Model):
    """One item of a campaign's readiness checklist, e.g. one of a province's 16 criteria."""

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        related_name="readiness_criteria",
        verbose_name=_("campaign"),
    )
    position = models.PositiveSmallIntegerField(_("number"))
    text = models.CharField(_("criterion"), max_length=300)

    class Meta:
        ordering = ["campaign", "position"]
        verbose_name = _("readiness criterion")
        verbose_name_plural = _("readiness criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "position"], name="readiness_criterion_position_once"
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.text}"


class ReadinessCheck(models.Model):
    """A commune ticking off a criterion, with the date it was met and a note."""

    campaign_commune = models.ForeignKey(
        CampaignCommune,
        on_delete=models.CASCADE,
        related_name="readiness_checks",
        verbose_name=_("campaign commune"),
    )
    criterion = models.ForeignKey(
        ReadinessCriterion,
        on_delete=models.CASCADE,
        related_name="checks",
        verbose_name=_("criterion"),
    )
    met_on = models.DateField(_("met on"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )

    class Meta:
        ordering = ["campaign_commune", "criterion__position"]
        verbose_name = _("readiness check")
        verbose_name_plural = _("readiness checks")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign_commune", "criterion"], name="readiness_check_once"
            ),
        ]

    def __str__(self):
        return f"{self.campaign_commune.commune}: {self.criterion} ({self.met_on})"


class CommuneReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Reports of the communes `user` may see (`campaign.access` decides)."""
        return self.filter(campaign_commune__commune__in=Commune.objects.visible_to(user))


class CommuneReport(models.Model):
    """The official figures a commune reports for one period of a campaign: applications
    received and how many of them were filed online, records digitised, fees paid online.

    Each report counts what happened in its own period (from and to, both included), so
    reports of one commune never overlap; the online-application rate of a period is
    online / received. Entered by coordinators or imported from a spreadsheet
    (`import_commune_reports`); a report for the same commune and last day is replaced.
    """

    class Source(models.TextChoices):
        FORM = "form", _("Entered on the site")
        IMPORT = "import", _("Imported from a spreadsheet")

    campaign_commune = models.ForeignKey(
        CampaignCommune,
        on_delete=models.CASCADE,
        related_name="reports",
        verbose_name=_("campaign commune"),
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    applications_received = models.PositiveIntegerField(_("applications received"))
    applications_online = models.PositiveIntegerField(
        _("of which filed online"),
        help_text=_("Applications received through the public service portal"),
    )
    records_digitised = models.PositiveIntegerField(
        _("records digitised"), null=True, blank=True, help_text=_("Empty: not reported")
    )
    payments_online = models.PositiveIntegerField(
        _("payments made online"), null=True, blank=True, help_text=_("Empty: not reported")
    )
    applications_end_to_end = models.PositiveIntegerField(
        _("of which online end to end"),
        null=True,
        blank=True,
        help_text=_(
            "Applications filed, processed and returned online, with no paper step. "
            "Empty: not reported"
        ),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.FORM
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CommuneReportQuerySet.as_manager()

    class Meta:
        ordering = ["campaign_commune", "period_end"]
        verbose_name = _("commune report")
        verbose_name_plural = _("commune reports")
        constraints = [
            # One report per commune and last day; the dashboard reads a campaign's
            # reports by commune and day through this index.
            models.UniqueConstraint(
                fields=["campaign_commune", "period_end"], name="commune_report_once_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="commune_report_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(applications_online__lte=models.F("applications_received")),
                name="commune_report_online_within_received",
            ),
            models.CheckConstraint(
                condition=models.Q(applications_end_to_end__isnull=True)
                | models.Q(applications_end_to_end__lte=models.F("applications_online")),
                name="commune_report_end_to_end_within_online",
            ),
        ]

    def __str__(self):
        period = f"{self.period_start:%d/%m/%Y}–{self.period_end:%d/%m/%Y}"
        return f"{self.campaign_commune.commune}: {period}"

    @property
    def online_rate(self):
        """Applications filed online, in per cent of those received; None without any."""
        if not self.applications_received:
            return None
        return self.applications_online * 100 / self.applications_received

    @property
    def end_to_end_rate(self):
        """Applications handled online end to end, in per cent of those received; None
        when not reported or without any."""
        if not self.applications_received or self.applications_end_to_end is None:
            return None
        return self.applications_end_to_end * 100 / self.applications_received

    def overlapping(self):
        """The other reports of the same commune whose period shares a day with this one."""
        return CommuneReport.objects.filter(
            campaign_commune_id=self.campaign_commune_id,
            period_start__lte=self.period_end,
            period_end__gte=self.period_start,
        ).exclude(pk=self.pk)


def label_in_language(name: str, name_en: str) -> str:
    """A catalogue entry's name in the language of the request (Vietnamese when there is
    no English one): services and indicators."""
    if (get_language() or "vi").startswith("en") and name_en:
        return name_en
    return name


def target_of(code: str):
    """The target of the indicator `code` for the campaign commune of the outer query, as
    a subquery: CampaignCommune.objects.annotate(citizens_target=target_of("..."))."""
    return Subquery(
        IndicatorTarget.objects.filter(
            campaign_commune=OuterRef("pk"), indicator__code=code
        ).values("value")[:1]
    )


class ServiceTypeQuerySet(models.QuerySet):
    def offered_in(self, province_id):
        """The national catalogue and the services a province added, in menu order."""
        return self.filter(
            models.Q(province__isnull=True) | models.Q(province_id=province_id), active=True
        )


class ServiceType(models.Model):
    """One thing volunteers help citizens with, such as creating an e-ID account.

    The national catalogue comes with Digihelp (province empty); a province's organisers
    add their own. Help sessions and guides name services by `code`.
    """

    code = models.SlugField(
        _("code"), max_length=40, unique=True, help_text=_("Used by the logging app and exports")
    )
    name = models.CharField(_("name in Vietnamese"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120, blank=True)
    province = models.ForeignKey(
        Province,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="service_types",
        verbose_name=_("province"),
        help_text=_("Empty: offered everywhere"),
    )
    position = models.PositiveSmallIntegerField(_("position in the menu"), default=100)
    active = models.BooleanField(_("offered"), default=True)

    objects = ServiceTypeQuerySet.as_manager()

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return label_in_language(self.name, self.name_en)


class IndicatorQuerySet(models.QuerySet):
    def offered_in(self, province_id):
        """The shipped indicators and those a province added, in display order."""
        return self.filter(
            models.Q(province__isnull=True) | models.Q(province_id=province_id), active=True
        )


class Indicator(models.Model):
    """One measure a commune's progress is judged on, and where its figure comes from.

    - From the help-session logs: the citizens helped, or those helped with one service
      (`service`), counting only the sessions done when `done_only` (a level-2 activation
      counts once it is activated, not while it waits for the police check).
    - From the commune reports: one of their figures (`report_field`), a count summed over
      the reports or a rate of their sums.
    - Imported: figures the province brings from elsewhere, per commune and period.

    Digihelp ships the indicators the state counts (province empty); a province adds
    its own. Targets are set per campaign and commune (IndicatorTarget).
    """

    class Unit(models.TextChoices):
        COUNT = "count", _("Count")
        RATE = "rate", _("Rate (%)")

    class Source(models.TextChoices):
        SESSIONS = "sessions", _("Help-session logs")
        REPORTS = "reports", _("Commune reports")
        IMPORTED = "imported", _("Imported figures")

    class ReportField(models.TextChoices):
        ONLINE_RATE = "online_rate", _("Applications filed online, of those received (%)")
        END_TO_END_RATE = "end_to_end_rate", _("Applications online end to end (%)")
        RECORDS_DIGITISED = "records_digitised", _("Records digitised")
        PAYMENTS_ONLINE = "payments_online", _("Payments made online")

    # The unit each report figure has.
    REPORT_UNITS = {
        ReportField.ONLINE_RATE: Unit.RATE,
        ReportField.END_TO_END_RATE: Unit.RATE,
        ReportField.RECORDS_DIGITISED: Unit.COUNT,
        ReportField.PAYMENTS_ONLINE: Unit.COUNT,
    }

    code = models.SlugField(
        _("code"), max_length=40, unique=True, help_text=_("Used in exports and imports")
    )
    name = models.CharField(_("name in Vietnamese"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120, blank=True)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    service = models.ForeignKey(
        ServiceType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service"),
        help_text=_("From the logs: the sessions that included this service; empty: every one"),
    )
    done_only = models.BooleanField(
        _("only sessions done"),
        default=False,
        help_text=_("From the logs: count a session only when its outcome is “done”"),
    )
    report_field = models.CharField(
        _("report figure"), max_length=20, choices=ReportField.choices, blank=True
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("province"),
        help_text=_("Empty: shipped with Digihelp, offered everywhere"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    active = models.BooleanField(_("in use"), default=True)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            # Each source names what it needs, and nothing of another source.
            models.CheckConstraint(
                condition=(
                    models.Q(source="reports") & ~models.Q(report_field="")
                    | ~models.Q(source="reports") & models.Q(report_field="")
                ),
                name="indicator_report_field_for_reports",
            ),
            models.CheckConstraint(
                condition=models.Q(source="sessions")
                | models.Q(service__isnull=True, done_only=False),
                name="indicator_service_for_sessions",
            ),
            # Logs count people; a rate comes from reports or an import.
            models.CheckConstraint(
                condition=~models.Q(source="sessions", unit="rate"),
                name="indicator_sessions_count",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return label_in_language(self.name, self.name_en)

    @property
    def is_rate(self) -> bool:
        return self.unit == self.Unit.RATE

    def clean(self):
        errors = {}
        if self.source == self.Source.REPORTS and not self.report_field:
            errors["report_field"] = _("Choose the report figure this indicator reads.")
        if self.source != self.Source.REPORTS and self.report_field:
            errors["report_field"] = _("Only an indicator from commune reports reads one.")
        if self.source != self.Source.SESSIONS and (self.service_id or self.done_only):
            errors["service"] = _("Only an indicator from the logs counts a service.")
        if self.source == self.Source.SESSIONS and self.unit == self.Unit.RATE:
            errors["unit"] = _("The logs count citizens: an indicator from them is a count.")
        expected = self.REPORT_UNITS.get(self.report_field)
        if self.source == self.Source.REPORTS and expected and self.unit != expected:
            errors["unit"] = (
                _("This report figure is a rate.")
                if expected == self.Unit.RATE
                else _("This report figure is a count.")
            )
        if errors:
            raise ValidationError(errors)


class IndicatorTarget(models.Model):
    """What one commune is to reach on one indicator during a campaign."""

    campaign_commune = models.ForeignKey(
        CampaignCommune,
        on_delete=models.CASCADE,
        related_name="targets",
        verbose_name=_("campaign commune"),
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="targets", verbose_name=_("indicator")
    )
    value = models.DecimalField(
        _("target"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["campaign_commune", "indicator"]
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign_commune", "indicator"], name="indicator_target_once"
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="indicator_target_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.campaign_commune}: {self.indicator} = {self.value}"

    def clean(self):
        problem = target_problem(self.indicator, self.value)
        if problem:
            raise ValidationError({"value": problem})


def target_problem(indicator: Indicator, value) -> str | None:
    """Why `value` cannot be a target of `indicator` (its unit), or None."""
    if value is None:
        return None
    if value < 0:
        return _("A target cannot be below zero.")
    if indicator.is_rate and value > 100:
        return _("A rate is at most 100 %.")
    if not indicator.is_rate and value != int(value):
        return _("This indicator counts: its target is a whole number.")
    return None


class AuditEventQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The events of the provinces `user` organises; all of them for a superuser.

        Coordinators see none: the trail is how organisers watch what everyone, the
        coordinators included, does with personal data, and most of its events (exports,
        purges, imports) belong to a whole province rather than to one commune.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        organised = Role.objects.filter(user=user, kind=Role.Kind.ORGANISER).values("province_id")
        return self.filter(province_id__in=organised)


class AuditEvent(models.Model):
    """Something done with personal data or settings that a province must be able to show:
    an export, a purge, a change, an import, an erasure on request. Written by
    `campaign.audit`, never edited.

    The object it is about is named by `subject_type` (the model's label, such as
    "teams.volunteer") and `subject_id`, so an event outlives the object. Changes name
    the fields that changed; for personal fields (names, phone numbers) only that they
    changed, never the values.
    """

    class Action(models.TextChoices):
        EXPORT = "export", _("Export")
        PURGE = "purge", _("Purge")
        CHANGE = "change", pgettext_lazy("audit trail action", "Change")
        IMPORT = "import", _("Import")
        ERASE = "erase", _("Erasure on request")

    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Empty: a scheduled job or a command"),
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("province"),
    )
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune"),
    )
    subject_type = models.CharField(_("object type"), max_length=60, blank=True)
    subject_id = models.CharField(_("object id"), max_length=40, blank=True)
    summary = models.CharField(_("what"), max_length=300)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            # The organisers' audit page: the events of their province, newest first.
            models.Index(
                fields=["province", "-created_at", "-id"], name="audit_event_province_newest"
            ),
            # A data request: everything recorded about one volunteer or other object.
            models.Index(fields=["subject_type", "subject_id"], name="audit_event_subject"),
        ]

    def __str__(self):
        return f"{self.get_action_display()}: {self.summary}"
