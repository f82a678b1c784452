"""People on a shift, from the commune's week: placed, taken off, moved to another shift.

Each answer comes back to the shift's card on the week (a message tagged with the
shift). Placing finds the volunteer by the picker's choice, by phone number, or by a
name that only one volunteer assigned that day carries.
"""

from django.contrib import messages
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from campaign import audit
from campaign.access import campaign_staff_required
from lib.text import fold_text
from notifications.phones import InvalidPhone, national, normalise_mobile
from teams.models import Shift, ShiftSignup, Volunteer
from teams.rota.links import invite
from teams.rota.placing import assigned_on_the_day, candidates
from teams.rota.signups import Refused, decline, sign_up
from teams.rota.views.shifts import commune_week_url


def card_tag(shift: Shift) -> str:
    """The message tag that shows a message on the shift's card instead of the page's top
    (base.html leaves messages tagged "card" to the page that shows them)."""
    return f"card shift-{shift.pk}"


def back_to_card(shift: Shift):
    return redirect(f"{commune_week_url(shift)}#shift-{shift.pk}")


def staff_shift(user, pk) -> Shift:
    return get_object_or_404(
        Shift.objects.visible_to(user).select_related("commune", "campaign"), pk=pk
    )


@campaign_staff_required
@require_GET
def shift_candidates(request, pk):
    """The picker's suggestions: JSON, at most ten, each with the rules' reason if any."""
    shift = staff_shift(request.user, pk)
    found = candidates(shift, request.GET.get("q", "")[:100])
    return JsonResponse({"candidates": [candidate.as_json() for candidate in found]})


class NotFound(Exception):
    """No single volunteer answers to what was typed; str() says what to do."""


def chosen_volunteer(shift: Shift, post) -> Volunteer:
    """The picker's choice (an id), else a phone number, else a name one volunteer has."""
    chosen = post.get("volunteer", "").strip()
    if chosen:
        try:
            return Volunteer.objects.get(pk=int(chosen))
        except (ValueError, Volunteer.DoesNotExist):
            raise NotFound(_("That volunteer no longer exists.")) from None
    typed = (post.get("who") or post.get("phone") or "").strip()
    if not typed:
        raise NotFound(_("Type a name or a mobile number, then choose the volunteer."))
    if sum(ch.isdigit() for ch in typed) >= 9:
        try:
            phone = normalise_mobile(typed).e164
        except InvalidPhone as error:
            raise NotFound(capfirst(str(error))) from None
        volunteer = Volunteer.objects.filter(phone=phone).first()
        if volunteer is None:
            raise NotFound(
                _("No volunteer has the number %(phone)s yet: add them first.")
                % {"phone": national(phone)}
            )
        return volunteer
    folded = fold_text(typed)
    named = [v for v in assigned_on_the_day(shift) if fold_text(v.full_name) == folded]
    if len(named) == 1:
        return named[0]
    if named:
        raise NotFound(
            _("%(count)s volunteers are called %(name)s: choose one from the list.")
            % {"count": len(named), "name": typed}
        )
    raise NotFound(
        _("Nobody called “%(name)s” is assigned to %(commune)s that day.")
        % {"name": typed, "commune": shift.commune.name}
    )


@campaign_staff_required
@require_POST
def place_on_shift(request, pk):
    """A coordinator puts a volunteer on a shift and invites them by SMS."""
    shift = staff_shift(request.user, pk)
    tag = card_tag(shift)
    try:
        volunteer = chosen_volunteer(shift, request.POST)
    except NotFound as problem:
        messages.error(request, str(problem), extra_tags=tag)
        return back_to_card(shift)
    try:
        with transaction.atomic():
            signup = sign_up(volunteer, shift, placed_by_coordinator=True)
            audit.record_change(signup, "created", actor=request.user)
    except Refused as reason:
        messages.error(
            request,
            _("%(name)s was not placed: %(reason)s.")
            % {"name": volunteer.full_name, "reason": reason},
            extra_tags=tag,
        )
        return back_to_card(shift)
    invite(signup)
    messages.success(
        request,
        _("%(name)s was placed on the shift and invited by SMS.") % {"name": volunteer.full_name},
        extra_tags=tag,
    )
    return back_to_card(shift)


def staff_signup(user, pk) -> ShiftSignup:
    signup = get_object_or_404(
        ShiftSignup.objects.filter(
            shift__in=Shift.objects.visible_to(user), status__in=ShiftSignup.HOLDS_A_PLACE
        ).select_related("shift__commune", "shift__campaign", "volunteer"),
        pk=pk,
    )
    if signup.shift.starts_at <= timezone.now() or signup.shift.cancelled_at:
        raise Http404  # a shift under way or over keeps its people
    return signup


@campaign_staff_required
@require_POST
def remove_from_shift(request, pk):
    """Take someone off a shift that has not started: the place opens, reminders go."""
    signup = staff_signup(request.user, pk)
    tracked = audit.Tracked(signup, actor=request.user, details={"via": "coordinator"})
    with transaction.atomic():
        decline(signup)
        tracked.done()
    messages.success(
        request,
        _("%(name)s was taken off the shift; the place is open again.")
        % {"name": signup.volunteer.full_name},
        extra_tags=card_tag(signup.shift),
    )
    return back_to_card(signup.shift)


@campaign_staff_required
@require_POST
def move_to_shift(request, pk):
    """Move someone to another shift of the same commune: placed there, off this one."""
    signup = staff_signup(request.user, pk)
    try:
        target = Shift.objects.visible_to(request.user).get(
            pk=int(request.POST.get("shift", "")),
            commune_id=signup.shift.commune_id,
            campaign_id=signup.shift.campaign_id,
        )
    except (ValueError, Shift.DoesNotExist):
        messages.error(
            request, _("Choose the shift to move them to."), extra_tags=card_tag(signup.shift)
        )
        return back_to_card(signup.shift)
    try:
        with transaction.atomic():
            moved = sign_up(signup.volunteer, target, placed_by_coordinator=True)
            audit.record_change(moved, "created", actor=request.user)
            tracked = audit.Tracked(signup, actor=request.user, details={"via": "coordinator"})
            decline(signup)
            tracked.done()
    except Refused as reason:
        messages.error(
            request,
            _("%(name)s was not moved: %(reason)s.")
            % {"name": signup.volunteer.full_name, "reason": reason},
            extra_tags=card_tag(signup.shift),
        )
        return back_to_card(signup.shift)
    invite(moved)
    messages.success(
        request,
        _("%(name)s was moved to this shift and invited by SMS.")
        % {"name": signup.volunteer.full_name},
        extra_tags=card_tag(target),
    )
    return back_to_card(target)
