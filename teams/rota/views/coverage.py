"""Coverage calendars: coordinators see a week of their commune's shifts, understaffed
ones standing out; organisers see the whole province a week at a time, one row per
commune and one cell per day. Both are scoped by `campaign.access`: a commune the user
may not see is a 404."""

from datetime import timedelta

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from campaign.access import campaign_staff_required, visible_campaigns
from campaign.models import Campaign, CampaignCommune, Commune
from teams.models import Shift, ShiftSignup
from teams.rota.coverage import (
    Cell,
    coverage_by_commune_and_day,
    local_midnight,
    week_of,
    with_places_held,
)


@campaign_staff_required
def coverage_latest(request):
    """The coverage of the most recent campaign the user may see."""
    campaign = visible_campaigns(request.user).order_by("-start", "-pk").first()
    if campaign is None:
        return render(request, "teams/coverage_province.html", {"campaign": None})
    return redirect("teams:coverage_province", campaign_id=campaign.pk)


@campaign_staff_required
def coverage_commune(request, campaign_id, commune_id):
    campaign = get_object_or_404(visible_campaigns(request.user), pk=campaign_id)
    commune = get_object_or_404(Commune.objects.visible_to(request.user), pk=commune_id)
    if not CampaignCommune.objects.filter(campaign=campaign, commune=commune).exists():
        raise Http404
    week = week_of(campaign, request.GET.get("week"))
    shifts = with_places_held(
        Shift.objects.filter(
            campaign=campaign,
            commune=commune,
            starts_at__gte=local_midnight(week.monday),
            starts_at__lt=local_midnight(week.sunday + timedelta(days=1)),
        )
    ).order_by("starts_at", "place")
    shifts = shifts.prefetch_related(
        Prefetch(
            "signups",
            ShiftSignup.objects.filter(status__in=ShiftSignup.HOLDS_A_PLACE)
            .select_related("volunteer")
            .order_by("volunteer__full_name"),
            to_attr="holding",
        )
    )
    by_day = {day: [] for day in week.days}
    now = timezone.now()
    open_shifts = []
    for shift in shifts:
        # Someone can still be placed on a live shift that has not started.
        shift.can_be_placed_on = shift.cancelled_at is None and shift.starts_at > now
        shift.is_understaffed = (
            shift.cancelled_at is None and shift.places_held < shift.volunteers_needed
        )
        shift.places_left = max(shift.volunteers_needed - shift.places_held, 0)
        shift.card_tag = f"card shift-{shift.pk}"  # placing.card_tag
        by_day[timezone.localtime(shift.starts_at).date()].append(shift)
        if shift.can_be_placed_on:
            open_shifts.append(shift)
    for shift in open_shifts:  # where someone on this shift may be moved to
        shift.move_to = [other for other in open_shifts if other.pk != shift.pk]
    return render(
        request,
        "teams/coverage_commune.html",
        {
            "campaign": campaign,
            "commune": commune,
            "week": week,
            "days": list(by_day.items()),
            "understaffed_count": sum(
                shift.is_understaffed for day_shifts in by_day.values() for shift in day_shifts
            ),
        },
    )


@campaign_staff_required
def coverage_province(request, campaign_id):
    """Organisers see every participating commune; coordinators only theirs."""
    campaign = get_object_or_404(
        visible_campaigns(request.user).select_related("province"), pk=campaign_id
    )
    week = week_of(campaign, request.GET.get("week"))
    communes = list(
        Commune.objects.visible_to(request.user)
        .filter(pk__in=CampaignCommune.objects.filter(campaign=campaign).values("commune"))
        .order_by("name", "pk")
    )
    coverage = coverage_by_commune_and_day(campaign, communes, week.monday, week.sunday)
    rows = []
    for commune in communes:
        cells = []
        for day in week.days:
            held, needed = coverage.get((commune.pk, day), (None, None))
            cells.append(Cell(held, needed) if needed else None)
        rows.append((commune, cells))
    return render(
        request,
        "teams/coverage_province.html",
        {
            "campaign": campaign,
            "week": week,
            "rows": rows,
            "may_generate_roster": Campaign.objects.organised_by(request.user)
            .filter(pk=campaign.pk)
            .exists(),
        },
    )
