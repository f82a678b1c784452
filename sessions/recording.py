"""Recording help sessions: the one path every log takes, from the phone page, the sync
API or a correction, each checked by sessions.logs.

    results = record_sessions(volunteer, [{"uuid": "…", "commune": "06280", ...}, ...])

Each log gets one result: created, duplicate (the same UUID with the same content was
stored before), conflict (the same UUID with other content: nothing changed) or invalid
(with the reason for each field). A batch costs a handful of queries whatever its size:
everything a log is checked against is loaded once per batch.
"""

from dataclasses import dataclass, field
from datetime import datetime, time

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign import audit
from campaign.models import Campaign
from sessions import rollups
from sessions.logs import CORRECTABLE, Checker, Context, Invalid, digest, parse_uuid
from sessions.models import PRIORITY_GROUPS, HelpSession
from teams.models import Volunteer

BATCH_LIMIT = 500

CREATED, DUPLICATE, CONFLICT, INVALID = "created", "duplicate", "conflict", "invalid"


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
        for name in (*CORRECTABLE, *PRIORITY_GROUPS):
            if name not in ("services", "priority_groups"):
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
