"""The volunteer's own phone page, made for a cheap phone on weak 3G: no script, one tap.

Their next shifts with buttons to confirm or decline, open shifts they may take,
check-in and check-out while a shift is under way, and their hours in the campaign.
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaign import audit
from campaign.access import volunteer_or_404
from teams.models import Assignment, Shift, ShiftSignup
from teams.rota.assignments import current_campaign
from teams.rota.attendance import NotNow, check_in, check_out, hours_worked, is_under_way
from teams.rota.coverage import places_held_of_each_shift
from teams.rota.links import UNDO_DECLINE, link_expired
from teams.rota.signups import CHOICES, Refused, answer, sign_up, signups_with_shifts


@login_required
def my_shifts(request):
    volunteer = volunteer_or_404(request.user)
    now = timezone.now()
    signups = list(
        signups_with_shifts()
        .filter(
            volunteer=volunteer,
            status__in=ShiftSignup.HOLDS_A_PLACE,
            shift__cancelled_at__isnull=True,
            shift__ends_at__gt=now,
        )
        .order_by("shift__starts_at")
    )
    for signup in signups:
        signup.under_way = is_under_way(signup, now=now)
        signup.can_answer = not link_expired(signup, now=now)
    campaign = current_campaign(volunteer, timezone.localdate(now))
    declined = may_take_back(request, now)
    return render(
        request,
        "teams/my_shifts.html",
        {
            "volunteer": volunteer,
            "signups": signups,
            "open_shifts": open_shifts(volunteer, now),
            "campaign": campaign,
            "hours": hours_worked(volunteer, campaign) if campaign else None,
            "declined": list(
                signups_with_shifts().filter(
                    pk__in=declined, volunteer=volunteer, status=ShiftSignup.Status.DECLINED
                )
            ),
        },
    )


UNDO_SESSION_KEY = "declined_shifts"  # {signup pk: when it was declined, a timestamp}


def may_take_back(request, now) -> list[int]:
    """The sign-ups this person declined on this page less than UNDO_DECLINE ago."""
    since = (now - UNDO_DECLINE).timestamp()
    declined = request.session.get(UNDO_SESSION_KEY, {})
    return [int(pk) for pk, at in declined.items() if at > since]


OPEN_SHIFTS_DAYS = 7


def open_shifts(volunteer, now, limit=20):
    """Shifts of the next week with places left, in the communes the volunteer is
    assigned to; teams.rota.signups still checks every rule when they sign up."""
    assignments = Assignment.objects.filter(volunteer=volunteer)
    return (
        Shift.objects.live()
        .filter(
            commune__in=assignments.values("commune"),
            campaign__in=assignments.values("campaign"),
            starts_at__gt=now,
            starts_at__lt=now + timedelta(days=OPEN_SHIFTS_DAYS),
        )
        .exclude(signups__volunteer=volunteer)
        .annotate(held=places_held_of_each_shift())
        .filter(held__lt=F("volunteers_needed"))
        .select_related("commune")
        .order_by("starts_at")[:limit]
    )


@login_required
@require_POST
def take_shift(request, pk: int):
    """The volunteer signs up for an open shift from their phone page."""
    volunteer = volunteer_or_404(request.user)
    shift = get_object_or_404(Shift.objects.live(), pk=pk)
    try:
        with transaction.atomic():
            signup = sign_up(volunteer, shift)
            audit.record_change(
                signup, "created", actor=request.user, details={"via": "my shifts"}
            )
    except Refused as reason:
        messages.error(request, _("Not done: %(reason)s.") % {"reason": reason})
    else:
        messages.success(request, _("Thank you, you are expected."))
    return redirect("teams:my_shifts")


@login_required
@require_POST
def my_shift_action(request, pk: int):
    """A button of the phone page: confirm, decline, check in or check out."""
    volunteer = volunteer_or_404(request.user)
    signup = get_object_or_404(signups_with_shifts(), pk=pk, volunteer=volunteer)
    action = request.POST.get("action")
    problem = None
    done = _("Saved.")
    if action == "decline" and request.POST.get("confirmed") != "yes":
        # The biggest button of the page: ask first, naming the shift.
        return render(request, "teams/decline_confirm.html", {"signup": signup})
    if action == "undo":
        if signup.pk in may_take_back(request, timezone.now()):
            problem = answer(signup, "confirm", via="my shifts, taken back")
            done = _("Your place is kept: you are expected again.")
        else:
            problem = _("it is too late to take it back; ask your coordinator")
    elif action in CHOICES:
        problem = answer(signup, action, via="my shifts")
        if action == "decline" and not problem:
            declined = request.session.get(UNDO_SESSION_KEY, {})
            declined[str(signup.pk)] = timezone.now().timestamp()
            request.session[UNDO_SESSION_KEY] = declined
            done = _(
                "You told us you cannot come to %(shift)s. You can take it back for ten "
                "minutes, then your coordinator is told."
            ) % {"shift": str(signup.shift)}
        elif action == "confirm":
            done = _("Thank you, you are expected.")
    elif action in ("check_in", "check_out"):
        tracked = audit.Tracked(signup, actor=request.user, details={"via": "my shifts"})
        try:
            with transaction.atomic():
                (check_in if action == "check_in" else check_out)(signup)
                tracked.done()
        except NotNow as reason:
            problem = str(reason)
    else:
        problem = _("Unknown action.")
    if problem:
        messages.error(request, _("Not done: %(reason)s.") % {"reason": problem})
    else:
        messages.success(request, done)
    return redirect("teams:my_shifts")
