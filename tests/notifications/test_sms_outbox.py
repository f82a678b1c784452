"""The outbox: queued once, handed over at most once per attempt, never lost."""

import threading
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from notifications import outbox, sending
from notifications.models import Message, MessageAttempt, OptOut
from notifications.outbox import queue_message
from notifications.providers import MemoryProvider, Next, ProviderError

# Messages are read in English here; the Vietnamese ones are checked elsewhere.
pytestmark = pytest.mark.usefixtures("english")

PHONE = "+84912345678"
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
Status = Message.Status


@pytest.fixture(autouse=True)
def memory_outbox():
    MemoryProvider.reset()
    yield MemoryProvider.outbox
    MemoryProvider.reset()


@pytest.fixture
def queue(db, django_capture_on_commit_callbacks):
    """queue_message, with the send task run (synchronously) after commit."""

    def queue(text="Nhắc lịch: ca hỗ trợ 8:00 ngày 25/11", key="k1", **options):
        options.setdefault("kind", "shift_reminder")
        with django_capture_on_commit_callbacks(execute=True):
            message = queue_message(options.pop("to", PHONE), text, key=key, **options)
        message.refresh_from_db()
        return message

    return queue


def error(next_step, code="x", reason="reason", **extra):
    return ProviderError(next_step, code, reason, **extra)


def test_a_queued_message_is_sent_once_with_its_attempt_recorded(queue, memory_outbox):
    message = queue(brand="SỞ TT&TT LẠNG SƠN")
    assert message.status == Status.SENT
    assert message.text.startswith("SỞ TT&TT LẠNG SƠN: Nhắc lịch")
    assert (message.encoding, message.segment_count) == ("UCS-2", 1)
    assert message.provider_message_id == memory_outbox[0].provider_message_id
    attempt = message.attempt_log.get()
    assert (attempt.number, attempt.outcome) == (1, MessageAttempt.Outcome.ACCEPTED)
    assert len(memory_outbox) == 1


def test_the_same_reminder_for_the_same_person_is_queued_once(queue, memory_outbox):
    first = queue(key="shift:7:24h")
    second = queue(key="shift:7:24h", text="another text")
    assert first.pk == second.pk
    assert Message.objects.count() == 1
    assert len(memory_outbox) == 1


def test_text_is_normalised_to_nfc_before_counting(queue):
    decomposed = "Nha\u0300 va\u0306n ho\u0301a"  # NFD: combining marks
    message = queue(text=decomposed)
    assert message.text == "Nhà văn hóa"


def test_an_opted_out_number_is_never_messaged(queue, memory_outbox):
    OptOut.objects.create(phone=PHONE, source=OptOut.Source.LINK)
    message = queue()
    assert message.status == Status.CANCELLED
    assert message.last_error_code == "opted_out"
    assert memory_outbox == []


def test_an_opt_out_recorded_after_queueing_still_stops_the_send(db, memory_outbox):
    message = queue_message(PHONE, "Xin chào", kind="test", key="late")
    OptOut.objects.create(phone=PHONE, source=OptOut.Source.LINK)
    assert sending.send_message(message.pk) == "opted out"
    message.refresh_from_db()
    assert message.status == Status.CANCELLED
    assert memory_outbox == []


def test_a_task_delivered_twice_sends_once(queue, memory_outbox):
    message = queue()
    assert sending.send_message(message.pk) == "not due, or already taken"
    assert len(memory_outbox) == 1


@pytest.mark.django_db(transaction=True)  # two threads, two connections: data committed
def test_a_second_worker_cannot_take_a_message_in_flight(memory_outbox, monkeypatch):
    monkeypatch.setattr(outbox, "async_task", lambda *args: None)  # the workers below send
    message = queue_message(PHONE, "Xin chào", kind="test", key="race")
    in_send, release = threading.Event(), threading.Event()
    real_send = MemoryProvider.send

    def slow_send(self, to, body, **kwargs):
        in_send.set()
        release.wait(5)
        return real_send(self, to, body, **kwargs)

    monkeypatch.setattr(MemoryProvider, "send", slow_send)
    results = {}

    def first_worker():
        results["a"] = sending.send_message(message.pk)
        connection.close()  # a worker thread's own connection

    first = threading.Thread(target=first_worker)
    first.start()
    assert in_send.wait(5)
    results["b"] = sending.send_message(message.pk)  # the second worker, meanwhile
    release.set()
    first.join(5)
    assert results == {"a": "sent", "b": "not due, or already taken"}
    assert len(memory_outbox) == 1
    assert MessageAttempt.objects.count() == 1


def test_rate_limited_sends_are_retried_later_with_backoff(queue, memory_outbox):
    MemoryProvider.fail_next(error(Next.RETRY, "20429", "Too Many Requests"))
    message = queue()
    assert message.status == Status.QUEUED
    assert message.attempts == 1
    assert message.next_attempt_at > timezone.now()
    assert message.last_error_code == "20429"
    assert message.attempt_log.get().outcome == MessageAttempt.Outcome.RETRY
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert sending.send_message(message.pk) == "sent"
    assert len(memory_outbox) == 1
    assert list(message.attempt_log.values_list("outcome", flat=True)) == ["retry", "accepted"]


def test_retries_stop_at_the_limit_with_the_reason(queue, settings, memory_outbox):
    settings.SMS_MAX_ATTEMPTS = 2
    MemoryProvider.fail_next(*[error(Next.RETRY, "connection", "refused")] * 2)
    message = queue()
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    sending.send_message(message.pk)
    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert message.last_error_reason == "gave up after 2 attempts: refused"
    assert memory_outbox == []


def test_backoff_grows_exponentially_with_jitter(settings):
    settings.SMS_RETRY_BASE_SECONDS = 30
    for attempt, middle in [(1, 30), (2, 60), (3, 120), (10, 3600)]:
        delays = {sending.backoff(attempt).total_seconds() for _ in range(20)}
        assert all(middle * 0.5 <= d <= middle * 1.5 for d in delays)
        assert len(delays) > 1  # jitter spreads retries apart


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("21211", "the number is not a valid phone number"),
        ("21614", "the number is not a mobile number"),
        ("21408", "sending to this region is not enabled on the account"),
        ("20003", "authentication failed"),
    ],
)
def test_permanent_errors_fail_with_a_readable_reason(queue, code, reason, memory_outbox):
    MemoryProvider.fail_next(error(Next.PERMANENT, code, reason))
    message = queue()
    assert message.status == Status.FAILED
    assert (message.last_error_code, message.last_error_reason) == (code, reason)
    assert not OptOut.objects.exists()


def test_an_unsubscribed_recipient_fails_and_is_opted_out(queue):
    queue_message(PHONE, "later", kind="test", key="later", send_at=timezone.now() + timedelta(1))
    MemoryProvider.fail_next(error(Next.PERMANENT, "21610", "unsubscribed", opted_out=True))
    message = queue()
    assert message.status == Status.FAILED
    assert OptOut.objects.get().source == OptOut.Source.PROVIDER
    assert Message.objects.get(idempotency_key="later").status == Status.CANCELLED


def test_an_unknown_outcome_that_went_out_is_reconciled_not_resent(queue, memory_outbox):
    timeout = error(Next.UNKNOWN, "timeout", "read timed out")
    timeout.accepted_anyway = True
    MemoryProvider.fail_next(timeout)
    message = queue()
    assert message.status == Status.UNKNOWN
    assert len(memory_outbox) == 1
    assert sending.sweep_outbox()["reconciled"] == 1
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.provider_message_id == memory_outbox[0].provider_message_id
    assert len(memory_outbox) == 1


def test_an_unknown_outcome_that_did_not_go_out_is_sent_again(queue, memory_outbox):
    MemoryProvider.fail_next(error(Next.UNKNOWN, "20500", "Internal Server Error"))
    message = queue()
    assert memory_outbox == []
    sending.sweep_outbox()
    message.refresh_from_db()
    assert message.status == Status.QUEUED
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    sending.sweep_outbox()  # dispatches it; the synchronous queue sends it at once
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert len(memory_outbox) == 1


def test_a_worker_killed_mid_send_is_taken_back_by_the_sweep(db, memory_outbox):
    message = queue_message(PHONE, "Xin chào", kind="test", key="killed")
    long_ago = timezone.now() - timedelta(hours=1)
    # What a worker leaves behind when it dies inside provider.send():
    Message.objects.filter(pk=message.pk).update(
        status=Status.SENDING, sending_started_at=long_ago, attempts=1
    )
    MessageAttempt.objects.create(
        message=message, number=1, provider="memory", started_at=long_ago
    )
    report = sending.sweep_outbox()
    assert report["stuck"] == 1
    message.refresh_from_db()
    # The provider has no record of it, so it is queued again, never lost.
    assert message.status == Status.QUEUED
    assert message.attempt_log.get().outcome == MessageAttempt.Outcome.UNKNOWN


def test_a_send_still_in_flight_is_left_alone_by_the_sweep(db):
    message = queue_message(PHONE, "Xin chào", kind="test", key="busy")
    Message.objects.filter(pk=message.pk).update(
        status=Status.SENDING, sending_started_at=timezone.now()
    )
    assert sending.sweep_outbox()["stuck"] == 0
    message.refresh_from_db()
    assert message.status == Status.SENDING


def test_statuses_only_move_forward(queue):
    message = queue()
    assert sending.advance(message, Status.DELIVERED)
    assert not sending.advance(message, Status.SENT)  # a late "sent" report
    message.refresh_from_db()
    assert message.status == Status.DELIVERED


def test_due_messages_are_dispatched_once_until_they_look_lost(db, monkeypatch):
    dispatched = []
    monkeypatch.setattr(sending, "async_task", lambda name, pk, **options: dispatched.append(pk))
    later = timezone.now() + timedelta(hours=2)
    queue_message(PHONE, "a", kind="test", key="due")
    queue_message(PHONE, "b", kind="test", key="later", send_at=later)
    now = timezone.now()
    assert sending.dispatch_due(now) == 1
    assert sending.dispatch_due(now + timedelta(seconds=30)) == 0
    assert sending.dispatch_due(now + timedelta(minutes=6)) == 1  # the broker lost it?
    assert len(dispatched) == 2


def test_quiet_hours_hold_non_urgent_messages_until_morning(db, settings, memory_outbox):
    settings.SMS_QUIET_HOURS = "00:00-23:59"
    message = queue_message(PHONE, "Xin chào", kind="test", key="night")
    assert sending.send_message(message.pk) == "quiet hours"
    message.refresh_from_db()
    assert message.status == Status.QUEUED
    assert timezone.localtime(message.next_attempt_at).strftime("%H:%M") == "23:59"
    urgent = queue_message(PHONE, "Khẩn", kind="test", key="urgent", urgent=True)
    assert sending.send_message(urgent.pk) == "sent"
    assert len(memory_outbox) == 1


@pytest.mark.parametrize(
    ("clock", "until"),
    [
        ("22:30", "2026-11-23 07:00"),
        ("02:00", "2026-11-22 07:00"),
        ("07:00", None),
        ("12:00", None),
        ("21:00", "2026-11-23 07:00"),
    ],
)
def test_quiet_hours_span_midnight(settings, clock, until):
    settings.SMS_QUIET_HOURS = "21:00-07:00"
    hour, minute = map(int, clock.split(":"))
    now = datetime(2026, 11, 22, hour, minute, tzinfo=HANOI)
    ends = sending.quiet_until(now)
    assert (ends and timezone.localtime(ends, HANOI).strftime("%Y-%m-%d %H:%M")) == until


def test_the_rate_limit_is_shared_per_second(settings):
    settings.SMS_RATE_PER_SECOND = 2
    now = timezone.now()
    assert [sending.take_rate_token("memory", now) for _ in range(3)] == [True, True, False]
    assert sending.take_rate_token("memory", now + timedelta(seconds=1))


def test_send_sms_command_queues_one_message_per_number(
    db, memory_outbox, django_capture_on_commit_callbacks
):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "send_sms", "--to", "0912 345 678", "--to", "+84987654321", "Thử nghiệm", stdout=out
        )
    assert sorted(r.to for r in memory_outbox) == ["+84912345678", "+84987654321"]
    assert Message.objects.filter(kind="operator_test").count() == 2


def test_send_sms_command_names_a_bad_number(db):
    with pytest.raises(CommandError, match="--to 0243 825 1234: “0243 825 1234”"):
        call_command("send_sms", "--to", "0243 825 1234", "Xin chào")
    with pytest.raises(CommandError, match="TEXT: the message is empty"):
        call_command("send_sms", "--to", PHONE, "  ")
    assert not Message.objects.exists()


def test_the_outbox_sweep_is_scheduled_every_minute(db):
    from django_q.models import Schedule

    schedule = Schedule.objects.get(func="notifications.tasks.sweep_outbox")
    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == ("I", 1, -1)


def test_a_fan_out_is_queued_once_and_skips_opted_out_numbers(db):
    from notifications.outbox import Outgoing, queue_messages

    OptOut.objects.create(phone="+84912000002", source=OptOut.Source.LINK)
    outgoing = [
        Outgoing(
            f"+8491200000{i}",
            "Nhắc lịch ca trực",
            key=f"fan:{i}",
            kind="reminder",
            brand="SỞ TT&TT",
        )
        for i in range(5)
    ]
    assert queue_messages(outgoing, batch_size=2) == 5
    assert queue_messages(outgoing, batch_size=2) == 0  # a repeated run queues nothing
    assert Message.objects.filter(status=Status.QUEUED).count() == 4
    cancelled = Message.objects.get(status=Status.CANCELLED)
    assert cancelled.recipient == "+84912000002"
    assert Message.objects.first().text == "SỞ TT&TT: Nhắc lịch ca trực"


def test_queued_fan_outs_are_sent_by_the_sweep(db, memory_outbox):
    from notifications.outbox import Outgoing, queue_messages

    queue_messages([Outgoing(PHONE, "Xin chào", key="fan", kind="reminder")])
    assert memory_outbox == []
    assert sending.sweep_outbox()["dispatched"] == 1
    assert len(memory_outbox) == 1
