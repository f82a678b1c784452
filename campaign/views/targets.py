"""A campaign's targets: the grid of communes by indicators (with the readiness
checklist), its download as a spreadsheet, and its import from one (organisers)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from campaign import access, audit
from campaign.forms import CriteriaForm, TargetImportForm, TargetsForm
from campaign.models import Campaign, Indicator, IndicatorTarget
from campaign.target_import import TargetImport, columns_for
from lib.numbers import plain
from lib.spreadsheets.writing import CONTENT_TYPES, spreadsheet


@login_required
def campaign_targets(request, pk):
    """All communes' targets, one per indicator, and the readiness checklist, on one page."""
    campaign = access.organised_campaign(request.user, pk)
    rows = campaign.campaign_communes.select_related("commune").order_by("commune__name")
    criteria = campaign.readiness_criteria.values_list("text", flat=True)
    data = request.POST if request.method == "POST" else None
    form = TargetsForm(
        data,
        campaign=campaign,
        rows=rows,
        indicators=Indicator.objects.offered_in(campaign.province_id),
    )
    criteria_form = CriteriaForm(data, initial={"criteria": "\n".join(criteria)})
    criteria_before = list(criteria)
    if data is not None and form.is_valid() and criteria_form.is_valid():
        with transaction.atomic():
            record_target_changes(form.save(), request.user)
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
        {"campaign": campaign, "form": form, "criteria_form": criteria_form},
    )


def record_target_changes(changes, actor) -> None:
    """One audit event per commune whose targets changed, naming each indicator."""
    by_row = {}
    for row, indicator, before, after in changes:
        by_row.setdefault(row, {})[indicator.code] = {
            "from": None if before is None else str(before),
            "to": None if after is None else str(after),
        }
    for row, targets in by_row.items():
        audit.record_change(row, "changed", actor=actor, details={"targets": targets}, force=True)


@login_required
def targets_export(request, pk, file_format):
    """The targets as a spreadsheet the import reads back: a row per commune, a column per
    indicator; an empty cell is no target."""
    campaign = access.organised_campaign(request.user, pk)
    indicators = list(Indicator.objects.offered_in(campaign.province_id))
    rows = campaign.campaign_communes.select_related("commune").order_by("commune__code")
    stored = {
        (t.campaign_commune_id, t.indicator_id): t.value
        for t in IndicatorTarget.objects.filter(campaign_commune__campaign=campaign)
    }
    headers = [header for header, _keys in columns_for(indicators).values()]
    content = spreadsheet(
        file_format,
        headers,
        (
            [
                row.commune.code,
                row.commune.name,
                *(plain(stored.get((row.pk, i.pk))) for i in indicators),
            ]
            for row in rows
        ),
        numbers=True,
    )
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = (
        f'attachment; filename="chi-tieu-{campaign.pk}.{file_format}"'
    )
    return response


@login_required
def targets_import(request, pk):
    """Check a spreadsheet of targets, then import it."""
    campaign = access.organised_campaign(request.user, pk)
    form = TargetImportForm(
        request.POST or None,
        request.FILES or None,
        campaigns=Campaign.objects.filter(pk=campaign.pk),
    )
    report, checked = None, False
    if request.method == "POST" and form.is_valid():
        checked = "import" not in request.POST
        report = form.check_or_import(
            TargetImport(form.sheet, campaign),
            kind="targets",
            actor=request.user,
            only_check=checked,
        )
        if report.written:
            messages.success(
                request,
                _(
                    "Targets imported from %(name)s: %(created)s set, %(updated)s changed, "
                    "%(unchanged)s unchanged, %(skipped)s rows skipped."
                )
                % {
                    "name": form.cleaned_data["file"].name,
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "skipped": report.skipped,
                },
            )
            return redirect("campaign:campaign_targets", campaign.pk)
    indicators = Indicator.objects.offered_in(campaign.province_id)
    return render(
        request,
        "campaign/targets_import.html",
        {
            "campaign": campaign,
            "form": form,
            "report": report,
            "checked": checked,
            "headers": [header for header, _keys in columns_for(indicators).values()],
        },
    )
