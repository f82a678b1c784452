"""The registry: volunteers, the teams they belong to, their memberships and the
spreadsheet imports that fill it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from campaign.models import Commune, Province, Role
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
    zalo_consent = models.BooleanField(
        _("agrees to messages by Zalo"),
        default=True,
        db_default=True,
        help_text=_(
            "Given at registration: their shift messages come by Zalo first, by SMS when "
            "Zalo cannot deliver. Untick if they ask for SMS only"
        ),
    )
    active = models.BooleanField(pgettext_lazy("team", "active"), default=True)
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
