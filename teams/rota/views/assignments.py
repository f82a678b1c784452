"""Assigning volunteers to a campaign's communes: one at a time, or many from a
spreadsheet, checked before anything is written."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from campaign import audit
from campaign.access import campaign_staff_required, visible_campaigns
from campaign.models import Campaign
from teams.rota.assignment_import import AssignmentImport
from teams.rota.assignments import send_assignment_notice
from teams.rota.forms import AssignmentForm, AssignmentImportForm


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
        report = form.check_or_import(
            AssignmentImport(form.sheet, form.cleaned_data["campaign"]),
            kind="assignments",
            actor=request.user,
            only_check=checked,
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
