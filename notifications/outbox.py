"""Queueing messages: the one way into the outbox for every part of Digihelp.

    queue_message("+84912345678", text, kind="shift_reminder", key=f"shift:{shift.pk}:24h",
                  zalo=True, values={"name": "Nguyễn Văn An", "start": "08:00 25/11/2026"})

The idempotency key makes queueing repeatable: the same key is queued once, so a
reminder job that runs twice (or a retried request) never sends twice. A number with a
standing opt-out is recorded as cancelled, never sent. `text` is the SMS; with
`zalo=True` (the sender allows Zalo and the person's consent covers it) and `values`
that fill the kind's approved Zalo template, the message goes by Zalo first
(notifications.routing), and by SMS when Zalo cannot deliver it.
"""

import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from lib.bulk import existing, insert_rows
from notifications.links import opt_out_url
from notifications.models import Message, OptOut
from notifications.routing import Route, Router
from notifications.segments import Segments, segments
from notifications.segments import without_diacritics as plain_text
from notifications.sending import SEND_TASK


def compose(text: str, brand: str = "", *, without_diacritics: bool = False) -> str:
    """The text as sent: NFC, with the sender's brand first as Vietnamese rules require,
    and, for a sender that sends without diacritics (a campaign may), text and brand
    without them: the one place outgoing text is put together."""
    if without_diacritics:
        text, brand = plain_text(text), plain_text(brand)
    text = unicodedata.normalize("NFC", text.strip())
    brand = unicodedata.normalize("NFC", brand.strip())
    if brand and not text.startswith(brand):
        text = f"{brand}: {text}"
    return text


def queue_message(
    recipient: str,
    text: str,
    *,
    kind: str,
    key: str,
    brand: str = "",
    without_diacritics: bool = False,
    language: str = "vi",
    subject=None,
    urgent: bool = False,
    send_at=None,
    expires_at=None,
    opt_out_link: bool = False,
    zalo: bool = False,
    values: dict | None = None,
    zalo_template: tuple[str, dict] | None = None,
) -> Message:
    """Queue one notification; returns the message already queued under `key` if there
    is one.

    `zalo_template` names a template and its data outright (send_zalo), registered or
    not; otherwise the kind's approved template is filled from `values`.

    Messages to citizens pass `opt_out_link=True`: the text then ends with a link that
    stops further messages in one tap (Vietnam has no two-way SMS to reply STOP).
    A subject with a `message_tag` attribute tags the message with it (Message.tag).
    """
    body = compose(text, brand, without_diacritics=without_diacritics)
    counted = segments(body)
    router = Router()
    route = (
        router.explicit(*zalo_template)
        if zalo_template
        else router.route(kind, values, zalo_allowed=zalo)
    )
    fields = {
        "recipient": recipient,
        "channel": route.channel,
        "template_id": route.template_id,
        "template_data": route.data,
        "text": body,
        "language": language,
        "kind": kind,
        "urgent": urgent,
        "encoding": counted.encoding,
        "segment_count": counted.segments,
        "next_attempt_at": send_at or timezone.now(),
        "expires_at": expires_at,
    }
    if subject is not None:
        fields["subject_type"] = ContentType.objects.get_for_model(subject)
        fields["subject_id"] = str(subject.pk)
        fields["tag"] = getattr(subject, "message_tag", "")
    if OptOut.objects.blocks(recipient):
        fields.update(
            status=Message.Status.CANCELLED,
            last_error_code="opted_out",
            last_error_reason="the recipient has opted out",
            next_attempt_at=None,
        )
    try:
        with transaction.atomic():
            message, created = Message.objects.get_or_create(idempotency_key=key, defaults=fields)
            if created and opt_out_link:
                add_opt_out_link(message)
                if values is not None and zalo_template is None:
                    # The link names the message: a template may show it too.
                    url = {"opt_out_url": opt_out_url(message.pk)}
                    reroute(message, router.route(kind, {**values, **url}, zalo_allowed=zalo))
    except IntegrityError:  # queued at the same moment by another process
        return Message.objects.get(idempotency_key=key)
    if (
        created
        and message.status == Message.Status.QUEUED
        and message.next_attempt_at <= (timezone.now())
    ):
        # After commit, or a worker could look for a row it cannot see yet.
        transaction.on_commit(lambda: async_task(SEND_TASK, message.pk))
    return message


def reroute(message: Message, route: Route) -> None:
    message.channel, message.template_id = route.channel, route.template_id
    message.template_data = route.data
    message.save(update_fields=["channel", "template_id", "template_data"])


def add_opt_out_link(message: Message) -> None:
    with translation.override(message.language):
        line = _("Stop these messages: %(url)s") % {"url": opt_out_url(message.pk)}
    message.text = f"{message.text}\n{line}"
    counted = segments(message.text)
    message.encoding, message.segment_count = counted.encoding, counted.segments
    message.save(update_fields=["text", "encoding", "segment_count"])


@dataclass(frozen=True)
class Outgoing:
    """One message of a fan-out (see queue_messages)."""

    recipient: str
    text: str
    key: str
    kind: str
    brand: str = ""
    language: str = "vi"
    send_at: datetime | None = None
    tag: str = ""
    zalo: bool = False  # the sender allows Zalo and the person's consent covers it
    values: dict | None = None  # what the kind's Zalo template is filled from


def batched(items: Iterable, size: int):
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def queue_messages(outgoing: Iterable[Outgoing], *, batch_size: int = 5000) -> int:
    """Queue many messages at once (a reminder run, a broadcast); returns how many were new.

    Keys already queued are skipped, so a run that is repeated queues nothing twice.
    Nothing is handed to the task queue here: the outbox sweep dispatches due messages
    at SMS_RATE_PER_SECOND, so 30,000 reminders drain steadily. Each is routed as
    queue_message routes one, with the templates read once.
    """
    router = Router()
    now = timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    counted: dict[str, Segments] = {}
    created = 0
    for chunk in batched(outgoing, batch_size):
        queued = existing(Message.objects.all(), "idempotency_key", (i.key for i in chunk))
        opted_out = existing(OptOut.objects.active(), "phone", {i.recipient for i in chunk})
        rows, seen = [], set()
        for item in chunk:
            if item.key in queued or item.key in seen:
                continue
            seen.add(item.key)
            body = compose(item.text, item.brand)
            if body not in counted:
                counted[body] = segments(body)
            blocked = item.recipient in opted_out
            due = None if blocked else stamp if item.send_at is None else item.send_at
            route: Route = router.route(item.kind, item.values, zalo_allowed=item.zalo)
            rows.append(
                (
                    item.recipient,
                    route.channel,
                    route.template_id,
                    None if route.data is None else as_json(route.data),
                    body,
                    item.language,
                    item.kind,
                    item.key,
                    Message.Status.CANCELLED if blocked else Message.Status.QUEUED,
                    counted[body].encoding,
                    counted[body].segments,
                    due,
                    "opted_out" if blocked else "",
                    "the recipient has opted out" if blocked else "",
                    item.tag,
                    stamp,
                    stamp,
                )
            )
        try:
            with transaction.atomic():
                insert_rows(Message, FAST_FIELDS, rows)
            created += len(rows)
        except IntegrityError:  # the same keys queued at this moment by another process
            created += bulk_queue(rows)
    return created


# Template data as a JSON text, for the fast insert (one encoder for every row).
as_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

# Columns filled by queue_messages; the others have database defaults (db_default).
FAST_FIELDS = [
    "recipient",
    "channel",
    "template_id",
    "template_data",
    "text",
    "language",
    "kind",
    "idempotency_key",
    "status",
    "encoding",
    "segment_count",
    "next_attempt_at",
    "last_error_code",
    "last_error_reason",
    "tag",
    "created_at",
    "updated_at",
]


def bulk_queue(rows: list[tuple]) -> int:
    """The slow, conflict-proof path: insert what is not there yet, skip the rest."""
    messages = []
    for row in rows:
        fields = dict(zip(FAST_FIELDS, row, strict=True))
        data = fields["template_data"]
        fields["template_data"] = None if data is None else json.loads(data)
        messages.append(Message(**fields))
    before = Message.objects.count()
    Message.objects.bulk_create(messages, ignore_conflicts=True)
    return Message.objects.count() - before


def update_pending(
    key: str,
    *,
    text: str,
    brand: str = "",
    without_diacritics: bool = False,
    send_at,
    expires_at=None,
    zalo: bool = False,
    values: dict | None = None,
) -> bool:
    """Change a message that is still waiting (a reminder for a shift that moved), and
    route it again: its Zalo values changed with its text.

    Returns False when there is no such message or it has left the queue already.
    """
    body = compose(text, brand, without_diacritics=without_diacritics)
    counted = segments(body)
    pending = Message.objects.filter(idempotency_key=key, status=Message.Status.QUEUED)
    found = pending.values_list("kind", "fallback_reason").first()
    if found is None:
        return False
    kind, fell_back = found
    # One that already fell back to SMS stays there: Zalo could not deliver it.
    route = Router().route(kind, values, zalo_allowed=zalo and not fell_back)
    return bool(
        pending.update(
            channel=route.channel,
            template_id=route.template_id,
            template_data=route.data,
            text=body,
            encoding=counted.encoding,
            segment_count=counted.segments,
            next_attempt_at=send_at,
            expires_at=expires_at,
            dispatched_at=None,
        )
    )


def cancel_pending(keys, reason: str) -> int:
    """Cancel the messages under `keys` that are still waiting; returns how many."""
    return Message.objects.filter(
        idempotency_key__in=list(keys), status=Message.Status.QUEUED
    ).update(
        status=Message.Status.CANCELLED,
        last_error_code="withdrawn",
        last_error_reason=reason[:500],
        next_attempt_at=None,
    )
