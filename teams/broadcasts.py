"""Broadcasts: one SMS to every active volunteer of a team or a commune.

    phones = recipients(team)
    shown = preview(text, "SỞ TT&TT LẠNG SƠN", without_diacritics=True, recipients=phones)
    broadcast, created = record_and_send(user=..., target=team, text=..., ...)

The outbox (notifications) knows numbers and messages; this module knows who belongs
to a team or a commune. Each message's idempotency key names the broadcast and the
number, and the compose form's token names the broadcast, so a form submitted twice
sends once. A new kind of target (a campaign) needs a branch in `volunteers_of` and a
field on Broadcast.
"""

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import CharField
from django.db.models.functions import Cast

from campaign.models import Commune
from notifications import segments as counting
from notifications.models import Message, OptOut
from notifications.outbox import Outgoing, compose, queue_messages
from teams.models import Broadcast, Team, Volunteer

KIND = "broadcast"
DEFAULT_BRAND = "Digihelp"
CURRENCY = "VND"
# Opt-outs are looked up this many numbers at a time (databases cap query parameters).
LOOKUP_BATCH = 2000


def price_per_segment() -> Decimal:
    return settings.SMS_PRICE_PER_SEGMENT


def volunteers_of(target):
    """Everybody a broadcast to `target` reaches, active or not."""
    if isinstance(target, Team):
        return Volunteer.objects.filter(memberships__team=target)
    if isinstance(target, Commune):
        # Members of the commune's teams, and volunteers who live there.
        return Volunteer.objects.in_communes(Commune.objects.filter(pk=target.pk))
    raise TypeError(f"cannot broadcast to {target!r}")


def recipients(target) -> list[str]:
    """The numbers of the target's active volunteers, each once."""
    phones = volunteers_of(target).filter(active=True).values_list("phone", flat=True)
    return sorted(set(phones))


def message_parts(text: str, brand: str, without_diacritics: bool) -> tuple[str, str]:
    """Text and brand as they go to the outbox: without diacritics when asked."""
    if without_diacritics:
        return counting.without_diacritics(text), counting.without_diacritics(brand)
    return text, brand


def opted_out_among(phones: list[str]) -> set[str]:
    found = set()
    for start in range(0, len(phones), LOOKUP_BATCH):
        chunk = phones[start : start + LOOKUP_BATCH]
        found.update(
            OptOut.objects.active().filter(phone__in=chunk).values_list("phone", flat=True)
        )
    return found


@dataclass(frozen=True)
class Preview:
    """What a broadcast will send and cost, before anything is written."""

    text: str  # as each recipient will read it
    segments: counting.Segments
    recipient_count: int  # numbers that will be messaged: opted-out ones excluded
    opted_out_count: int
    price_per_segment: Decimal
    currency: str = CURRENCY

    @property
    def encoding_label(self) -> str:
        return counting.ENCODING_LABELS[self.segments.encoding]

    @property
    def total_segments(self) -> int:
        return self.segments.segments * self.recipient_count

    @property
    def cost(self) -> Decimal:
        return self.total_segments * self.price_per_segment


def preview(text: str, brand: str, without_diacritics: bool, recipients: list[str]) -> Preview:
    """The final text, its segments, who will get it and what it costs. Writes nothing."""
    final = compose(*message_parts(text, brand, without_diacritics))
    opted_out = opted_out_among(recipients)
    return Preview(
        text=final,
        segments=counting.segments(final),
        recipient_count=len(set(recipients) - opted_out),
        opted_out_count=len(opted_out),
        price_per_segment=price_per_segment(),
    )


def send(broadcast: Broadcast, phones: list[str] | None = None) -> int:
    """Queue one message per recipient of `broadcast`; returns how many were new.

    Sending a broadcast again queues nothing: each key is queued once.
    """
    if phones is None:
        phones = recipients(broadcast.target)
    text, brand = message_parts(broadcast.text, broadcast.brand, broadcast.without_diacritics)
    created = queue_messages(
        Outgoing(
            recipient=phone,
            text=text,
            brand=brand,
            key=f"broadcast:{broadcast.pk}:{phone}",
            kind=KIND,
        )
        for phone in phones
    )
    # The outbox's fan-out knows nothing of subjects: name the broadcast in one UPDATE.
    Message.objects.filter(idempotency_key__startswith=f"broadcast:{broadcast.pk}:").update(
        subject_type=ContentType.objects.get_for_model(Broadcast),
        subject_id=str(broadcast.pk),
    )
    return created


def record_and_send(
    *, user, target, text: str, brand: str, without_diacritics: bool, form_token: UUID
) -> tuple[Broadcast, bool]:
    """Record the broadcast and queue its messages, all or nothing.

    Returns the broadcast already recorded under `form_token`, and False, when the
    same form is submitted again.
    """
    existing = Broadcast.objects.filter(form_token=form_token).first()
    if existing is not None:
        return existing, False
    phones = recipients(target)
    shown = preview(text, brand, without_diacritics, phones)
    with transaction.atomic():
        # get_or_create: a second submission racing this one waits for it, then finds it.
        broadcast, created = Broadcast.objects.get_or_create(
            form_token=form_token,
            defaults={
                "composed_by": user,
                "team": target if isinstance(target, Team) else None,
                "commune": target if isinstance(target, Commune) else None,
                "text": text,
                "brand": brand,
                "without_diacritics": without_diacritics,
                "encoding": shown.segments.encoding,
                "segments_per_message": shown.segments.segments,
                "recipient_count": shown.recipient_count,
                "opted_out_count": shown.opted_out_count,
            },
        )
        if created:
            send(broadcast, phones)
    return broadcast, created


def messages_visible_to(user):
    """Messages of the broadcasts `user` may see (the message log's rows)."""
    keys = (
        Broadcast.objects.visible_to(user)
        .annotate(key=Cast("pk", output_field=CharField()))
        .values("key")
    )
    return Message.objects.filter(
        kind=KIND,
        subject_type=ContentType.objects.get_for_model(Broadcast),
        subject_id__in=keys,
    )


def messages_of(broadcast: Broadcast):
    return Message.objects.filter(
        kind=KIND,
        subject_type=ContentType.objects.get_for_model(Broadcast),
        subject_id=str(broadcast.pk),
    )


def text_as_sent(broadcast: Broadcast) -> str:
    """The broadcast's text as each recipient reads it."""
    return compose(*message_parts(broadcast.text, broadcast.brand, broadcast.without_diacritics))
