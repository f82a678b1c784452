"""What a help-session log holds, and the one check every log passes, from the phone
page, the sync API or a correction.

LOG_FIELDS lists a log's fields once. The checker (Checker) reads them, the phone
page's form (sessions/views/log.py) posts them, the API's request schema
(sessions/api.py, HelpSessionIn) is made from them with the model's choices, and
corrections may change those marked `correctable`.
"""

import contextlib
import hashlib
import json
import uuid as uuidlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from campaign.models import Campaign, ServiceType
from notifications.phones import InvalidPhone, normalise_mobile
from sessions.models import PRIORITY_GROUPS, HelpSession
from teams.models import Assignment, Shift, ShiftSignup, Volunteer

# Phones' clocks drift: a log stamped a little in the future is accepted.
CLOCK_SKEW = timedelta(minutes=10)


class Kind(StrEnum):
    """The kind of value a field holds."""

    UUID = "uuid"
    CODE = "code"  # an official code, as text
    ID = "id"  # a primary key
    MOMENT = "moment"  # a date and time, ISO 8601
    WHOLE = "whole"  # a whole number within bounds
    CODES = "codes"  # a list of codes
    TEXT = "text"
    CHOICE = "choice"  # one of the model's choices
    FLAG = "flag"  # true or false
    DAY = "day"  # a date, YYYY-MM-DD


@dataclass(frozen=True)
class LogField:
    name: str
    kind: Kind
    description: str = ""
    required: bool = False
    longest: int | None = None  # characters of text, or codes in a list
    low: int | None = None  # whole numbers
    high: int | None = None
    choices: tuple[str, ...] = ()  # the model's, for a choice or a list of codes
    default: str = ""
    correctable: bool = False  # a volunteer may change it afterwards
    on_page: bool = True  # the phone page's form posts it


def values_of(choices: type[models.TextChoices]) -> tuple[str, ...]:
    return tuple(choices.values)


LOG_FIELDS = (
    LogField(
        "uuid", Kind.UUID, "Made by the client; the server keeps each one once", required=True
    ),
    LogField("commune", Kind.CODE, "Official code of the commune, e.g. 06280", required=True),
    LogField("campaign", Kind.ID, "Needed only when several campaigns apply"),
    LogField("shift", Kind.ID, "A shift the volunteer holds a place on"),
    LogField("volunteer", Kind.ID, "If given, the caller's own volunteer id", on_page=False),
    LogField(
        "helped_at",
        Kind.MOMENT,
        "When; without an offset, Vietnam's time",
        required=True,
        on_page=False,
    ),
    LogField("minutes", Kind.WHOLE, low=1, high=600, correctable=True),
    LogField("services", Kind.CODES, "Service codes", required=True, longest=10, correctable=True),
    LogField("procedure", Kind.TEXT, longest=200, correctable=True),
    LogField("priority_groups", Kind.CODES, choices=PRIORITY_GROUPS, correctable=True),
    LogField("age_band", Kind.CHOICE, choices=values_of(HelpSession.AgeBand), correctable=True),
    LogField("gender", Kind.CHOICE, choices=values_of(HelpSession.Gender), correctable=True),
    LogField(
        "outcome",
        Kind.CHOICE,
        choices=values_of(HelpSession.Outcome),
        default=HelpSession.Outcome.DONE,
        correctable=True,
    ),
    LogField("note", Kind.TEXT, longest=300, correctable=True),
    LogField("citizen_phone", Kind.TEXT, "Only with consent, for the follow-up"),
    LogField("consent", Kind.FLAG),
    LogField("follow_up", Kind.CHOICE, choices=values_of(HelpSession.FollowUp)),
    LogField("follow_up_on", Kind.DAY),
)
BY_NAME = {field.name: field for field in LOG_FIELDS}
FIELDS = set(BY_NAME)
CORRECTABLE = tuple(field.name for field in LOG_FIELDS if field.correctable)
MAX_SERVICES = BY_NAME["services"].longest


# Left out of the content or said explicitly, these mean the same log.
DIGEST_DEFAULTS = {field.name: field.default for field in LOG_FIELDS if field.default}
WHOLE_NUMBERS = tuple(field.name for field in LOG_FIELDS if field.kind in (Kind.WHOLE, Kind.ID))


def digest(item: dict) -> str:
    """A fingerprint of a log's content that does not depend on how it was written:
    key order, spaces, the order of lists, the time zone of the time, numbers sent as
    text, defaults left out and the volunteer's own id do not count."""
    canonical = {}
    for name in sorted(FIELDS - {"uuid", "volunteer"}):
        value = item.get(name)
        if isinstance(value, str):
            value = value.strip()
        if value in ("", None, [], False):
            value = DIGEST_DEFAULTS.get(name)
            if value is None:
                continue
        if isinstance(value, list):
            value = sorted(str(v).strip() for v in value)
        elif name == "helped_at" and isinstance(value, str):
            moment = parse_moment(value)
            value = moment.astimezone(UTC).isoformat() if moment else value
        elif name == "citizen_phone":
            with contextlib.suppress(InvalidPhone):
                value = normalise_mobile(value).e164
        elif name in WHOLE_NUMBERS and isinstance(value, str) and ascii_digits(value):
            value = int(value)
        canonical[name] = value if isinstance(value, (int, float, list)) else str(value)
    encoded = json.dumps(canonical, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()


def parse_moment(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = parse_datetime(value.strip())
    except ValueError:
        return None
    if moment is None:
        return None
    if timezone.is_naive(moment):  # the phone's wall clock, in Vietnam's time
        moment = timezone.make_aware(moment)
    try:  # near year 1 or 9999, the time has no UTC or no local equivalent
        moment.astimezone(UTC)
        timezone.localtime(moment)
    except OverflowError:
        return None
    return moment


def ascii_digits(text: str) -> bool:
    text = text.strip()
    return bool(text) and text.isascii() and text.isdigit() and len(text) < 19


def is_id(value) -> bool:
    """A value that can be a primary key: a positive whole number the database can hold
    (true is not 1)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63


class Context:
    """What the logs of one batch are checked against, loaded once."""

    def __init__(self, volunteer: Volunteer, items: list[dict]):
        self.volunteer = volunteer
        self.assignments = list(
            Assignment.objects.filter(volunteer=volunteer).select_related(
                "campaign", "commune__province"
            )
        )
        self.communes = {a.commune.code: a.commune for a in self.assignments}
        provinces = {a.commune.province_id for a in self.assignments}
        self.services = {}  # code -> ServiceType, for the provinces the volunteer works in
        for service in ServiceType.objects.filter(active=True):
            if service.province_id is None or service.province_id in provinces:
                self.services[service.code] = service
        shift_ids = {i.get("shift") for i in items if is_id(i.get("shift"))}
        self.shifts = Shift.objects.in_bulk(shift_ids) if shift_ids else {}
        self.my_shifts = set(
            ShiftSignup.objects.filter(
                volunteer=volunteer, shift__in=shift_ids, status__in=ShiftSignup.HOLDS_A_PLACE
            ).values_list("shift_id", flat=True)
            if shift_ids
            else []
        )

    def assignments_covering(self, commune_code: str, day: date) -> list[Assignment]:
        return [a for a in self.assignments if a.commune.code == commune_code and a.covers(day)]


class Invalid(Exception):
    pass


class Checker:
    """Checks one log, collecting every problem at once, keyed by field."""

    def __init__(self, item: dict, context: Context, now: datetime):
        self.item, self.context, self.now = item, context, now
        self.errors: dict[str, list[str]] = {}

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def text(self, name: str) -> str:
        value = self.item.get(name)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.fail(name, _("Must be text."))
            return ""
        value = value.strip()
        if "\x00" in value:  # PostgreSQL cannot store it
            self.fail(name, _("Must not contain the NUL character."))
            return ""
        limit = BY_NAME[name].longest
        if limit and len(value) > limit:
            self.fail(name, _("At most %(limit)d characters.") % {"limit": limit})
        return value

    def choice(self, name: str, default: str = "") -> str:
        value = self.text(name) or default
        choices = BY_NAME[name].choices
        if value and value not in choices:
            self.fail(
                name,
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": value, "choices": ", ".join(choices)},
            )
            return default
        return value

    def integer(self, name: str, low: int, high: int) -> int | None:
        value = self.item.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            with contextlib.suppress(ValueError):  # more digits than int() reads
                value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(name, _("Must be a whole number."))
            return None
        if not low <= value <= high:
            self.fail(
                name, _("Must be between %(low)d and %(high)d.") % {"low": low, "high": high}
            )
            return None
        return value

    def string_list(self, name: str) -> list[str]:
        value = self.item.get(name)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(name, _("Must be a list of codes."))
            return []
        return list(dict.fromkeys(v.strip() for v in value if v.strip()))

    def check(self) -> dict:
        item = self.item
        for name in sorted(set(item) - FIELDS):
            self.fail(name, _("Unknown field."))
        if item.get("volunteer") not in (None, "", self.context.volunteer.pk):
            self.fail("volunteer", _("You can only log sessions as yourself."))
        helped_at = self.moment()
        minutes = self.integer("minutes", BY_NAME["minutes"].low, BY_NAME["minutes"].high)
        services = self.services()
        groups = self.priority_groups()
        values = {
            "helped_at": helped_at,
            "minutes": minutes,
            "services": services,
            "procedure": self.text("procedure"),
            "age_band": self.choice("age_band"),
            "gender": self.choice("gender"),
            "outcome": self.choice("outcome", BY_NAME["outcome"].default),
            "note": self.text("note"),
            **{group: group in groups for group in PRIORITY_GROUPS},
        }
        values.update(self.where(helped_at))
        values.update(self.contact(values.get("campaign")))
        if self.errors:
            raise Invalid
        return values

    def moment(self) -> datetime | None:
        """When the citizen was helped: required, and not in the future."""
        if self.item.get("helped_at") in (None, ""):
            self.fail("helped_at", _("This field is required."))
            return None
        helped_at = parse_moment(self.item["helped_at"])
        if helped_at is None:
            self.fail(
                "helped_at",
                _("Not a date and time: use ISO 8601, e.g. 2026-12-01T09:30:00+07:00."),
            )
        elif helped_at > self.now + CLOCK_SKEW:
            self.fail("helped_at", _("This time is in the future."))
        return helped_at

    def services(self) -> list[ServiceType]:
        """The services given: at least one, at most MAX_SERVICES, from the catalogue
        of the volunteer's provinces."""
        known = self.context.services
        codes = self.string_list("services")
        if not codes and "services" not in self.errors:
            self.fail("services", _("Choose at least one service."))
        if len(codes) > MAX_SERVICES:
            self.fail("services", _("At most %(limit)d services.") % {"limit": MAX_SERVICES})
        unknown = [code for code in codes if code not in known]
        if unknown:
            self.fail("services", _("Unknown service: %(codes)s.") % {"codes": ", ".join(unknown)})
        return [known[code] for code in codes if code in known]

    def priority_groups(self) -> list[str]:
        groups = self.string_list("priority_groups")
        wrong = [group for group in groups if group not in PRIORITY_GROUPS]
        if wrong:
            self.fail(
                "priority_groups",
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": ", ".join(wrong), "choices": ", ".join(PRIORITY_GROUPS)},
            )
        return groups

    def where(self, helped_at: datetime | None) -> dict:
        """The commune, campaign and shift: only where the volunteer is assigned."""
        commune_code = self.item.get("commune")
        if commune_code in (None, ""):
            self.fail("commune", _("This field is required."))
            return {}
        commune_code = str(commune_code).strip()
        if commune_code not in self.context.communes:
            self.fail("commune", _("You are not assigned to this commune."))
            return {}
        if helped_at is None:
            return {}
        assignment = self.assignment(commune_code, timezone.localdate(helped_at))
        if assignment is None:
            return {}
        values = {"commune": assignment.commune, "campaign": assignment.campaign, "shift": None}
        if self.item.get("shift") not in (None, ""):
            values["shift"] = self.shift(assignment)
        return values

    def assignment(self, commune_code: str, day: date) -> Assignment | None:
        """The one assignment that puts the volunteer in the commune that day."""
        covering = self.context.assignments_covering(commune_code, day)
        campaign_id = self.item.get("campaign")
        if campaign_id not in (None, ""):
            if isinstance(campaign_id, bool) or not isinstance(campaign_id, int):
                self.fail("campaign", _("Must be a whole number."))
                return None
            covering = [a for a in covering if a.campaign_id == campaign_id]
        if not covering:
            self.fail(
                "commune",
                _("You are not assigned to this commune on %(day)s.")
                % {"day": day.strftime("%d/%m/%Y")},
            )
            return None
        if len({a.campaign_id for a in covering}) > 1:
            self.fail("campaign", _("You work here for several campaigns: say which one."))
            return None
        return covering[0]

    def shift(self, assignment: Assignment) -> Shift | None:
        """The shift named, if the volunteer holds a place on it there."""
        shift_id = self.item["shift"]
        shift = self.context.shifts.get(shift_id) if is_id(shift_id) else None
        if shift is None or shift.pk not in self.context.my_shifts:
            self.fail("shift", _("You have no place on this shift."))
        elif shift.cancelled_at is not None:
            self.fail("shift", _("This shift was cancelled."))
        elif shift.commune_id != assignment.commune.pk or (
            shift.campaign_id != assignment.campaign_id
        ):
            self.fail("shift", _("This shift is in another commune or campaign."))
        else:
            return shift
        return None

    def contact(self, campaign: Campaign | None) -> dict:
        """A citizen's number: only with consent, only for a follow-up they agreed to."""
        raw_phone = self.item.get("citizen_phone")
        given = raw_phone not in (None, "")
        consent = self.item.get("consent", False)
        follow_up = self.choice("follow_up")
        if not isinstance(consent, bool):
            self.fail("consent", _("Must be true or false."))
            consent = False
        phone = ""
        if given:
            try:
                phone = normalise_mobile(raw_phone).e164
            except InvalidPhone as problem:
                self.fail("citizen_phone", str(problem))
        follow_up_on = self.day("follow_up_on")
        if given and not consent:
            self.fail(
                "consent",
                _("A citizen's phone number is kept only when they agree: record their consent."),
            )
        if given and not follow_up and "follow_up" not in self.errors:
            self.fail("follow_up", _("Choose the follow-up the citizen agreed to."))
        if follow_up and not given:
            self.fail("citizen_phone", _("A follow-up needs the citizen's phone number."))
        if follow_up and follow_up_on is None and "follow_up_on" not in self.errors:
            self.fail("follow_up_on", _("Say on which day to send the follow-up."))
        if follow_up_on is not None:
            self.check_follow_up_day(follow_up_on, campaign)
        if not phone or not consent:
            return {}
        return {
            "citizen_phone": phone,
            "contact_consent_at": self.now,
            "follow_up": follow_up,
            "follow_up_on": follow_up_on,
        }

    def day(self, name: str) -> date | None:
        raw = self.item.get(name)
        if raw in (None, ""):
            return None
        try:
            day = parse_date(raw) if isinstance(raw, str) else None
        except ValueError:
            day = None
        if day is None:
            self.fail(name, _("Not a date: use YYYY-MM-DD."))
        return day

    def check_follow_up_day(self, day: date, campaign: Campaign | None) -> None:
        """A follow-up goes out from today until the campaign erases the number."""
        if day < timezone.localdate(self.now):
            self.fail("follow_up_on", _("This day has passed."))
        elif campaign is not None and day > campaign.contacts_purged_after:
            self.fail(
                "follow_up_on",
                _("Numbers are erased after %(day)s: choose an earlier day.")
                % {"day": campaign.contacts_purged_after.strftime("%d/%m/%Y")},
            )


def parse_uuid(value) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return str(uuidlib.UUID(value.strip()))
    except ValueError:
        return None
