"""Teams and their members: the list, a team's page, its form, adding and removing
members.

Organisers and coordinators only; everything is scoped to the communes the user may
see (`campaign.access`), and an object outside them is a 404.
"""

from django.contrib import messages
from django.db import transaction
from django.db.models import Case, Count, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaign import audit
from campaign.access import campaign_staff_required
from lib.pagination import paginate_sorted
from lib.text import natural_key
from teams.models import Membership, Team
from teams.registry.forms import (
    MembershipForm,
    TeamFilterForm,
    TeamForm,
)


@campaign_staff_required
def team_list(request):
    filter_form = TeamFilterForm(request.GET or None, user=request.user)
    teams = Team.objects.visible_to(request.user)
    commune = None
    if filter_form.is_valid():
        commune = filter_form.cleaned_data["commune"]
        if commune:
            teams = teams.filter(commune=commune)
    teams = teams.select_related("commune").annotate(member_count=Count("memberships"))
    # By province, commune, then team name with its numbers as numbers (Tổ 2 before Tổ 11).
    page, page_query = paginate_sorted(
        request,
        teams,
        lambda province, commune, commune_id, name: (
            province,
            natural_key(commune),
            commune_id,
            natural_key(name),
        ),
        "commune__province__code",
        "commune__name",
        "commune_id",
        "name",
    )
    return render(
        request,
        "teams/team_list.html",
        {
            "filter_form": filter_form,
            "commune": commune,
            "page": page,
            "page_query": page_query,
        },
    )


def members_of(team):
    """Leader first, then deputies, then members, each by name."""
    rank = Case(
        When(role=Membership.Role.LEADER, then=0),
        When(role=Membership.Role.DEPUTY, then=1),
        default=2,
    )
    return team.memberships.select_related("volunteer").order_by(rank, "volunteer__full_name")


@campaign_staff_required
def team_detail(request, pk):
    team = get_object_or_404(
        Team.objects.visible_to(request.user).select_related("commune__province"), pk=pk
    )
    return render(
        request,
        "teams/team_detail.html",
        {
            "team": team,
            "memberships": members_of(team),
            "membership_form": MembershipForm(team=team),
        },
    )


@campaign_staff_required
def team_edit(request, pk=None):
    team = None
    if pk is not None:
        team = get_object_or_404(Team.objects.visible_to(request.user), pk=pk)
    form = TeamForm(request.POST or None, instance=team, user=request.user)
    tracked = audit.Tracked(form.instance, actor=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            team = form.save()
            tracked.done()
        messages.success(request, _("Team “%(name)s” saved.") % {"name": team.name})
        return redirect("teams:team_detail", pk=team.pk)
    return render(request, "teams/team_form.html", {"form": form, "team": team})


@campaign_staff_required
@require_POST
def membership_add(request, pk):
    team = get_object_or_404(Team.objects.visible_to(request.user), pk=pk)
    form = MembershipForm(request.POST, team=team)
    if form.is_valid():
        with transaction.atomic():
            membership = form.save()
            audit.record_change(membership, "created", actor=request.user)
        messages.success(
            request,
            _("%(name)s added to the team.") % {"name": membership.volunteer.full_name},
        )
        return redirect("teams:team_detail", pk=team.pk)
    return render(
        request,
        "teams/team_detail.html",
        {"team": team, "memberships": members_of(team), "membership_form": form},
        status=400,
    )


@campaign_staff_required
@require_POST
def membership_remove(request, pk, membership_pk):
    team = get_object_or_404(Team.objects.visible_to(request.user), pk=pk)
    membership = get_object_or_404(team.memberships.select_related("volunteer"), pk=membership_pk)
    with transaction.atomic():
        audit.record_deletion(membership, actor=request.user)
        membership.delete()
    messages.success(
        request, _("%(name)s removed from the team.") % {"name": membership.volunteer.full_name}
    )
    return redirect("teams:team_detail", pk=team.pk)
