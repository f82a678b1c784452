"""Who may be placed on a shift, found as a coordinator types: a name with or without
its diacritics, or some digits of a phone number.

Only volunteers assigned to the shift's commune on its day are offered, and those
already holding a place on it are left out. What is typed must begin words of the name,
so "Hạnh" never finds "Thanh". Names that match as typed, diacritics and all ("Hạnh"),
come before those that match only once folded ("Hanh", "Hành").
"""

import re
from dataclasses import dataclass

from django.utils import timezone

from lib.text import fold_text
from notifications.phones import national
from teams.models import Assignment, Shift, ShiftSignup, Volunteer
from teams.rota.signups import reason_to_refuse

OFFERED = 10
DIGITS = re.compile(r"\D+")


@dataclass
class Candidate:
    volunteer: Volunteer
    reason: str | None  # why the sign-up rules would refuse them, if they would

    def as_json(self) -> dict:
        return {
            "id": self.volunteer.pk,
            "name": self.volunteer.full_name,
            "phone": national(self.volunteer.phone),
            "reason": self.reason or "",
        }


def assigned_on_the_day(shift: Shift):
    """Volunteers assigned to the shift's commune on its day, not yet on the shift."""
    day = timezone.localtime(shift.starts_at).date()
    campaign = shift.campaign
    holding = ShiftSignup.objects.filter(shift=shift, status__in=ShiftSignup.HOLDS_A_PLACE).values(
        "volunteer"
    )
    assignments = (
        Assignment.objects.filter(campaign=campaign, commune_id=shift.commune_id)
        .exclude(volunteer__in=holding)
        .select_related("volunteer")
    )
    seen = {}
    for assignment in assignments:
        starts = assignment.starts_on or campaign.start
        ends = assignment.ends_on or campaign.end
        if starts <= day <= ends:
            seen[assignment.volunteer_id] = assignment.volunteer
    return list(seen.values())


def starts_words(typed: str, name: str) -> bool:
    """Every word typed begins a word of the name: "thi h" finds "Hoàng Thị Hạnh";
    "hanh" finds "Hạnh" and "Hành", never "Thanh"."""
    words = name.split()
    return all(any(word.startswith(part) for word in words) for part in typed.split())


def score(volunteer: Volunteer, typed: str, folded: str, digits: str) -> int | None:
    """0 for a match as typed, 1 once folded, 2 by phone digits; None for no match."""
    if typed and starts_words(typed.casefold(), volunteer.full_name.casefold()):
        return 0
    if folded and starts_words(folded, fold_text(volunteer.full_name)):
        return 1
    if len(digits) >= 3 and digits in DIGITS.sub("", national(volunteer.phone)):
        return 2
    return None


def given_name_first(volunteer: Volunteer) -> tuple[str, str]:
    """Vietnamese lists sort by the given name (the last word), then the rest."""
    words = fold_text(volunteer.full_name).split()
    return (words[-1] if words else "", " ".join(words[:-1]))


def candidates(shift: Shift, query: str, *, limit: int = OFFERED) -> list[Candidate]:
    typed = " ".join(query.split())
    folded = fold_text(typed)
    digits = DIGITS.sub("", typed)
    if not folded and len(digits) < 3:
        found = [(0, volunteer) for volunteer in assigned_on_the_day(shift)]
    else:
        found = []
        for volunteer in assigned_on_the_day(shift):
            rank = score(volunteer, typed, folded, digits)
            if rank is not None:
                found.append((rank, volunteer))
    found.sort(key=lambda pair: (pair[0], given_name_first(pair[1])))
    return [
        Candidate(volunteer, reason_to_refuse(volunteer, shift)) for _, volunteer in found[:limit]
    ]
