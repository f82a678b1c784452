"""A volunteer confirms a shift from the SMS link on a phone-sized screen."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from campaign.models import Campaign
from teams.models import Assignment, Shift, ShiftSignup, Volunteer
from teams.rota.links import shift_link_url
from teams.rota.signups import sign_up


def vi(text):
    with translation.override("vi"):
        return gettext(text)


@pytest.fixture
def invited(lang_son):
    # Days from today: the browser keeps the real time, so the server's clock is not set.
    today = timezone.localdate()
    in_two_days = today + timedelta(days=2)
    campaign = Campaign.objects.create(
        name="45 ngày đêm", province=lang_son, start=today, sms_brand="SỞ TT&TT"
    )
    campaign.add_all_communes()
    commune = lang_son.communes.order_by("code").first()
    person = Volunteer.objects.create(
        full_name="Nông Thị Mai", phone="+84912345678", home_commune=commune
    )
    Assignment.objects.create(volunteer=person, campaign=campaign, commune=commune)
    shift = Shift.objects.create(
        campaign=campaign,
        commune=commune,
        place="Trung tâm phục vụ hành chính công",
        starts_at=timezone.make_aware(datetime.combine(in_two_days, time(8))),
        ends_at=timezone.make_aware(datetime.combine(in_two_days, time(11))),
    )
    return sign_up(person, shift, placed_by_coordinator=True)


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="vi-VN",
        viewport={"width": 375, "height": 667},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_volunteer_confirms_a_shift_from_the_sms_link_on_a_phone(phone, invited, settings):
    path = shift_link_url(invited).removeprefix(settings.SITE_URL)
    phone.goto(path)
    assert phone.get_by_text("Trung tâm phục vụ hành chính công").is_visible()
    come = phone.get_by_role("button", name=vi("I will come"))
    box = come.bounding_box()
    assert box["width"] >= 300 and box["height"] >= 44  # a big target for a thumb
    come.tap()
    assert phone.get_by_role("status").inner_text() == vi("Thank you, you are expected.")
    assert phone.locator(".status-confirmed").is_visible()
    assert phone.get_by_role("button", name=vi("I will come")).count() == 0
    invited.refresh_from_db()
    assert invited.status == ShiftSignup.Status.CONFIRMED
