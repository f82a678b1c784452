"""The volunteer's logging page: a log in three taps, on a phone, online or not.

The page is plain HTML that works without script (a form posted to the server, with a
UUID made when the page was drawn, so a double tap stores one log). With script
(sessions/static/sessions/log.js) logs are kept on the phone first and sent in batches
through the sync API whenever there is a connection; the service worker serves the page
and its files when there is none.
"""

import hashlib
import json
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from campaign.access import volunteer_or_404
from campaign.models import ServiceType
from sessions import recording
from sessions.logs import CORRECTABLE, LOG_FIELDS, Kind, LogField
from sessions.models import PRIORITY_GROUPS, HelpSession
from teams.models import Assignment, ShiftSignup, Volunteer

# A shift counts as the current one from an hour before it starts to an hour after.
SHIFT_MARGIN = timedelta(hours=1)
# Shifts the page knows about, so the copy kept offline still fits the next days.
SHIFTS_AHEAD = timedelta(days=7)
RECENT_LOGS = 20


def form_values(values: dict | None = None) -> dict:
    """Every field the forms show, so a blank form has a value for each."""
    blank = {field.name: blank_value(field) for field in LOG_FIELDS if field.on_page}
    return {**blank, **(values or {})}


def blank_value(field: LogField):
    return {Kind.CODES: [], Kind.WHOLE: None, Kind.ID: None, Kind.FLAG: False}.get(field.kind, "")


def item_from_post(post) -> dict:
    """The form's fields, named and typed as the sync API sends them."""
    item = {}
    for field in LOG_FIELDS:
        if not field.on_page:
            continue
        if field.kind == Kind.CODES:
            item[field.name] = post.getlist(field.name)
        elif field.kind == Kind.FLAG:
            item[field.name] = post.get(field.name) == "on"
        elif field.kind == Kind.ID:
            value = post.get(field.name, "").strip()
            item[field.name] = int(value) if value.isdigit() else (value or None)
        elif field.kind == Kind.TEXT:  # spaces alone are nothing typed
            value = post.get(field.name, "")
            item[field.name] = value if value.strip() else ""
        else:
            item[field.name] = post.get(field.name, "")
    return item


class Desk:
    """Where the volunteer works and what they can log: assignments, shifts, services."""

    def __init__(self, volunteer: Volunteer, now):
        self.volunteer, self.now = volunteer, now
        today = timezone.localdate(now)
        self.assignments = list(
            Assignment.objects.filter(volunteer=volunteer)
            .select_related("campaign", "commune")
            .order_by("commune__name")
        )
        self.today = [a for a in self.assignments if a.covers(today)]
        self.signups = list(
            ShiftSignup.objects.filter(
                volunteer=volunteer,
                status__in=ShiftSignup.HOLDS_A_PLACE,
                shift__cancelled_at__isnull=True,
                shift__ends_at__gt=now - SHIFT_MARGIN,
                shift__starts_at__lt=now + SHIFTS_AHEAD,
            )
            .select_related("shift__commune")
            .order_by("shift__starts_at")
        )
        provinces = {a.commune.province_id for a in self.assignments}
        self.services = [
            s
            for s in ServiceType.objects.filter(active=True)
            if s.province_id is None or s.province_id in provinces
        ]

    @property
    def current_shift(self):
        for signup in self.signups:
            shift = signup.shift
            if shift.starts_at - SHIFT_MARGIN <= self.now <= shift.ends_at + SHIFT_MARGIN:
                return shift
        return None

    @property
    def commune_choices(self):
        """One entry per commune the volunteer works in today (several campaigns: one)."""
        seen, choices = set(), []
        for assignment in self.today:
            if assignment.commune.code not in seen:
                seen.add(assignment.commune.code)
                choices.append(assignment.commune)
        return choices

    @property
    def default_commune(self):
        shift = self.current_shift
        if shift is not None:
            return shift.commune
        choices = self.commune_choices
        return choices[0] if choices else None

    @property
    def campaign(self):
        """The campaign of today's work, for the totals."""
        shift = self.current_shift
        if shift is not None:
            return shift.campaign
        return self.today[0].campaign if self.today else None

    def bootstrap(self) -> dict:
        """What log.js needs to pick the commune and shift itself, offline, later on."""
        return {
            "volunteer": self.volunteer.pk,
            "assignments": [
                {
                    "commune": a.commune.code,
                    "name": a.commune.name,
                    "campaign": a.campaign_id,
                    "from": (a.starts_on or a.campaign.start).isoformat(),
                    "to": (a.ends_on or a.campaign.end).isoformat(),
                }
                for a in self.assignments
            ],
            "shifts": [
                {
                    "id": s.shift_id,
                    "commune": s.shift.commune.code,
                    "place": s.shift.place,
                    "starts": s.shift.starts_at.isoformat(),
                    "ends": s.shift.ends_at.isoformat(),
                }
                for s in self.signups
            ],
        }


def strings() -> dict:
    """The words log.js shows, translated here so the script carries none."""
    return {
        "saved": _("Saved on this phone."),
        "sent": _("Sent."),
        "waiting": _("%(count)s waiting to send"),
        "all_sent": _("Everything is sent."),
        "offline": _("No connection: logs are kept on this phone and sent later."),
        "busy": _("The server asks to wait: logs are kept on this phone and sent in a moment."),
        "sign_in": _("Sign in again to send the logs kept on this phone."),
        "rejected": _("Not accepted, please log again:"),
        "choose_service": _("Choose at least one service."),
        "no_commune": _("You are not assigned to a commune today."),
    }


def page_context(request, volunteer, desk, *, errors=None, values=None):
    campaign = desk.campaign
    recent = (
        HelpSession.objects.filter(
            volunteer=volunteer,
            created_at__gte=desk.now - timedelta(hours=settings.HELP_SESSION_CORRECTION_HOURS),
        )
        .select_related("commune")
        .prefetch_related("services")
        .order_by("-created_at")[:RECENT_LOGS]
    )
    values = form_values(values)
    return {
        "volunteer": volunteer,
        "desk": desk,
        "current_shift": desk.current_shift,
        "default_commune": desk.default_commune,
        "campaign": campaign,
        "totals": recording.totals(volunteer, campaign, desk.now),
        "recent": recent,
        "form_uuid": values.get("uuid") or uuid.uuid4(),
        "values": values,
        "errors": errors or {},
        "outcomes": HelpSession.Outcome.choices,
        "age_bands": HelpSession.AgeBand.choices,
        "genders": HelpSession.Gender.choices,
        "follow_ups": HelpSession.FollowUp.choices,
        "priority_groups": [
            (name, HelpSession._meta.get_field(name).verbose_name) for name in PRIORITY_GROUPS
        ],
        "bootstrap_json": json.dumps(desk.bootstrap(), ensure_ascii=False),
        "strings_json": json.dumps(strings(), ensure_ascii=False),
        "sync_url": reverse("api-v1:sync"),
        "today": timezone.localdate(desk.now),
    }


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def log_page(request):
    volunteer = volunteer_or_404(request.user)
    desk = Desk(volunteer, timezone.now())
    if request.method == "POST":  # the page without script
        item = item_from_post(request.POST)
        item["helped_at"] = desk.now.isoformat()
        [result] = recording.record_sessions(volunteer, [item], now=desk.now)
        # The same form sent twice (a double tap) differs only by its time: one log.
        repeated = result.status == recording.CONFLICT and (
            HelpSession.objects.filter(uuid=result.uuid, volunteer=volunteer).exists()
        )
        if result.status in (recording.CREATED, recording.DUPLICATE) or repeated:
            messages.success(request, _("Saved. Thank you!"))
            return redirect("help_sessions:log")
        errors = result.errors or {"uuid": [_("This log was stored before with other details.")]}
        context = page_context(request, volunteer, desk, errors=errors, values=item)
        return render(request, "sessions/log_page.html", context, status=400)
    return render(request, "sessions/log_page.html", page_context(request, volunteer, desk))


@login_required
@require_http_methods(["GET", "POST"])
def log_correct(request, session_uuid):
    """The volunteer corrects one of their logs, for a day after it reached the server."""
    volunteer = volunteer_or_404(request.user)
    session = get_object_or_404(
        HelpSession.objects.select_related("commune", "campaign").prefetch_related("services"),
        uuid=session_uuid,
        volunteer=volunteer,
    )
    now = timezone.now()
    if not session.can_be_corrected(now):
        context = {"session": session, "settings_hours": settings.HELP_SESSION_CORRECTION_HOURS}
        return render(request, "sessions/log_too_late.html", context, status=410)
    desk = Desk(volunteer, now)
    errors = {}
    if request.method == "POST":
        item = item_from_post(request.POST)
        errors = recording.correct_session(
            session, item, remove_contact=request.POST.get("remove_contact") == "on", now=now
        )
        if not errors:
            messages.success(request, _("Log corrected."))
            return redirect("help_sessions:log")
        values = item
    else:
        values = {name: getattr(session, name) for name in CORRECTABLE if name != "services"}
        values["services"] = [service.code for service in session.services.all()]
    return render(
        request,
        "sessions/log_correct.html",
        {
            "session": session,
            "desk": desk,
            "values": form_values(values),
            "errors": errors,
            "outcomes": HelpSession.Outcome.choices,
            "age_bands": HelpSession.AgeBand.choices,
            "genders": HelpSession.Gender.choices,
            "priority_groups": [
                (name, HelpSession._meta.get_field(name).verbose_name) for name in PRIORITY_GROUPS
            ],
        },
        status=400 if errors else 200,
    )


def manifest(request):
    """The web app manifest: the logging page installs on a phone's home screen."""
    data = {
        "name": _("Digihelp: log a citizen helped"),
        "short_name": "Digihelp",
        "start_url": reverse("help_sessions:log"),
        "scope": reverse("help_sessions:log"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#c8102e",
        "lang": request.LANGUAGE_CODE,
        "icons": [
            {"src": static("sessions/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("sessions/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


def offline_files() -> list[str]:
    return [
        static("css/digihelp.css"),
        static("sessions/log.css"),
        static("sessions/log.js"),
        static("sessions/icon-192.png"),
    ]


def service_worker(request):
    """Keeps the page and its files on the phone. Its version follows the files' names
    (hashed in production), so a new release replaces the old copy."""
    page = reverse("help_sessions:log")
    files = offline_files()
    version = hashlib.sha256(json.dumps([page, *files]).encode()).hexdigest()[:12]
    body = render(
        request,
        "sessions/service_worker.js",
        {"version": version, "page": page, "files": files},
        content_type="application/javascript",
    )
    body["Service-Worker-Allowed"] = page
    body["Cache-Control"] = "no-cache"
    return body
