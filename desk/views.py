"""The first screen after sign-in: the day's work of each role the person holds."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from campaign import access
from campaign.models import Role
from desk import work
from teams.models import ShiftSignup
from teams.rota.assignments import current_campaign
from teams.rota.attendance import hours_worked
from teams.rota.signups import signups_with_shifts


@login_required
def today(request):
    user = request.user
    now = timezone.now()
    day = timezone.localdate(now)
    roles = access.roles_of(user)
    context = {
        "today": day,
        "roles": roles,
        "role_list": Role.objects.filter(user=user)
        .select_related("province")
        .prefetch_related("communes"),
    }

    if Role.Kind.COORDINATOR in roles:
        context["communes"] = work.communes_today(user, day)
    if Role.Kind.ORGANISER in roles or user.is_superuser:
        context["glances"] = [
            work.campaign_glance(campaign, day) for campaign in work.organised_running(user, day)
        ]
        context["imports"] = work.imports_needing_a_look(user)
    volunteer = access.volunteer_of(user)
    if volunteer is not None:
        campaign = current_campaign(volunteer, day)
        context["volunteer"] = volunteer
        context["campaign"] = campaign
        context["next_shift"] = (
            signups_with_shifts()
            .filter(
                volunteer=volunteer,
                status__in=ShiftSignup.HOLDS_A_PLACE,
                shift__cancelled_at__isnull=True,
                shift__ends_at__gt=now,
            )
            .order_by("shift__starts_at")
            .first()
        )
        context["hours"] = hours_worked(volunteer, campaign) if campaign else None
    if user.has_perm("wagtailadmin.access_admin"):
        context["editing"] = work.editing_for(user)
    context["nothing"] = not any(
        key in context for key in ("communes", "glances", "volunteer", "editing")
    )
    return render(request, "desk/today.html", context)
