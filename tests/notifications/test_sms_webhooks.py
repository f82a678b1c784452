"""Twilio's webhooks and the opt-out link."""

import pytest
from django.urls import reverse
from twilio.request_validator import RequestValidator

from notifications.links import opt_out_token
from notifications.models import Message, OptOut
from notifications.outbox import queue_message

pytestmark = pytest.mark.usefixtures("english")

PHONE = "+84912345678"
TOKEN = "twilio-auth-token"
PUBLIC = "https://digihelp.example.vn"


@pytest.fixture(autouse=True)
def twilio_settings(settings):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.SITE_URL = PUBLIC


@pytest.fixture
def sent_message(db):
    message = queue_message(PHONE, "Xin chào", kind="test", key="k")
    Message.objects.filter(pk=message.pk).update(status="sent", provider_message_id="SM123")
    return message


def post_signed(client, name, data, *, signed_url=None, signature=None):
    path = reverse(f"notifications:{name}")
    if signature is None:
        signature = RequestValidator(TOKEN).compute_signature(signed_url or PUBLIC + path, data)
    # The app itself is reached over plain HTTP behind the proxy.
    return client.post(path, data, HTTP_X_TWILIO_SIGNATURE=signature)


def status_of(message):
    message.refresh_from_db()
    return message.status


def test_a_signed_delivery_report_marks_the_message_delivered(client, sent_message):
    response = post_signed(
        client, "twilio_status", {"MessageSid": "SM123", "MessageStatus": "delivered"}
    )
    assert response.status_code == 204
    assert status_of(sent_message) == "delivered"
    assert sent_message.delivered_at is not None


def test_a_forged_or_unsigned_report_is_refused_and_changes_nothing(client, sent_message):
    data = {"MessageSid": "SM123", "MessageStatus": "failed"}
    assert post_signed(client, "twilio_status", data, signature="forged").status_code == 403
    assert client.post(reverse("notifications:twilio_status"), data).status_code == 403
    tampered = RequestValidator(TOKEN).compute_signature(
        PUBLIC + reverse("notifications:twilio_status"), {**data, "MessageStatus": "delivered"}
    )
    assert post_signed(client, "twilio_status", data, signature=tampered).status_code == 403
    assert status_of(sent_message) == "sent"


def test_the_signature_is_checked_against_the_public_url_not_the_internal_one(
    client, sent_message
):
    data = {"MessageSid": "SM123", "MessageStatus": "delivered"}
    internal = "http://testserver" + reverse("notifications:twilio_status")
    assert post_signed(client, "twilio_status", data, signed_url=internal).status_code == 403
    assert post_signed(client, "twilio_status", data).status_code == 204


def test_reports_out_of_order_or_repeated_are_harmless(client, sent_message):
    for status in ["delivered", "sent", "delivered", "sent"]:
        post_signed(client, "twilio_status", {"MessageSid": "SM123", "MessageStatus": status})
    assert status_of(sent_message) == "delivered"


def test_an_undelivered_report_keeps_the_error_code(client, sent_message):
    post_signed(
        client,
        "twilio_status",
        {"MessageSid": "SM123", "MessageStatus": "undelivered", "ErrorCode": "30003"},
    )
    assert status_of(sent_message) == "undelivered"
    assert sent_message.last_error_code == "30003"


def test_an_unsubscribed_report_records_an_opt_out(client, sent_message):
    post_signed(
        client,
        "twilio_status",
        {"MessageSid": "SM123", "MessageStatus": "failed", "ErrorCode": "21610"},
    )
    assert status_of(sent_message) == "failed"
    assert OptOut.objects.blocks(PHONE)


def test_a_report_about_an_unknown_message_is_ignored(client, sent_message):
    response = post_signed(
        client, "twilio_status", {"MessageSid": "SM999", "MessageStatus": "delivered"}
    )
    assert response.status_code == 204
    assert status_of(sent_message) == "sent"


@pytest.mark.parametrize("body", ["STOP", " stop ", "Huy", "TU CHOI"])
def test_stop_keywords_opt_out_and_start_opts_back_in(client, db, body):
    response = post_signed(client, "twilio_inbound", {"From": "+84912345678", "Body": body})
    assert response.status_code == 200
    assert b"<Message>" in response.content
    assert OptOut.objects.blocks(PHONE)
    post_signed(client, "twilio_inbound", {"From": "0912345678", "Body": "start"})
    assert not OptOut.objects.blocks(PHONE)
    assert OptOut.objects.get().ended_at is not None  # kept as history


def test_help_answers_and_other_words_change_nothing(client, db):
    assert (
        b"STOP" in post_signed(client, "twilio_inbound", {"From": PHONE, "Body": "help"}).content
    )
    post_signed(client, "twilio_inbound", {"From": PHONE, "Body": "cam on"})
    assert not OptOut.objects.exists()


def test_an_unsigned_inbound_message_is_refused(client, db):
    response = client.post(
        reverse("notifications:twilio_inbound"), {"From": PHONE, "Body": "STOP"}
    )
    assert response.status_code == 403
    assert not OptOut.objects.exists()


def test_citizen_messages_end_with_a_short_opt_out_link(db):
    message = queue_message(
        PHONE, "Hồ sơ của bạn đã nộp", kind="follow_up", key="f", opt_out_link=True
    )
    token = opt_out_token(message.pk)
    url = f"{PUBLIC}/o/{message.pk}/{token}/"
    assert message.text.endswith(url)
    assert len(token) == 11
    assert message.segment_count == 2  # the link is counted


def test_opening_the_link_changes_nothing_and_one_tap_opts_out(client, db):
    message = queue_message(PHONE, "Hồ sơ", kind="follow_up", key="f", opt_out_link=True)
    path = reverse("notifications:opt_out", args=[message.pk, opt_out_token(message.pk)])
    page = client.get(path)
    assert page.status_code == 200
    assert "+84 ••• 678" in page.content.decode()
    assert not OptOut.objects.exists()
    client.post(path, {"action": "stop"})
    assert OptOut.objects.get().source == OptOut.Source.LINK
    client.post(path, {"action": "stop"})  # a second tap is harmless
    assert OptOut.objects.count() == 1
    client.post(path, {"action": "start"})
    assert not OptOut.objects.blocks(PHONE)


def test_the_opt_out_page_speaks_the_messages_language(client, db):
    message = queue_message(PHONE, "Hồ sơ", kind="follow_up", key="f", language="vi")
    html = client.get(
        reverse("notifications:opt_out", args=[message.pk, opt_out_token(message.pk)]),
        HTTP_ACCEPT_LANGUAGE="en-US",
    ).content.decode()
    assert '<html lang="vi">' in html


def test_a_link_with_a_wrong_token_is_not_found(client, db):
    message = queue_message(PHONE, "Hồ sơ", kind="follow_up", key="f")
    path = reverse("notifications:opt_out", args=[message.pk, opt_out_token(message.pk + 1)])
    assert client.post(path, {"action": "stop"}).status_code == 404
    assert not OptOut.objects.exists()
