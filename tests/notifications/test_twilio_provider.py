"""The Twilio provider against a stand-in server on 127.0.0.1: the one seam to Twilio."""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from twilio.base.exceptions import TwilioRestException

from notifications.providers import Next, ProviderError
from notifications.twilio import TwilioProvider, classify
from tests.notifications.twilio_standin import ACCOUNT, StandIn


@pytest.fixture
def standin(settings):
    with StandIn(delay_on_timeout=1.5) as server:
        settings.TWILIO_ACCOUNT_SID = ACCOUNT
        settings.TWILIO_AUTH_TOKEN = "token"
        settings.TWILIO_FROM_NUMBER = "+15005550006"
        settings.TWILIO_MESSAGING_SERVICE_SID = ""
        settings.TWILIO_API_BASE_URL = server.url
        settings.TWILIO_TIMEOUT_SECONDS = 0.5
        yield server


def test_a_message_goes_to_the_configured_api_host_and_gets_twilios_id(standin):
    accepted = TwilioProvider().send("+84912345678", "Xin chào")
    assert accepted.provider_message_id.startswith("SM")
    assert standin.accepted[0]["to"] == "+84912345678"
    assert standin.accepted[0]["body"] == "Xin chào"


@pytest.mark.parametrize(
    ("answer", "next_step", "code"),
    [
        ("429", Next.RETRY, "20429"),
        ("500", Next.UNKNOWN, "20500"),
        ("timeout", Next.UNKNOWN, "timeout"),
        ("21211", Next.PERMANENT, "21211"),
        ("21614", Next.PERMANENT, "21614"),
        ("21408", Next.PERMANENT, "21408"),
        ("20003", Next.PERMANENT, "20003"),
    ],
)
def test_each_answer_is_classified(standin, answer, next_step, code):
    standin.script.append(answer)
    with pytest.raises(ProviderError) as raised:
        TwilioProvider().send("+84912345678", "Xin chào")
    assert (raised.value.next_step, raised.value.code) == (next_step, code)
    assert raised.value.reason


def test_an_unsubscribed_recipient_is_permanent_and_flagged(standin):
    standin.script.append("21610")
    with pytest.raises(ProviderError) as raised:
        TwilioProvider().send("+84912345678", "Xin chào")
    assert raised.value.next_step is Next.PERMANENT
    assert raised.value.opted_out


def test_a_refused_connection_is_worth_retrying(settings, standin):
    settings.TWILIO_API_BASE_URL = "http://127.0.0.1:9"  # nothing listens there
    with pytest.raises(ProviderError) as raised:
        TwilioProvider().send("+84912345678", "Xin chào")
    assert raised.value.next_step is Next.RETRY


def test_the_provider_lists_what_it_sent_for_reconciling(standin):
    standin.script.append("timeout")
    with pytest.raises(ProviderError):
        TwilioProvider().send("+84912345678", "Nhắc lịch")
    records = TwilioProvider().sent_to("+84912345678", timezone.now() - timedelta(hours=1))
    assert [(r.to, r.body) for r in records] == [("+84912345678", "Nhắc lịch")]
    assert TwilioProvider().sent_to("+84987654321", timezone.now()) == []


def test_missing_credentials_name_the_settings(settings):
    settings.TWILIO_ACCOUNT_SID = ""
    with pytest.raises(ImproperlyConfigured, match="TWILIO_ACCOUNT_SID"):
        TwilioProvider()
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = ACCOUNT, "token"
    settings.TWILIO_FROM_NUMBER = settings.TWILIO_MESSAGING_SERVICE_SID = ""
    with pytest.raises(ImproperlyConfigured, match="TWILIO_MESSAGING_SERVICE_SID"):
        TwilioProvider()


def test_an_unknown_4xx_is_permanent_with_twilios_words():
    error = classify(TwilioRestException(400, "/Messages", "Bad body", code=21602))
    assert (error.next_step, error.code, error.reason) == (Next.PERMANENT, "21602", "Bad body")
