"""The campaign pages: the signed-in start page, a campaign's form and page, and its
communes' targets. Organisers create and change campaigns; everyone sees only the
communes `campaign.access` allows."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from campaign import access, audit
from campaign.forms import CampaignForm, CriteriaForm, TargetsForm
from campaign.models import Campaign, Indicator, IndicatorTarget, Role


@login_required
def overview(request):
    """The signed-in start page: who you are here and which communes you look after."""
    roles = Role.objects.filter(user=request.user).select_related("province")
    provinces = access.visible_provinces(request.user).annotate(commune_count=Count("communes"))
    communes = access.visible_communes(request.user).select_related("province")[:200]
    is_staff = access.is_staff_of_campaigns(request.user)
    campaigns = access.visible_campaigns(request.user)
    if (volunteer := access.volunteer_of(request.user)) is not None:
        # A volunteer's own campaigns: those they are assigned to.
        campaigns = campaigns | Campaign.objects.filter(assignments__volunteer=volunteer)
    campaigns = campaigns.distinct().select_related("province").order_by("-start", "pk")
    return render(
        request,
        "campaign/overview.html",
        {
            "roles": roles,
            "provinces": provinces,
            "communes": communes,
            "campaigns": campaigns,
            "is_staff": is_staff,
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
    # The indicators with a target in any commune shown, and each row's target for them.
    targets = {
        (t.campaign_commune_id, t.indicator_id): t.value
        for t in IndicatorTarget.objects.filter(campaign_commune__in=rows)
    }
    used = {indicator_id for _row, indicator_id in targets}
    indicators = [i for i in Indicator.objects.offered_in(campaign.province_id) if i.pk in used]
    for row in rows:
        row.target_values = [targets.get((row.pk, i.pk)) for i in indicators]
    return render(
        request,
        "campaign/campaign_detail.html",
        {
            "campaign": campaign,
            "rows": rows,
            "indicators": indicators,
            "criteria_count": campaign.readiness_criteria.count(),
            "can_organise": access.organises_campaign(request.user, campaign),
        },
    )


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


def campaign_and_rows(user, pk):
    """A campaign `user` may see, and the rows of its communes they may see."""
    campaign = access.visible_campaign(user, pk)
    return campaign, campaign.campaign_communes.filter(commune__in=access.visible_communes(user))
