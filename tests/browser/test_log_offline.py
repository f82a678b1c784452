"""A volunteer logs citizens on a phone that loses its connection: nothing lost, nothing twice."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from campaign.models import Campaign
from sessions.models import HelpSession
from teams.models import Assignment, Volunteer

pytestmark = pytest.mark.usefixtures("home_pages", "service_catalogue")
PASSWORD = "correct horse battery staple"


def vi(text):
    with translation.override("vi"):
        return gettext(text)


@pytest.fixture
def mai(lang_son, make_user):
    campaign = Campaign.objects.create(
        name="45 ngày đêm",
        province=lang_son,
        start=timezone.localdate() - timedelta(days=3),
        sms_brand="SỞ TT&TT",
    )
    campaign.add_all_communes()
    commune = lang_son.communes.order_by("code").first()
    account = make_user("mai")
    person = Volunteer.objects.create(
        full_name="Nông Thị Mai", phone="+84912345678", home_commune=commune, user=account
    )
    Assignment.objects.create(volunteer=person, campaign=campaign, commune=commune)
    return person


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="vi-VN",
        viewport={"width": 375, "height": 667},
        is_mobile=True,
        has_touch=True,
        service_workers="allow",
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def sign_in(page):
    page.goto("/accounts/login/?next=/log/")
    page.get_by_label("Tên đăng nhập").fill("mai")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/log/")


def log_a_citizen(page, service):
    page.get_by_label(service, exact=True).tap()
    page.get_by_label(vi("Partly done"), exact=True).tap()
    page.get_by_role("button", name=vi("Save"), exact=True).tap()


def test_three_citizens_logged_offline_are_stored_once_when_the_phone_is_back_online(phone, mai):
    sign_in(phone)
    # The service worker keeps the page; from the next load on it answers for it.
    phone.evaluate("navigator.serviceWorker.ready.then(() => true)")
    phone.reload()
    # A function, not an expression: the page's policy refuses eval of a string.
    phone.wait_for_function("() => navigator.serviceWorker.controller !== null")

    phone.context.set_offline(True)
    phone.reload()  # served by the service worker: there is no network
    assert phone.get_by_role("heading", name=vi("Log a citizen helped")).is_visible()

    for service in (
        "Tạo tài khoản định danh điện tử (VNeID)",
        "Nộp hồ sơ trực tuyến",
        "Thanh toán phí, lệ phí trực tuyến",
    ):
        log_a_citizen(phone, service)
    status = phone.get_by_role("status")
    assert vi("%(count)s waiting to send").replace("%(count)s", "3") in status.inner_text()
    assert HelpSession.objects.count() == 0

    # The first answer from the server is lost on the way back: the phone sends again.
    lost = []

    def lose_first_answer(route):
        response = route.fetch()
        if not lost:
            lost.append(response.status)
            route.abort("connectionreset")
        else:
            route.fulfill(response=response)

    phone.route("**/api/v1/help-sessions/sync", lose_first_answer)
    phone.context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    phone.wait_for_function(
        "text => document.getElementById('sync-status').textContent.includes(text)",
        arg=vi("Everything is sent."),
        timeout=20_000,
    )

    assert lost == [200]  # the server had stored them before the answer was lost
    sessions = HelpSession.objects.filter(volunteer=mai)
    assert sessions.count() == 3
    assert {s.outcome for s in sessions} == {HelpSession.Outcome.PARTLY_DONE}
    assert sorted(
        code for s in sessions for code in s.services.values_list("code", flat=True)
    ) == [
        "eid_account",
        "online_application",
        "online_payment",
    ]
    assert phone.locator("#total-today").inner_text() == "3"
