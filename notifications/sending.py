"""Sending the outbox: one django-q2 task per message, and a sweep that loses nothing.

`send_message` claims a queued message with a conditional UPDATE (queued -> sending),
so two workers, or a task the broker delivered twice, hand it to the provider at most
once per attempt. What happens next depends on the provider's answer (see
notifications.providers.Next). `sweep_outbox` runs every minute: it takes back messages
whose worker died mid-send, reconciles outcomes that are unknown with the provider's
own records, settles Zalo messages with no delivery report, and dispatches queued
messages that are due, at the configured rate.

A message on the Zalo channel moves to SMS once (`fall_back`) when Zalo cannot deliver
it: the number has no Zalo account, the template is refused, the quota is used up,
Zalo kept failing, or no delivery report came within ZALO_FALLBACK_AFTER_MINUTES. The
move is one conditional UPDATE from a Zalo state, so it happens once, and a delivery
report that wins the race keeps it on Zalo. The SMS then goes through the same steps.
"""

import logging
import random
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django_q.tasks import async_task

from lib import ratelimit
from notifications import zalo
from notifications.models import Channel, Message, MessageAttempt, OptOut, ZaloTemplate
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
    """One of this provider's sends in this second (SMS_RATE_PER_SECOND, or
    ZALO_RATE_PER_SECOND for Zalo), counted in the shared cache."""
    per_second = (
        settings.ZALO_RATE_PER_SECOND
        if provider_name == zalo.Zalo.name
        else settings.SMS_RATE_PER_SECOND
    )
    return ratelimit.hit("sms-rate", provider_name, (per_second, 1), now=now.timestamp()).allowed


# Kinds of message sent to many at once: Decree 91 allows a number a few a day.
DAILY_LIMITED_KINDS = frozenset({"broadcast"})
DAY = timedelta(hours=24)


def numbers_at_daily_limit(phones: list[str], now: datetime | None = None) -> set[str]:
    """Those of `phones` that had BROADCASTS_PER_NUMBER_PER_DAY broadcasts in the past
    24 hours: a new one to them waits (daily_limit_until)."""
    since = (now or timezone.now()) - DAY
    found = set()
    for start in range(0, len(phones), 2000):
        found.update(
            Message.objects.filter(
                recipient__in=phones[start : start + 2000],
                kind__in=DAILY_LIMITED_KINDS,
                sent_at__gt=since,
            )
            .values("recipient")
            .annotate(count=Count("pk"))
            .filter(count__gte=settings.BROADCASTS_PER_NUMBER_PER_DAY)
            .values_list("recipient", flat=True)
        )
    return found


def daily_limit_until(message: Message, now: datetime) -> datetime | None:
    """When `message` may go without a number getting more than
    BROADCASTS_PER_NUMBER_PER_DAY broadcasts in 24 hours; None when it may go now."""
    if message.kind not in DAILY_LIMITED_KINDS:
        return None
    limit = settings.BROADCASTS_PER_NUMBER_PER_DAY
    left = [Status.SENDING, Status.UNKNOWN, Status.SENT, Status.DELIVERED, Status.UNDELIVERED]
    times = sorted(
        moment
        for sent, started in Message.objects.filter(
            recipient=message.recipient, kind__in=DAILY_LIMITED_KINDS, status__in=left
        )
        .filter(
            Q(sent_at__gt=now - DAY) | Q(sent_at__isnull=True, sending_started_at__gt=now - DAY)
        )
        .exclude(pk=message.pk)
        .values_list("sent_at", "sending_started_at")
        if (moment := sent or started) is not None
    )
    if len(times) < limit:
        return None
    return times[len(times) - limit] + DAY + timedelta(seconds=1)


# The send task ---------------------------------------------------------------------------


def status_callback_url() -> str:
    return settings.SITE_URL + reverse("notifications:twilio_status")


def send_message(message_id: int) -> str:
    """Hand one message to its channel's provider, at most once per attempt. Returns
    what happened."""
    now = timezone.now()
    queued = Message.objects.filter(pk=message_id, status=Status.QUEUED).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    message = queued.only("urgent", "kind", "recipient", "channel", "template_id").first()
    if message is None:
        return "not due, or already taken"
    if held := hold(message, queued, now):
        return held
    by_zalo = message.channel == Channel.ZALO
    if by_zalo and (reason := zalo_unusable(message)):
        fall_back(message, reason, "zalo", "Zalo cannot carry it")
        return "fallback"
    provider = zalo.Zalo() if by_zalo else get_provider()
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
    if stopped := not_to_send(message, now):
        return stopped
    attempt = MessageAttempt.objects.create(
        message=message,
        number=message.attempts,
        channel=message.channel,
        provider=provider.name,
        started_at=now,
    )
    if by_zalo:
        return send_by_zalo(provider, message, attempt)
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


def hold(message: Message, queued, now: datetime) -> str:
    """Put off a message that may not go now: quiet hours, or its number's daily limit
    of broadcasts. Returns why, or "" when it may go."""
    if not message.urgent and (resume := quiet_until(now)):
        queued.update(next_attempt_at=resume, dispatched_at=None)
        return "quiet hours"
    if resume := daily_limit_until(message, now):
        queued.update(next_attempt_at=resume, dispatched_at=None)
        return "daily limit"
    return ""


def not_to_send(message: Message, now: datetime) -> str:
    """After the claim: a message too late, to an opted-out number, or past Zalo's
    quota is settled here. Returns what happened, or "" when it goes."""
    if message.expires_at and message.expires_at <= now:
        finish(message, Status.CANCELLED, "expired", "too late to be of use")
        return "expired"
    if OptOut.objects.blocks(message.recipient):
        finish(message, Status.CANCELLED, "opted_out", "the recipient has opted out")
        return "opted out"
    if message.channel == Channel.ZALO and not zalo.take_quota():
        fall_back(message, Message.FallbackReason.QUOTA, "quota", "Zalo's daily quota is used up")
        return "fallback"
    return ""


def zalo_unusable(message: Message) -> str:
    """Why a message queued for Zalo must go by SMS before trying Zalo, or ""."""
    if not zalo.enabled():
        return Message.FallbackReason.ZALO_ERROR
    template = ZaloTemplate.objects.filter(template_id=message.template_id).first()
    if template is not None and not template.usable:
        return Message.FallbackReason.TEMPLATE
    return ""


def send_by_zalo(provider: zalo.Zalo, message: Message, attempt: MessageAttempt) -> str:
    try:
        sent = provider.send(
            message.recipient,
            message.template_id,
            message.template_data or {},
            tracking_id=str(message.pk),
        )
    except ProviderError as error:
        if error.fallback == Message.FallbackReason.QUOTA:
            zalo.note_quota(remaining=0)
        if status := zalo.TEMPLATE_STATUS_AFTER.get(zalo.as_int(error.code)):
            ZaloTemplate.objects.filter(template_id=message.template_id).update(status=status)
        return failed(message, attempt, error)
    except Exception as error:  # a bug or an unforeseen error: it may have gone out
        logger.exception("Zalo %s: unexpected error", message.pk)
        return failed(message, attempt, ProviderError(Next.UNKNOWN, "error", repr(error)[:200]))
    zalo.note_quota(remaining=sent.remaining_quota, daily=sent.daily_quota)
    done = timezone.now()
    attempt.outcome = MessageAttempt.Outcome.ACCEPTED
    attempt.provider_message_id = sent.msg_id
    attempt.finished_at = done
    attempt.save(update_fields=["outcome", "provider_message_id", "finished_at"])
    advance(
        message,
        Status.SENT,
        channel=Channel.ZALO,
        provider_message_id=sent.msg_id,
        sent_at=done,
        last_error_code="",
        last_error_reason="",
    )
    return "sent"


def fall_back(message: Message, reason: str, code: str, error_reason: str) -> bool:
    """Move a Zalo message to SMS, once: the same row, so the same notification, and the
    sweep or a task sends it. False when it has left Zalo's states already (delivered,
    failed, or moved by another worker)."""
    moved = Message.objects.filter(
        pk=message.pk,
        channel=Channel.ZALO,
        status__in=[Status.QUEUED, Status.SENDING, Status.UNKNOWN, Status.SENT],
    ).update(
        channel=Channel.SMS,
        status=Status.QUEUED,
        fallback_reason=reason,
        next_attempt_at=timezone.now(),
        dispatched_at=None,
        sending_started_at=None,
        sent_at=None,
        provider="",
        provider_message_id="",
        last_error_code=code[:20],
        last_error_reason=error_reason[:500],
    )
    if moved:
        message_id = message.pk
        transaction.on_commit(lambda: async_task(SEND_TASK, message_id, save=False))
    return bool(moved)


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
    if error.next_step is Next.FALLBACK:
        attempt.outcome = MessageAttempt.Outcome.FAILED
        attempt.save()
        fall_back(
            message, error.fallback or Message.FallbackReason.ZALO_ERROR, error.code, error.reason
        )
        return "fallback"
    if error.next_step is Next.UNKNOWN:
        attempt.outcome = MessageAttempt.Outcome.UNKNOWN
        attempt.save()
        if message.channel == Channel.ZALO:
            # Zalo may have taken it: its delivery report, or the wait for one, decides.
            errors["sent_at"] = attempt.started_at
        advance(message, Status.UNKNOWN, **errors)
        return "unknown"
    attempt.outcome = MessageAttempt.Outcome.RETRY
    attempt.save()
    retry_or_give_up(message, errors)
    return "retry"


def retry_or_give_up(message: Message, errors: dict) -> None:
    tries = message.attempt_log.filter(channel=message.channel).count()
    if message.channel == Channel.ZALO and tries >= settings.SMS_MAX_ATTEMPTS:
        fall_back(
            message,
            Message.FallbackReason.ZALO_ERROR,
            errors["last_error_code"],
            f"Zalo failed {tries} times: {errors['last_error_reason']}",
        )
        return
    if tries >= settings.SMS_MAX_ATTEMPTS:
        finish(
            message,
            Status.FAILED,
            errors["last_error_code"],
            f"gave up after {tries} attempts: {errors['last_error_reason']}",
        )
        return
    Message.objects.filter(pk=message.pk, status__in=[Status.SENDING, Status.UNKNOWN]).update(
        status=Status.QUEUED,
        next_attempt_at=timezone.now() + backoff(message.attempts),
        dispatched_at=None,
        sending_started_at=None,
        **errors,
    )


def advance(message: Message, status: str, *, channel: str = "", **fields) -> bool:
    """Move `message` to `status` unless it is already there or further on (or, with
    `channel`, no longer on that channel: a report about a Zalo attempt never moves a
    message that went on to SMS)."""
    lower = [s for s, rank in Message.RANK.items() if rank < Message.RANK[status]]
    found = Message.objects.filter(pk=message.pk, status__in=lower)
    if channel:
        found = found.filter(channel=channel)
    return bool(found.update(status=status, **fields))


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
    report = {"stuck": 0, "reconciled": 0, "dispatched": 0, "zalo_settled": 0}
    for message in Message.objects.stuck(now - stuck_after()):
        if advance(
            message,
            Status.UNKNOWN,
            last_error_code="worker",
            last_error_reason="the worker stopped while sending",
            # For Zalo: when the wait for a delivery report starts.
            **({"sent_at": message.sending_started_at} if message.channel == Channel.ZALO else {}),
        ):
            MessageAttempt.objects.filter(
                message=message, outcome=MessageAttempt.Outcome.IN_FLIGHT
            ).update(outcome=MessageAttempt.Outcome.UNKNOWN, finished_at=now)
            report["stuck"] += 1
    for message in Message.objects.filter(status=Status.UNKNOWN, channel=Channel.SMS)[:500]:
        reconcile(message)
        report["reconciled"] += 1
    report["zalo_settled"] = settle_zalo(now)
    report["dispatched"] = dispatch_due(now)
    return report


def settle_zalo(now: datetime) -> int:
    """Zalo messages with no delivery report after ZALO_FALLBACK_AFTER_MINUTES: asked
    about once more when Zalo gave them an id, then delivered or moved to SMS.

    An unknown outcome (no answer to the send) is never sent to Zalo again: if Zalo took
    it, its report names our message (tracking_id) and settles it before the wait ends.
    """
    waited = timedelta(minutes=settings.ZALO_FALLBACK_AFTER_MINUTES)
    waiting = Message.objects.filter(
        channel=Channel.ZALO, status__in=[Status.SENT, Status.UNKNOWN], sent_at__lt=now - waited
    ).order_by("sent_at")[:500]
    settled = 0
    client = zalo.Zalo()
    for message in waiting:
        if message.status == Status.SENT and message.provider_message_id:
            try:
                delivered = client.delivered(message.provider_message_id, message.recipient)
            except ProviderError as error:
                # Zalo cannot say now; after twice the wait, SMS goes without its word.
                if message.sent_at >= now - 2 * waited:
                    logger.warning("Zalo %s: cannot check delivery yet: %s", message.pk, error)
                    continue
                delivered = None
            if delivered is not None:
                record_zalo_delivery(message, message.provider_message_id, delivered)
                settled += 1
                continue
        if fall_back(
            message,
            Message.FallbackReason.NO_REPORT,
            "no_report",
            f"no delivery report from Zalo after {settings.ZALO_FALLBACK_AFTER_MINUTES} minutes",
        ):
            settled += 1
    return settled


def record_zalo_delivery(message: Message, msg_id: str, delivered_at: datetime) -> bool:
    """Zalo delivered `msg_id` (of `message`): the message is delivered unless it went
    on to SMS; the attempt keeps the report either way."""
    attempts = MessageAttempt.objects.filter(message=message, channel=Channel.ZALO)
    matched = attempts.filter(provider_message_id=msg_id)
    if not matched.exists():  # an unknown outcome: Zalo's id is new to us
        matched = attempts.filter(outcome=MessageAttempt.Outcome.UNKNOWN)
    matched.filter(delivered_at__isnull=True).update(
        delivered_at=delivered_at, provider_message_id=msg_id
    )
    moved = advance(
        message,
        Status.DELIVERED,
        channel=Channel.ZALO,
        provider_message_id=msg_id,
        delivered_at=delivered_at,
        last_error_code="",
        last_error_reason="",
    )
    if not moved and not Message.objects.filter(pk=message.pk, channel=Channel.ZALO).exists():
        logger.warning("Zalo delivered message %s after it went on to SMS", message.pk)
    return moved


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
    budget = (settings.SMS_RATE_PER_SECOND + settings.ZALO_RATE_PER_SECOND) * 60
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
