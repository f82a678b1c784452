"""Communes' official figures from a spreadsheet, in the browser (teams.commune_reports).

Organisers import for every commune of their campaigns, coordinators for their own
communes only. "Check" runs the import without writing; "Import" writes it, or nothing
while rows have errors and invalid rows are not skipped.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from campaign.access import campaign_staff_required, visible_campaigns
from campaign.models import Commune
from teams.commune_reports import COLUMNS, CommuneReportImport
from teams.registry.trail import import_recorder
from teams.rota.forms import CommuneReportImportForm


@campaign_staff_required
def report_import(request):
    campaigns = visible_campaigns(request.user).order_by("-start", "name")
    form = CommuneReportImportForm(
        request.POST or None, request.FILES or None, campaigns=campaigns
    )
    report = None
    checked = False
    if request.method == "POST" and form.is_valid():
        checked = "import" not in request.POST
        campaign = form.cleaned_data["campaign"]
        report = CommuneReportImport(
            form.sheet,
            campaign,
            communes=Commune.objects.visible_to(request.user),
            user=request.user,
        ).run(
            dry_run=checked,
            skip_invalid=form.cleaned_data["skip_invalid"],
            on_written=import_recorder(
                "commune_reports",
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
                    "Reports imported from %(name)s: %(created)s created, %(updated)s "
                    "updated, %(unchanged)s unchanged, %(skipped)s skipped."
                )
                % {
                    "name": form.cleaned_data["file"].name,
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "skipped": report.skipped,
                },
            )
            return redirect("campaign:report_list", campaign.pk)
    return render(
        request,
        "teams/report_import.html",
        {
            "form": form,
            "report": report,
            "checked": checked,
            "headers": [header for header, _keys in COLUMNS.values()],
        },
    )
