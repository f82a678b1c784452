from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign import access, audit
from campaign.forms import (
    CampaignCommuneFormSet,
    CampaignForm,
    CommuneReportForm,
    CriteriaForm,
    ReadinessForm,
)
from campaign.models import CampaignCommune, CommuneReport, Role


@login_required
def overview(request):
    """The signed-in start page: who you are here and which communes you look after."""
    roles = Role.objects.filter(user=request.user).select_related("province")
    provinces = access.visible_provinces(request.user).annotate(commune_count=Count("communes"))
    communes = access.visible_communes(request.user).select_related("province")[:200]
    campaigns = access.visible_campaigns(request.user).select_related("province")
    return render(
        request,
        "campaign/overview.html",
        {
            "roles": roles,
            "provinces": provinces,
            "communes": communes,
            "campaigns": campaigns,
            "can_create": access.organised_provinces(request.user).exists(),
        },
    )


@login_required
def campaign_form(request, pk=None):
    """Create or edit a campaign; a new one takes every commune of its province."""
    provinces = access.organised_provinces(request.user)
    campaign = access.organised_campaign(request.user, pk) if pk else None
    if campaign is None and not provinces.exists():
        raise PermissionDenied
    form = CampaignForm(request.POST or None, instance=campaign, provinces=provinces)
    tracked = audit.Tracked(form.instance, actor=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save()
            if campaign is None:
                saved.add_all_communes()
            tracked.done()
        messages.success(request, _("The campaign was saved."))
        return redirect("campaign:campaign_detail", saved.pk)
    return render(request, "campaign/campaign_form.html", {"form": form, "campaign": campaign})


@login_required
def campaign_detail(request, pk):
    """Dates, status and the targets and readiness of the communes the user may see."""
    campaign, rows = campaign_and_rows(request.user, pk)
    rows = list(rows.select_related("commune").annotate(met=Count("readiness_checks")))
    return render(
        request,
        "campaign/campaign_detail.html",
        {
            "campaign": campaign,
            "rows": rows,
            "criteria_count": campaign.readiness_criteria.count(),
            "can_organise": access.organises_campaign(request.user, campaign),
        },
    )


@login_required
def campaign_targets(request, pk):
    """All communes' targets and the readiness checklist, edited on one page."""
    campaign = access.organised_campaign(request.user, pk)
    queryset = campaign.campaign_communes.select_related("commune")
    criteria = campaign.readiness_criteria.values_list("text", flat=True)
    data = request.POST if request.method == "POST" else None
    formset = CampaignCommuneFormSet(data, queryset=queryset, prefix="communes")
    criteria_form = CriteriaForm(data, initial={"criteria": "\n".join(criteria)})
    before = {row.pk: audit.snapshot(row) for row in queryset} if data is not None else {}
    criteria_before = list(criteria)
    if data is not None and formset.is_valid() and criteria_form.is_valid():
        with transaction.atomic():
            for target in formset.save():
                audit.record_change(
                    target, "changed", actor=request.user, before=before.get(target.pk)
                )
            criteria_form.save(campaign)
            criteria_after = list(campaign.readiness_criteria.values_list("text", flat=True))
            if criteria_after != criteria_before:
                audit.record_change(
                    campaign,
                    "changed",
                    actor=request.user,
                    details={
                        "readiness_criteria": {"from": criteria_before, "to": criteria_after}
                    },
                    force=True,
                )
        messages.success(request, _("The targets and the checklist were saved."))
        return redirect("campaign:campaign_detail", campaign.pk)
    return render(
        request,
        "campaign/campaign_targets.html",
        {"campaign": campaign, "formset": formset, "criteria_form": criteria_form},
    )


def met_criteria(campaign_commune) -> dict[str, str]:
    """Criterion id -> the day it was met, for the audit trail."""
    return {
        str(criterion_id): met_on.isoformat()
        for criterion_id, met_on in campaign_commune.readiness_checks.values_list(
            "criterion_id", "met_on"
        )
    }


@login_required
def commune_readiness(request, pk, commune_id):
    """A commune ticks off the readiness criteria it has met."""
    campaign_commune = get_object_or_404(
        CampaignCommune.objects.select_related("campaign", "commune").filter(
            commune__in=access.visible_communes(request.user)
        ),
        campaign_id=pk,
        commune_id=commune_id,
    )
    campaign = campaign_commune.campaign
    checks = {check.criterion_id: check for check in campaign_commune.readiness_checks.all()}
    form = ReadinessForm(
        request.POST or None, criteria=campaign.readiness_criteria.all(), checks=checks
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            met_before = met_criteria(campaign_commune)
            form.save(campaign_commune, request.user)
            met_after = met_criteria(campaign_commune)
            audit.record_change(
                campaign_commune,
                "changed",
                actor=request.user,
                before=audit.snapshot(campaign_commune),
                details={"readiness_met": {"from": met_before, "to": met_after}},
                force=met_before != met_after,
            )
        messages.success(request, _("The checklist was saved."))
        return redirect("campaign:campaign_detail", campaign.pk)
    return render(
        request,
        "campaign/commune_readiness.html",
        {"campaign": campaign, "commune": campaign_commune.commune, "form": form},
    )


# Communes' official figures -------------------------------------------------------


def campaign_and_rows(user, pk):
    """A campaign `user` may see, and the rows of its communes they may see."""
    campaign = access.visible_campaign(user, pk)
    return campaign, campaign.campaign_communes.filter(commune__in=access.visible_communes(user))


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
