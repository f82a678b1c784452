"""Queueing messages: the one way into the outbox for every part of Digihelp.

    queue_message("+84912345678", text, kind="shift_reminder", key=f"shift:{shift.pk}:24h")

The idempotency key makes queueing repeatable: the same key is queued once, so a
reminder job that runs twice (or a retried request) never sends twice. A number with a
standing opt-out is recorded as cancelled, never sent.
"""

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

from lib.bulk import insert_rows
from notifications.links import opt_out_url
from notifications.models import Message, OptOut
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
) -> Message:
    """Queue one SMS; returns the message already queued under `key` if there is one.

    Messages to citizens pass `opt_out_link=True`: the text then ends with a link that
    stops further messages in one tap (Vietnam has no two-way SMS to reply STOP).
    A subject with a `message_tag` attribute tags the message with it (Message.tag).
    """
    body = compose(text, brand, without_diacritics=without_diacritics)
    counted = segments(body)
    values = {
        "recipient": recipient,
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
        values["subject_type"] = ContentType.objects.get_for_model(subject)
        values["subject_id"] = str(subject.pk)
        values["tag"] = getattr(subject, "message_tag", "")
    if OptOut.objects.blocks(recipient):
        values.update(
            status=Message.Status.CANCELLED,
            last_error_code="opted_out",
            last_error_reason="the recipient has opted out",
            next_attempt_at=None,
        )
    try:
        with transaction.atomic():
            message, created = Message.objects.get_or_create(idempotency_key=key, defaults=values)
            if created and opt_out_link:
                add_opt_out_link(message)
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


def batched(items: Iterable, size: int):
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def queue_messages(outgoing: Iterable[Outgoing], *, batch_size: int = 5000) -> int:
    """Queue many messages at once (a reminder run, a broadcast); returns how many were new.

    Keys already queued are skipped, so a run that is repeated queues nothing twice.
    Nothing is handed to the task queue here: the outbox sweep dispatches due messages
    at SMS_RATE_PER_SECOND, so 30,000 reminders drain steadily.
    """
    now = timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    counted: dict[str, Segments] = {}
    created = 0
    for chunk in batched(outgoing, batch_size):
        keys = [item.key for item in chunk]
        queued = set(
            Message.objects.filter(idempotency_key__in=keys).values_list(
                "idempotency_key", flat=True
            )
        )
        opted_out = set(
            OptOut.objects.active()
            .filter(phone__in={item.recipient for item in chunk})
            .values_list("phone", flat=True)
        )
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
            rows.append(
                (
                    item.recipient,
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


# Columns filled by queue_messages; the others have database defaults (db_default).
FAST_FIELDS = [
    "recipient",
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
    messages = [Message(**dict(zip(FAST_FIELDS, row, strict=True))) for row in rows]
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
) -> bool:
    """Change a message that is still waiting (a reminder for a shift that moved).

    Returns False when there is no such message or it has left the queue already.
    """
    body = compose(text, brand, without_diacritics=without_diacritics)
    counted = segments(body)
    return bool(
        Message.objects.filter(idempotency_key=key, status=Message.Status.QUEUED).update(
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
