"""Who may take which shift, and the campaign's roster made from a weekly template.

Every rule that refuses a sign-up says why, in words a volunteer or a coordinator can
act on: the shift has started or was cancelled, the volunteer is not assigned to the
commune that day, the shift is full, it overlaps another of their shifts, or it needs a
language or a skill they have not listed.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lib.bulk import insert_rows
from lib.text import fold
from teams.models import Assignment, Shift, ShiftSignup, Volunteer
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


@dataclass(frozen=True)
class WeeklySlot:
    """One line of a weekly template: on `weekday` (0 = Monday), from `start` to `end`."""

    weekday: int
    start: time
    end: time
    place: str
    volunteers_needed: int = 2


def generate_roster(campaign, slots: list[WeeklySlot], communes=None) -> int:
    """Every shift of `campaign` from a weekly template, in every participating commune.

    Shifts that exist already (same commune, place and start) are left as they are, so
    generating again adds only what is missing. Returns how many shifts were created.
    """
    communes = list(communes if communes is not None else campaign.communes.all())
    zone = timezone.get_current_timezone()
    existing = set(
        Shift.objects.filter(campaign=campaign).values_list("commune_id", "place", "starts_at")
    )
    planned = []  # (commune pk, place, starts, ends, volunteers needed)
    day = campaign.start
    while day <= campaign.end:
        for slot in slots:
            if slot.weekday != day.weekday():
                continue
            starts = datetime.combine(day, slot.start, tzinfo=zone)
            ends = datetime.combine(day, slot.end, tzinfo=zone)
            if ends <= starts:
                ends += timedelta(days=1)  # a night shift
            planned += [
                (commune.pk, slot.place, starts, ends, slot.volunteers_needed)
                for commune in communes
                if (commune.pk, slot.place, starts) not in existing
            ]
        day += timedelta(days=1)
    adapt = connection.ops.adapt_datetimefield_value
    try:
        with transaction.atomic():
            insert_rows(
                Shift,
                ["campaign", "commune", "place", "starts_at", "ends_at", "volunteers_needed",
                 "language", "skill"],
                [
                    (campaign.pk, commune, place, adapt(starts), adapt(ends), needed, "", "")
                    for commune, place, starts, ends, needed in planned
                ],
            )  # fmt: skip
    except IntegrityError:  # another run made some of them meanwhile: add the rest
        before = Shift.objects.filter(campaign=campaign).count()
        Shift.objects.bulk_create(
            [
                Shift(
                    campaign=campaign,
                    commune_id=commune,
                    place=place,
                    starts_at=starts,
                    ends_at=ends,
                    volunteers_needed=needed,
                )
                for commune, place, starts, ends, needed in planned
            ],
            ignore_conflicts=True,
        )
        return Shift.objects.filter(campaign=campaign).count() - before
    return len(planned)
