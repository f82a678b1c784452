"""The teams app's models, by subject: the registry (volunteers, teams, memberships,
imports), the rota (assignments, shifts, sign-ups, calendar feeds) and broadcasts.
Import them from here: `from teams.models import Volunteer, Shift`."""

from teams.models.broadcasts import Broadcast, BroadcastQuerySet
from teams.models.registry import (
    Affiliation,
    ImportJob,
    ImportJobQuerySet,
    Membership,
    Team,
    TeamQuerySet,
    Volunteer,
    VolunteerQuerySet,
    validate_e164_mobile,
)
from teams.models.rota import (
    Assignment,
    CalendarFeed,
    CalendarFeedQuerySet,
    Shift,
    ShiftQuerySet,
    ShiftSignup,
    new_calendar_token,
)

__all__ = [
    "Affiliation",
    "Assignment",
    "Broadcast",
    "BroadcastQuerySet",
    "CalendarFeed",
    "CalendarFeedQuerySet",
    "ImportJob",
    "ImportJobQuerySet",
    "Membership",
    "Shift",
    "ShiftQuerySet",
    "ShiftSignup",
    "Team",
    "TeamQuerySet",
    "Volunteer",
    "VolunteerQuerySet",
    "new_calendar_token",
    "validate_e164_mobile",
]
