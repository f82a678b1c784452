"""Communes' official figures, entered one report at a time (a spreadsheet of them is
imported at /teams/reports/import/)."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign import audit
from campaign.access import campaign_staff_required, visible_campaigns
from campaign.forms import (
    CommuneReportForm,
    CommuneReportImportForm,
)
from campaign.models import Commune, CommuneReport
from campaign.report_import import COLUMNS, CommuneReportImport
from campaign.views.campaigns import (
    campaign_and_rows,
)


@login_required
def report_list(request, pk):
    """Each commune's latest report, and how many it has made."""
    campaign, rows = campaign_and_rows(request.user, pk)
    latest = (
        CommuneReport.objects.filter(campaign_commune=OuterRef("pk"))
        .order_by("-period_end")
        .values("pk")[:1]
    )
    rows = list(
        rows.select_related("commune")
        .annotate(report_count=Count("reports"), latest_id=Subquery(latest))
        .order_by("commune__name")
    )
    latest_reports = CommuneReport.objects.in_bulk(
        [row.latest_id for row in rows if row.latest_id]
    )
    for row in rows:
        row.latest = latest_reports.get(row.latest_id)
    return render(request, "campaign/report_list.html", {"campaign": campaign, "rows": rows})


@login_required
def commune_reports(request, pk, commune_id, report_id=None):
    """A commune's reports; a new one entered, or one corrected or removed."""
    campaign, rows = campaign_and_rows(request.user, pk)
    campaign_commune = get_object_or_404(rows.select_related("commune"), commune_id=commune_id)
    report = get_object_or_404(campaign_commune.reports, pk=report_id) if report_id else None
    if request.method == "POST" and report is not None and "delete" in request.POST:
        with transaction.atomic():
            audit.record_deletion(report, actor=request.user)
            report.delete()
        messages.success(request, _("The report was removed."))
        return redirect("campaign:commune_reports", campaign.pk, commune_id)
    initial = {}
    if report is None:
        previous = campaign_commune.reports.order_by("-period_end").first()
        start = previous.period_end + timedelta(days=1) if previous else campaign.start
        initial = {"period_start": start, "period_end": max(start, timezone.localdate())}
    form = CommuneReportForm(
        request.POST or None,
        instance=report,
        initial=initial,
        campaign_commune=campaign_commune,
    )
    tracked = audit.Tracked(form.instance, actor=request.user)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.entered_by = request.user
        saved.source = CommuneReport.Source.FORM
        with transaction.atomic():
            saved.save()
            tracked.done()
        messages.success(request, _("The report was saved."))
        return redirect("campaign:commune_reports", campaign.pk, commune_id)
    return render(
        request,
        "campaign/commune_reports.html",
        {
            "campaign": campaign,
            "commune": campaign_commune.commune,
            "campaign_commune": campaign_commune,
            "reports": campaign_commune.reports.order_by("-period_end"),
            "report": report,
            "form": form,
        },
    )


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
        importer = CommuneReportImport(
            form.sheet,
            campaign,
            communes=Commune.objects.visible_to(request.user),
            user=request.user,
        )
        report = form.check_or_import(
            importer, kind="commune_reports", actor=request.user, only_check=checked
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
        "campaign/report_import.html",
        {
            "form": form,
            "report": report,
            "checked": checked,
            "headers": [header for header, _keys in COLUMNS.values()],
        },
    )
