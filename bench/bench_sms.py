"""The SMS outbox (issue: SMS that arrives once).

Figures
- sms_enqueue_30k_<engine>_s: a fan-out of 30,000 reminders queued with
  notifications.outbox.queue_messages. Baseline: queue_message one by one (a
  get_or_create and a task each), measured on 2,000 and scaled to 30,000.
- sms_send_rate_per_s: messages per second the sender hands to a stand-in Twilio on
  127.0.0.1 through the real Twilio provider, two workers, SMS_RATE_PER_SECOND=20
  (BENCH_SMS_RATE); every message must arrive exactly once. Baseline: the configured
  rate, which it should hold steadily.
- sms_send_capacity_per_s: the same with no rate limit, two workers on SQLite: what
  one small host can send, so the configured rate above is below it.
"""

import os
import threading
import time
from collections import Counter

from django.db import connection
from django.test import override_settings
from django.utils import timezone

from bench import Figure, stopwatch
from notifications import outbox, sending
from notifications.models import Message, MessageAttempt
from notifications.outbox import Outgoing, queue_message, queue_messages
from notifications.providers import get_provider
from tests.notifications.twilio_standin import ACCOUNT, StandIn

FAN_OUT = 30_000
NAIVE_SAMPLE = 2_000
RATE = int(os.environ.get("BENCH_SMS_RATE", "20"))
SEND_COUNT = 300
POSTGRES_FIGURES = ["sms_enqueue_30k_postgres_s"]


def empty():
    MessageAttempt.objects.all().delete()
    Message.objects.all().delete()


def reminders(count, prefix):
    return [
        Outgoing(
            f"+8491{i:07d}",
            "Nhắc lịch: ca hỗ trợ cài VNeID tại Nhà văn hóa thôn, 8:00 ngày 25/11.",
            key=f"{prefix}:{i}",
            kind="shift_reminder",
            brand="SỞ TT&TT LẠNG SƠN",
        )
        for i in range(count)
    ]


def send_worker(stop_at):
    while time.monotonic() < stop_at:
        due = list(
            Message.objects.due(timezone.now()).order_by("pk").values_list("pk", flat=True)[:20]
        )
        if not due:
            if not Message.objects.filter(status=Message.Status.QUEUED).exists():
                break
            time.sleep(0.05)
            continue
        for pk in due:
            sending.send_message(pk)
    connection.close()


def measure_send_rate(rate):
    """Send SEND_COUNT messages to a stand-in at `rate`; messages per second achieved."""
    with (
        StandIn() as standin,
        override_settings(
            SMS_PROVIDER="twilio",
            TWILIO_ACCOUNT_SID=ACCOUNT,
            TWILIO_AUTH_TOKEN="token",
            TWILIO_FROM_NUMBER="+15005550006",
            TWILIO_API_BASE_URL=standin.url,
            SMS_RATE_PER_SECOND=rate,
            SMS_QUIET_HOURS="",
        ),
    ):
        get_provider.cache_clear()
        queue_messages(
            Outgoing(f"+8498{i:07d}", f"Tin số {i}", key=f"rate:{rate}:{i}", kind="bench")
            for i in range(SEND_COUNT)
        )
        start = time.monotonic()
        workers = [threading.Thread(target=send_worker, args=(start + 60,)) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        elapsed = time.monotonic() - start
        get_provider.cache_clear()
    bodies = Counter(m["body"] for m in standin.accepted)
    sent = Message.objects.filter(status=Message.Status.SENT).count()
    assert sent == SEND_COUNT, f"{sent} of {SEND_COUNT} sent"
    assert len(bodies) == SEND_COUNT and max(bodies.values()) == 1, "a duplicate"
    empty()
    return round(sent / elapsed, 1), f"{SEND_COUNT} messages, 2 workers, none lost, none twice"


def run(context):
    engine = context["engine"]
    figures = []
    empty()
    outbox.async_task = lambda *args: None  # measure queueing, not the workers
    with stopwatch() as naive:
        for item in reminders(NAIVE_SAMPLE, "naive"):
            queue_message(
                item.recipient, item.text, kind=item.kind, key=item.key, brand=item.brand
            )
    empty()
    with stopwatch() as fan_out:
        created = queue_messages(reminders(FAN_OUT, "fan"))
    assert created == FAN_OUT
    with stopwatch() as again:
        assert queue_messages(reminders(FAN_OUT, "fan")) == 0
    figures.append(
        Figure(
            f"sms_enqueue_30k_{engine}_s",
            round(fan_out["seconds"], 3),
            "s",
            baseline="queue_message one by one, scaled from 2,000",
            baseline_value=round(naive["seconds"] * FAN_OUT / NAIVE_SAMPLE, 3),
            target="< 10",
            note=f"queueing the same 30,000 again: {again['seconds']:.2f} s, nothing new",
        )
    )
    empty()

    if engine == "sqlite":
        rate, note = measure_send_rate(RATE)
        figures.append(
            Figure(
                "sms_send_rate_per_s",
                rate,
                "msg/s",
                baseline="SMS_RATE_PER_SECOND",
                baseline_value=RATE,
                target=f"≈ {RATE}",
                note=note,
            )
        )
        capacity, note = measure_send_rate(100_000)
        figures.append(
            Figure(
                "sms_send_capacity_per_s",
                capacity,
                "msg/s",
                baseline="SMS_RATE_PER_SECOND above",
                baseline_value=RATE,
                target=f"> {RATE}",
                note=note + ", no rate limit",
            )
        )
    return figures
