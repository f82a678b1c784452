"""A commune's readiness checklist: which of the campaign's criteria it meets."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from campaign import access, audit
from campaign.forms import (
    ReadinessForm,
)
from campaign.models import CampaignCommune


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
