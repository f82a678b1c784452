"""The roster made from a weekly template: each participating commune gets the
template's shifts on every day of the campaign; generating again adds only what is
missing."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from lib.bulk import insert_rows
from teams.models import Shift


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
