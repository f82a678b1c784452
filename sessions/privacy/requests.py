"""Personal-data requests: everything held about one volunteer or one citizen's phone
number, exported for them or erased at their request.

An organiser answers them for the province(s) they organise (a superuser for all).
Erasure keeps every row that is counted (help sessions, rollups, memberships,
assignments, shift sign-ups, messages), so the dashboard, the rollups and the SMS
totals read the same before and after; what goes is what names or reaches the person:

- a volunteer: name -> "Đã xoá (#id)", phone -> "erased-<id>" (not a number, and unique),
  organisation, languages and skills emptied, marked inactive; their account renamed,
  deactivated, without a usable password, its API tokens revoked; calendar links
  revoked; places on future shifts given up; messages not yet sent cancelled, and the
  copies of every message to them (or about their shifts and assignments) lose the
  number and the text; the admin's history of their rows loses their name; sign-in
  attempts under their number are forgotten.
- a citizen's number: erased from the help sessions and the outbox as the retention
  purge does (`sessions.contacts.erase`), follow-ups withdrawn.

A standing opt-out of the number is kept as it is, number included: it is what keeps
the person from being messaged again (every send looks the number up), and it names no
one. Opt-outs that have ended are history only and lose the number.

Every request, export or erasure, writes one audit event; asking twice erases nothing
more.
"""

import json
from dataclasses import dataclass, field

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign import audit
from campaign.access import organised_provinces
from campaign.models import AuditEvent, Commune, Province
from lib.spreadsheets.writing import workbook_of_sheets
from notifications.models import Message, OptOut
from sessions.contacts import ERASED, erase
from sessions.models import ApiToken, HelpSession
from teams.models import Assignment, CalendarFeed, Membership, ShiftSignup, Volunteer

ERASED_NAME = "Đã xoá (#{pk})"
ERASED_PHONE = "erased-{pk}"
ERASED_PREFIX = "erased-"


# Scope ---------------------------------------------------------------------------------


def may_answer_requests(user) -> bool:
    return organised_provinces(user).exists()


def communes_of(user):
    return Commune.objects.filter(province__in=organised_provinces(user))


def volunteers_for(user):
    """The volunteers whose requests `user` answers: living in, or in a team of, a
    commune of their provinces."""
    if user.is_authenticated and user.is_superuser:
        return Volunteer.objects.all()
    return Volunteer.objects.in_communes(communes_of(user))


def is_erased(volunteer: Volunteer) -> bool:
    return volunteer.phone.startswith(ERASED_PREFIX)


def when(moment) -> str:
    return audit.plain(moment) or ""


def one_province(volunteer: Volunteer, user):
    """The province the request's event belongs to."""
    province, _commune = audit.place_of(volunteer, user)
    return province


# A volunteer's data ------------------------------------------------------------------


def volunteer_data(volunteer: Volunteer, user) -> dict:
    """Everything held about `volunteer` in the provinces `user` answers for.

    Help sessions are listed without anything about the citizens (no number, no note,
    no age, gender or priority group): those are the citizens' data, not the volunteer's.
    """
    communes = communes_of(user) if not user.is_superuser else Commune.objects.all()
    account = volunteer.user
    sessions = (
        HelpSession.objects.filter(volunteer=volunteer, commune__in=communes)
        .select_related("campaign", "commune")
        .prefetch_related("services")
        .order_by("helped_at", "pk")
    )
    by_campaign = (
        sessions.order_by()
        .values("campaign__name", "commune__name")
        .annotate(sessions=Count("pk"))
        .order_by("campaign__name", "commune__name")
    )
    signups = (
        ShiftSignup.objects.filter(volunteer=volunteer, shift__commune__in=communes)
        .select_related("shift__campaign", "shift__commune")
        .order_by("shift__starts_at")
    )
    return {
        "exported_at": when(timezone.now()),
        "profile": {
            "id": volunteer.pk,
            "full_name": volunteer.full_name,
            "phone": volunteer.phone,
            "affiliation": volunteer.get_affiliation_display(),
            "organisation": volunteer.organisation,
            "home_commune": volunteer.home_commune.name if volunteer.home_commune_id else "",
            "languages": volunteer.languages,
            "skills": volunteer.skills,
            "active": volunteer.active,
            "created": when(volunteer.created_at),
            "updated": when(volunteer.updated_at),
        },
        "account": (
            {
                "username": account.get_username(),
                "active": account.is_active,
                "can_sign_in": account.has_usable_password(),
                "joined": when(account.date_joined),
                "last_sign_in": when(account.last_login),
            }
            if account
            else None
        ),
        "memberships": [
            {
                "team": m.team.name,
                "commune": m.team.commune.name,
                "role": m.get_role_display(),
                "since": when(m.created_at),
            }
            for m in Membership.objects.filter(volunteer=volunteer, team__commune__in=communes)
            .select_related("team__commune")
            .order_by("created_at")
        ],
        "assignments": [
            {
                "campaign": a.campaign.name,
                "commune": a.commune.name,
                "from": when(a.starts_on or a.campaign.start),
                "to": when(a.ends_on or a.campaign.end),
                "created": when(a.created_at),
            }
            for a in Assignment.objects.filter(volunteer=volunteer, commune__in=communes)
            .select_related("campaign", "commune")
            .order_by("created_at")
        ],
        "shift_signups": [
            {
                "campaign": s.shift.campaign.name,
                "commune": s.shift.commune.name,
                "place": s.shift.place,
                "starts": when(s.shift.starts_at),
                "ends": when(s.shift.ends_at),
                "status": s.get_status_display(),
                "checked_in": when(s.checked_in_at),
                "checked_out": when(s.checked_out_at),
                "shift_cancelled": when(s.shift.cancelled_at),
            }
            for s in signups
        ],
        "help_sessions": {
            "total": sessions.count(),
            "by_campaign_and_commune": [
                {
                    "campaign": row["campaign__name"],
                    "commune": row["commune__name"],
                    "sessions": row["sessions"],
                }
                for row in by_campaign
            ],
            "list": [
                {
                    "log_id": str(s.uuid),
                    "time": when(s.helped_at),
                    "campaign": s.campaign.name,
                    "commune": s.commune.name,
                    "services": ", ".join(service.code for service in s.services.all()),
                    "minutes": s.minutes,
                    "outcome": s.get_outcome_display(),
                    "corrected": when(s.corrected_at),
                }
                for s in sessions
            ],
        },
        "messages": [
            {
                "queued": when(m.created_at),
                "kind": m.kind,
                "status": m.get_status_display(),
                "text": m.text,
                "sent": when(m.sent_at),
                "delivered": when(m.delivered_at),
            }
            for m in Message.objects.filter(recipient=volunteer.phone).order_by("created_at")
        ],
        "calendar_links": [
            {"created": when(feed.created_at), "revoked": when(feed.revoked_at)}
            for feed in volunteer.calendar_feeds.order_by("created_at")
        ],
    }


def sections_as_sheets(data: dict) -> list[tuple[str, list[dict]]]:
    """The export's sections as (sheet name, rows) for a workbook."""
    sheets = []
    for name, value in data.items():
        if isinstance(value, dict) and "list" in value:  # help sessions: counts and list
            sheets.append((f"{name}_by_campaign", value["by_campaign_and_commune"]))
            sheets.append((name, value["list"]))
        elif isinstance(value, dict):
            sheets.append((name, [{"field": k, "value": v} for k, v in value.items()]))
        elif isinstance(value, list):
            sheets.append((name, value))
        elif value is not None:
            sheets.append((name, [{"value": value}]))
    return sheets


def render(data: dict, file_format: str) -> bytes:
    if file_format == "json":
        return json.dumps(data, ensure_ascii=False, indent=2).encode()
    sheets = []
    for name, rows in sections_as_sheets(data):
        headers = list(rows[0]) if rows else []
        sheets.append((name, headers, [[row.get(h) for h in headers] for row in rows]))
    return workbook_of_sheets(sheets)


def export_volunteer(volunteer: Volunteer, user, file_format: str) -> bytes:
    """The volunteer's data as a file, the export recorded in the audit trail."""
    data = volunteer_data(volunteer, user)
    with transaction.atomic():
        audit.record(
            AuditEvent.Action.EXPORT,
            _("Everything held about volunteer #%(id)s, on request (.%(format)s)")
            % {"id": volunteer.pk, "format": file_format},
            actor=user,
            province=one_province(volunteer, user),
            subject=volunteer,
            details={
                "operation": "exported",
                "request": "data subject",
                "format": file_format,
                "help_sessions": data["help_sessions"]["total"],
                "messages": len(data["messages"]),
            },
        )
    return render(data, file_format)


# Erasing a volunteer ------------------------------------------------------------------


@dataclass
class Erased:
    already: bool = False
    counts: dict = field(default_factory=dict)


def scrub_admin_history(model, pks, text: str) -> int:
    """The admin's change history names objects by their text: replace it."""
    content_type = ContentType.objects.get_for_model(model)
    return LogEntry.objects.filter(
        content_type=content_type, object_id__in=[str(pk) for pk in pks]
    ).update(object_repr=text)


def forget_sign_in_attempts(username: str) -> int:
    return sum(
        model.objects.filter(username=username).delete()[0]
        for model in (AccessAttempt, AccessFailureLog, AccessLog)
    )


def end_opt_out_history(phone: str) -> int:
    """Ended opt-outs are history only: they lose the number. A standing one is kept."""
    return OptOut.objects.filter(phone=phone, ended_at__isnull=False).update(phone=ERASED)


@transaction.atomic
def erase_volunteer(volunteer: Volunteer, user) -> Erased:
    """Erase what identifies or reaches `volunteer`, keeping every count (see above)."""
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if is_erased(volunteer):
        return Erased(already=True)
    now = timezone.now()
    pk = volunteer.pk
    phone = volunteer.phone
    province = one_province(volunteer, user)
    counts = {}

    volunteer.full_name = ERASED_NAME.format(pk=pk)
    volunteer.phone = ERASED_PHONE.format(pk=pk)
    volunteer.organisation = ""
    volunteer.languages = []
    volunteer.skills = []
    volunteer.active = False
    volunteer.save()  # search_name follows the name

    account = volunteer.user
    if account is not None:
        old_username = account.get_username()
        account.username = f"{ERASED_PREFIX}volunteer-{pk}"
        account.first_name = account.last_name = account.email = ""
        account.is_active = False
        account.set_unusable_password()
        account.save()
        counts["api_tokens_revoked"] = ApiToken.objects.filter(
            user=account, revoked_at__isnull=True
        ).update(revoked_at=now)
        counts["sign_in_attempts_forgotten"] = forget_sign_in_attempts(old_username)
        if old_username != phone:
            counts["sign_in_attempts_forgotten"] += forget_sign_in_attempts(phone)
    else:
        counts["sign_in_attempts_forgotten"] = forget_sign_in_attempts(phone)

    counts["calendar_links_revoked"] = (
        CalendarFeed.objects.live().filter(volunteer=volunteer).update(revoked_at=now)
    )
    counts["future_shifts_given_up"] = ShiftSignup.objects.filter(
        volunteer=volunteer,
        status__in=ShiftSignup.HOLDS_A_PLACE,
        shift__starts_at__gt=now,
    ).update(status=ShiftSignup.Status.DECLINED)

    # Messages: what has not gone out is cancelled; the copies lose number and text.
    signups = list(ShiftSignup.objects.filter(volunteer=volunteer).values_list("pk", flat=True))
    assignments = list(Assignment.objects.filter(volunteer=volunteer).values_list("pk", flat=True))
    memberships = list(Membership.objects.filter(volunteer=volunteer).values_list("pk", flat=True))
    about_them = Message.objects.filter(
        subject_type=ContentType.objects.get_for_model(ShiftSignup),
        subject_id__in=[str(s) for s in signups],
    ) | Message.objects.filter(
        subject_type=ContentType.objects.get_for_model(Assignment),
        subject_id__in=[str(a) for a in assignments],
    )
    to_them = Message.objects.filter(recipient=phone)
    counts["messages_cancelled"] = to_them.filter(status=Message.Status.QUEUED).update(
        status=Message.Status.CANCELLED,
        last_error_code="erased",
        last_error_reason="the recipient's data was erased on request",
        next_attempt_at=None,
    )
    counts["messages_blanked"] = to_them.update(recipient=ERASED, text="")
    counts["messages_blanked"] += about_them.exclude(text="").update(text="")
    counts["ended_opt_outs_erased"] = end_opt_out_history(phone)

    erased_text = ERASED_NAME.format(pk=pk)
    scrub_admin_history(Volunteer, [pk], erased_text)
    scrub_admin_history(Membership, memberships, erased_text)
    scrub_admin_history(Assignment, assignments, erased_text)
    scrub_admin_history(ShiftSignup, signups, erased_text)

    audit.record(
        AuditEvent.Action.ERASE,
        _("Volunteer #%(id)s erased on request; their help sessions and counts are kept")
        % {"id": pk},
        actor=user,
        province=province,
        subject=volunteer,
        details={"operation": "erased", "request": "data subject", **counts},
    )
    return Erased(counts=counts)


# A citizen's number ---------------------------------------------------------------------


def citizen_sessions(phone: str, user):
    return HelpSession.objects.filter(citizen_phone=phone, commune__in=communes_of(user))


def citizen_messages(phone: str, session_ids):
    """The messages to `phone` about the help sessions given (follow-ups)."""
    content_type = ContentType.objects.get_for_model(HelpSession)
    return Message.objects.filter(
        recipient=phone,
        subject_type=content_type,
        subject_id__in=[str(pk) for pk in session_ids],
    )


def citizen_data(phone: str, user) -> dict:
    sessions = (
        citizen_sessions(phone, user)
        .select_related("campaign", "commune")
        .prefetch_related("services")
        .order_by("helped_at", "pk")
    )
    optout = OptOut.objects.active().filter(phone=phone).first()
    return {
        "exported_at": when(timezone.now()),
        "phone": phone,
        "opted_out_since": when(optout.created_at) if optout else "",
        "help_sessions": [
            {
                "log_id": str(s.uuid),
                "time": when(s.helped_at),
                "campaign": s.campaign.name,
                "commune": s.commune.name,
                "services": ", ".join(service.code for service in s.services.all()),
                "outcome": s.get_outcome_display(),
                "consent_recorded": when(s.contact_consent_at),
                "follow_up": s.get_follow_up_display(),
                "follow_up_on": when(s.follow_up_on),
            }
            for s in sessions
        ],
        "messages": [
            {
                "queued": when(m.created_at),
                "kind": m.kind,
                "status": m.get_status_display(),
                "text": m.text,
                "sent": when(m.sent_at),
            }
            for m in citizen_messages(phone, [s.pk for s in sessions]).order_by("created_at")
        ],
    }


def holds(phone: str, user) -> bool:
    """Whether anything in `user`'s provinces holds the number."""
    return citizen_sessions(phone, user).exists()


def places_of(sessions) -> list[Province]:
    ids = sessions.order_by().values_list("commune__province", flat=True).distinct()
    return list(Province.objects.filter(pk__in=ids))


def export_citizen(phone: str, user, file_format: str) -> bytes:
    data = citizen_data(phone, user)
    with transaction.atomic():
        for province in places_of(citizen_sessions(phone, user)):
            audit.record(
                AuditEvent.Action.EXPORT,
                _("A citizen's data, on request: %(sessions)s help sessions (.%(format)s)")
                % {"sessions": len(data["help_sessions"]), "format": file_format},
                actor=user,
                province=province,
                subject_type="help_sessions.helpsession",
                details={
                    "operation": "exported",
                    "request": "data subject",
                    "format": file_format,
                    "help_sessions": len(data["help_sessions"]),
                    "messages": len(data["messages"]),
                },
            )
    return render(data, file_format)


@transaction.atomic
def erase_citizen(phone: str, user) -> dict:
    """Erase `phone` from the help sessions and messages of `user`'s provinces; one
    audit event per province. Returns the counts (all zero when nothing held it)."""
    sessions = citizen_sessions(phone, user)
    provinces = places_of(sessions)
    session_ids = list(sessions.values_list("pk", flat=True))
    counted = len(session_ids)
    # The follow-ups first (withdrawn, their copies masked), then any other message to
    # the number about these sessions.
    masked = erase(HelpSession.objects.filter(pk__in=session_ids))
    masked += citizen_messages(phone, session_ids).update(recipient=ERASED)
    counts = {
        "help_sessions": counted,
        "messages": masked,
        "ended_opt_outs_erased": end_opt_out_history(phone) if counted else 0,
    }
    for province in provinces:
        audit.record(
            AuditEvent.Action.ERASE,
            _("A citizen's phone number erased on request from %(sessions)s help sessions")
            % {"sessions": counted},
            actor=user,
            province=province,
            subject_type="help_sessions.helpsession",
            details={"operation": "erased", "request": "data subject", **counts},
        )
    return counts
