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
from campaign.forms import CampaignForm
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


def campaign_and_rows(user, pk):
    """A campaign `user` may see, and the rows of its communes they may see."""
    campaign = access.visible_campaign(user, pk)
    return campaign, campaign.campaign_communes.filter(commune__in=access.visible_communes(user))
