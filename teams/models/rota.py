"""The rota: volunteers assigned to communes, the shifts of a campaign, who signed up
for which shift and came, and the private calendar feeds of shifts."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from campaign.models import Campaign, Commune, campaign_tag
from teams.models.registry import (
    Volunteer,
)


class Assignment(models.Model):
    """A volunteer placed in a commune for a campaign, or for part of it."""

    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("volunteer"),
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("campaign")
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("commune")
    )
    starts_on = models.DateField(
        _("from"), null=True, blank=True, help_text=_("Empty: the campaign's start")
    )
    ends_on = models.DateField(
        _("to"), null=True, blank=True, help_text=_("Empty: the campaign's end")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["campaign", "commune__name", "volunteer__full_name"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="assignment_ends_after_start",
            ),
        ]
        indexes = [
            # Sign-up checks: is this volunteer assigned to this commune on that day?
            models.Index(fields=["volunteer", "commune"], name="assignment_volunteer_commune"),
        ]

    def __str__(self):
        return f"{self.volunteer.full_name} → {self.commune} ({self.campaign})"

    @property
    def message_tag(self) -> str:
        return campaign_tag(self.campaign_id, self.commune_id)

    def covers(self, day) -> bool:
        start = self.starts_on or self.campaign.start
        end = self.ends_on or self.campaign.end
        return start <= day <= end


class ShiftQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(commune__in=Commune.objects.visible_to(user))

    def live(self):
        return self.filter(cancelled_at__isnull=True)


class Shift(models.Model):
    """Volunteers needed at a place in a commune between two times."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="shifts", verbose_name=_("campaign")
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="shifts", verbose_name=_("commune")
    )
    place = models.CharField(
        _("place"),
        max_length=200,
        help_text=_("For example the public administration service centre"),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    volunteers_needed = models.PositiveSmallIntegerField(_("volunteers needed"), default=2)
    language = models.CharField(
        _("language needed"), max_length=40, blank=True, help_text=_("For example Tày or Nùng")
    )
    skill = models.CharField(_("skill needed"), max_length=80, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    objects = ShiftQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "commune__name"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="shift_ends_after_start",
            ),
            # A roster generated twice adds nothing: one shift per commune, place and start.
            models.UniqueConstraint(
                fields=["commune", "place", "starts_at"], name="shift_once_per_place_and_time"
            ),
        ]
        indexes = [
            # Coverage calendars: a commune's shifts by time.
            models.Index(fields=["commune", "starts_at"], name="shift_commune_time"),
        ]

    def __str__(self):
        start = timezone.localtime(self.starts_at)
        return f"{self.place}, {self.commune} – {start:%d/%m %H:%M}"

    @property
    def message_tag(self) -> str:
        return campaign_tag(self.campaign_id, self.commune_id)


class ShiftSignup(models.Model):
    """A volunteer on a shift: invited by a coordinator or signed up, then confirmed."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")

    HOLDS_A_PLACE = (Status.INVITED, Status.CONFIRMED)

    shift = models.ForeignKey(
        Shift, on_delete=models.CASCADE, related_name="signups", verbose_name=_("shift")
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="signups", verbose_name=_("volunteer")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["shift", "volunteer__full_name"]
        verbose_name = _("shift sign-up")
        verbose_name_plural = _("shift sign-ups")
        constraints = [
            models.UniqueConstraint(fields=["shift", "volunteer"], name="signup_once_per_shift"),
        ]

    def __str__(self):
        return f"{self.volunteer.full_name}: {self.shift} ({self.get_status_display()})"

    @property
    def message_tag(self) -> str:
        return self.shift.message_tag


def new_calendar_token() -> str:
    """32 URL-safe characters: 192 random bits, too many to guess."""
    import secrets

    return secrets.token_urlsafe(24)


class CalendarFeedQuerySet(models.QuerySet):
    def live(self):
        return self.filter(revoked_at__isnull=True)


class CalendarFeed(models.Model):
    """A private iCalendar address: a volunteer's own shifts, or all the shifts of one
    commune in one campaign, for its coordinators.

    Calendar apps fetch the feed without signing in, so the token is the only secret.
    Revoking keeps the row (its token then answers 404) and makes a fresh one.
    """

    # Unique, hence indexed: every fetch of a feed looks its token up.
    token = models.CharField(
        _("token"), max_length=64, unique=True, default=new_calendar_token, editable=False
    )
    # The owner: a volunteer, or a commune in a campaign (the constraint below).
    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feeds",
        verbose_name=_("volunteer"),
    )
    commune = models.ForeignKey(
        Commune,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feeds",
        verbose_name=_("commune"),
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feeds",
        verbose_name=_("campaign"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    volunteer__isnull=False, commune__isnull=True, campaign__isnull=True
                )
                | models.Q(volunteer__isnull=True, commune__isnull=False, campaign__isnull=False),
                name="calendar_feed_has_one_owner",
            ),
            # One working link per owner: the management page shows it, revoking replaces it.
            models.UniqueConstraint(
                fields=["volunteer"],
                condition=models.Q(revoked_at__isnull=True, volunteer__isnull=False),
                name="calendar_feed_one_live_per_volunteer",
            ),
            models.UniqueConstraint(
                fields=["commune", "campaign"],
                condition=models.Q(revoked_at__isnull=True, commune__isnull=False),
                name="calendar_feed_one_live_per_commune",
            ),
        ]

    def __str__(self):
        owner = (
            self.volunteer.full_name if self.volunteer_id else f"{self.commune} ({self.campaign})"
        )
        state = _("revoked") if self.revoked_at else pgettext("calendar feed", "live")
        return f"{owner}: {state}"

    @property
    def is_for_volunteer(self) -> bool:
        return self.volunteer_id is not None
