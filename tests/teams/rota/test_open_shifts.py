"""Volunteers take open shifts in their communes from their phone page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.models import Campaign
from teams.models import Assignment, Shift, ShiftSignup, Volunteer

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def setting(lang_son, make_user):
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name="45 ngày đêm", province=lang_son, start=today - timedelta(days=2), sms_brand="X"
    )
    campaign.add_all_communes()
    mine, other = lang_son.communes.order_by("code")[:2]
    account = make_user("mai")
    person = Volunteer.objects.create(full_name="Nông Thị Mai", phone="+84912345678", user=account)
    Assignment.objects.create(volunteer=person, campaign=campaign, commune=mine)
    return campaign, mine, other, person, account


def make_shift(campaign, commune, days, needed=2, place="Bộ phận một cửa"):
    start = timezone.now() + timedelta(days=days)
    return Shift.objects.create(
        campaign=campaign, commune=commune, place=place, starts_at=start,
        ends_at=start + timedelta(hours=3), volunteers_needed=needed,
    )  # fmt: skip


def test_the_phone_page_offers_open_shifts_of_the_week_in_ones_communes(client, setting):
    campaign, mine, other, _person, account = setting
    offered = make_shift(campaign, mine, days=1)
    make_shift(campaign, mine, days=10, place="later")  # beyond the week
    make_shift(campaign, other, days=1, place="elsewhere")  # not their commune
    full = make_shift(campaign, mine, days=2, needed=1, place="full")
    someone = Volunteer.objects.create(full_name="Lý Văn Hòa", phone="+84912345679")
    ShiftSignup.objects.create(shift=full, volunteer=someone, status="confirmed")
    client.force_login(account)
    html = client.get(reverse("teams:my_shifts")).content.decode()
    assert f'id="open-{offered.pk}"' in html
    assert html.count('id="open-') == 1
    assert "0 of 2 places taken" in html
    assert "!!MISSING" not in html


def test_taking_an_open_shift_signs_the_volunteer_up(client, setting):
    campaign, mine, _other, person, account = setting
    offered = make_shift(campaign, mine, days=1)
    client.force_login(account)
    response = client.post(reverse("teams:take_shift", args=[offered.pk]), follow=True)
    assert ShiftSignup.objects.get(volunteer=person).status == "confirmed"
    assert f'id="open-{offered.pk}"' not in response.content.decode()


def test_the_rules_still_apply_when_taking_a_shift(client, setting):
    campaign, _mine, other, _person, account = setting
    elsewhere = make_shift(campaign, other, days=1)
    client.force_login(account)
    response = client.post(reverse("teams:take_shift", args=[elsewhere.pk]), follow=True)
    assert "is not assigned to" in response.content.decode()
    assert not ShiftSignup.objects.exists()
