"""Recording help sessions: the one path every log takes, from the phone page, the sync
API or a correction.

    results = record_sessions(volunteer, [{"uuid": "…", "commune": "06280", ...}, ...])

Each log gets one result: created, duplicate (the same UUID with the same content was
stored before), conflict (the same UUID with other content: nothing changed) or invalid
(with the reason for each field). A batch costs a handful of queries whatever its size:
everything a log is checked against is loaded once per batch.
"""

import contextlib
import hashlib
import json
import uuid as uuidlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from campaign import audit
from campaign.models import Campaign, ServiceType
from notifications.phones import InvalidPhone, normalise_mobile
from sessions import rollups
from sessions.models import PRIORITY_GROUPS, HelpSession
from teams.models import Assignment, Shift, ShiftSignup, Volunteer

BATCH_LIMIT = 500
# Phones' clocks drift: a log stamped a little in the future is accepted.
CLOCK_SKEW = timedelta(minutes=10)
MAX_SERVICES = 10

CREATED, DUPLICATE, CONFLICT, INVALID = "created", "duplicate", "conflict", "invalid"

TEXT_LIMITS = {"procedure": 200, "note": 300}
CHOICES = {
    "age_band": HelpSession.AgeBand.values,
    "gender": HelpSession.Gender.values,
    "outcome": HelpSession.Outcome.values,
    "follow_up": HelpSession.FollowUp.values,
}
FIELDS = {
    "uuid",
    "volunteer",
    "campaign",
    "commune",
    "shift",
    "helped_at",
    "minutes",
    "services",
    "procedure",
    "priority_groups",
    "age_band",
    "gender",
    "outcome",
    "note",
    "citizen_phone",
    "consent",
    "follow_up",
    "follow_up_on",
}


@dataclass
class Result:
    uuid: str | None
    status: str
    errors: dict[str, list[str]] = field(default_factory=dict)
    session: HelpSession | None = None
    # The campaign of the log, when it is the caller's (created or a repeat of theirs).
    campaign_id: int | None = None

    def as_dict(self) -> dict:
        answer = {"uuid": self.uuid, "status": self.status}
        if self.errors:
            answer["errors"] = self.errors
        return answer


# Left out of the content or said explicitly, these mean the same log.
DIGEST_DEFAULTS = {"outcome": HelpSession.Outcome.DONE}
WHOLE_NUMBERS = ("minutes", "campaign", "shift")


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
        limit = TEXT_LIMITS.get(name)
        if limit and len(value) > limit:
            self.fail(name, _("At most %(limit)d characters.") % {"limit": limit})
        return value

    def choice(self, name: str, default: str = "") -> str:
        value = self.text(name) or default
        if value and value not in CHOICES[name]:
            self.fail(
                name,
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": value, "choices": ", ".join(CHOICES[name])},
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
        item, context = self.item, self.context
        unknown = sorted(set(item) - FIELDS)
        for name in unknown:
            self.fail(name, _("Unknown field."))

        volunteer = item.get("volunteer")
        if volunteer not in (None, "", context.volunteer.pk):
            self.fail("volunteer", _("You can only log sessions as yourself."))

        helped_at = None
        if item.get("helped_at") in (None, ""):
            self.fail("helped_at", _("This field is required."))
        else:
            helped_at = parse_moment(item["helped_at"])
            if helped_at is None:
                self.fail(
                    "helped_at",
                    _("Not a date and time: use ISO 8601, e.g. 2026-12-01T09:30:00+07:00."),
                )
            elif helped_at > self.now + CLOCK_SKEW:
                self.fail("helped_at", _("This time is in the future."))

        minutes = self.integer("minutes", 1, 600)
        services = self.string_list("services")
        if not services and "services" not in self.errors:
            self.fail("services", _("Choose at least one service."))
        if len(services) > MAX_SERVICES:
            self.fail("services", _("At most %(limit)d services.") % {"limit": MAX_SERVICES})
        unknown_services = [code for code in services if code not in context.services]
        if unknown_services:
            self.fail(
                "services",
                _("Unknown service: %(codes)s.") % {"codes": ", ".join(unknown_services)},
            )
        groups = self.string_list("priority_groups")
        wrong_groups = [g for g in groups if g not in PRIORITY_GROUPS]
        if wrong_groups:
            self.fail(
                "priority_groups",
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": ", ".join(wrong_groups), "choices": ", ".join(PRIORITY_GROUPS)},
            )
        values = {
            "helped_at": helped_at,
            "minutes": minutes,
            "services": [context.services[c] for c in services if c in context.services],
            "procedure": self.text("procedure"),
            "age_band": self.choice("age_band"),
            "gender": self.choice("gender"),
            "outcome": self.choice("outcome", HelpSession.Outcome.DONE),
            "note": self.text("note"),
            **{group: group in groups for group in PRIORITY_GROUPS},
        }
        values.update(self.where(helped_at))
        values.update(self.contact(values.get("campaign")))
        if self.errors:
            raise Invalid
        return values

    def where(self, helped_at: datetime | None) -> dict:
        """The commune, campaign and shift: only where the volunteer is assigned."""
        item, context = self.item, self.context
        commune_code = item.get("commune")
        if commune_code in (None, ""):
            self.fail("commune", _("This field is required."))
            return {}
        commune_code = str(commune_code).strip()
        if commune_code not in context.communes:
            self.fail("commune", _("You are not assigned to this commune."))
            return {}
        if helped_at is None:
            return {}
        day = timezone.localdate(helped_at)
        covering = context.assignments_covering(commune_code, day)
        campaign_id = item.get("campaign")
        if campaign_id not in (None, ""):
            if isinstance(campaign_id, bool) or not isinstance(campaign_id, int):
                self.fail("campaign", _("Must be a whole number."))
                return {}
            covering = [a for a in covering if a.campaign_id == campaign_id]
        if not covering:
            self.fail(
                "commune",
                _("You are not assigned to this commune on %(day)s.")
                % {"day": day.strftime("%d/%m/%Y")},
            )
            return {}
        if len({a.campaign_id for a in covering}) > 1:
            self.fail("campaign", _("You work here for several campaigns: say which one."))
            return {}
        assignment = covering[0]
        values = {"commune": assignment.commune, "campaign": assignment.campaign, "shift": None}
        shift_id = item.get("shift")
        if shift_id not in (None, ""):
            shift = context.shifts.get(shift_id) if is_id(shift_id) else None
            if shift is None or shift.pk not in context.my_shifts:
                self.fail("shift", _("You have no place on this shift."))
            elif shift.cancelled_at is not None:
                self.fail("shift", _("This shift was cancelled."))
            elif shift.commune_id != assignment.commune.pk or (
                shift.campaign_id != assignment.campaign_id
            ):
                self.fail("shift", _("This shift is in another commune or campaign."))
            else:
                values["shift"] = shift
        return values

    def contact(self, campaign: Campaign | None) -> dict:
        """A citizen's number: only with consent, only for a follow-up they agreed to."""
        item = self.item
        raw_phone = item.get("citizen_phone")
        consent = item.get("consent", False)
        follow_up = self.choice("follow_up")
        if not isinstance(consent, bool):
            self.fail("consent", _("Must be true or false."))
            consent = False
        phone = ""
        if raw_phone not in (None, ""):
            try:
                phone = normalise_mobile(raw_phone).e164
            except InvalidPhone as problem:
                self.fail("citizen_phone", str(problem))
        follow_up_on = None
        if item.get("follow_up_on") not in (None, ""):
            raw_day = item["follow_up_on"]
            try:
                follow_up_on = parse_date(raw_day) if isinstance(raw_day, str) else None
            except ValueError:
                follow_up_on = None
            if follow_up_on is None:
                self.fail("follow_up_on", _("Not a date: use YYYY-MM-DD."))
        if raw_phone not in (None, "") and not consent:
            self.fail(
                "consent",
                _("A citizen's phone number is kept only when they agree: record their consent."),
            )
        if raw_phone not in (None, "") and not follow_up and "follow_up" not in self.errors:
            self.fail("follow_up", _("Choose the follow-up the citizen agreed to."))
        if follow_up and raw_phone in (None, ""):
            self.fail("citizen_phone", _("A follow-up needs the citizen's phone number."))
        if follow_up and follow_up_on is None and "follow_up_on" not in self.errors:
            self.fail("follow_up_on", _("Say on which day to send the follow-up."))
        if follow_up_on is not None:
            today = timezone.localdate(self.now)
            if follow_up_on < today:
                self.fail("follow_up_on", _("This day has passed."))
            elif campaign is not None and follow_up_on > campaign.contacts_purged_after:
                self.fail(
                    "follow_up_on",
                    _("Numbers are erased after %(day)s: choose an earlier day.")
                    % {"day": campaign.contacts_purged_after.strftime("%d/%m/%Y")},
                )
        if not phone or not consent:
            return {}
        return {
            "citizen_phone": phone,
            "contact_consent_at": self.now,
            "follow_up": follow_up,
            "follow_up_on": follow_up_on,
        }


def parse_uuid(value) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return str(uuidlib.UUID(value.strip()))
    except ValueError:
        return None


def record_sessions(volunteer: Volunteer, items: list, *, now=None) -> list[Result]:
    """Check and store a batch of logs by `volunteer`; one Result per item, in order."""
    now = now or timezone.now()
    context = Context(volunteer, [i for i in items if isinstance(i, dict)])
    uuids = [parse_uuid(i.get("uuid")) if isinstance(i, dict) else None for i in items]
    # Another volunteer's UUID is a conflict whatever the content: nothing of theirs shows.
    stored, campaigns = {}, {}
    for u, owner, d, campaign_id in HelpSession.objects.filter(
        uuid__in=[u for u in uuids if u]
    ).values_list("uuid", "volunteer_id", "content_digest", "campaign_id"):
        stored[str(u)] = d if owner == volunteer.pk else None
        if owner == volunteer.pk:
            campaigns[str(u)] = campaign_id
    results: list[Result] = []
    fresh: list[tuple[Result, HelpSession, list]] = []
    for item, key in zip(items, uuids, strict=True):
        if not isinstance(item, dict):
            results.append(Result(None, INVALID, {"": [_("Each log must be an object.")]}))
            continue
        if key is None:
            problem = (
                _("This field is required.")
                if item.get("uuid") in (None, "")
                else _("Not a UUID.")
            )
            results.append(Result(None, INVALID, {"uuid": [problem]}))
            continue
        fingerprint = digest(item)
        if key in stored:
            status = DUPLICATE if stored[key] == fingerprint else CONFLICT
            results.append(Result(key, status, campaign_id=campaigns.get(key)))
            continue
        checker = Checker(item, context, now)
        try:
            values = checker.check()
        except Invalid:
            results.append(Result(key, INVALID, checker.errors))
            continue
        services = values.pop("services")
        session = HelpSession(
            uuid=key, volunteer=volunteer, content_digest=fingerprint, created_at=now, **values
        )
        result = Result(key, CREATED, session=session, campaign_id=session.campaign.pk)
        results.append(result)
        fresh.append((result, session, services))
        stored[key] = fingerprint  # the same UUID later in this batch is a repeat
        campaigns[key] = session.campaign.pk
    if fresh:
        store(fresh)
    return results


def store(fresh: list[tuple[Result, HelpSession, list]]) -> None:
    """Write the new sessions of a batch, and queue their follow-ups, all or nothing.

    Another request may store one of these UUIDs at the same moment: then each session
    is written on its own, and the one already there is answered as a repeat."""
    from sessions.followups import schedule_follow_up

    Through = HelpSession.services.through
    try:
        with transaction.atomic():
            HelpSession.objects.bulk_create([session for _, session, _ in fresh])
            Through.objects.bulk_create(
                Through(helpsession_id=session.pk, servicetype_id=service.pk)
                for _, session, services in fresh
                for service in services
            )
            rollups.add_sessions((session, services) for _, session, services in fresh)
            for _, session, _ in fresh:
                if session.follow_up:
                    schedule_follow_up(session)
        return
    except IntegrityError:
        pass
    for result, session, services in fresh:
        session.pk = None
        try:
            with transaction.atomic():
                session.save(force_insert=True)
                session.services.set(services)
                rollups.add_sessions([(session, services)])
                if session.follow_up:
                    schedule_follow_up(session)
        except IntegrityError:
            existing = HelpSession.objects.filter(uuid=session.uuid).first()
            result.status = (
                DUPLICATE
                if existing
                and existing.volunteer_id == session.volunteer_id
                and existing.content_digest == session.content_digest
                else CONFLICT
            )
            result.session = None


def totals(volunteer: Volunteer, campaign: Campaign | None, now=None) -> dict[str, int]:
    """The citizens a volunteer helped today and in the campaign, for their phone page."""
    now = now or timezone.now()
    start_of_day = timezone.make_aware(datetime.combine(timezone.localdate(now), time.min))
    mine = HelpSession.objects.filter(volunteer=volunteer)
    return {
        "today": mine.filter(helped_at__gte=start_of_day).count(),
        "campaign": mine.filter(campaign=campaign).count() if campaign else mine.count(),
    }


CORRECTABLE = ("minutes", "services", "procedure", "priority_groups", "age_band", "gender",
               "outcome", "note")  # fmt: skip


def correct_session(session: HelpSession, item: dict, *, remove_contact=False, now=None):
    """Change the details of a stored log; returns the errors by field (empty when done).

    Where and when it happened stay as logged; the citizen's number can only be removed.
    """
    from sessions.contacts import erase_contact

    now = now or timezone.now()
    if not session.can_be_corrected(now):
        return {"": [_("This log can no longer be corrected.")]}
    merged = {name: item.get(name) for name in CORRECTABLE if name in item}
    merged.update(
        uuid=str(session.uuid),
        commune=session.commune.code,
        campaign=session.campaign_id,
        shift=session.shift_id,
        helped_at=session.helped_at.isoformat(),
    )
    checker = Checker(merged, Context(session.volunteer, [merged]), now)
    try:
        values = checker.check()
    except Invalid:
        return checker.errors
    services = values.pop("services")
    with transaction.atomic():
        services_before = list(session.services.all())
        before = audit.snapshot(session)
        counted = rollups.contribution(session, services_before)
        for name in ("minutes", "procedure", "age_band", "gender", "outcome", "note",
                     *PRIORITY_GROUPS):  # fmt: skip
            setattr(session, name, values[name])
        session.corrected_at = now
        session.save()
        session.services.set(services)
        rollups.apply_change(counted, rollups.contribution(session, services))
        codes_before = sorted(service.code for service in services_before)
        codes_after = sorted(service.code for service in services)
        audit.record_change(
            session,
            "corrected",
            actor=session.volunteer.user,
            before=before,
            details=(
                {"services": {"from": codes_before, "to": codes_after}}
                if codes_before != codes_after
                else None
            ),
        )
        if remove_contact and session.citizen_phone:
            erase_contact(session, actor=session.volunteer.user)
    return {}
