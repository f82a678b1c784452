"""Sign-up rules and the roster made from a weekly template."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError
from django.utils import timezone

from campaign.models import Campaign
from teams.models import Assignment, Shift, ShiftSignup, Volunteer
from teams.rota.roster import WeeklySlot, generate_roster
from teams.rota.signups import Refused, reason_to_refuse, sign_up

pytestmark = pytest.mark.usefixtures("english", "scenario_clock")
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def campaign(lang_son):
    campaign = Campaign.objects.create(
        name="45 ngày đêm", province=lang_son, start=date(2026, 12, 1), sms_brand="SỞ TT&TT"
    )
    campaign.add_all_communes()
    return campaign


@pytest.fixture
def commune(lang_son):
    return lang_son.communes.order_by("code").first()


@pytest.fixture
def person(commune):
    return Volunteer.objects.create(
        full_name="Nông Thị Mai", phone="+84912345678", home_commune=commune, languages=["Tày"]
    )


def at(day, hour, minutes=0):
    return datetime(2026, 12, day, hour, minutes, tzinfo=LOCAL)


def shift(campaign, commune, day=3, start=8, end=11, **extra):
    extra.setdefault("place", "Trung tâm phục vụ hành chính công")
    return Shift.objects.create(
        campaign=campaign, commune=commune, starts_at=at(day, start), ends_at=at(day, end), **extra
    )


def assign(person, campaign, commune, **extra):
    return Assignment.objects.create(volunteer=person, campaign=campaign, commune=commune, **extra)


def test_an_assigned_volunteer_signs_up_and_is_confirmed(campaign, commune, person):
    assign(person, campaign, commune)
    signup = sign_up(person, shift(campaign, commune))
    assert signup.status == ShiftSignup.Status.CONFIRMED


def test_a_coordinator_placing_someone_invites_them(campaign, commune, person):
    assign(person, campaign, commune)
    signup = sign_up(person, shift(campaign, commune), placed_by_coordinator=True)
    assert signup.status == ShiftSignup.Status.INVITED


def test_a_volunteer_not_assigned_to_the_commune_is_refused_with_the_reason(
    campaign, commune, person
):
    with pytest.raises(
        Refused, match=f"Nông Thị Mai is not assigned to {commune.name} on 03/12/2026"
    ):
        sign_up(person, shift(campaign, commune))
    assert not ShiftSignup.objects.exists()


def test_an_assignment_for_part_of_the_campaign_covers_only_those_days(campaign, commune, person):
    assign(person, campaign, commune, starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 2))
    assert reason_to_refuse(person, shift(campaign, commune, day=2)) is None
    assert "not assigned" in reason_to_refuse(person, shift(campaign, commune, day=3))


def test_a_full_shift_is_refused(campaign, commune, person):
    target = shift(campaign, commune, volunteers_needed=1)
    other = Volunteer.objects.create(full_name="Lý Văn Hòa", phone="+84912345679", languages=[])
    for someone in (person, other):
        assign(someone, campaign, commune)
    sign_up(other, target)
    with pytest.raises(Refused, match="the shift is full"):
        sign_up(person, target)


def test_a_declined_place_is_open_again(campaign, commune, person):
    target = shift(campaign, commune, volunteers_needed=1)
    other = Volunteer.objects.create(full_name="Lý Văn Hòa", phone="+84912345679")
    for someone in (person, other):
        assign(someone, campaign, commune)
    signup = sign_up(other, target)
    signup.status = ShiftSignup.Status.DECLINED
    signup.save()
    assert sign_up(person, target).status == ShiftSignup.Status.CONFIRMED


def test_overlapping_shifts_are_refused(campaign, commune, person):
    assign(person, campaign, commune)
    sign_up(person, shift(campaign, commune, start=8, end=11))
    later = shift(campaign, commune, start=10, end=12, place="Nhà văn hóa thôn Nà Lừa")
    with pytest.raises(Refused, match="it overlaps Nông Thị Mai's shift"):
        sign_up(person, later)
    back_to_back = shift(campaign, commune, start=11, end=13, place="Nhà văn hóa thôn Pác Bó")
    assert sign_up(person, back_to_back).status == ShiftSignup.Status.CONFIRMED


def test_a_missing_language_or_skill_is_refused(campaign, commune, person):
    assign(person, campaign, commune)
    assert reason_to_refuse(person, shift(campaign, commune, language="tay")) is None
    with pytest.raises(Refused, match="needs someone who speaks Nùng"):
        sign_up(person, shift(campaign, commune, day=4, language="Nùng"))
    with pytest.raises(Refused, match="needs the skill “VNeID level 2”"):
        sign_up(person, shift(campaign, commune, day=5, skill="VNeID level 2"))


def test_started_and_cancelled_shifts_are_refused(campaign, commune, person):
    assign(person, campaign, commune)
    target = shift(campaign, commune)
    assert "already started" in reason_to_refuse(person, target, now=at(3, 9))
    target.cancelled_at = timezone.now()
    target.save()
    assert reason_to_refuse(person, target) == "the shift was cancelled"


def test_a_shift_must_end_after_it_starts(campaign, commune):
    with pytest.raises(IntegrityError):
        shift(campaign, commune, start=11, end=8)


MORNING_AND_AFTERNOON = [
    WeeklySlot(weekday, time(start), time(end), place)
    for weekday in range(7)
    for start, end, place in [
        (7, 11, "Trung tâm phục vụ hành chính công"),
        (13, 17, "Trung tâm phục vụ hành chính công"),
        (18, 21, "Nhà văn hóa thôn"),
    ]
]


def test_a_weekly_template_becomes_the_whole_roster_once(campaign):
    created = generate_roster(campaign, MORNING_AND_AFTERNOON)
    days = (campaign.end - campaign.start).days + 1
    assert days == 46
    assert created == 65 * days * 3
    assert generate_roster(campaign, MORNING_AND_AFTERNOON) == 0  # again: nothing new
    first = Shift.objects.order_by("starts_at").first()
    assert timezone.localtime(first.starts_at).strftime("%Y-%m-%d %H:%M") == "2026-12-01 07:00"


def test_a_template_can_skip_days_and_run_through_the_night(campaign, commune):
    sundays_night = [WeeklySlot(6, time(22), time(6), "Tổ phản ứng nhanh")]
    created = generate_roster(campaign, sundays_night, communes=[commune])
    assert created == 6  # the Sundays 6 December to 10 January
    night = Shift.objects.first()
    assert night.ends_at - night.starts_at == timedelta(hours=8)
