from django.conf import settings
from django.db import models
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
