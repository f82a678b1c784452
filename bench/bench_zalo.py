"""Zalo first, SMS when it must (issue: notifications the way Vietnam receives them).

Figures
- zalo_enqueue_30k_<engine>_s: a fan-out of 30,000 shift reminders queued with routing
  (Zalo on, an approved template, each reminder's values filled into it and checked
  against the parameters' lengths). Baseline: the same 30,000 queued for SMS only, in
  the same run: what routing adds.
- zalo_send_rate_per_s: messages per second handed to a stand-in Zalo on 127.0.0.1
  through the real client, two workers, ZALO_RATE_PER_SECOND=20 (BENCH_ZALO_RATE);
  every message must arrive exactly once. Baseline: the configured rate.
- zalo_send_capacity_per_s: the same with no rate limit, two workers on SQLite: what
  one small host can send, so the configured rate is the limit, not the host.
"""

import os
import threading
import time
from collections import Counter

from django.test import override_settings

from bench import Figure, stopwatch
from bench.bench_sms import send_worker
from notifications import outbox, zalo
from notifications.models import Message, MessageAttempt, ZaloConnection, ZaloTemplate
from notifications.outbox import Outgoing, queue_messages
from tests.notifications.zalo_standin import APP_ID, APP_SECRET, OA_SECRET, ZaloStandIn

FAN_OUT = 30_000
SEND_COUNT = 300
RATE = int(os.environ.get("BENCH_ZALO_RATE", "20"))
POSTGRES_FIGURES = ["zalo_enqueue_30k_postgres_s"]


def empty():
    MessageAttempt.objects.all().delete()
    Message.objects.all().delete()


def reminders(count, prefix, *, by_zalo=True):
    return [
        Outgoing(
            f"+8491{i:07d}",
            "Nhắc lịch: ca hỗ trợ cài VNeID tại Nhà văn hóa thôn, 8:00 ngày 25/11.",
            key=f"{prefix}:{i}",
            kind="shift_reminder",
            brand="STTTT LANG SON",
            zalo=by_zalo,
            values={
                "given_name": f"Tình nguyện viên {i}",
                "time": "08:00",
                "place": "Nhà văn hóa thôn Nà Sla",
                "day": "25/11",
            },
        )
        for i in range(count)
    ]


def register_template():
    template, _created = ZaloTemplate.objects.update_or_create(
        kind="shift_reminder",
        defaults={"template_id": "231456", "status": ZaloTemplate.Status.APPROVED},
    )
    template.params.all().delete()
    template.params.create(name="customer_name", field="given_name", max_length=30)
    template.params.create(name="start", field="time", max_length=5)
    template.params.create(name="day", field="day", max_length=5)
    template.params.create(name="place", field="place", max_length=60)


def settings_for(server, rate):
    return override_settings(
        ZALO_APP_ID=APP_ID,
        ZALO_APP_SECRET=APP_SECRET,
        ZALO_OA_SECRET_KEY=OA_SECRET,
        ZALO_API_BASE_URL=server.url if server else "http://127.0.0.1:9",
        ZALO_OAUTH_BASE_URL=server.url if server else "http://127.0.0.1:9",
        ZALO_RATE_PER_SECOND=rate,
        SMS_QUIET_HOURS="",
    )


def measure_send_rate(rate):
    """Send SEND_COUNT reminders by Zalo to a stand-in at `rate`; messages per second."""
    ZaloConnection.objects.all().delete()
    with ZaloStandIn() as server, settings_for(server, rate):
        zalo.connect("r0")
        queue_messages(reminders(SEND_COUNT, f"rate:{rate}"))
        start = time.monotonic()
        workers = [threading.Thread(target=send_worker, args=(start + 90,)) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        elapsed = time.monotonic() - start
    tracking = Counter(m["tracking_id"] for m in server.accepted)
    sent = Message.objects.filter(status=Message.Status.SENT, channel="zalo").count()
    assert sent == SEND_COUNT, f"{sent} of {SEND_COUNT} sent by Zalo"
    assert len(tracking) == SEND_COUNT and max(tracking.values()) == 1, "a duplicate"
    empty()
    return round(sent / elapsed, 1), f"{SEND_COUNT} messages, 2 workers, none lost, none twice"


def run(context):
    engine = context["engine"]
    figures = []
    empty()
    outbox.async_task = lambda *args: None  # measure queueing, not the workers
    register_template()
    ZaloConnection.objects.all().delete()
    ZaloConnection.objects.create(refresh_token="bench")  # connected: no call is made
    with settings_for(None, 10):
        with stopwatch() as sms_only:
            assert queue_messages(reminders(FAN_OUT, "sms", by_zalo=False)) == FAN_OUT
        empty()
        with stopwatch() as routed:
            assert queue_messages(reminders(FAN_OUT, "zalo")) == FAN_OUT
        by_zalo = Message.objects.filter(channel="zalo").count()
        assert by_zalo == FAN_OUT, f"{by_zalo} of {FAN_OUT} routed to Zalo"
    figures.append(
        Figure(
            f"zalo_enqueue_30k_{engine}_s",
            round(routed["seconds"], 3),
            "s",
            baseline="the same 30,000 queued for SMS only (no routing), same run",
            baseline_value=round(sms_only["seconds"], 3),
            target="< 2",
            note="every reminder routed to Zalo with its template's values filled and checked",
        )
    )
    empty()
    if engine == "sqlite":
        rate, note = measure_send_rate(RATE)
        figures.append(
            Figure(
                "zalo_send_rate_per_s",
                rate,
                "msg/s",
                baseline="ZALO_RATE_PER_SECOND",
                baseline_value=RATE,
                target=f"≈ {RATE}",
                note=note,
            )
        )
        capacity, note = measure_send_rate(100_000)
        figures.append(
            Figure(
                "zalo_send_capacity_per_s",
                capacity,
                "msg/s",
                baseline="ZALO_RATE_PER_SECOND above",
                baseline_value=RATE,
                target=f"> {RATE}",
                note=note + ", no rate limit",
            )
        )
    ZaloConnection.objects.all().delete()
    ZaloTemplate.objects.all().delete()
    return figures
