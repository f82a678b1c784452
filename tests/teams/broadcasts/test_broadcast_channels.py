# ruff: noqa: F811 - the fixtures imported below are taken as parameters by name
"""Broadcasts by Zalo and SMS (issue 17): the log's channels, the preview's count and cost
by channel, and the sender brand's check."""

import pytest
from django.urls import reverse

from notifications.models import Message
from notifications.phones import national
from tests.teams.broadcasts.test_broadcasts import (  # noqa: F401 (fixtures)
    STATUS,
    broadcast,
    compose_data,
    elsewhere,
    figure,
    memory_outbox,
    mine,
    page,
    preview,
    registry,
)

pytestmark = pytest.mark.usefixtures("english")


def test_the_log_shows_and_filters_the_channel_and_why_a_message_fell_back(
    client, organiser, registry, broadcast
):
    an, chi = registry["an"].phone, registry["chi"].phone
    Message.objects.filter(recipient=an).update(channel="zalo", status=STATUS.DELIVERED)
    Message.objects.filter(recipient=chi).update(fallback_reason="no_zalo")
    client.force_login(organiser)
    by_zalo = page(client, reverse("teams:message_log"), channel="zalo")
    assert national(an) in by_zalo and national(chi) not in by_zalo
    fell_back = page(client, reverse("teams:message_log"), channel="fallback")
    assert national(chi) in fell_back and national(an) not in fell_back
    assert "after Zalo: The number has no Zalo account or cannot receive" in fell_back
    by_sms = page(client, reverse("teams:message_log"), channel="sms")
    assert national(chi) in by_sms and national(an) not in by_sms


def test_the_preview_counts_recipients_and_cost_by_channel(client, organiser, registry, settings):
    from notifications.models import ZaloConnection, ZaloTemplate

    settings.ZALO_APP_ID, settings.ZALO_APP_SECRET = "1", "s"
    settings.SMS_PRICE_PER_SEGMENT, settings.ZALO_PRICE_PER_MESSAGE = 800, 300
    ZaloConnection.objects.create(refresh_token="r")
    template = ZaloTemplate.objects.create(kind="broadcast", template_id="9", status="approved")
    template.params.create(name="noi_dung", field="text", max_length=200)
    registry["chi"].zalo_consent = False  # asked for SMS only
    registry["chi"].save()
    client.force_login(organiser)
    html = preview(client, compose_data(registry["our_team"])).content.decode()
    # An and Chi are reached (Bình opted out, Dũng is inactive): An by Zalo, Chi by SMS.
    assert (figure(html, "preview-zalo"), figure(html, "preview-sms")) == (1, 1)
    segments = figure(html, "preview-total-segments")
    assert f"SMS {segments * 800:,}, Zalo 300" in html
    # Text longer than the template takes goes by SMS to everyone.
    long_text = "Họp tổ " * 40
    html = preview(client, compose_data(registry["our_team"], text=long_text)).content.decode()
    assert (figure(html, "preview-zalo"), figure(html, "preview-sms")) == (0, 2)


def test_a_sender_brand_that_is_no_brand_is_refused_with_the_reason(client, organiser, registry):
    client.force_login(organiser)
    data = compose_data(registry["our_team"], brand="dichvucong.gov.vn")
    response = preview(client, data)
    assert "A brand name is not a web address." in response.content.decode()
    assert response.context["preview"] is None
