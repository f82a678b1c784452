"""Queueing messages: the one way into the outbox for every part of Digihelp.

    queue_message("+84912345678", text, kind="shift_reminder", key=f"shift:{shift.pk}:24h")

The idempotency key makes queueing repeatable: the same key is queued once, so a
reminder job that runs twice (or a retried request) never sends twice. A number with a
standing opt-out is recorded as cancelled, never sent.
"""

import unicodedata

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from notifications.links import opt_out_url
from notifications.models import Message, OptOut
from notifications.segments import segments

SEND_TASK = "notifications.sending.send_message"


def compose(text: str, brand: str = "") -> str:
    """The text as sent: NFC, with the sender's brand first as Vietnamese rules require."""
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
    language: str = "vi",
    subject=None,
    urgent: bool = False,
    send_at=None,
    opt_out_link: bool = False,
) -> Message:
    """Queue one SMS; returns the message already queued under `key` if there is one.

    Messages to citizens pass `opt_out_link=True`: the text then ends with a link that
    stops further messages in one tap (Vietnam has no two-way SMS to reply STOP).
    """
    body = compose(text, brand)
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
    }
    if subject is not None:
        values["subject_type"] = ContentType.objects.get_for_model(subject)
        values["subject_id"] = str(subject.pk)
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
