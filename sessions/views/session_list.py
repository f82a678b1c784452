"""The coordinators' pages of help sessions: the filtered list and its export.

Organisers, coordinators and superusers only, and only the sessions they may see
(`HelpSession.objects.visible_to`). Every export is written to the audit trail.
"""

from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import ngettext

from campaign import access, audit
from campaign.access import campaign_staff_required
from campaign.models import AuditEvent
from lib.pagination import paginate
from lib.spreadsheets.writing import CONTENT_TYPES, csv_lines, workbook
from sessions.forms import SessionFilterForm
from sessions.listing import (
    export_headers,
    export_rows,
    filter_sessions,
    newest_first,
    priority_group_labels,
    service_labels,
)
from sessions.models import HelpSession

# What a spreadsheet would read as a formula at the start of a cell.


def filtered_sessions(request):
    """The filter form, and the visible sessions it keeps (None when it is invalid)."""
    form = SessionFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        return form, None
    sessions = filter_sessions(HelpSession.objects.visible_to(request.user), form.cleaned_data)
    return form, newest_first(sessions)


def invalid_filters(request, form):
    return render(
        request,
        "sessions/session_list.html",
        {"filter_form": form, "page": None, "rows": [], "page_query": ""},
        status=400,
    )


@campaign_staff_required
def session_list(request):
    form, sessions = filtered_sessions(request)
    if sessions is None:
        return invalid_filters(request, form)
    page, page_query = paginate(request, sessions)
    rows = [(session, service_labels(session), priority_group_labels(session)) for session in page]
    return render(
        request,
        "sessions/session_list.html",
        {"filter_form": form, "page": page, "rows": rows, "page_query": page_query},
    )


def province_of(user, filters):
    """The province an export belongs to, when there is one."""
    for chosen in (filters.get("commune"), filters.get("campaign")):
        if chosen is not None:
            return chosen.province
    provinces = list(access.visible_provinces(user)[:2])
    return provinces[0] if len(provinces) == 1 else None


@campaign_staff_required
def session_export(request, file_format):
    form, sessions = filtered_sessions(request)
    if sessions is None:
        return invalid_filters(request, form)
    count = sessions.count()
    audit.record(
        AuditEvent.Action.EXPORT,
        ngettext(
            "Help sessions, %(rows)d row (.%(format)s)",
            "Help sessions, %(rows)d rows (.%(format)s)",
            count,
        )
        % {"rows": count, "format": file_format},
        actor=request.user,
        province=province_of(request.user, form.cleaned_data),
        details={"filters": form.applied_filters(), "rows": count, "format": file_format},
    )
    headers = export_headers()
    rows = export_rows(sessions, timezone.get_current_timezone())
    if file_format == "csv":
        response = StreamingHttpResponse(
            csv_lines(headers, rows, translation.get_language()),
            content_type=CONTENT_TYPES["csv"],
        )
    else:
        response = HttpResponse(workbook(headers, rows), content_type=CONTENT_TYPES["xlsx"])
    filename = f"phien-ho-tro-{timezone.localdate():%Y%m%d}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
