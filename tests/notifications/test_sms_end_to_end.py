"""Messages through the real Twilio provider to a stand-in that misbehaves at random."""

import random
from collections import Counter

import pytest
from django.utils import timezone

from notifications import sending
from notifications.models import Message
from notifications.outbox import Outgoing, queue_messages
from notifications.providers import get_provider
from tests.notifications.twilio_standin import ACCOUNT, StandIn

ANSWERS = ["ok", "ok", "ok", "429", "500", "500-lost", "timeout", "timeout-lost"]


@pytest.fixture
def twilio_standin(settings):
    with StandIn(delay_on_timeout=0.3) as server:
        settings.SMS_PROVIDER = "twilio"
        settings.TWILIO_ACCOUNT_SID = ACCOUNT
        settings.TWILIO_AUTH_TOKEN = "token"
        settings.TWILIO_FROM_NUMBER = "+15005550006"
        settings.TWILIO_API_BASE_URL = server.url
        settings.TWILIO_TIMEOUT_SECONDS = 0.15
        settings.SMS_RATE_PER_SECOND = 1000
        settings.SMS_MAX_ATTEMPTS = 6
        get_provider.cache_clear()
        yield server
        get_provider.cache_clear()


@pytest.mark.end_to_end
def test_every_message_ends_sent_exactly_once_or_failed_with_a_reason(db, twilio_standin):
    chance = random.Random(4)
    twilio_standin.choose = lambda: chance.choice(ANSWERS)
    count = 24
    queue_messages(
        Outgoing(f"+849120000{i:02d}", f"Nhắc lịch số {i}", key=f"e2e:{i}", kind="reminder")
        for i in range(count)
    )
    for _round in range(25):
        # Let retries fall due at once instead of waiting out their backoff.
        Message.objects.filter(status=Message.Status.QUEUED).update(next_attempt_at=timezone.now())
        sending.sweep_outbox()
        if not Message.objects.exclude(status__in=Message.FINAL | {Message.Status.SENT}).exists():
            break
    accepted = Counter(m["body"] for m in twilio_standin.accepted)
    statuses = Counter()
    for message in Message.objects.all():
        statuses[message.status] += 1
        if message.status == Message.Status.SENT:
            assert accepted[message.text] == 1, message.text  # never twice
            assert message.provider_message_id.startswith("SM")
        else:
            assert message.status == Message.Status.FAILED, message.status
            assert message.last_error_reason
            assert accepted[message.text] == 0
    assert sum(statuses.values()) == count
    assert statuses[Message.Status.SENT] >= count * 0.8
    assert twilio_standin.requests > count  # the stand-in really did misbehave
