"""Personal-data requests: everything held about one volunteer or one citizen's phone
number, exported for them or erased at their request.

An organiser answers them for the province(s) they organise (a superuser for all). Each
app says what it holds about a person and erases it: teams (teams.personal_data: the
registry's record, the account, teams, assignments, shifts, calendar links), the help
sessions (sessions.personal_data: logs, API keys) and the outbox
(notifications.personal_data: messages, opt-outs). This module asks them, in one
transaction, and writes one audit event per request; asking twice erases nothing more.

Erasure keeps every row that is counted (help sessions, rollups, memberships,
assignments, shift sign-ups, messages), so the dashboard, the rollups and the SMS
totals read the same before and after; what goes is what names or reaches the person.
A citizen's number is erased from the help sessions and the outbox as the retention
purge does (`sessions.contacts.erase`), follow-ups withdrawn.
"""

import json
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign import audit
from campaign.access import organised_provinces
from campaign.models import AuditEvent, Commune, Province
from lib.moments import moment_text as when
from lib.spreadsheets.writing import workbook_of_sheets
from notifications import personal_data as outbox_data
from notifications.models import Message
from sessions import personal_data as sessions_data
from sessions.contacts import erase
from sessions.models import HelpSession
from teams import personal_data as teams_data
from teams.models import Volunteer

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


def one_province(volunteer: Volunteer, user):
    """The province the request's event belongs to."""
    province, _commune = audit.place_of(volunteer, user)
    return province


# A volunteer's data ------------------------------------------------------------------


def volunteer_data(volunteer: Volunteer, user) -> dict:
    """Everything held about `volunteer` in the provinces `user` answers for."""
    communes = communes_of(user) if not user.is_superuser else Commune.objects.all()
    held = teams_data.volunteer_data(volunteer, communes)
    calendar_links = held.pop("calendar_links")
    return {
        "exported_at": when(timezone.now()),
        **held,
        "help_sessions": sessions_data.volunteer_sessions(volunteer, communes),
        "messages": outbox_data.messages_to(volunteer.phone),
        "calendar_links": calendar_links,
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


@transaction.atomic
def erase_volunteer(volunteer: Volunteer, user) -> Erased:
    """Erase what identifies or reaches `volunteer`, keeping every count (see above)."""
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if teams_data.is_erased(volunteer):
        return Erased(already=True)
    now = timezone.now()
    phone, province = volunteer.phone, one_province(volunteer, user)
    naming = teams_data.rows_naming(volunteer)
    counts = teams_data.erase_volunteer(volunteer, now)
    if volunteer.user is not None:
        counts["api_tokens_revoked"] = sessions_data.revoke_api_tokens(volunteer.user, now)
    counts.update(outbox_data.erase_messages(phone, naming))
    audit.record(
        AuditEvent.Action.ERASE,
        _("Volunteer #%(id)s erased on request; their help sessions and counts are kept")
        % {"id": volunteer.pk},
        actor=user,
        province=province,
        subject=volunteer,
        details={"operation": "erased", "request": "data subject", **counts},
    )
    return Erased(counts=counts)


# A citizen's number ---------------------------------------------------------------------


def citizen_sessions(phone: str, user):
    return sessions_data.citizen_sessions(phone, communes_of(user))


def citizen_data(phone: str, user) -> dict:
    sessions = citizen_sessions(phone, user)
    return {
        "exported_at": when(timezone.now()),
        "phone": phone,
        "opted_out_since": when(outbox_data.opted_out_since(phone)),
        "help_sessions": sessions_data.citizen_session_rows(sessions),
        "messages": outbox_data.messages_to(
            phone, {HelpSession: list(sessions.values_list("pk", flat=True))}
        ),
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
    masked += (
        Message.objects.filter(recipient=phone)
        .filter(outbox_data.about({HelpSession: session_ids}))
        .update(recipient=outbox_data.ERASED)
    )
    counts = {
        "help_sessions": counted,
        "messages": masked,
        "ended_opt_outs_erased": outbox_data.end_opt_out_history(phone) if counted else 0,
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
