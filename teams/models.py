from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign.models import Campaign, Commune, Province, Role, campaign_tag
from lib.text import fold
from notifications.phones import InvalidPhone, normalise_mobile


def validate_e164_mobile(value):
    try:
        mobile = normalise_mobile(value)
    except InvalidPhone as error:
        raise ValidationError(str(error), code="invalid_phone") from None
    if mobile.e164 != value:
        raise ValidationError(
            _("Store the number as %(e164)s"), code="not_e164", params={"e164": mobile.e164}
        )


class Affiliation(models.TextChoices):
    STUDENT = "student", _("Student")
    YOUTH_UNION = "youth_union", _("Youth union member")
    BUSINESS = "business", _("Business")
    OFFICIAL = "official", _("Official")
    RESIDENT = "resident", _("Resident")
    POLICE = "police", _("Police")
    TEACHER = "teacher", _("Teacher")
    OTHER = "other", _("Other")


class VolunteerQuerySet(models.QuerySet):
    def in_communes(self, communes):
        """Volunteers living in, or belonging to a team of, any of `communes`."""
        return self.filter(
            models.Q(home_commune__in=communes)
            | models.Q(
                pk__in=Membership.objects.filter(team__commune__in=communes).values("volunteer")
            )
        )

    def visible_to(self, user):
        return self.in_communes(Commune.objects.visible_to(user))

    def coordinating(self, commune_id):
        """The volunteers behind the active coordinator accounts of a commune: a
        coordinator is reached by SMS through the phone of their linked Volunteer."""
        roles = Role.objects.filter(kind=Role.Kind.COORDINATOR, communes=commune_id)
        return self.filter(user__in=roles.values("user"), user__is_active=True).exclude(phone="")

    def search(self, text):
        """By name without minding diacritics, or by any run of phone digits."""
        text = text.strip()
        if not text:
            return self
        digits = "".join(ch for ch in text if ch.isdigit())
        if digits and len(digits) >= 3 and len(digits) >= len(text.replace(" ", "")) - 1:
            if digits.startswith("84") and len(digits) > 9:
                digits = digits[2:]
            return self.filter(phone__contains=digits.lstrip("0"))
        return self.filter(search_name__contains=fold(text))


class Volunteer(models.Model):
    full_name = models.CharField(_("full name"), max_length=200)
    # Folded copy of the name (no diacritics, lower case) for searching as people type.
    search_name = models.CharField(max_length=200, editable=False, db_index=True)
    phone = models.CharField(
        _("phone"),
        max_length=16,
        unique=True,
        validators=[validate_e164_mobile],
        help_text=_("Mobile number in international form, e.g. +84912345678"),
    )
    affiliation = models.CharField(
        _("affiliation"), max_length=20, choices=Affiliation.choices, default=Affiliation.OTHER
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    home_commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resident_volunteers",
        verbose_name=_("home commune"),
    )
    languages = models.JSONField(
        _("languages spoken"), default=list, blank=True, help_text=_("For example Tày, Nùng")
    )
    skills = models.JSONField(_("skills"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer",
        verbose_name=_("user account"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")

    def __str__(self):
        return f"{self.full_name} ({self.phone})"

    def save(self, *args, **kwargs):
        self.search_name = self.search_key(self.full_name)
        super().save(*args, **kwargs)

    @staticmethod
    def search_key(full_name: str) -> str:
        """The folded name, cut to the column: folding can lengthen it ("ß" is "ss")."""
        return fold(full_name)[:200]


class TeamQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(commune__in=Commune.objects.visible_to(user))


class Team(models.Model):
    """A community digital-technology team, or a group of students or youth-union members."""

    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="teams", verbose_name=_("commune")
    )
    name = models.CharField(_("name"), max_length=200)
    village = models.CharField(_("village or residential group"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["commune__name", "name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            # Imports find a team by commune and name, whatever the case.
            models.UniqueConstraint("commune", Lower("name"), name="team_name_unique_in_commune"),
        ]

    def __str__(self):
        return f"{self.name} – {self.commune}"


class Membership(models.Model):
    class Role(models.TextChoices):
        LEADER = "leader", _("Leader")
        DEPUTY = "deputy", _("Deputy")
        MEMBER = "member", _("Member")

    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("team")
    )
    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("volunteer"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "volunteer"], name="membership_one_per_team_and_volunteer"
            ),
        ]

    def __str__(self):
        return f"{self.volunteer.full_name} – {self.team.name} ({self.get_role_display()})"


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The uploader's own jobs, and every job of a province `user` organises.

        A job's report names people from every row of the file, so a coordinator sees
        only the files they uploaded, not those of the coordinator next door.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        organised = Role.objects.filter(user=user, kind=Role.Kind.ORGANISER).values("province_id")
        return self.filter(models.Q(uploaded_by=user) | models.Q(province_id__in=organised))


class ImportJob(models.Model):
    """A spreadsheet uploaded through the web pages: previewed, then imported.

    Everything a page needs to show (status, progress, the report) is kept here, so
    a reload or another web host shows the current state.
    """

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="team_import_jobs",
        verbose_name=_("uploaded by"),
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="team_import_jobs",
        verbose_name=_("province"),
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    # The uploader's language at the time: the report's messages are written in it.
    language = models.CharField(_("language"), max_length=10, blank=True)
    skip_invalid = models.BooleanField(_("skip invalid rows"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PREVIEWED
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows checked"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # Counts, and the first problems: {"created": 3, ..., "errors": [{"line": 2,
    # "column": "Số điện thoại", "message": "..."}], "error_total": 1, "warnings": [...]}
    report = models.JSONField(_("report"), default=dict, blank=True)
    failure = models.TextField(_("reason for failure"), blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("team import")
        verbose_name_plural = _("team imports")

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def is_in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def has_header_errors(self) -> bool:
        """Columns are missing or repeated: no row can be imported."""
        return any(problem["line"] == 1 for problem in self.report.get("errors", []))

    @property
    def can_be_confirmed(self) -> bool:
        """A preview is confirmed only when the import would write something."""
        if self.status != self.Status.PREVIEWED or self.has_header_errors:
            return False
        return self.skip_invalid or not self.report.get("error_total", 0)


class BroadcastQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Broadcasts to a team or a commune among the communes `user` may see, and
        broadcasts to a whole campaign that `user` organises."""
        communes = Commune.objects.visible_to(user)
        return self.filter(
            models.Q(team__commune__in=communes)
            | models.Q(commune__in=communes)
            | models.Q(
                team__isnull=True,
                commune__isnull=True,
                campaign__in=Campaign.objects.organised_by(user),
            )
        )


class Broadcast(models.Model):
    """One SMS composed by an organiser and sent to every volunteer of a team, a commune
    or a whole campaign.

    The target is the team or the commune when one is set (never both), and otherwise
    the campaign: every active volunteer of the campaign's communes. With a team or a
    commune, `campaign` is optional context instead: the campaign the broadcast counts
    towards, whose brand and choice of diacritics it takes. The constraint below holds
    both readings.

    Each recipient's message is a notifications.Message whose subject is this row, so
    the message log is scoped by the broadcast's target. The figures are those of the
    moment it was sent.
    """

    # Carried by the compose form: a form submitted twice creates one broadcast.
    form_token = models.UUIDField(_("form token"), unique=True, editable=False)
    composed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="sms_broadcasts",
        verbose_name=_("composed by"),
    )
    # The target: a team, a commune, or (when both are empty) the campaign.
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sms_broadcasts",
        verbose_name=_("team"),
    )
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sms_broadcasts",
        verbose_name=_("commune"),
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sms_broadcasts",
        verbose_name=_("campaign"),
        help_text=_("The whole campaign when no team or commune is set"),
    )
    text = models.TextField(_("text"), help_text=_("As composed, before the brand is added"))
    brand = models.CharField(_("sender brand"), max_length=40)
    without_diacritics = models.BooleanField(_("sent without diacritics"), default=False)
    encoding = models.CharField(_("encoding"), max_length=8)
    segments_per_message = models.PositiveSmallIntegerField(_("segments per message"))
    recipient_count = models.PositiveIntegerField(
        _("recipients"), help_text=_("Numbers messaged, opted-out numbers excluded")
    )
    opted_out_count = models.PositiveIntegerField(_("opted out"), default=0)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    objects = BroadcastQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("SMS broadcast")
        verbose_name_plural = _("SMS broadcasts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(team__isnull=False, commune__isnull=True)
                | models.Q(team__isnull=True, commune__isnull=False)
                | models.Q(team__isnull=True, commune__isnull=True, campaign__isnull=False),
                name="broadcast_has_one_target",
            ),
        ]

    def __str__(self):
        if self.created_at is None:
            return str(self.target)
        return f"{self.target} ({timezone.localtime(self.created_at):%Y-%m-%d %H:%M})"

    @property
    def message_tag(self) -> str:
        """Counted in its campaign, in the commune it targets (whole campaign: none)."""
        if self.campaign_id is None:
            return ""
        commune_id = self.team.commune_id if self.team_id else self.commune_id
        return campaign_tag(self.campaign_id, commune_id)

    @property
    def target(self) -> Team | Commune | Campaign:
        if self.team_id:
            return self.team
        return self.commune if self.commune_id else self.campaign

    @property
    def is_to_campaign(self) -> bool:
        """Sent to every volunteer of the campaign, not to one team or commune of it."""
        return not (self.team_id or self.commune_id)


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
        state = _("revoked") if self.revoked_at else _("live")
        return f"{owner}: {state}"

    @property
    def is_for_volunteer(self) -> bool:
        return self.volunteer_id is not None
