"""Broadcasts: one SMS to every active volunteer of a team, a commune or a campaign.

    phones = recipients(team)
    brand, plain = campaign_settings(campaign, "Digihelp", without_diacritics=False)
    shown = preview(text, brand, plain, recipients=phones)
    broadcast, created = record_and_send(user=..., target=team, campaign=campaign, ...)

The outbox (notifications) knows numbers and messages; this module knows who belongs
to a team, a commune or a campaign. Each message's idempotency key names the broadcast
and the number, and the compose form's token names the broadcast, so a form submitted
twice sends once. A broadcast to a team or a commune may name the campaign it counts
towards; the campaign's brand and its choice of diacritics then apply as to a broadcast
to the whole campaign.
"""

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import BigIntegerField, CharField, Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Cast, Coalesce

from campaign.models import Campaign, Commune
from notifications import segments as counting
from notifications.models import Channel, Message, OptOut
from notifications.outbox import Outgoing, compose, queue_messages
from notifications.routing import Router
from notifications.sending import numbers_at_daily_limit
from teams.models import Broadcast, Team, Volunteer

KIND = "broadcast"
DEFAULT_BRAND = "Digihelp"
CURRENCY = "VND"
# Opt-outs are looked up this many numbers at a time (databases cap query parameters).
LOOKUP_BATCH = 2000


def price_per_segment() -> Decimal:
    return settings.SMS_PRICE_PER_SEGMENT


def zalo_numbers(target, campaign: Campaign | None, phones: list[str], text: str) -> set[str]:
    """The numbers among `phones` the broadcast goes to by Zalo first: Zalo's broadcast
    template is approved and takes the text whole, the campaign is not "SMS only", and
    the volunteer's consent covers Zalo. Free text that fits no template goes by SMS."""
    if campaign is not None and campaign.sms_only:
        return set()
    if Router().route(KIND, {"text": text}, zalo_allowed=True).channel != Channel.ZALO:
        return set()
    refused = volunteers_of(target).filter(zalo_consent=False).values_list("phone", flat=True)
    return set(phones) - set(refused)


def volunteers_of(target):
    """Everybody a broadcast to `target` reaches, active or not."""
    if isinstance(target, Team):
        return Volunteer.objects.filter(memberships__team=target)
    if isinstance(target, Commune):
        # Members of the commune's teams, and volunteers who live there.
        return Volunteer.objects.in_communes(Commune.objects.filter(pk=target.pk))
    if isinstance(target, Campaign):
        # The same, for every commune taking part in the campaign.
        return Volunteer.objects.in_communes(target.communes.all())
    raise TypeError(f"cannot broadcast to {target!r}")


def recipients(target) -> list[str]:
    """The numbers of the target's active volunteers, each once."""
    phones = volunteers_of(target).filter(active=True).values_list("phone", flat=True)
    return sorted(set(phones))


def campaign_settings(
    campaign: Campaign | None, brand: str, without_diacritics: bool
) -> tuple[str, bool]:
    """Brand and diacritics as sent: a campaign's brand replaces an empty or default
    brand, and a campaign that sends without diacritics does so for every broadcast."""
    if campaign is None:
        return brand, without_diacritics
    if not brand or brand == DEFAULT_BRAND:
        brand = " ".join(counting.normalise(campaign.sms_brand).split())
    return brand, without_diacritics or campaign.sms_without_diacritics


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
    zalo_count: int = 0  # of the recipients, those reached by Zalo first
    price_per_zalo_message: Decimal = Decimal(0)
    # Recipients who had their day's broadcasts already: theirs waits (Decree 91).
    at_daily_limit_count: int = 0

    @property
    def encoding_label(self) -> str:
        return counting.ENCODING_LABELS[self.segments.encoding]

    @property
    def sms_count(self) -> int:
        return self.recipient_count - self.zalo_count

    @property
    def total_segments(self) -> int:
        """SMS segments for the recipients reached by SMS."""
        return self.segments.segments * self.sms_count

    @property
    def sms_cost(self) -> Decimal:
        return self.total_segments * self.price_per_segment

    @property
    def zalo_cost(self) -> Decimal:
        return self.zalo_count * self.price_per_zalo_message

    @property
    def cost(self) -> Decimal:
        return self.sms_cost + self.zalo_cost

    @property
    def price_known(self) -> bool:
        sms_known = self.price_per_segment or not self.sms_count
        zalo_known = self.price_per_zalo_message or not self.zalo_count
        return bool(sms_known and zalo_known)


def preview(
    text: str,
    brand: str,
    without_diacritics: bool,
    recipients: list[str],
    zalo: set[str] = frozenset(),
) -> Preview:
    """The final text, its segments, who will get it by which channel and what it costs.
    `zalo`: the numbers reached by Zalo first (zalo_numbers). Writes nothing."""
    final = compose(text, brand, without_diacritics=without_diacritics)
    opted_out = opted_out_among(recipients)
    reached = set(recipients) - opted_out
    return Preview(
        text=final,
        segments=counting.segments(final),
        recipient_count=len(reached),
        opted_out_count=len(opted_out),
        price_per_segment=price_per_segment(),
        zalo_count=len(reached & set(zalo)),
        price_per_zalo_message=settings.ZALO_PRICE_PER_MESSAGE,
        at_daily_limit_count=len(numbers_at_daily_limit(sorted(reached))),
    )


def send(broadcast: Broadcast, phones: list[str] | None = None) -> int:
    """Queue one message per recipient of `broadcast`; returns how many were new.

    Sending a broadcast again queues nothing: each key is queued once.
    """
    if phones is None:
        phones = recipients(broadcast.target)
    text = text_as_sent(broadcast)  # composed once for every recipient
    tag = broadcast.message_tag
    by_zalo = zalo_numbers(broadcast.target, broadcast.campaign, phones, broadcast.text)
    values = {"text": broadcast.text}
    created = queue_messages(
        Outgoing(
            recipient=phone,
            text=text,
            key=f"broadcast:{broadcast.pk}:{phone}",
            kind=KIND,
            tag=tag,
            zalo=phone in by_zalo,
            values=values,
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
    *,
    user,
    target,
    text: str,
    brand: str,
    without_diacritics: bool,
    form_token: UUID,
    campaign: Campaign | None = None,
) -> tuple[Broadcast, bool]:
    """Record the broadcast and queue its messages, all or nothing.

    `campaign` is the campaign a broadcast to a team or a commune counts towards; a
    broadcast whose target is a campaign counts towards that one. Returns the broadcast
    already recorded under `form_token`, and False, when the same form is submitted
    again.
    """
    existing = Broadcast.objects.filter(form_token=form_token).first()
    if existing is not None:
        return existing, False
    if isinstance(target, Campaign):
        campaign = target
    brand, without_diacritics = campaign_settings(campaign, brand, without_diacritics)
    phones = recipients(target)
    shown = preview(
        text, brand, without_diacritics, phones, zalo_numbers(target, campaign, phones, text)
    )
    with transaction.atomic():
        # get_or_create: a second submission racing this one waits for it, then finds it.
        broadcast, created = Broadcast.objects.get_or_create(
            form_token=form_token,
            defaults={
                "composed_by": user,
                "team": target if isinstance(target, Team) else None,
                "commune": target if isinstance(target, Commune) else None,
                "campaign": campaign,
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


def messages_visible_to(user, broadcasts=None):
    """Messages of the broadcasts `user` may see (the message log's rows), among
    `broadcasts` when given."""
    broadcasts = Broadcast.objects.all() if broadcasts is None else broadcasts
    keys = (
        broadcasts.visible_to(user)
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
    return compose(
        broadcast.text, broadcast.brand, without_diacritics=broadcast.without_diacritics
    )


def totals_by_campaign(user) -> dict[int, dict[str, int]]:
    """Messages of the broadcasts `user` may see that count towards a campaign, counted
    by outcome, per campaign id, in one query.

    "sent" is every message the provider took (delivered or not yet, or undelivered);
    "failed" is refused by the provider or not delivered; "cancelled" never left
    (the number had opted out) and costs no segment.
    """
    status = Message.Status
    campaign_of_message = (
        Broadcast.objects.filter(pk=Cast(OuterRef("subject_id"), output_field=BigIntegerField()))
        .order_by()
        .values("campaign_id")
    )
    counted = (
        messages_visible_to(user, Broadcast.objects.filter(campaign__isnull=False))
        .annotate(campaign_id=Subquery(campaign_of_message))
        .order_by()
        .values("campaign_id")
        .annotate(
            messages=Count("pk"),
            sent=Count(
                "pk", filter=Q(status__in=[status.SENT, status.DELIVERED, status.UNDELIVERED])
            ),
            delivered=Count("pk", filter=Q(status=status.DELIVERED)),
            failed=Count("pk", filter=Q(status__in=[status.FAILED, status.UNDELIVERED])),
            cancelled=Count("pk", filter=Q(status=status.CANCELLED)),
            segments=Coalesce(Sum("segment_count", filter=~Q(status=status.CANCELLED)), 0),
        )
    )
    return {row.pop("campaign_id"): row for row in counted}
