"""An organiser reads the campaign dashboard on a desktop screen, narrows it to one
commune and downloads the commune table."""

import uuid
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext

from campaign.models import (
    Campaign,
    CampaignCommune,
    CommuneReport,
    Indicator,
    IndicatorTarget,
)
from sessions.recording import record_sessions
from teams.models import Assignment, Volunteer

pytestmark = pytest.mark.usefixtures("home_pages", "service_catalogue")
PASSWORD = "correct horse battery staple"


def vi(text, context=None):
    with translation.override("vi"):
        return pgettext(context, text) if context else gettext(text)


@pytest.fixture
def desktop(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="vi-VN",
        viewport={"width": 1440, "height": 900},
        accept_downloads=True,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def campaign(lang_son, organiser):
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name="45 ngày đêm hỗ trợ chuyển đổi số",
        province=lang_son,
        start=today - timedelta(days=14),
        status=Campaign.Status.ACTIVE,
        sms_brand="SỞ TT&TT",
    )
    campaign.add_all_communes()
    first, second = lang_son.communes.order_by("code")[:2]
    indicators = {i.code: i for i in Indicator.objects.all()}
    for commune, code, value in (
        (first, "citizens_helped", 10),
        (first, "online_application_rate", Decimal("25")),
        (second, "citizens_helped", 40),
    ):
        IndicatorTarget.objects.create(
            campaign_commune=CampaignCommune.objects.get(campaign=campaign, commune=commune),
            indicator=indicators[code],
            value=value,
        )
    mai = Volunteer.objects.create(full_name="Nông Thị Mai", phone="+84912345678")
    for commune in (first, second):
        Assignment.objects.create(volunteer=mai, campaign=campaign, commune=commune)
    items = []
    for days_ago in range(10):
        day = today - timedelta(days=days_ago)
        for number, commune in enumerate([first] * 3 + [second]):
            items.append(
                {
                    "uuid": str(uuid.uuid4()),
                    "commune": commune.code,
                    "helped_at": timezone.make_aware(
                        datetime.combine(day, time(0, 0, number))
                    ).isoformat(),
                    "services": ["eid_account"] if number % 2 else ["online_application"],
                    "priority_groups": ["elderly"] if number == 0 else [],
                }
            )
    assert {r.status for r in record_sessions(mai, items)} == {"created"}
    cc = CampaignCommune.objects.get(campaign=campaign, commune=first)
    for week, online in ((2, 4), (1, 130)):
        end = today - timedelta(days=7 * week - 6)
        CommuneReport.objects.create(
            campaign_commune=cc,
            period_start=end - timedelta(days=6),
            period_end=end,
            applications_received=500,
            applications_online=online,
        )
    return campaign, first, second


def sign_in(page):
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("organiser")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/today/")


def test_the_organiser_reads_filters_and_exports_the_dashboard_on_a_desktop(desktop, campaign):
    campaign, first, second = campaign
    page = desktop
    sign_in(page)
    page.goto(f"/dashboard/{campaign.pk}/")
    assert page.locator("h1").inner_text().endswith(campaign.name)
    assert page.locator("[data-figure=citizens]").inner_text() == "40"
    assert page.locator("[data-figure=citizens-today]").inner_text() == "4"
    assert page.locator("[data-figure=citizens-week]").inner_text() == "28"

    # The charts are drawn, and their numbers are a table a screen reader can read.
    chart = page.get_by_role("img", name=vi("Citizens helped each day"))
    assert chart.is_visible()
    assert chart.bounding_box()["width"] > 600
    assert page.locator("svg.chart-svg rect.column").count() == 15
    page.get_by_text(vi("The numbers of the chart")).first.click()
    assert page.get_by_role("table", name=vi("Citizens helped each day")).is_visible()

    # The commune table fits the screen, ranked: 30 of 10 is 300 %, 10 of 40 is 25 %.
    communes = page.get_by_role("table", name=vi("Communes against their targets, in rank order"))
    rows = communes.locator("tbody tr")
    assert rows.nth(0).locator("th").inner_text().startswith(first.name)
    assert rows.nth(1).locator("th").inner_text().startswith(second.name)
    assert rows.nth(0).locator("td").first.inner_text() == "1"
    assert "300,0" in rows.nth(0).inner_text() and "26,0" in rows.nth(0).inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # One commune: the figures follow the filter.
    page.locator("#id_commune").select_option(str(second.pk))
    page.get_by_role("button", name=vi("Show", "filter button")).click()
    page.wait_for_url(f"**/dashboard/{campaign.pk}/?*commune={second.pk}*")
    assert page.locator("[data-figure=citizens]").inner_text() == "10"
    assert communes.locator("tbody tr").count() == 1

    with page.expect_download() as download:
        page.get_by_text(vi("Communes to Excel (.xlsx)")).click()
    assert download.value.suggested_filename.endswith(".xlsx")
