"""Volunteers in the registry: the list, the form, and the SMS invitation to an account.
Organisers and coordinators, scoped to the communes they may see."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Case, Prefetch, Q, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaign import audit
from campaign.access import campaign_staff_required, organised_provinces
from campaign.models import Commune
from lib.pagination import paginate
from lib.text import fold
from teams.models import Membership, Volunteer
from teams.registry.accounts import invite_volunteer
from teams.registry.forms import (
    VolunteerForm,
)


@campaign_staff_required
def volunteer_list(request):
    query = request.GET.get("q", "").strip()
    visible_communes = Commune.objects.visible_to(request.user)
    volunteers = (
        Volunteer.objects.visible_to(request.user)
        .search(query)
        .select_related("home_commune")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(team__commune__in=visible_communes)
                .select_related("team")
                .order_by("team__name"),
                to_attr="visible_memberships",
            )
        )
    )
    page, page_query = paginate(request, ranked(volunteers, query))
    return render(
        request,
        "teams/volunteer_list.html",
        {"query": query, "page": page, "page_query": page_query},
    )


def ranked(volunteers, query: str):
    """Names as typed, diacritics and all, first ("Hạnh" before "Hanh"); then names with
    a word that begins with the folded text; then the rest that contain it ("Thanh")."""
    folded = fold(query)
    if not folded or not any(ch.isalpha() for ch in query):
        return volunteers.order_by("full_name", "pk")
    return volunteers.annotate(
        match=Case(
            When(full_name__icontains=query, then=0),
            When(
                Q(search_name__startswith=folded) | Q(search_name__contains=f" {folded}"), then=1
            ),
            default=2,
        )
    ).order_by("match", "full_name", "pk")


@campaign_staff_required
def volunteer_edit(request, pk=None):
    volunteer = None
    if pk is not None:
        volunteer = get_object_or_404(Volunteer.objects.visible_to(request.user), pk=pk)
    form = VolunteerForm(request.POST or None, instance=volunteer, user=request.user)
    tracked = audit.Tracked(form.instance, actor=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            volunteer = form.save()  # save() keeps search_name in step with the name
            tracked.done()
        messages.success(request, _("%(name)s saved.") % {"name": volunteer.full_name})
        if form.phone_warning:
            messages.warning(request, form.phone_warning)
        return redirect("teams:volunteer_list")
    may_answer_requests = organised_provinces(request.user).exists()
    return render(
        request,
        "teams/volunteer_form.html",
        {"form": form, "volunteer": volunteer, "may_answer_requests": may_answer_requests},
    )


@campaign_staff_required
@require_POST
def volunteer_invite(request, pk):
    """Text the volunteer a one-time link to set their password on their phone."""
    volunteer = get_object_or_404(Volunteer.objects.visible_to(request.user), pk=pk)
    invite_volunteer(volunteer)
    messages.success(
        request, _("An invitation was sent to %(name)s by SMS.") % {"name": volunteer.full_name}
    )
    return redirect("teams:volunteer_edit", pk=volunteer.pk)
