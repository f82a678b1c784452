"""Who may see which communes: the one place that decides.

Organisers see every commune of their province, coordinators the communes they were
given, superusers everything, everybody else nothing. Views and querysets in every app
ask here (`Commune.objects.visible_to(user)`, `can_see_commune`), never decide themselves.
"""

from django.db.models import Q

from campaign.models import Commune, Province, Role

NOTHING = Q(pk__in=[])


def visible_commune_filter(user) -> Q:
    """A filter on Commune that keeps what `user` may see."""
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return Q()
    organised = Role.objects.filter(user=user, kind=Role.Kind.ORGANISER).values("province_id")
    coordinated = Role.objects.filter(user=user, kind=Role.Kind.COORDINATOR).values("communes")
    return Q(province_id__in=organised) | Q(pk__in=coordinated)


def visible_communes(user):
    return Commune.objects.visible_to(user)


def visible_provinces(user):
    """Provinces in which `user` may see at least one commune."""
    if user.is_authenticated and user.is_active and user.is_superuser:
        return Province.objects.all()
    return Province.objects.filter(pk__in=visible_communes(user).values("province_id")).distinct()


def can_see_commune(user, commune) -> bool:
    return visible_communes(user).filter(pk=commune.pk).exists()


def roles_of(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(Role.objects.filter(user=user).values_list("kind", flat=True))


def is_staff_of_campaigns(user) -> bool:
    """Organisers and coordinators: the people who plan and watch campaigns."""
    return bool(roles_of(user) & {Role.Kind.ORGANISER, Role.Kind.COORDINATOR}) or (
        user.is_authenticated and user.is_superuser
    )
