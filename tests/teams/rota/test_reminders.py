"""Shift reminders: timing, quiet hours, a moved or cancelled shift, a declined place."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from campaign.models import Campaign
from notifications import sending
from notifications.models import Message
from notifications.outbox import queue_message
from teams.models import Assignment, Shift, Volunteer
from teams.rota.signups import cancel_shift, decline, move_shift, sign_up

pytestmark = pytest.mark.usefixtures("scenario_clock")

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(autouse=True)
def quiet_nights(settings):
    settings.SMS_QUIET_HOURS = "21:00-07:00"


@pytest.fixture
def campaign(lang_son):
    campaign = Campaign.objects.create(
        name="45 ngày đêm",
        province=lang_son,
        start=date(2026, 12, 1),
        sms_brand="SỞ TT&TT LẠNG SƠN",
    )
    campaign.add_all_communes()
    return campaign


@pytest.fixture
def person(campaign, lang_son):
    commune = lang_son.communes.order_by("code").first()
    person = Volunteer.objects.create(full_name="Nông Thị Mai", phone="+84912345678")
    Assignment.objects.create(volunteer=person, campaign=campaign, commune=commune)
    return person


def at(day, hour):
    return datetime(2026, 12, day, hour, 0, tzinfo=LOCAL)


def make_shift(campaign, person, day=3, start=9, end=11):
    commune = person.assignments.get().commune
    return Shift.objects.create(
        campaign=campaign, commune=commune, place="Nhà văn hóa thôn Nà Lừa",
        starts_at=at(day, start), ends_at=at(day, end),
    )  # fmt: skip


def reminders():
    return {
        m.idempotency_key.rsplit(":", 1)[1]: m
        for m in Message.objects.filter(kind="shift_reminder", status="queued")
    }


def local(moment):
    return timezone.localtime(moment, LOCAL).strftime("%d/%m %H:%M")


def test_a_confirmed_place_gets_a_reminder_the_evening_before_and_two_hours_before(
    campaign, person
):
    shift = make_shift(campaign, person)
    sign_up(person, shift)
    queued = reminders()
    assert {kind: local(m.next_attempt_at) for kind, m in queued.items()} == {
        "evening_before": "02/12 19:00",
        "two_hours_before": "03/12 07:00",
    }
    evening = queued["evening_before"]
    assert evening.text.startswith("SỞ TT&TT LẠNG SƠN: ")
    assert "Nhà văn hóa thôn Nà Lừa" in evening.text and "09:00" in evening.text
    assert evening.recipient == "+84912345678"
    assert evening.expires_at == shift.starts_at


def test_two_hours_before_an_early_shift_waits_for_the_quiet_hours_to_end(campaign, person):
    sign_up(person, make_shift(campaign, person, start=8, end=10))
    assert local(reminders()["two_hours_before"].next_attempt_at) == "03/12 07:00"


def test_no_reminder_when_the_quiet_hours_end_too_close_to_the_start(campaign, person):
    sign_up(person, make_shift(campaign, person, start=7, end=9))
    assert set(reminders()) == {"evening_before"}


def test_signing_up_twice_queues_the_reminders_once(campaign, person):
    shift = make_shift(campaign, person)
    sign_up(person, shift)
    sign_up(person, shift)
    assert Message.objects.filter(kind="shift_reminder").count() == 2


def test_a_moved_shift_moves_its_reminders_instead_of_adding_new_ones(campaign, person):
    shift = make_shift(campaign, person)
    sign_up(person, shift)
    move_shift(shift, at(4, 14), at(4, 16))
    queued = reminders()
    assert Message.objects.filter(kind="shift_reminder").count() == 2
    assert local(queued["evening_before"].next_attempt_at) == "03/12 19:00"
    assert local(queued["two_hours_before"].next_attempt_at) == "04/12 12:00"
    assert "14:00" in queued["two_hours_before"].text
    assert queued["two_hours_before"].expires_at == at(4, 14)


def test_a_cancelled_shift_or_a_declined_place_withdraws_the_reminders(campaign, person):
    first = make_shift(campaign, person)
    sign_up(person, first)
    cancel_shift(first)
    assert reminders() == {}
    second = make_shift(campaign, person, day=5)
    signup = sign_up(person, second)
    decline(signup)
    assert reminders() == {}
    assert Message.objects.filter(kind="shift_reminder", last_error_code="withdrawn").count() == 4


def test_a_reminder_held_back_past_the_start_is_never_sent(db, settings):
    settings.SMS_QUIET_HOURS = ""  # whatever the time of day the suite runs at
    message = queue_message(
        "+84912345678", "Ca trực lúc 9:00", kind="shift_reminder", key="late",
        expires_at=timezone.now(),
    )  # fmt: skip
    assert sending.send_message(message.pk) == "expired"
    message.refresh_from_db()
    assert (message.status, message.last_error_code) == ("cancelled", "expired")


def test_a_campaign_without_diacritics_sends_plain_reminders(campaign, person):
    campaign.sms_without_diacritics = True
    campaign.save()
    sign_up(person, make_shift(campaign, person))
    evening = reminders()["evening_before"]
    assert evening.encoding == "GSM-7"
    assert evening.text.startswith("SO TT&TT LANG SON: ")
