"""Staffing the communes: assigning volunteers, placing them on shifts, and warning
coordinators the day before about shifts that are still short.

Every message goes through the outbox with an idempotency key, so a retried request
or a warning run twice sends nothing twice.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaign import audit
from campaign.access import campaign_staff_required, visible_campaigns
from campaign.models import Campaign
from notifications.models import Message
from notifications.outbox import queue_message
from notifications.phones import InvalidPhone, normalise_mobile
from notifications.segments import without_diacritics
from teams.models import Assignment, Shift, Volunteer
from teams.registry.forms import AssignmentForm, AssignmentImportForm
from teams.registry.trail import import_recorder
from teams.rota.assignment_import import AssignmentImport
from teams.rota.coverage import local_midnight, monday_of, with_places_held
from teams.rota.links import invite
from teams.rota.signups import Refused, sign_up

# Messages ---------------------------------------------------------------------------


def as_campaign_sends(campaign: Campaign, text: str) -> tuple[str, str]:
    """The text and brand as `campaign` sends them, without diacritics if it says so."""
    brand = campaign.sms_brand
    if campaign.sms_without_diacritics:
        text, brand = without_diacritics(text), without_diacritics(brand)
    return text, brand


def send_assignment_notice(assignment: Assignment) -> Message:
    """Tell the volunteer where and when they are assigned, with the link to their
    phone page where they see and confirm their shifts. Queued once per assignment."""
    campaign = assignment.campaign
    with translation.override(settings.LANGUAGE_CODE):
        url = f"{settings.SITE_URL}{reverse('teams:my_shifts')}"
    with translation.override("vi"):
        text = _(
            "You are assigned to %(commune)s from %(start)s to %(end)s. "
            "See and confirm your shifts: %(url)s"
        ) % {
            "commune": assignment.commune.name,
            "start": (assignment.starts_on or campaign.start).strftime("%d/%m/%Y"),
            "end": (assignment.ends_on or campaign.end).strftime("%d/%m/%Y"),
            "url": url,
        }
    text, brand = as_campaign_sends(campaign, text)
    return queue_message(
        assignment.volunteer.phone,
        text,
        kind="assignment_notice",
        key=f"assignment:{assignment.pk}",
        brand=brand,
        subject=assignment,
    )


def coordinators_of(commune_id: int):
    return Volunteer.objects.coordinating(commune_id)


def warn_understaffed(now=None) -> int:
    """One SMS to each coordinator (with a phone) of the commune of every live shift
    starting tomorrow that still has fewer places held than it needs.

    Run daily by django-q2. Returns how many messages were newly queued; a second run
    queues nothing, the keys being taken.
    """
    now = now or timezone.now()
    tomorrow = timezone.localtime(now).date() + timedelta(days=1)
    short = (
        with_places_held(
            Shift.objects.live().filter(
                starts_at__gte=local_midnight(tomorrow),
                starts_at__lt=local_midnight(tomorrow + timedelta(days=1)),
            )
        )
        .filter(places_held__lt=F("volunteers_needed"))
        .select_related("commune", "campaign")
        .order_by("starts_at", "pk")
    )
    coordinators = {}
    outgoing = []  # (key, phone, text, brand, shift)
    for shift in short:
        if shift.commune_id not in coordinators:
            coordinators[shift.commune_id] = list(coordinators_of(shift.commune_id))
        if not coordinators[shift.commune_id]:
            continue
        start = timezone.localtime(shift.starts_at)
        with translation.override("vi"):
            text = _(
                "The shift at %(place)s, %(commune)s tomorrow %(day)s at %(time)s "
                "has %(held)s of the %(needed)s volunteers it needs."
            ) % {
                "place": shift.place,
                "commune": shift.commune.name,
                "day": date_format(start, "d/m"),
                "time": start.strftime("%H:%M"),
                "held": shift.places_held,
                "needed": shift.volunteers_needed,
            }
        text, brand = as_campaign_sends(shift.campaign, text)
        outgoing += [
            (f"understaffed:{shift.pk}:{coordinator.pk}", coordinator.phone, text, brand, shift)
            for coordinator in coordinators[shift.commune_id]
        ]
    queued = set(
        Message.objects.filter(idempotency_key__in=[key for key, *_rest in outgoing]).values_list(
            "idempotency_key", flat=True
        )
    )
    count = 0
    for key, phone, text, brand, shift in outgoing:
        if key in queued:
            continue
        queue_message(
            phone,
            text,
            kind="understaffed_notice",
            key=key,
            brand=brand,
            subject=shift,
            expires_at=shift.starts_at,
        )
        count += 1
    return count


# Views ------------------------------------------------------------------------------


@campaign_staff_required
@require_POST
def place_on_shift(request, pk):
    """A coordinator puts a volunteer, found by phone number, on a shift and invites them."""
    shift = get_object_or_404(
        Shift.objects.visible_to(request.user).select_related("commune", "campaign"), pk=pk
    )
    week = monday_of(timezone.localtime(shift.starts_at).date())
    back = reverse("teams:coverage_commune", args=[shift.campaign_id, shift.commune_id])
    back = f"{back}?week={week.isoformat()}"
    try:
        phone = normalise_mobile(request.POST.get("phone", "")).e164
    except InvalidPhone as error:
        messages.error(request, capfirst(str(error)))
        return redirect(back)
    volunteer = Volunteer.objects.filter(phone=phone).first()
    if volunteer is None:
        messages.error(
            request,
            _("No volunteer has the number %(phone)s yet: add them first.") % {"phone": phone},
        )
        return redirect(back)
    try:
        with transaction.atomic():
            signup = sign_up(volunteer, shift, placed_by_coordinator=True)
            audit.record_change(signup, "created", actor=request.user)
    except Refused as reason:
        messages.error(
            request,
            _("%(name)s was not placed: %(reason)s.")
            % {"name": volunteer.full_name, "reason": reason},
        )
        return redirect(back)
    invite(signup)
    messages.success(
        request,
        _("%(name)s was placed on the shift and invited by SMS.") % {"name": volunteer.full_name},
    )
    return redirect(back)


@campaign_staff_required
def assignment_new(request):
    form = AssignmentForm(
        request.POST or None,
        campaigns=visible_campaigns(request.user).order_by("-start", "name"),
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            assignment = form.save()
            audit.record_change(assignment, "created", actor=request.user)
            send_assignment_notice(assignment)
        messages.success(
            request,
            _("%(name)s was assigned to %(commune)s and notified by SMS.")
            % {"name": assignment.volunteer.full_name, "commune": assignment.commune.name},
        )
        return redirect(
            "teams:coverage_commune",
            campaign_id=assignment.campaign_id,
            commune_id=assignment.commune_id,
        )
    return render(
        request,
        "teams/assignment_form.html",
        {"form": form, "may_import": Campaign.objects.organised_by(request.user).exists()},
    )


@login_required
def assignment_import(request):
    """An organiser assigns many volunteers at once from a spreadsheet.

    "Check" runs the import without writing; "Import" writes it, or nothing while rows
    have errors and invalid rows are not skipped. The file stays in the request: a
    university's students make a small file.
    """
    campaigns = Campaign.objects.organised_by(request.user).order_by("-start", "name")
    if not campaigns.exists():
        raise PermissionDenied
    form = AssignmentImportForm(request.POST or None, request.FILES or None, campaigns=campaigns)
    report = None
    checked = False
    if request.method == "POST" and form.is_valid():
        checked = "import" not in request.POST
        skip_invalid = form.cleaned_data["skip_invalid"]
        campaign = form.cleaned_data["campaign"]
        report = AssignmentImport(form.sheet, campaign).run(
            dry_run=checked,
            skip_invalid=skip_invalid,
            on_written=import_recorder(
                "assignments",
                actor=request.user,
                province=campaign.province,
                filename=form.cleaned_data["file"].name,
                campaign=campaign.pk,
            ),
        )
        if report.written:
            messages.success(
                request,
                _(
                    "Assignments imported from %(name)s: %(created)s created, "
                    "%(unchanged)s unchanged, %(skipped)s skipped."
                )
                % {
                    "name": form.cleaned_data["file"].name,
                    "created": report.created,
                    "unchanged": report.unchanged,
                    "skipped": report.skipped,
                },
            )
            return redirect("teams:assignment_import")
    return render(
        request,
        "teams/assignment_import.html",
        {"form": form, "report": report, "checked": checked},
    )
