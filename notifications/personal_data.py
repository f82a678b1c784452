"""What the outbox holds about a phone number, for personal-data requests
(sessions.privacy): the messages sent to it and whether it opted out; and erasing them.

Erasing keeps every message row, so the SMS totals read the same: what has not gone out
is cancelled, and the copies lose number and text. A standing opt-out keeps its number:
it is what keeps the person from being messaged again (every send looks the number up),
and it names no one. Opt-outs that have ended are history only and lose the number.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from lib.moments import moment_text
from notifications.models import Message, OptOut

# What an erased number becomes in the rows that keep it.
ERASED = "erased"


def about(subjects: dict) -> Q:
    """Messages about any of `subjects` ({model: [pk, ...]})."""
    found = Q(pk__in=[])
    for model, pks in subjects.items():
        found |= Q(
            subject_type=ContentType.objects.get_for_model(model),
            subject_id__in=[str(pk) for pk in pks],
        )
    return found


def messages_to(phone: str, subjects: dict | None = None) -> list[dict]:
    """The messages sent to `phone` (about `subjects` only, when given), oldest first."""
    messages = Message.objects.filter(recipient=phone)
    if subjects is not None:
        messages = messages.filter(about(subjects))
    return [
        {
            "queued": moment_text(m.created_at),
            "kind": m.kind,
            "status": m.get_status_display(),
            "text": m.text,
            "sent": moment_text(m.sent_at),
            "delivered": moment_text(m.delivered_at),
        }
        for m in messages.order_by("created_at")
    ]


def opted_out_since(phone: str):
    """When the number's standing opt-out began, or None."""
    optout = OptOut.objects.active().filter(phone=phone).first()
    return optout.created_at if optout else None


def end_opt_out_history(phone: str) -> int:
    """Ended opt-outs are history only: they lose the number. A standing one is kept."""
    return OptOut.objects.filter(phone=phone, ended_at__isnull=False).update(phone=ERASED)


def erase_messages(phone: str, about_them: dict) -> dict[str, int]:
    """Cancel what waits for `phone`; blank the copies of every message to it, and the
    text of messages about `about_them` ({model: [pk, ...]}), which may name the person."""
    to_them = Message.objects.filter(recipient=phone)
    counts = {
        "messages_cancelled": to_them.filter(status=Message.Status.QUEUED).update(
            status=Message.Status.CANCELLED,
            last_error_code="erased",
            last_error_reason="the recipient's data was erased on request",
            next_attempt_at=None,
        )
    }
    counts["messages_blanked"] = to_them.update(recipient=ERASED, text="")
    counts["messages_blanked"] += (
        Message.objects.filter(about(about_them)).exclude(text="").update(text="")
    )
    counts["ended_opt_outs_erased"] = end_opt_out_history(phone)
    return counts


def purge_message_copies(before) -> int:
    """Messages older than `before` keep their status, kind and segments (the counts)
    but lose the number and the text."""
    in_flight = (Message.Status.QUEUED, Message.Status.SENDING, Message.Status.UNKNOWN)
    return (
        Message.objects.filter(created_at__lt=before)
        .exclude(status__in=in_flight)
        .exclude(recipient=ERASED, text="")
        .update(recipient=ERASED, text="")
    )
