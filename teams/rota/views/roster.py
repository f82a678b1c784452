"""The campaign's roster, made from a weekly template.

Organisers of a campaign fill a weekly template once and every participating commune
gets its shifts for the whole campaign; generating again adds only what is missing.
"""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import ngettext

from campaign import audit
from campaign.access import campaign_staff_required
from campaign.models import Campaign
from teams.rota.forms import RosterCommunesForm, RosterFormSet
from teams.rota.roster import WeeklySlot, generate_roster

ROWS_PREFIX = "rows"


def weekly_slots(rows) -> list[WeeklySlot]:
    """One slot per ticked weekday of each filled row of the template."""
    return [
        WeeklySlot(
            weekday=weekday,
            start=row["start"],
            end=row["end"],
            place=row["place"],
            volunteers_needed=row["volunteers_needed"],
        )
        for row in rows
        if row
        for weekday in row["weekdays"]
    ]


@campaign_staff_required
def roster_generate(request, campaign_id):
    """The weekly template of a campaign, turned into all its shifts in one step."""
    campaign = get_object_or_404(Campaign.objects.organised_by(request.user), pk=campaign_id)
    data = request.POST if request.method == "POST" else None
    rows = RosterFormSet(data, prefix=ROWS_PREFIX)
    choice = RosterCommunesForm(data, campaign=campaign)
    if data is not None and rows.is_valid() and choice.is_valid():
        communes = choice.cleaned_data["communes"] or None
        with transaction.atomic():
            created = generate_roster(campaign, weekly_slots(rows.cleaned_data), communes=communes)
            audit.record_change(
                campaign,
                "generated",
                actor=request.user,
                details={
                    "shifts_created": created,
                    "communes": [c.pk for c in communes] if communes else "all",
                },
                force=True,
            )
        messages.success(
            request,
            ngettext("%(count)s shift created.", "%(count)s shifts created.", created)
            % {"count": created},
        )
        url = reverse("teams:coverage_province", args=[campaign.pk])
        return redirect(f"{url}?week={campaign.start.isoformat()}")
    return render(
        request,
        "teams/roster_form.html",
        {"campaign": campaign, "rows": rows, "choice": choice},
    )
