"""Coverage: how many of the places of each shift are held, shift by shift and per
commune and day in one aggregate query; the weeks the calendars show."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from campaign.models import Campaign
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


# The calendars' cells -----------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    held: int
    needed: int

    @property
    def is_understaffed(self) -> bool:
        return self.held < self.needed
