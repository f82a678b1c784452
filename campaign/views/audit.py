"""The audit trail's page: organisers see the events of their provinces, newest first.

Superusers see every event; coordinators, volunteers and everybody else get a 403
(see `AuditEventQuerySet.visible_to` for why coordinators do not see it). The filtered
list can be downloaded as .csv, and that download is itself an event.
"""

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from campaign import audit
from campaign.access import organised_provinces
from campaign.forms import AuditFilterForm, subject_type_label
from campaign.models import AuditEvent
from lib.spreadsheets.writing import CONTENT_TYPES, csv_lines

PAGE_SIZE = 50


def may_read_trail(user) -> bool:
    return organised_provinces(user).exists()


def filtered_events(request):
    """The filter form and the events it leaves, or None for the events when the filters
    are invalid. A 403 for anyone who may not read the trail."""
    if not may_read_trail(request.user):
        raise PermissionDenied
    events = AuditEvent.objects.visible_to(request.user)
    form = AuditFilterForm(request.GET or None, events=events)
    if not request.GET:
        return form, events
    if not form.is_valid():
        return form, None
    return form, form.filter(events)


def operation_label(event: AuditEvent) -> str:
    operation = (event.details or {}).get("operation", "")
    return str(audit.OPERATIONS.get(operation, operation))


def changed_field_labels(event: AuditEvent) -> list[str]:
    fields = (event.details or {}).get("fields") or {}
    try:
        model = apps.get_model(event.subject_type) if event.subject_type else None
    except (LookupError, ValueError):
        model = None
    return [audit.field_label(model, name) if model else name for name in fields]


def rows_of(events):
    for event in events:
        event.operation_label = operation_label(event)
        event.subject_label = subject_type_label(event.subject_type) if event.subject_type else ""
        event.field_labels = changed_field_labels(event)
        yield event


@login_required
def audit_log(request):
    form, events = filtered_events(request)
    if events is None:
        return render(request, "campaign/audit_log.html", {"form": form, "page": None}, status=400)
    events = events.select_related("actor", "province", "commune")
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    page.object_list = list(rows_of(page.object_list))
    return render(
        request,
        "campaign/audit_log.html",
        {"form": form, "page": page, "page_query": query.urlencode()},
    )


def event_rows(events):
    """The events as the export's rows, read a thousand at a time."""
    for event in rows_of(events.iterator(chunk_size=1000)):
        yield (
            timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M:%S"),
            event.actor.get_username() if event.actor else "",
            event.get_action_display(),
            event.province.name if event.province else "",
            event.commune.name if event.commune else "",
            event.subject_label,
            event.subject_id,
            event.operation_label,
            ", ".join(event.field_labels),
            event.summary,
        )


@login_required
def audit_export(request):
    form, events = filtered_events(request)
    if events is None:
        return render(request, "campaign/audit_log.html", {"form": form, "page": None}, status=400)
    events = events.select_related("actor", "province", "commune")
    count = events.count()
    provinces = list(events.order_by().values_list("province", flat=True).distinct()[:2])
    exported = audit.record(
        AuditEvent.Action.EXPORT,
        ngettext(
            "Audit trail, %(rows)d event (.csv)", "Audit trail, %(rows)d events (.csv)", count
        )
        % {"rows": count},
        actor=request.user,
        province=provinces[0] if len(provinces) == 1 else audit.actor_province(request.user),
        subject_type="campaign.auditevent",
        details={"filters": form.applied() if request.GET else {}, "rows": count},
    )
    headers = [
        _("When"),
        pgettext("who did it", "By"),
        _("Action"),
        _("Province"),
        _("Commune"),
        _("Object type"),
        _("Object id"),
        _("Operation"),
        _("Fields"),
        _("What"),
    ]
    response = StreamingHttpResponse(
        csv_lines(headers, event_rows(events.exclude(pk=exported.pk)), translation.get_language()),
        content_type=CONTENT_TYPES["csv"],
    )
    filename = f"nhat-ky-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
