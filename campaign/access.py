"""Who may see what: the one place that decides.

Organisers see every commune of their province, coordinators the communes they were
given, superusers everything, everybody else nothing. Every app asks here (or the
querysets used here: `Commune.objects.visible_to`, `Campaign.objects.organised_by`) and
never decides itself:

- communes: `visible_communes`, `can_see_commune`, `visible_provinces`;
- provinces a user organises: `organised_provinces`, `organises_campaign`;
- campaigns: `visible_campaigns` and `visible_campaign` (or 404), `organised_campaign`
  (403 or 404);
- a wider rule with its own name: `messageable_campaigns`, the campaigns a user may tag a
  broadcast with, which reach the whole province around their communes;
- the pages of organisers and coordinators: `campaign_staff_required`;
- the volunteer record behind a user's account: `volunteer_of`, `volunteer_or_404`.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from campaign.models import Campaign, CampaignCommune, Commune, Province, Role

NOTHING = Q(pk__in=[])


def is_active_user(user) -> bool:
    return user.is_authenticated and user.is_active


def visible_commune_filter(user) -> Q:
    """A filter on Commune that keeps what `user` may see."""
    if not is_active_user(user):
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
    if is_active_user(user) and user.is_superuser:
        return Province.objects.all()
    return Province.objects.filter(pk__in=visible_communes(user).values("province_id")).distinct()


def can_see_commune(user, commune) -> bool:
    return visible_communes(user).filter(pk=commune.pk).exists()


def organised_provinces(user):
    """Provinces in which `user` creates and runs campaigns and answers data requests."""
    if not is_active_user(user):
        return Province.objects.none()
    if user.is_superuser:
        return Province.objects.all()
    return Province.objects.filter(roles__user=user, roles__kind=Role.Kind.ORGANISER).distinct()


def organises_campaign(user, campaign) -> bool:
    return Campaign.objects.organised_by(user).filter(pk=campaign.pk).exists()


def visible_campaigns(user):
    """Campaigns `user` organises, and those in which they see a participating commune."""
    return Campaign.objects.filter(
        Q(pk__in=Campaign.objects.organised_by(user).values("pk"))
        | Q(
            pk__in=CampaignCommune.objects.filter(commune__in=visible_communes(user)).values(
                "campaign"
            )
        )
    )


def visible_campaign(user, pk) -> Campaign:
    """One of `visible_campaigns`, with its province; 404 for any other."""
    return get_object_or_404(visible_campaigns(user).select_related("province"), pk=pk)


def organised_campaign(user, pk) -> Campaign:
    """The campaign, if `user` organises it: 403 for non-organisers, 404 for others' ones."""
    if not organised_provinces(user).exists():
        raise PermissionDenied
    return get_object_or_404(Campaign.objects.organised_by(user), pk=pk)


def messageable_campaigns(user):
    """Campaigns `user` may tag a broadcast with and see the SMS totals of: those of the
    provinces in which they see a commune (all of an organiser's province, the province
    around a coordinator's communes). Only organisers message a whole campaign
    (`organises_campaign`)."""
    return Campaign.objects.filter(province__in=visible_provinces(user))


def roles_of(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(Role.objects.filter(user=user).values_list("kind", flat=True))


def is_staff_of_campaigns(user) -> bool:
    """Organisers and coordinators: the people who plan and watch campaigns."""
    return bool(roles_of(user) & {Role.Kind.ORGANISER, Role.Kind.COORDINATOR}) or (
        user.is_authenticated and user.is_superuser
    )


def campaign_staff_required(view):
    """Signed-in organisers, coordinators and superusers; anyone else gets a 403."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_staff_of_campaigns(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def volunteer_of(user):
    """The registry's volunteer (teams.Volunteer) behind `user`'s account, or None."""
    if not user.is_authenticated:
        return None
    try:
        return user.volunteer
    except ObjectDoesNotExist:
        return None


def volunteer_or_404(user):
    """volunteer_of(user), for the volunteer's own pages: 404 for an account without one."""
    volunteer = volunteer_of(user)
    if volunteer is None:
        raise Http404(_("This account is not linked to a volunteer."))
    return volunteer
