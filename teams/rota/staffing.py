"""Warning coordinators the day before about shifts that are still short.

Every message goes through the outbox with an idempotency key, so a warning run twice
sends nothing twice.
"""

from datetime import timedelta

from django.db.models import F
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from notifications.models import Message
from notifications.outbox import queue_message
from teams.models import Shift, Volunteer
from teams.rota.coverage import local_midnight, with_places_held

# Messages ---------------------------------------------------------------------------


def coordinators_of(commune_id: int):
    return Volunteer.objects.coordinating(commune_id)


def warn_understaffed(now=None) -> int:
    """One SMS to each coordinator (with a phone) of the commune of every live shift
    starting tomorrow that still has fewer places held than it needs.

    Run daily by django-q2. Returns how many messages were newly queued; a second run
    queues nothing, the keys being taken.
    """
    now = now or timezone.now()
    tomorrow = timezone.localtime(now).date() + timedelta(days=1)
    short = (
        with_places_held(
            Shift.objects.live().filter(
                starts_at__gte=local_midnight(tomorrow),
                starts_at__lt=local_midnight(tomorrow + timedelta(days=1)),
            )
        )
        .filter(places_held__lt=F("volunteers_needed"))
        .select_related("commune", "campaign")
        .order_by("starts_at", "pk")
    )
    coordinators = {}
    outgoing = []  # (key, coordinator, text, values, shift)
    for shift in short:
        if shift.commune_id not in coordinators:
            coordinators[shift.commune_id] = list(coordinators_of(shift.commune_id))
        if not coordinators[shift.commune_id]:
            continue
        start = timezone.localtime(shift.starts_at)
        values = {
            "place": shift.place,
            "commune": shift.commune.name,
            "day": date_format(start, "d/m"),
            "time": start.strftime("%H:%M"),
            "held": str(shift.places_held),
            "needed": str(shift.volunteers_needed),
        }
        with translation.override("vi"):
            text = (
                _(
                    "The shift at %(place)s, %(commune)s tomorrow %(day)s at %(time)s "
                    "has %(held)s of the %(needed)s volunteers it needs."
                )
                % values
            )
        outgoing += [
            (f"understaffed:{shift.pk}:{coordinator.pk}", coordinator, text, values, shift)
            for coordinator in coordinators[shift.commune_id]
        ]
    queued = set(
        Message.objects.filter(idempotency_key__in=[key for key, *_rest in outgoing]).values_list(
            "idempotency_key", flat=True
        )
    )
    count = 0
    for key, coordinator, text, values, shift in outgoing:
        if key in queued:
            continue
        queue_message(
            coordinator.phone,
            text,
            kind="understaffed_notice",
            key=key,
            **shift.campaign.sender_for(zalo_consent=coordinator.zalo_consent),
            values=values,
            subject=shift,
            expires_at=shift.starts_at,
        )
        count += 1
    return count
