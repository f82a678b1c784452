"""Check-in at a shift: who came, and each volunteer's hours.

A volunteer checks in from their phone page from half an hour before the shift until
its end, and checks out when they leave. A shift without a check-out counts until its
end.
"""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from teams.models import ShiftSignup, Volunteer

EARLY_CHECK_IN = timedelta(minutes=30)


class NotNow(Exception):
    """Checking in or out is not possible now; str() is the reason."""


def is_under_way(signup: ShiftSignup, *, now=None) -> bool:
    """Check-in is open: from EARLY_CHECK_IN before the start until the end."""
    now = now or timezone.now()
    shift = signup.shift
    return shift.starts_at - EARLY_CHECK_IN <= now < shift.ends_at


def check_in(signup: ShiftSignup, *, now=None) -> None:
    now = now or timezone.now()
    if signup.status not in ShiftSignup.HOLDS_A_PLACE or signup.shift.cancelled_at:
        raise NotNow(_("you do not hold a place on this shift"))
    if not is_under_way(signup, now=now):
        raise NotNow(_("check-in opens 30 minutes before the shift and closes at its end"))
    if signup.checked_in_at is None:  # a second tap keeps the first time
        signup.checked_in_at = now
        signup.save(update_fields=["checked_in_at"])


def check_out(signup: ShiftSignup, *, now=None) -> None:
    if signup.checked_in_at is None:
        raise NotNow(_("check in first"))
    if signup.checked_out_at is None:
        signup.checked_out_at = max(now or timezone.now(), signup.checked_in_at)
        signup.save(update_fields=["checked_out_at"])


def hours_worked(volunteer: Volunteer, campaign) -> Decimal:
    """Volunteer-hours in `campaign`, to one decimal: check-out (or the shift's end)
    minus check-in, over every shift they checked in to."""
    total = timedelta()
    signups = ShiftSignup.objects.filter(
        volunteer=volunteer, shift__campaign=campaign, checked_in_at__isnull=False
    ).select_related("shift")
    for signup in signups:
        until = signup.checked_out_at or signup.shift.ends_at
        total += max(until - signup.checked_in_at, timedelta())
    hours = Decimal(total.total_seconds()) / 3600
    return hours.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
