"""The first screen after sign-in: each role finds its day's work there."""

import re
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import Page

from campaign.models import (
    Campaign,
    CampaignCommune,
    CommuneReport,
    Indicator,
    IndicatorTarget,
    Role,
    campaign_tag,
)
from cms.models import GuideIndexPage, GuidePage
from cms.seeding import NO_IMAGE
from notifications.models import Message
from sessions.models import HelpSession
from sessions.rollups import add_sessions
from teams.models import ImportJob, Shift, ShiftSignup, Volunteer

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 12, 9, 10, 0, tzinfo=LOCAL)  # a Wednesday, day 16 of the campaign
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def campaign(lang_son):
    campaign = Campaign.objects.create(
        name="45 ngày đêm",
        province=lang_son,
        start=date(2026, 11, 24),
        status=Campaign.Status.ACTIVE,
        sms_brand="SỞ TT&TT",
    )
    campaign.add_all_communes()
    return campaign


@pytest.fixture
def mine(coordinated_communes):
    return coordinated_communes[0]


_phones = iter(range(10_000_000, 99_999_999))


def person(name):
    return Volunteer.objects.create(full_name=name, phone=f"+8491{next(_phones)}")


def shift(campaign, commune, start, hours=3, needed=2, place="Bộ phận một cửa"):
    return Shift.objects.create(
        campaign=campaign,
        commune=commune,
        place=place,
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        volunteers_needed=needed,
    )


def log(campaign, commune, volunteer, count):
    sessions = [
        HelpSession.objects.create(
            uuid=uuid.uuid4(),
            volunteer=volunteer,
            campaign=campaign,
            commune=commune,
            helped_at=NOW - timedelta(hours=1),
        )
        for _ in range(count)
    ]
    add_sessions([(session, []) for session in sessions])


def text_of(response):
    """The page as read: tags dropped, white space collapsed."""
    assert response.status_code == 200
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_signing_in_leads_to_the_first_screen(client, coordinator):
    response = client.post(
        reverse("login"), {"username": "coordinator", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("desk:today")
    assert "Hôm nay" in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("desk:today"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_coordinator_sees_today_in_their_communes(
    client, coordinator, campaign, mine, coordinated_communes, lang_son
):
    minh = person("Nông Văn Minh")
    morning = shift(campaign, mine, NOW.replace(hour=8))
    ShiftSignup.objects.create(shift=morning, volunteer=minh, status="confirmed")
    lan = person("Hoàng Thị Lan")
    ShiftSignup.objects.create(shift=morning, volunteer=lan, status="invited")
    shift(campaign, mine, NOW.replace(hour=14), needed=3, place="Nhà văn hoá thôn Nà Chuông")
    shift(campaign, mine, NOW + timedelta(days=1))  # tomorrow: not today's
    elsewhere = lang_son.communes.exclude(pk__in=[c.pk for c in coordinated_communes]).first()
    shift(campaign, elsewhere, NOW.replace(hour=8), place="Chỗ của xã khác")
    log(campaign, mine, minh, 3)
    Message.objects.create(
        recipient="+84912345678",
        text="Nhắc lịch",
        kind="reminder",
        idempotency_key="k1",
        encoding="GSM-7",
        segment_count=1,
        tag=campaign_tag(campaign.pk, mine.pk),
    )

    client.force_login(coordinator)
    page = text_of(client.get(reverse("desk:today")))

    assert "Hôm nay ở các xã của bạn" in page
    assert mine.name in page
    assert "08:00–11:00 Bộ phận một cửa Hoàng Thị Lan (chưa xác nhận), Nông Văn Minh" in page
    assert "14:00–17:00 Nhà văn hoá thôn Nà Chuông Chưa có ai 3 chỗ còn trống" in page
    assert "3 người dân được hỗ trợ hôm nay" in page
    assert "2 ca trực hôm nay" in page
    assert "3 chỗ còn trống" in page
    assert "1 tin nhắn đang chờ gửi" in page
    assert "Báo cáo của xã cho tuần 30/11/2026 – 06/12/2026 đã đến hạn" in page
    assert "Chỗ của xã khác" not in page
    # Two communes, each with its own card; nobody's work is an organiser's glance.
    assert page.count("Ca trực trong tuần") == 2
    assert "Tổng quan chiến dịch của bạn" not in page


def test_a_report_entered_for_last_week_is_no_longer_due(client, coordinator, campaign, mine):
    place = CampaignCommune.objects.get(campaign=campaign, commune=mine)
    CommuneReport.objects.create(
        campaign_commune=place,
        period_start=date(2026, 11, 30),
        period_end=date(2026, 12, 6),
        applications_received=10,
        applications_online=4,
    )
    client.force_login(coordinator)
    page = text_of(client.get(reverse("desk:today")))
    assert page.count("đã đến hạn") == 1  # the other commune's only


def test_a_coordinator_without_a_running_campaign_is_told_so(client, coordinator, campaign):
    campaign.status = Campaign.Status.CLOSED
    campaign.save()
    client.force_login(coordinator)
    page = text_of(client.get(reverse("desk:today")))
    assert "Hôm nay không có xã nào của bạn trong chiến dịch đang diễn ra." in page


def test_an_organiser_sees_the_campaign_at_a_glance(client, organiser, campaign, mine, lang_son):
    behind, on_track = lang_son.communes.order_by("code")[:2]
    citizens = Indicator.objects.get(code="citizens_helped")
    for commune, value in ((behind, 450), (on_track, 45)):
        IndicatorTarget.objects.create(
            campaign_commune=CampaignCommune.objects.get(campaign=campaign, commune=commune),
            indicator=citizens,
            value=value,
        )
    minh = person("Nông Văn Minh")
    log(campaign, behind, minh, 20)  # 157 expected by day 16 of 46
    log(campaign, on_track, minh, 16)  # 16 expected
    short = shift(campaign, behind, NOW + timedelta(days=2), needed=3)
    ShiftSignup.objects.create(shift=short, volunteer=minh, status="confirmed")
    full = shift(campaign, on_track, NOW + timedelta(days=1), needed=1)
    ShiftSignup.objects.create(shift=full, volunteer=minh, status="confirmed")
    shift(campaign, behind, NOW + timedelta(days=8), needed=5)  # next week's
    Message.objects.create(
        recipient="+84912345678",
        text="Mời",
        kind="invitation",
        idempotency_key="k2",
        encoding="GSM-7",
        segment_count=1,
        status=Message.Status.FAILED,
        tag=campaign_tag(campaign.pk, behind.pk),
    )
    for key, channel, reason in [
        ("k3", "zalo", ""),
        ("k4", "zalo", ""),
        ("k5", "sms", "no_zalo"),
    ]:
        Message.objects.create(
            recipient="+84912345679",
            text="Nhắc lịch",
            kind="reminder",
            idempotency_key=key,
            encoding="GSM-7",
            segment_count=1,
            status=Message.Status.DELIVERED,
            channel=channel,
            fallback_reason=reason,
            tag=campaign_tag(campaign.pk, behind.pk),
        )
    Message.objects.filter(idempotency_key="k4").update(created_at=NOW - timedelta(days=8))
    ImportJob.objects.create(
        uploaded_by=organiser,
        province=lang_son,
        original_name="thanh-vien.xlsx",
        status=ImportJob.Status.DONE,
        error_count=3,
    )

    client.force_login(organiser)
    page = text_of(client.get(reverse("desk:today")))

    assert "Tổng quan chiến dịch của bạn" in page
    assert "45 ngày đêm · ngày 16/46" in page
    assert "36 / 495 số người dân được hỗ trợ" in page
    assert f"1 / {campaign.communes.count()} xã chậm so với chỉ tiêu" in page
    assert f"{behind.name} 20 người được hỗ trợ trên 157 cần đạt đến hôm nay" in page
    assert on_track.name + " 16 người" not in page
    assert "2 chỗ còn trống trong các ca trực tuần này" in page
    assert "Thứ Sáu 11/12 10:00 · Bộ phận một cửa · 2 chỗ còn trống" in page
    assert "1 tin nhắn không đến được trong tuần" in page
    # Last week's Zalo message is not this week's.
    assert "3 tin nhắn trong tuần: Zalo 1 · SMS 2 (1 tin gửi bằng SMS sau Zalo)" in page
    assert "thanh-vien.xlsx" in page
    assert "3 dòng có lỗi" in page
    assert "Hôm nay ở các xã của bạn" not in page


def test_a_volunteer_sees_their_next_shift_the_log_button_and_their_hours(
    client, volunteer, campaign, mine
):
    me = Volunteer.objects.create(full_name="Nông Văn Minh", phone="+84912345678", user=volunteer)
    campaign.assignments.create(volunteer=me, commune=mine)
    coming = shift(campaign, mine, NOW + timedelta(days=1, hours=-2))
    ShiftSignup.objects.create(shift=coming, volunteer=me, status="invited")

    client.force_login(volunteer)
    page = text_of(client.get(reverse("desk:today")))

    assert "Xin chào, Nông Văn Minh" in page
    assert "Ca trực tiếp theo: Thứ Năm 10/12/2026, 08:00–11:00" in page
    assert "Chưa xác nhận" in page
    html = client.get(reverse("desk:today")).content.decode()
    assert reverse("help_sessions:log") in html
    assert reverse("teams:calendar_feeds") in html
    assert "Giờ tình nguyện của bạn trong 45 ngày đêm: 0,0" in page
    assert "Tổng quan chiến dịch của bạn" not in page


def test_an_account_without_a_role_is_told_whom_to_ask(client, outsider):
    client.force_login(outsider)
    page = text_of(client.get(reverse("desk:today")))
    assert "Tài khoản của bạn chưa có vai trò nào trong chiến dịch" in page


def test_a_moderator_sees_the_guides_awaiting_review_and_an_editor_their_drafts(client, db):
    users = get_user_model().objects
    writer = users.create_user(username="writer", password=PASSWORD, first_name="Lò Thị Hoa")
    writer.groups.add(Group.objects.get(name="Editors"))
    reviewer = users.create_user(username="reviewer", password=PASSWORD)
    reviewer.groups.add(Group.objects.get(name="Moderators"))
    index = GuideIndexPage.objects.get(locale__language_code="vi")
    guide = GuidePage(
        title="Cài ứng dụng ngân hàng",
        slug="cai-ung-dung-ngan-hang",
        summary="Cài và mở ứng dụng ngân hàng lần đầu.",
        topic="payments",
        last_reviewed=date(2026, 12, 1),
        steps=[{"type": "step", "value": {"heading": "Mở", "text": "", "image": NO_IMAGE}}],
        live=False,
        owner=writer,
    )
    index.add_child(instance=guide)
    guide.save_revision(user=writer)
    draft = Page.objects.get(pk=guide.pk).specific

    client.force_login(writer)
    page = text_of(client.get(reverse("desk:today")))
    assert "Bản nháp của bạn Cài ứng dụng ngân hàng" in page
    assert reverse("wagtailadmin_home") in client.get(reverse("desk:today")).content.decode()

    draft.get_workflow().start(draft, writer)
    client.force_login(reviewer)
    page = text_of(client.get(reverse("desk:today")))
    assert "Đang chờ bạn duyệt Cài ứng dụng ngân hàng gửi bởi Lò Thị Hoa" in page
    html = client.get(reverse("desk:today")).content.decode()
    assert reverse("wagtailadmin_pages:edit", args=[guide.pk]) in html


def test_the_first_screen_keeps_to_a_few_queries(
    client, coordinator, organiser, campaign, mine, django_assert_max_num_queries
):
    Role.objects.create(user=coordinator, kind=Role.Kind.ORGANISER, province=campaign.province)
    for hour in (7, 9, 13, 15):
        shift(campaign, mine, NOW.replace(hour=hour))
    client.force_login(coordinator)
    with django_assert_max_num_queries(30):
        client.get(reverse("desk:today"))


def test_the_sign_in_page_leads_to_a_password_reset(client, db):
    html = client.get(reverse("login")).content.decode()
    assert reverse("teams:account_reset") in html
    assert "Quên mật khẩu?" in html


def test_a_volunteer_sees_the_campaign_they_work_in_among_their_campaigns(
    client, volunteer, campaign, mine
):
    me = Volunteer.objects.create(full_name="Nông Văn Minh", phone="+84912345678", user=volunteer)
    campaign.assignments.create(volunteer=me, commune=mine)
    client.force_login(volunteer)
    page = text_of(client.get(reverse("campaign:overview")))
    assert "45 ngày đêm" in page
    assert "Chưa có chiến dịch nào" not in page
    html = client.get(reverse("campaign:overview")).content.decode()
    assert reverse("campaign:campaign_detail", args=[campaign.pk]) not in html  # staff's page


def test_deep_pages_say_where_they_stand(client, organiser, campaign, mine):
    client.force_login(organiser)
    html = client.get(
        reverse("campaign:commune_readiness", args=[campaign.pk, mine.pk])
    ).content.decode()
    trail = html[
        html.index('class="breadcrumb"') : html.index("</nav>", html.index('class="breadcrumb"'))
    ]
    for step in (reverse("desk:today"), reverse("campaign:overview"), campaign.name, mine.name):
        assert step in trail
