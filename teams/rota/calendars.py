"""Private iCalendar feeds of shifts, for the calendar app on a volunteer's phone.

A volunteer's feed lists the shifts where they hold a place (invited or confirmed), from
30 days ago on; a commune's feed lists every shift of the commune in one campaign, with
how many places are held, for its coordinators. Calendar apps fetch a feed without
signing in: the token in the address is the secret, and revoking it makes a new one.
"""

import hashlib
from datetime import UTC, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from teams.models import CalendarFeed, Shift, ShiftSignup
from teams.rota.coverage import with_places_held

PAST_DAYS_IN_VOLUNTEER_FEED = 30
# Calendar apps poll every few hours at most; a few minutes of caching costs nothing.
FEED_MAX_AGE = 300


# Calendar text ----------------------------------------------------------------------


def shift_sequence(shift) -> int:
    """Changes whenever the shift's times or its cancellation change, so calendar apps
    replace their copy of the event."""
    state = f"{shift.starts_at.isoformat()}|{shift.ends_at.isoformat()}|{bool(shift.cancelled_at)}"
    return int.from_bytes(hashlib.sha256(state.encode()).digest()[:3], "big")


def shift_event(shift, stamp) -> Event:
    event = Event()
    event.add("uid", f"shift-{shift.pk}@digihelp")
    event.add("dtstamp", stamp)
    event.add("sequence", shift_sequence(shift))
    event.add("dtstart", shift.starts_at.astimezone(UTC))
    event.add("dtend", shift.ends_at.astimezone(UTC))
    event.add("summary", f"{shift.place} — {shift.commune.name}")
    event.add("location", f"{shift.place}, {shift.commune.name}, {shift.commune.province.name}")
    if shift.cancelled_at:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
    places_held = getattr(shift, "places_held", None)
    if places_held is not None:
        event.add(
            "description",
            _("%(held)s of %(needed)s volunteers")
            % {
                "held": places_held,
                "needed": shift.volunteers_needed,
            },
        )
    return event


def render_ics(shifts, name) -> str:
    """`shifts` as an iCalendar (RFC 5545) document called `name`.

    A shift with `places_held` (see `coverage.with_places_held`) says how many of its
    places are held.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//Digihelp//Shifts//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now().astimezone(UTC).replace(microsecond=0)
    for shift in shifts:
        calendar.add_component(shift_event(shift, stamp))
    return calendar.to_ical().decode()


# Queries ----------------------------------------------------------------------------


def shifts_of_volunteer(volunteer, now=None):
    """Shifts where `volunteer` holds a place, from 30 days before `now` on."""
    since = (now or timezone.now()) - timedelta(days=PAST_DAYS_IN_VOLUNTEER_FEED)
    return Shift.objects.filter(
        signups__volunteer=volunteer,
        signups__status__in=ShiftSignup.HOLDS_A_PLACE,
        ends_at__gte=since,
    ).select_related("commune__province")


def shifts_of_commune(commune, campaign):
    """Every shift of `commune` in `campaign`, each with its places held."""
    return with_places_held(
        Shift.objects.filter(commune=commune, campaign=campaign).select_related(
            "commune__province"
        )
    )


def feed_url(feed) -> str:
    """The address calendar apps subscribe to, on the public site."""
    return settings.SITE_URL + reverse("teams:calendar_feed", args=[feed.token])


def live_feed(**owner) -> CalendarFeed:
    """The owner's working feed, made on first use."""
    feed = CalendarFeed.objects.live().filter(**owner).first()
    if feed is not None:
        return feed
    try:
        with transaction.atomic():
            return CalendarFeed.objects.create(**owner)
    except IntegrityError:  # made at the same moment by another request
        return CalendarFeed.objects.live().get(**owner)


@transaction.atomic
def renew_feed(**owner) -> CalendarFeed:
    """Revoke the owner's working feed, if any, and make a new one."""
    CalendarFeed.objects.live().filter(**owner).update(revoked_at=timezone.now())
    return CalendarFeed.objects.create(**owner)
