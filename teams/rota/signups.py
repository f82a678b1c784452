"""Who may take which shift: signing up, declining, and a volunteer's answer to an
invitation.

Every rule that refuses a sign-up says why, in words a volunteer or a coordinator can
act on: the shift has started or was cancelled, the volunteer is not assigned to the
commune that day, the shift is full, it overlaps another of their shifts, or it needs a
language or a skill they have not listed.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign import audit
from lib.text import fold
from teams.models import Assignment, Shift, ShiftSignup, Volunteer
from teams.rota.links import (
    link_expired,
    tell_coordinators_of_decline,
    withdraw_decline_notices,
)
from teams.rota.reminders import schedule_reminders, shift_changed


class Refused(Exception):
    """A sign-up the rules do not allow; str() is the reason."""


def reason_to_refuse(volunteer: Volunteer, shift: Shift, *, now=None) -> str | None:
    now = now or timezone.now()
    if shift.cancelled_at is not None:
        return _("the shift was cancelled")
    if shift.starts_at <= now:
        return _("the shift has already started")
    day = timezone.localtime(shift.starts_at).date()
    assignments = Assignment.objects.filter(
        volunteer=volunteer, commune=shift.commune, campaign=shift.campaign
    ).select_related("campaign")
    if not any(assignment.covers(day) for assignment in assignments):
        return _("%(name)s is not assigned to %(commune)s on %(day)s") % {
            "name": volunteer.full_name,
            "commune": shift.commune.name,
            "day": day.strftime("%d/%m/%Y"),
        }
    if shift.language and fold(shift.language) not in {fold(x) for x in volunteer.languages}:
        return _("the shift needs someone who speaks %(language)s") % {"language": shift.language}
    if shift.skill and fold(shift.skill) not in {fold(x) for x in volunteer.skills}:
        return _("the shift needs the skill “%(skill)s”") % {"skill": shift.skill}
    taken = shift.signups.filter(status__in=ShiftSignup.HOLDS_A_PLACE).exclude(volunteer=volunteer)
    if taken.count() >= shift.volunteers_needed:
        return _("the shift is full")
    overlapping = (
        ShiftSignup.objects.filter(
            volunteer=volunteer,
            status__in=ShiftSignup.HOLDS_A_PLACE,
            shift__cancelled_at__isnull=True,
            shift__starts_at__lt=shift.ends_at,
            shift__ends_at__gt=shift.starts_at,
        )
        .exclude(shift=shift)
        .select_related("shift__commune")
        .first()
    )
    if overlapping:
        return _("it overlaps %(name)s's shift at %(other)s") % {
            "name": volunteer.full_name,
            "other": str(overlapping.shift),
        }
    return None


def sign_up(volunteer: Volunteer, shift: Shift, *, placed_by_coordinator=False) -> ShiftSignup:
    """Put `volunteer` on `shift`, or raise Refused with the reason.

    The shift row is locked while its places are counted, so two people cannot take
    the last place at once (on SQLite the write lock does the same).
    """
    status = ShiftSignup.Status.INVITED if placed_by_coordinator else ShiftSignup.Status.CONFIRMED
    with transaction.atomic():
        shift = (
            Shift.objects.select_for_update()
            .select_related("commune", "campaign")
            .get(pk=shift.pk)
        )
        reason = reason_to_refuse(volunteer, shift)
        if reason:
            raise Refused(reason)
        signup, created = ShiftSignup.objects.get_or_create(
            shift=shift, volunteer=volunteer, defaults={"status": status}
        )
        if not created and signup.status != status:
            signup.status = status
            signup.save(update_fields=["status"])
        signup.shift = shift
        schedule_reminders(signup)
    return signup


def decline(signup: ShiftSignup) -> None:
    """The volunteer will not come: the place opens again and its reminders go."""
    signup.status = ShiftSignup.Status.DECLINED
    signup.save(update_fields=["status"])
    schedule_reminders(signup)


def move_shift(shift: Shift, starts_at, ends_at) -> None:
    """A new time for a shift; its waiting reminders follow instead of doubling."""
    shift.starts_at, shift.ends_at = starts_at, ends_at
    shift.save(update_fields=["starts_at", "ends_at"])
    shift_changed(shift)


def cancel_shift(shift: Shift) -> None:
    shift.cancelled_at = timezone.now()
    shift.save(update_fields=["cancelled_at"])
    shift_changed(shift)


CHOICES = ("confirm", "decline")


def answer(signup: ShiftSignup, choice: str, *, via: str) -> str | None:
    """Confirm or decline `signup`; returns why it could not be done, or None.

    The answer is the volunteer's own (the SMS link is theirs alone), recorded in the
    audit trail as theirs, with `via` saying where it was given."""
    if link_expired(signup):
        return _("the shift has already started or was cancelled")
    tracked = audit.Tracked(signup, actor=signup.volunteer.user, details={"via": via})
    with transaction.atomic():
        if choice == "confirm":
            if signup.status == ShiftSignup.Status.CONFIRMED:
                return None
            try:  # the same rules as any sign-up: a declined place may have been taken
                signup.status = sign_up(signup.volunteer, signup.shift).status
            except Refused as refusal:
                return str(refusal)
            withdraw_decline_notices(signup)  # a decline taken back is not told
        elif choice == "decline" and signup.status != ShiftSignup.Status.DECLINED:
            decline(signup)
            tell_coordinators_of_decline(signup)
        tracked.done()
    return None


def signups_with_shifts():
    return ShiftSignup.objects.select_related("volunteer", "shift__commune", "shift__campaign")
