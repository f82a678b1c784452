"""The staff's Zalo page (issue 17): whether Zalo is on, today's quota and each kind's
template, so that an organiser sees why a message went by SMS."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.urls import reverse

from notifications.models import ZaloConnection, ZaloTemplate

NOW = datetime(2026, 12, 9, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def connected(settings, db):
    settings.ZALO_APP_ID, settings.ZALO_APP_SECRET = "4242", "secret"
    return ZaloConnection.objects.create(refresh_token="r", access_token="a")


def text_of(client):
    response = client.get(reverse("teams:zalo_status"))
    assert response.status_code == 200
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def rows(client):
    soup = BeautifulSoup(client.get(reverse("teams:zalo_status")).content, "html.parser")
    return {
        row.th.get_text(strip=True): " ".join(row.get_text(" ").split())
        for row in soup.select("table.data tbody tr")
    }


@pytest.mark.usefixtures("english")
def test_zalo_off_says_every_message_goes_by_sms(client, organiser, settings):
    settings.ZALO_APP_ID = ""
    client.force_login(organiser)
    page = text_of(client)
    assert "Off: every message goes by SMS until an administrator sets ZALO_APP_ID" in page
    assert "Left of today's quota" not in page
    assert "Register templates" not in page  # the admin is an administrator's


@pytest.mark.usefixtures("english")
def test_an_app_id_without_a_connection_says_what_to_run(client, coordinator, settings):
    settings.ZALO_APP_ID = "4242"
    client.force_login(coordinator)
    assert "Not connected: an administrator runs zalo_connect" in text_of(client)


@pytest.mark.usefixtures("english")
def test_the_quota_is_todays_and_unknown_before_zalos_first_answer(client, organiser, connected):
    client.force_login(organiser)
    connected.quota_day, connected.daily_quota, connected.remaining_quota = (
        date(2026, 12, 8),
        500,
        12,
    )
    connected.save()
    assert "Not known yet: Zalo says with its first answer of the day" in text_of(client)
    connected.quota_day, connected.remaining_quota = date(2026, 12, 9), 1480
    connected.daily_quota = 2000
    connected.save()
    assert "Left of today's quota 1,480 of 2,000 messages" in text_of(client)
    connected.remaining_quota = 0
    connected.save()
    assert "0 of 2,000 messages · used up: messages go by SMS until tomorrow" in text_of(client)


@pytest.mark.usefixtures("english")
def test_each_kind_shows_its_template_and_zalos_review(client, organiser, connected):
    reminder = ZaloTemplate.objects.create(
        kind="shift_reminder",
        template_id="301245",
        name="Nhắc ca trực",
        status="approved",
        status_checked_at=NOW,
    )
    reminder.params.create(name="ten", field="name", max_length=30)
    reminder.params.create(name="gio", field="starts", max_length=30)
    ZaloTemplate.objects.create(kind="broadcast", template_id="301300", status="rejected")
    client.force_login(organiser)
    shown = rows(client)
    assert shown["Shift reminder"] == (
        "Shift reminder 301245 · Nhắc ca trực Approved by Zalo 2 09/12/2026 10:00"
    )
    assert shown["Broadcast"] == "Broadcast 301300 Rejected by Zalo 0 –"
    assert shown["Follow-up to a citizen"] == "Follow-up to a citizen No template: goes by SMS"


def test_the_page_reads_in_vietnamese_and_superusers_find_the_admin(
    client, make_user, connected, provinces
):
    admin = make_user("admin", is_superuser=True, is_staff=True)
    client.force_login(admin)
    page = text_of(client)
    assert "Tin nhắn qua Zalo" in page
    assert "Đã kết nối từ 09/12/2026" in page
    assert "Chưa có mẫu: gửi bằng SMS" in page
    response = client.get(reverse("teams:zalo_status"))
    assert reverse("admin:notifications_zalotemplate_changelist") in response.content.decode()
