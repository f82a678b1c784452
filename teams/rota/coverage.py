"""Coverage calendars: how many of the places of each shift are held.

Coordinators see a week of their commune's shifts, understaffed ones standing out;
organisers see the whole province a week at a time, one row per commune and one cell
per day, made from one aggregate query. Both are scoped by `campaign.access`: a
commune the user may not see is a 404.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from campaign.access import campaign_staff_required, visible_campaigns
from campaign.models import Campaign, CampaignCommune, Commune
from teams.models import Shift, ShiftSignup

DAYS_IN_WEEK = 7


# Queries ----------------------------------------------------------------------------


def with_places_held(shifts):
    """`shifts`, each with `places_held`: its invited and confirmed volunteers."""
    return shifts.annotate(
        places_held=Count("signups", filter=Q(signups__status__in=ShiftSignup.HOLDS_A_PLACE))
    )


def places_held_of_each_shift():
    """The places held of the shift in the outer query, as a subquery.

    Summing it over a group counts each shift once, where a join on the sign-ups would
    repeat each shift's `volunteers_needed` once per sign-up.
    """
    held = (
        ShiftSignup.objects.filter(shift=OuterRef("pk"), status__in=ShiftSignup.HOLDS_A_PLACE)
        .order_by()
        .values("shift")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(held, output_field=IntegerField()), Value(0))


def coverage_by_commune_and_day(campaign, communes, first_day, last_day):
    """{(commune pk, local day): (places held, volunteers needed)} over the live shifts
    of `campaign` in `communes` from `first_day` to `last_day`: one query."""
    zone = timezone.get_current_timezone()
    rows = (
        Shift.objects.live()
        .filter(
            campaign=campaign,
            commune__in=communes,
            starts_at__gte=local_midnight(first_day),
            starts_at__lt=local_midnight(last_day + timedelta(days=1)),
        )
        .annotate(day=TruncDate("starts_at", tzinfo=zone))
        .order_by()
        .values("commune_id", "day")
        .annotate(held=Sum(places_held_of_each_shift()), needed=Sum("volunteers_needed"))
    )
    return {(row["commune_id"], row["day"]): (row["held"], row["needed"]) for row in rows}


# Weeks ------------------------------------------------------------------------------


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Week:
    """The week shown: its Monday, and the weeks before and after it within the campaign."""

    monday: date
    previous: date | None
    next: date | None

    @property
    def days(self) -> list[date]:
        return [self.monday + timedelta(days=n) for n in range(DAYS_IN_WEEK)]

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=DAYS_IN_WEEK - 1)


def week_of(campaign: Campaign, asked: str | None) -> Week:
    """The week of `asked` (YYYY-MM-DD), or of today; kept within the campaign."""
    try:
        day = date.fromisoformat(asked) if asked else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    day = min(max(day, campaign.start), campaign.end)
    monday = monday_of(day)
    previous = monday - timedelta(days=DAYS_IN_WEEK)
    following = monday + timedelta(days=DAYS_IN_WEEK)
    return Week(
        monday=monday,
        previous=previous if monday > campaign.start else None,
        next=following if following <= campaign.end else None,
    )


# Views ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    held: int
    needed: int

    @property
    def is_understaffed(self) -> bool:
        return self.held < self.needed


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
    by_day = {day: [] for day in week.days}
    now = timezone.now()
    for shift in shifts:
        # Someone can still be placed on a live shift that has not started.
        shift.can_be_placed_on = shift.cancelled_at is None and shift.starts_at > now
        shift.is_understaffed = (
            shift.cancelled_at is None and shift.places_held < shift.volunteers_needed
        )
        by_day[timezone.localtime(shift.starts_at).date()].append(shift)
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
