from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign.models import Campaign, Commune, ServiceType, campaign_tag
from teams.models import Shift, Volunteer


class HelpSessionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Sessions in the communes `user` may see (`campaign.access` decides), and a
        volunteer's own sessions wherever they logged them."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        own = models.Q(volunteer__user=user)
        return self.filter(own | models.Q(commune__in=Commune.objects.visible_to(user)))

    def with_details(self):
        return self.select_related("volunteer", "commune", "campaign", "shift").prefetch_related(
            "services"
        )


class HelpSession(models.Model):
    """One citizen helped by one volunteer: the campaign's record.

    The volunteer's phone makes the UUID before the log is sent, so a log sent twice
    (a retry after a lost answer) is stored once. No names are kept; a phone number only
    with the citizen's recorded consent, for the one follow-up they agreed to, until the
    campaign's retention period ends (`purge_citizen_contacts`).
    """

    class AgeBand(models.TextChoices):
        UNDER_18 = "under_18", _("Under 18")
        FROM_18_TO_39 = "18_39", _("18 to 39")
        FROM_40_TO_59 = "40_59", _("40 to 59")
        SIXTY_AND_OVER = "60_plus", _("60 and over")

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other")

    class Outcome(models.TextChoices):
        DONE = "done", _("Done")
        PARTLY_DONE = "partly_done", _("Partly done")
        REFERRED = "referred", _("Referred")
        NEEDS_FOLLOW_UP = "needs_follow_up", _("Needs follow-up")

    class FollowUp(models.TextChoices):
        APPLICATION_RESULT = "application_result", _("Application result ready on the portal")
        EID_LEVEL_2 = "eid_level_2", _("Finish level-2 e-ID activation at the ward centre")
        PAYMENT_DUE = "payment_due", _("Pay the fee online")

    uuid = models.UUIDField(_("log id"), unique=True, help_text=_("Made by the phone"))
    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.PROTECT,
        related_name="help_sessions",
        verbose_name=_("volunteer"),
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        related_name="help_sessions",
        verbose_name=_("campaign"),
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="help_sessions", verbose_name=_("commune")
    )
    shift = models.ForeignKey(
        Shift,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="help_sessions",
        verbose_name=_("shift"),
    )
    helped_at = models.DateTimeField(_("time"))
    minutes = models.PositiveSmallIntegerField(_("minutes spent"), null=True, blank=True)
    services = models.ManyToManyField(
        ServiceType, related_name="help_sessions", verbose_name=_("services given")
    )
    procedure = models.CharField(
        _("procedure"), max_length=200, blank=True, help_text=_("The procedure, if known")
    )
    elderly = models.BooleanField(_("elderly"), default=False)
    disability = models.BooleanField(_("person with a disability"), default=False)
    ethnic_minority = models.BooleanField(_("ethnic minority"), default=False)
    age_band = models.CharField(_("age"), max_length=10, choices=AgeBand.choices, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.DONE
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    # Only with consent, only for the follow-up below; erased by purge_citizen_contacts.
    citizen_phone = models.CharField(_("citizen's phone"), max_length=16, blank=True)
    contact_consent_at = models.DateTimeField(_("consent recorded"), null=True, blank=True)
    follow_up = models.CharField(
        _("follow-up SMS"), max_length=30, choices=FollowUp.choices, blank=True
    )
    follow_up_on = models.DateField(_("follow-up on"), null=True, blank=True)
    contact_purged_at = models.DateTimeField(_("phone number erased"), null=True, blank=True)
    # A digest of the content as first received: a retry with the same content is a
    # duplicate, one with other content a conflict. Corrections leave it as it was.
    content_digest = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("received"), default=timezone.now, editable=False)
    corrected_at = models.DateTimeField(_("corrected"), null=True, blank=True)

    objects = HelpSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-helped_at", "-pk"]
        verbose_name = _("help session")
        verbose_name_plural = _("help sessions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(citizen_phone="") | models.Q(contact_consent_at__isnull=False),
                name="help_session_phone_needs_consent",
            ),
            models.CheckConstraint(
                condition=models.Q(minutes__isnull=True) | models.Q(minutes__lte=600),
                name="help_session_minutes_at_most_ten_hours",
            ),
        ]
        indexes = [
            # The volunteer's totals on the phone page: their sessions today, this campaign.
            models.Index(fields=["volunteer", "helped_at"], name="session_volunteer_time"),
            # Coordinators' list and the dashboard: a campaign's sessions per commune by time.
            models.Index(fields=["campaign", "commune", "helped_at"], name="session_commune_time"),
            # The purge: numbers still held.
            models.Index(
                fields=["campaign"],
                condition=~models.Q(citizen_phone=""),
                name="session_contact_held",
            ),
        ]

    def __str__(self):
        when = timezone.localtime(self.helped_at) if self.helped_at else None
        stamp = f"{when:%d/%m %H:%M}" if when else ""
        return f"{self.commune} {stamp} – {self.volunteer.full_name}"

    @property
    def message_tag(self) -> str:
        return campaign_tag(self.campaign_id, self.commune_id)

    @property
    def priority_groups(self) -> list[str]:
        return [name for name in PRIORITY_GROUPS if getattr(self, name)]

    def correctable_until(self):
        return self.created_at + timedelta(hours=settings.HELP_SESSION_CORRECTION_HOURS)

    def can_be_corrected(self, now=None) -> bool:
        return (now or timezone.now()) < self.correctable_until()

    @property
    def follow_up_key(self) -> str:
        """The outbox key of this session's follow-up SMS: queued once, whatever happens."""
        return f"help-session:{self.uuid}:follow-up"


PRIORITY_GROUPS = ("elderly", "disability", "ethnic_minority")


class ApiToken(models.Model):
    """A key for an integration to call the API as one user, instead of a browser session.

    Only a digest is stored; the key itself is shown once when it is made
    (`manage.py create_api_token`).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("what it is for"), max_length=100)
    # Unique, hence indexed: every API call looks its digest up.
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.user}: {self.name}"


# Daily rollups ------------------------------------------------------------------------
#
# What the dashboard reads instead of the help sessions themselves: per campaign, commune
# and local day, the counts it shows. They are kept in step by sessions.rollups in the
# same transaction as every session stored or corrected, so they are always exact, and
# `manage.py rebuild_rollups` makes them again from the sessions.


class CommuneDayRollup(models.Model):
    """What every daily rollup row is counted for: one campaign, commune and local day."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", verbose_name=_("campaign")
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, related_name="+", verbose_name=_("commune")
    )
    day = models.DateField(_("day"))

    class Meta:
        abstract = True


class DailyRollup(CommuneDayRollup):
    """A commune's help sessions of one campaign on one local day, counted."""

    sessions = models.PositiveIntegerField(_("citizens helped"), default=0)
    minutes = models.PositiveBigIntegerField(_("minutes spent"), default=0)
    timed_sessions = models.PositiveIntegerField(_("sessions with minutes logged"), default=0)
    elderly = models.PositiveIntegerField(_("elderly"), default=0)
    disability = models.PositiveIntegerField(_("person with a disability"), default=0)
    ethnic_minority = models.PositiveIntegerField(_("ethnic minority"), default=0)
    priority = models.PositiveIntegerField(_("in any priority group"), default=0)
    eid_activations = models.PositiveIntegerField(_("e-ID activations"), default=0)

    class Meta:
        ordering = ["campaign", "day", "commune"]
        verbose_name = _("daily rollup")
        verbose_name_plural = _("daily rollups")
        constraints = [
            # The upsert's conflict target; the dashboard reads a campaign's communes by
            # day through it.
            models.UniqueConstraint(
                fields=["campaign", "commune", "day"], name="daily_rollup_once"
            ),
        ]
        indexes = [
            # The national view: every campaign's rows of a range of days.
            models.Index(fields=["day"], name="daily_rollup_day"),
        ]

    def __str__(self):
        return f"{self.commune_id} {self.day}: {self.sessions}"


class DailyServiceRollup(CommuneDayRollup):
    """How many of a commune's sessions on one day included one service, and how many of
    those were done (an indicator counting, say, level-2 activations reads these)."""

    service = models.ForeignKey(
        ServiceType, on_delete=models.CASCADE, related_name="+", verbose_name=_("service")
    )
    sessions = models.PositiveIntegerField(_("citizens helped"), default=0)
    done = models.PositiveIntegerField(_("of which done"), default=0)

    class Meta:
        ordering = ["campaign", "day", "commune", "service"]
        verbose_name = _("daily rollup by service")
        verbose_name_plural = _("daily rollups by service")
        constraints = [
            # The upsert's conflict target, and the dashboard's read by campaign.
            models.UniqueConstraint(
                fields=["campaign", "commune", "day", "service"],
                name="daily_service_rollup_once",
            ),
        ]

    def __str__(self):
        return f"{self.commune_id} {self.day} {self.service_id}: {self.sessions}"


class DailyVolunteerRollup(CommuneDayRollup):
    """How many sessions a volunteer logged in a commune on one day: the dashboard counts
    active volunteers from these rows, not from the sessions."""

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="+", verbose_name=_("volunteer")
    )
    sessions = models.PositiveIntegerField(_("citizens helped"), default=0)

    class Meta:
        ordering = ["campaign", "day", "commune", "volunteer"]
        verbose_name = _("daily rollup by volunteer")
        verbose_name_plural = _("daily rollups by volunteer")
        constraints = [
            # The upsert's conflict target, and the dashboard's read by campaign.
            models.UniqueConstraint(
                fields=["campaign", "commune", "day", "volunteer"],
                name="daily_volunteer_rollup_once",
            ),
        ]
        indexes = [
            # The dashboard's active volunteers today and in the last 7 days: read from
            # the index alone, without visiting the rows to check their count.
            models.Index(
                fields=["campaign", "day", "commune", "volunteer"],
                condition=models.Q(sessions__gt=0),
                name="daily_volunteer_active",
            ),
        ]

    def __str__(self):
        return f"{self.commune_id} {self.day} {self.volunteer_id}: {self.sessions}"


class CampaignVolunteerRollup(models.Model):
    """How many sessions a volunteer logged in a commune over the whole campaign: the
    active volunteers of a campaign's every day are counted from these rows (one per
    volunteer and commune), a chosen range of days from DailyVolunteerRollup."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", verbose_name=_("campaign")
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, related_name="+", verbose_name=_("commune")
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="+", verbose_name=_("volunteer")
    )
    sessions = models.PositiveIntegerField(_("citizens helped"), default=0)

    class Meta:
        ordering = ["campaign", "commune", "volunteer"]
        verbose_name = _("campaign rollup by volunteer")
        verbose_name_plural = _("campaign rollups by volunteer")
        constraints = [
            # The upsert's conflict target, and the dashboard's read by campaign.
            models.UniqueConstraint(
                fields=["campaign", "commune", "volunteer"],
                name="campaign_volunteer_rollup_once",
            ),
        ]

    def __str__(self):
        return f"{self.commune_id} {self.volunteer_id}: {self.sessions}"
