"""The coordinators' list of help sessions: the filters, and the rows of its export.

    form = SessionFilterForm(request.GET, user=request.user)
    if form.is_valid():
        sessions = filter_sessions(HelpSession.objects.visible_to(user), form.cleaned_data)

The form offers only what the user may see; the sessions are scoped before they reach
it (`HelpSession.objects.visible_to`). Dates are local days, both ends included.
Citizens' phone numbers are never among the exported columns.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy

from lib.text import fold
from sessions.models import HelpSession

SEPARATOR = "; "
CHUNK = 2000


def start_of(day: date) -> datetime:
    """Midnight at the start of `day`, local time."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def filter_sessions(sessions, filters: dict):
    """`sessions` narrowed by the cleaned data of a SessionFilterForm."""
    if campaign := filters.get("campaign"):
        sessions = sessions.filter(campaign=campaign)
    if commune := filters.get("commune"):
        sessions = sessions.filter(commune=commune)
    if name := fold(filters.get("volunteer") or ""):
        sessions = sessions.filter(volunteer__search_name__contains=name)
    if first := filters.get("date_from"):
        sessions = sessions.filter(helped_at__gte=start_of(first))
    if last := filters.get("date_to"):
        sessions = sessions.filter(helped_at__lt=start_of(last + timedelta(days=1)))
    if service := filters.get("service"):
        sessions = sessions.filter(services=service)
    if outcome := filters.get("outcome"):
        sessions = sessions.filter(outcome=outcome)
    return sessions


def newest_first(sessions):
    """With what a row shows, services included: a fixed number of queries."""
    return (
        sessions.select_related("volunteer", "commune")
        .prefetch_related("services")
        .order_by("-helped_at", "-pk")
    )


def priority_group_labels(session) -> list[str]:
    return [
        str(capfirst(HelpSession._meta.get_field(name).verbose_name))
        for name in session.priority_groups
    ]


def service_labels(session) -> list[str]:
    return [service.label for service in session.services.all()]


# The export ------------------------------------------------------------------------

EXPORT_HEADERS = (
    gettext_lazy("Time"),
    gettext_lazy("Commune code"),
    gettext_lazy("Commune name"),
    gettext_lazy("Volunteer"),
    gettext_lazy("Services"),
    gettext_lazy("Procedure"),
    gettext_lazy("Outcome"),
    gettext_lazy("Priority groups"),
    gettext_lazy("Age"),
    gettext_lazy("Gender"),
    gettext_lazy("Minutes"),
    gettext_lazy("Note"),
    gettext_lazy("Follow-up"),
)


def export_headers() -> list[str]:
    return [str(header) for header in EXPORT_HEADERS]


def export_row(session, zone) -> list[str]:
    """One session as the export's text cells, in the order of EXPORT_HEADERS."""
    return [
        f"{timezone.localtime(session.helped_at, zone):%Y-%m-%d %H:%M}",
        session.commune.code,
        session.commune.name,
        session.volunteer.full_name,
        SEPARATOR.join(service_labels(session)),
        session.procedure,
        session.get_outcome_display(),
        SEPARATOR.join(priority_group_labels(session)),
        session.get_age_band_display(),
        session.get_gender_display(),
        "" if session.minutes is None else str(session.minutes),
        session.note,
        session.get_follow_up_display(),
    ]


def export_rows(sessions, zone):
    """The rows of `sessions` (from `newest_first`), read a chunk at a time."""
    for session in sessions.iterator(chunk_size=CHUNK):
        yield export_row(session, zone)
