"""Shifts one by one: added, changed and cancelled (people are placed in `placing`).

Coordinators and organisers change the shifts of the communes they see. A new time
moves the shift's waiting reminders, a cancelled shift withdraws them, and a shift that
has started stays as it is.
"""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaign import audit
from campaign.access import campaign_staff_required, visible_campaigns
from campaign.models import CampaignCommune, Commune
from teams.models import Shift
from teams.rota.coverage import monday_of
from teams.rota.forms import ShiftForm
from teams.rota.reminders import shift_changed
from teams.rota.signups import cancel_shift, move_shift


def commune_week_url(shift: Shift) -> str:
    """The commune's coverage page, at the week of `shift`."""
    url = reverse("teams:coverage_commune", args=[shift.campaign_id, shift.commune_id])
    return f"{url}?week={monday_of(timezone.localtime(shift.starts_at).date()).isoformat()}"


def has_started(shift: Shift) -> bool:
    return shift.starts_at <= timezone.now()


def shift_visible_to(user, pk) -> Shift:
    return get_object_or_404(
        Shift.objects.visible_to(user).select_related("campaign", "commune"), pk=pk
    )


@campaign_staff_required
def shift_new(request):
    """One shift added by hand to a commune of a campaign."""
    campaign = get_object_or_404(
        visible_campaigns(request.user), pk=as_id(request.GET.get("campaign"))
    )
    commune = get_object_or_404(
        Commune.objects.visible_to(request.user), pk=as_id(request.GET.get("commune"))
    )
    if not CampaignCommune.objects.filter(campaign=campaign, commune=commune).exists():
        raise Http404
    form = ShiftForm(request.POST or None, instance=Shift(campaign=campaign, commune=commune))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            shift = form.save()
            audit.record_change(shift, "created", actor=request.user)
        messages.success(request, _("The shift was added."))
        return redirect(commune_week_url(shift))
    back = reverse("teams:coverage_commune", args=[campaign.pk, commune.pk])
    return render(
        request,
        "teams/shift_form.html",
        {"form": form, "campaign": campaign, "commune": commune, "shift": None, "back": back},
    )


@campaign_staff_required
def shift_edit(request, pk):
    """A new place, time or need for a future shift; its reminders follow the time."""
    shift = shift_visible_to(request.user, pk)
    if shift.cancelled_at is not None or has_started(shift):
        messages.error(request, _("A shift that has started or was cancelled cannot be changed."))
        return redirect(commune_week_url(shift))
    before = (shift.starts_at, shift.ends_at, shift.place)
    form = ShiftForm(request.POST or None, instance=shift)
    tracked = audit.Tracked(shift, actor=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            shift = form.save(commit=False)
            shift.save(update_fields=["place", "volunteers_needed", "language", "skill"])
            if (shift.starts_at, shift.ends_at) != before[:2]:
                move_shift(shift, shift.starts_at, shift.ends_at)
            elif shift.place != before[2]:
                shift_changed(shift)  # the reminders name the place
            tracked.done()
        messages.success(request, _("The shift was saved."))
        return redirect(commune_week_url(shift))
    return render(
        request,
        "teams/shift_form.html",
        {
            "form": form,
            "campaign": shift.campaign,
            "commune": shift.commune,
            "shift": shift,
            "back": commune_week_url(shift),
        },
    )


@campaign_staff_required
@require_POST
def shift_cancel(request, pk):
    """Cancel a future shift: its volunteers' waiting reminders are withdrawn."""
    shift = shift_visible_to(request.user, pk)
    if shift.cancelled_at is not None:
        messages.info(request, _("The shift was already cancelled."))
    elif has_started(shift):
        messages.error(request, _("A shift that has started cannot be cancelled."))
    else:
        tracked = audit.Tracked(shift, actor=request.user, operation="cancelled")
        with transaction.atomic():
            cancel_shift(shift)
            tracked.done()
        messages.success(request, _("The shift was cancelled and its reminders withdrawn."))
    return redirect(commune_week_url(shift))


def as_id(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None
