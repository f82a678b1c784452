"""Sending the outbox: one django-q2 task per message, and a sweep that loses nothing.

`send_message` claims a queued message with a conditional UPDATE (queued -> sending),
so two workers, or a task the broker delivered twice, hand it to the provider at most
once per attempt. What happens next depends on the provider's answer (see
notifications.providers.Next). `sweep_outbox` runs every minute: it takes back messages
whose worker died mid-send, reconciles outcomes that are unknown with the provider's
own records, and dispatches queued messages that are due, at the configured rate.
"""

import logging
import random
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django_q.tasks import async_task

from lib import ratelimit
from notifications.models import Message, MessageAttempt, OptOut
from notifications.providers import Next, ProviderError, get_provider
from notifications.signals import opt_out_changed

logger = logging.getLogger(__name__)
Status = Message.Status
# What the queue runs for each message (notifications/tasks.py).
SEND_TASK = "notifications.tasks.send_message"


# Timing rules ---------------------------------------------------------------------------


def backoff(attempt: int) -> timedelta:
    """Exponential backoff with jitter: about base, 2×base, 4×base … capped at an hour."""
    base = settings.SMS_RETRY_BASE_SECONDS * 2 ** max(attempt - 1, 0)
    return timedelta(seconds=min(base, 3600) * random.uniform(0.5, 1.5))


def parse_quiet_hours(value: str) -> tuple[time, time] | None:
    """ "21:00-07:00" -> (21:00, 07:00); "" -> None (no quiet hours)."""
    if not value.strip():
        return None
    start, _, end = value.partition("-")
    return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())


def quiet_until(now: datetime) -> datetime | None:
    """When the quiet hours around `now` end, or None when it is not quiet now."""
    window = parse_quiet_hours(settings.SMS_QUIET_HOURS)
    if window is None:
        return None
    start, end = window
    local = timezone.localtime(now)
    clock = local.time()
    quiet = (start <= clock or clock < end) if start > end else (start <= clock < end)
    if not quiet:
        return None
    ends = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if ends <= local:
        ends += timedelta(days=1)
    return ends


def take_rate_token(provider_name: str, now: datetime) -> bool:
    """One of SMS_RATE_PER_SECOND sends in this second, counted in the shared cache."""
    rate = (settings.SMS_RATE_PER_SECOND, 1)
    return ratelimit.hit("sms-rate", provider_name, rate, now=now.timestamp()).allowed


# The send task ---------------------------------------------------------------------------


def status_callback_url() -> str:
    return settings.SITE_URL + reverse("notifications:twilio_status")


def send_message(message_id: int) -> str:
    """Hand one message to the provider, at most once per attempt. Returns what happened."""
    provider = get_provider()
    now = timezone.now()
    queued = Message.objects.filter(pk=message_id, status=Status.QUEUED).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    message = queued.only("urgent").first()
    if message is None:
        return "not due, or already taken"
    if not message.urgent and (resume := quiet_until(now)):
        queued.update(next_attempt_at=resume, dispatched_at=None)
        return "quiet hours"
    if not take_rate_token(provider.name, now):
        next_second = now.replace(microsecond=0) + timedelta(seconds=1)
        queued.update(next_attempt_at=next_second, dispatched_at=None)
        return "rate limit"
    claimed = queued.update(
        status=Status.SENDING,
        sending_started_at=now,
        attempts=F("attempts") + 1,
        provider=provider.name,
    )
    if not claimed:
        return "taken by another worker"
    message = Message.objects.get(pk=message_id)
    if message.expires_at and message.expires_at <= now:
        finish(message, Status.CANCELLED, "expired", "too late to be of use")
        return "expired"
    if OptOut.objects.blocks(message.recipient):
        finish(message, Status.CANCELLED, "opted_out", "the recipient has opted out")
        return "opted out"
    attempt = MessageAttempt.objects.create(
        message=message, number=message.attempts, provider=provider.name, started_at=now
    )
    try:
        accepted = provider.send(
            message.recipient, message.text, status_callback=status_callback_url()
        )
    except ProviderError as error:
        return failed(message, attempt, error)
    except Exception as error:  # a bug or an unforeseen error: it may have gone out
        logger.exception("SMS %s: unexpected error from %s", message.pk, provider.name)
        return failed(message, attempt, ProviderError(Next.UNKNOWN, "error", repr(error)[:200]))
    done = timezone.now()
    attempt.outcome = MessageAttempt.Outcome.ACCEPTED
    attempt.provider_message_id = accepted.provider_message_id
    attempt.finished_at = done
    attempt.save(update_fields=["outcome", "provider_message_id", "finished_at"])
    advance(
        message,
        Status.SENT,
        provider_message_id=accepted.provider_message_id,
        sent_at=done,
        last_error_code="",
        last_error_reason="",
    )
    return "sent"


def failed(message: Message, attempt: MessageAttempt, error: ProviderError) -> str:
    now = timezone.now()
    attempt.error_code, attempt.error_reason = error.code, error.reason[:500]
    attempt.finished_at = now
    errors = {"last_error_code": error.code, "last_error_reason": error.reason[:500]}
    if error.next_step is Next.PERMANENT:
        attempt.outcome = MessageAttempt.Outcome.FAILED
        attempt.save()
        if error.opted_out:
            opt_out(message.recipient, OptOut.Source.PROVIDER, message=message)
        finish(message, Status.FAILED, error.code, error.reason)
        return "failed"
    if error.next_step is Next.UNKNOWN:
        attempt.outcome = MessageAttempt.Outcome.UNKNOWN
        attempt.save()
        advance(message, Status.UNKNOWN, **errors)
        return "unknown"
    attempt.outcome = MessageAttempt.Outcome.RETRY
    attempt.save()
    retry_or_give_up(message, errors)
    return "retry"


def retry_or_give_up(message: Message, errors: dict) -> None:
    if message.attempts >= settings.SMS_MAX_ATTEMPTS:
        finish(
            message,
            Status.FAILED,
            errors["last_error_code"],
            f"gave up after {message.attempts} attempts: {errors['last_error_reason']}",
        )
        return
    Message.objects.filter(pk=message.pk, status__in=[Status.SENDING, Status.UNKNOWN]).update(
        status=Status.QUEUED,
        next_attempt_at=timezone.now() + backoff(message.attempts),
        dispatched_at=None,
        sending_started_at=None,
        **errors,
    )


def advance(message: Message, status: str, **fields) -> bool:
    """Move `message` to `status` unless it is already there or further on."""
    lower = [s for s, rank in Message.RANK.items() if rank < Message.RANK[status]]
    updated = Message.objects.filter(pk=message.pk, status__in=lower).update(
        status=status, **fields
    )
    return bool(updated)


def finish(message: Message, status: str, code: str, reason: str) -> None:
    advance(
        message,
        status,
        last_error_code=code,
        last_error_reason=reason[:500],
        next_attempt_at=None,
        sending_started_at=None,
    )


def opt_out(phone: str, source: str, *, message: Message | None = None) -> OptOut:
    """Record that `phone` wants no more messages (once: a standing opt-out is kept).

    `message` is the one they answered, when known; the audit trail places the event
    by it."""
    with transaction.atomic():
        existing = OptOut.objects.active().filter(phone=phone).first()
        if existing:
            return existing
        optout = OptOut.objects.create(phone=phone, source=source)
        opt_out_changed.send(sender=OptOut, opt_out=optout, operation="opted_out", message=message)
    Message.objects.filter(recipient=phone, status=Status.QUEUED).update(
        status=Status.CANCELLED,
        last_error_code="opted_out",
        last_error_reason="the recipient has opted out",
        next_attempt_at=None,
    )
    return optout


def opt_back_in(phone: str, *, message: Message | None = None) -> int:
    """The person asks for messages again: their standing opt-out ends (kept as history).

    Returns how many opt-outs ended (0 or 1)."""
    with transaction.atomic():
        ended = list(OptOut.objects.active().filter(phone=phone).select_for_update())
        OptOut.objects.filter(pk__in=[o.pk for o in ended]).update(ended_at=timezone.now())
        for optout in ended:
            opt_out_changed.send(
                sender=OptOut, opt_out=optout, operation="opted_in", message=message
            )
    return len(ended)


# The sweep -------------------------------------------------------------------------------


def stuck_after() -> timedelta:
    """A send still in flight after this has lost its worker (the task timed out)."""
    return timedelta(seconds=settings.Q_CLUSTER["timeout"] + 30)


def sweep_outbox() -> dict:
    """Take back stuck sends, reconcile unknown outcomes, dispatch what is due."""
    now = timezone.now()
    report = {"stuck": 0, "reconciled": 0, "dispatched": 0}
    for message in Message.objects.stuck(now - stuck_after()):
        if advance(
            message,
            Status.UNKNOWN,
            last_error_code="worker",
            last_error_reason="the worker stopped while sending",
        ):
            MessageAttempt.objects.filter(
                message=message, outcome=MessageAttempt.Outcome.IN_FLIGHT
            ).update(outcome=MessageAttempt.Outcome.UNKNOWN, finished_at=now)
            report["stuck"] += 1
    for message in Message.objects.filter(status=Status.UNKNOWN)[:500]:
        reconcile(message)
        report["reconciled"] += 1
    report["dispatched"] = dispatch_due(now)
    return report


def reconcile(message: Message) -> str:
    """Find out from the provider whether an unknown send went out; never send blind."""
    provider = get_provider()
    try:
        records = provider.sent_to(message.recipient, since=message.created_at)
    except ProviderError as error:
        logger.warning("SMS %s: cannot reconcile yet: %s", message.pk, error)
        return "later"
    for record in records:
        if record.body == message.text:
            advance(
                message,
                Status.SENT,
                provider_message_id=record.provider_message_id,
                sent_at=message.sending_started_at or timezone.now(),
                last_error_code="",
                last_error_reason="",
            )
            return "was sent"
    retry_or_give_up(
        message,
        {
            "last_error_code": message.last_error_code,
            "last_error_reason": message.last_error_reason,
        },
    )
    return "not sent: queued again"


def dispatch_due(now: datetime) -> int:
    """Hand due messages to the task queue, at most a minute's worth at the send rate.

    dispatched_at keeps the next sweep from handing the same message over again while
    its task is waiting in the queue; after a few minutes it is handed over again, in
    case the broker lost the task (Redis does not redeliver).
    """
    budget = settings.SMS_RATE_PER_SECOND * 60
    due = (
        Message.objects.due(now)
        .filter(Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=now - timedelta(minutes=5)))
        .order_by("-urgent", "next_attempt_at")
        .values_list("pk", flat=True)[:budget]
    )
    ids = list(due)
    Message.objects.filter(pk__in=ids).update(dispatched_at=now)
    for message_id in ids:
        # The message and its attempts are the record: a successful send leaves no task
        # result (with save_limit, storing one costs the cluster's monitor a locking read
        # of the last thousand results, per message). Failed tasks are still kept.
        async_task(SEND_TASK, message_id, save=False)
    return len(ids)
