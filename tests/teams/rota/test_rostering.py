"""The roster: generated from a weekly template, then shifts edited, added, cancelled."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.models import Campaign
from notifications.models import Message
from teams.models import Assignment, Shift, Volunteer
from teams.rota.signups import sign_up

pytestmark = pytest.mark.usefixtures("english", "scenario_clock")

MISSING = "!!MISSING"
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
PLACE = "Trung tâm phục vụ hành chính công"


@pytest.fixture(autouse=True)
def no_quiet_hours(settings):
    settings.SMS_QUIET_HOURS = ""


@pytest.fixture
def campaign(lang_son):
    campaign = Campaign.objects.create(
        name="45 ngày đêm", province=lang_son, start=date(2026, 12, 1), sms_brand="SỞ TT&TT"
    )
    campaign.add_all_communes()
    return campaign


@pytest.fixture
def mine(coordinated_communes):
    return coordinated_communes[0]


@pytest.fixture
def elsewhere(lang_son, coordinated_communes):
    return lang_son.communes.exclude(pk__in=[c.pk for c in coordinated_communes]).first()


def at(day, hour):
    return datetime(2026, 12, day, hour, 0, tzinfo=LOCAL)


def make_shift(campaign, commune, day=3, start=9, end=11):
    return Shift.objects.create(
        campaign=campaign,
        commune=commune,
        place=PLACE,
        starts_at=at(day, start),
        ends_at=at(day, end),
    )


def template(*rows, communes=()):
    """The POST data of the roster page: rows of (weekdays, start, end, place, needed)."""
    data = {
        "rows-TOTAL_FORMS": "4",
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "1000",
        "communes": [str(commune.pk) for commune in communes],
    }
    for index, (weekdays, start, end, place, needed) in enumerate(rows):
        data.update(
            {
                f"rows-{index}-weekdays": [str(day) for day in weekdays],
                f"rows-{index}-start": start,
                f"rows-{index}-end": end,
                f"rows-{index}-place": place,
                f"rows-{index}-volunteers_needed": str(needed),
            }
        )
    return data


def days_of_campaign(campaign, weekdays=range(7)):
    count, day = 0, campaign.start
    while day <= campaign.end:
        count += day.weekday() in weekdays
        day += timedelta(days=1)
    return count


def roster_url(campaign):
    return reverse("teams:roster_generate", args=[campaign.pk])


def edit_data(shift, **changes):
    data = {
        "place": shift.place,
        "starts_at": timezone.localtime(shift.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(shift.ends_at).strftime("%Y-%m-%dT%H:%M"),
        "volunteers_needed": str(shift.volunteers_needed),
        "language": shift.language,
        "skill": shift.skill,
    }
    return {**data, **changes}


def shown_messages(response):
    return [str(message) for message in response.context["messages"]]


# Generating the roster --------------------------------------------------------------


def test_the_roster_page_shows_the_template(client, organiser, campaign):
    client.force_login(organiser)
    response = client.get(roster_url(campaign))
    assert response.status_code == 200
    html = response.content.decode()
    assert MISSING not in html
    assert "Row 1" in html and "night shift" in html


def test_the_roster_is_generated_once_for_every_commune(client, organiser, campaign):
    client.force_login(organiser)
    data = template(
        (range(7), "07:30", "11:30", PLACE, 2),
        (range(7), "13:30", "17:00", PLACE, 3),
    )
    response = client.post(roster_url(campaign), data, follow=True)
    communes = campaign.communes.count()
    expected = communes * days_of_campaign(campaign) * 2
    assert communes == 65
    assert Shift.objects.filter(campaign=campaign).count() == expected
    assert f"{expected} shifts created." in shown_messages(response)
    assert response.redirect_chain[-1][0].startswith(
        reverse("teams:coverage_province", args=[campaign.pk])
    )
    assert MISSING not in response.content.decode()

    again = client.post(roster_url(campaign), data, follow=True)
    assert "0 shifts created." in shown_messages(again)
    assert Shift.objects.filter(campaign=campaign).count() == expected


def test_only_the_ticked_weekdays_and_chosen_communes_get_shifts(
    client, organiser, campaign, mine
):
    client.force_login(organiser)
    client.post(
        roster_url(campaign), template(([0, 2], "08:00", "11:00", PLACE, 2), communes=[mine])
    )
    shifts = Shift.objects.filter(campaign=campaign)
    assert shifts.count() == days_of_campaign(campaign, {0, 2})
    assert set(shifts.values_list("commune", flat=True)) == {mine.pk}
    weekdays = {timezone.localtime(shift.starts_at).weekday() for shift in shifts}
    assert weekdays == {0, 2}
    assert set(shifts.values_list("volunteers_needed", flat=True)) == {2}


def test_a_night_shift_ends_the_next_morning(client, organiser, campaign, mine):
    client.force_login(organiser)
    response = client.post(
        roster_url(campaign), template(([4], "22:00", "02:00", PLACE, 2), communes=[mine])
    )
    assert response.status_code == 302
    shift = Shift.objects.filter(campaign=campaign).first()
    assert shift.ends_at - shift.starts_at == timedelta(hours=4)
    assert timezone.localtime(shift.starts_at).hour == 22


def test_a_row_without_weekdays_is_an_error_naming_the_row(client, organiser, campaign):
    client.force_login(organiser)
    response = client.post(
        roster_url(campaign),
        template(([0], "08:00", "11:00", PLACE, 2), ([], "13:00", "16:00", PLACE, 0)),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Row 2: tick at least one weekday." in html
    assert "Row 2: at least one volunteer is needed." in html
    assert "Row 1:" not in html
    assert MISSING not in html
    assert not Shift.objects.exists()


def test_an_empty_template_is_an_error(client, organiser, campaign):
    client.force_login(organiser)
    response = client.post(roster_url(campaign), template())
    assert "Fill in at least one row." in response.content.decode()


def test_a_coordinator_cannot_generate_the_roster(client, coordinator, volunteer, campaign):
    client.force_login(coordinator)
    data = template(([0], "08:00", "11:00", PLACE, 2))
    assert client.get(roster_url(campaign)).status_code == 404
    assert client.post(roster_url(campaign), data).status_code == 404
    client.force_login(volunteer)
    assert client.post(roster_url(campaign), data).status_code == 403
    assert not Shift.objects.exists()


def test_the_province_page_links_to_the_roster_for_organisers_only(
    client, organiser, coordinator, campaign
):
    link = roster_url(campaign)
    client.force_login(organiser)
    assert (
        link in client.get(reverse("teams:coverage_province", args=[campaign.pk])).content.decode()
    )
    client.force_login(coordinator)
    assert (
        link
        not in client.get(reverse("teams:coverage_province", args=[campaign.pk])).content.decode()
    )


# Changing shifts ---------------------------------------------------------------------


@pytest.fixture
def signed_up_shift(campaign, mine):
    person = Volunteer.objects.create(full_name="Nông Thị Mai", phone="+84912345678")
    Assignment.objects.create(volunteer=person, campaign=campaign, commune=mine)
    shift = make_shift(campaign, mine)
    sign_up(person, shift)
    return shift


def reminder_times():
    return {
        message.idempotency_key.rsplit(":", 1)[1]: timezone.localtime(
            message.next_attempt_at, LOCAL
        ).strftime("%d/%m %H:%M")
        for message in Message.objects.filter(kind="shift_reminder", status="queued")
    }


def test_a_new_time_moves_the_pending_reminders(client, coordinator, signed_up_shift):
    shift = signed_up_shift
    assert reminder_times() == {"evening_before": "02/12 19:00", "two_hours_before": "03/12 07:00"}
    client.force_login(coordinator)
    edit_url = reverse("teams:shift_edit", args=[shift.pk])
    page = client.get(edit_url)
    assert page.status_code == 200 and MISSING not in page.content.decode()
    response = client.post(
        edit_url,
        edit_data(shift, starts_at="2026-12-04T14:00", ends_at="2026-12-04T16:00", skill="VNeID"),
        follow=True,
    )
    assert "The shift was saved." in shown_messages(response)
    shift.refresh_from_db()
    assert (shift.starts_at, shift.ends_at, shift.skill) == (at(4, 14), at(4, 16), "VNeID")
    assert Message.objects.filter(kind="shift_reminder").count() == 2
    assert reminder_times() == {"evening_before": "03/12 19:00", "two_hours_before": "04/12 12:00"}


def test_a_new_shift_ending_before_it_starts_is_refused(client, coordinator, signed_up_shift):
    client.force_login(coordinator)
    response = client.post(
        reverse("teams:shift_edit", args=[signed_up_shift.pk]),
        edit_data(signed_up_shift, ends_at="2026-12-03T08:00"),
    )
    assert "The end comes before the start." in response.content.decode()
    signed_up_shift.refresh_from_db()
    assert signed_up_shift.ends_at == at(3, 11)


def test_cancelling_a_shift_withdraws_its_reminders(client, coordinator, signed_up_shift):
    client.force_login(coordinator)
    response = client.post(reverse("teams:shift_cancel", args=[signed_up_shift.pk]), follow=True)
    assert "The shift was cancelled and its reminders withdrawn." in shown_messages(response)
    signed_up_shift.refresh_from_db()
    assert signed_up_shift.cancelled_at is not None
    assert reminder_times() == {}
    assert Message.objects.filter(kind="shift_reminder", last_error_code="withdrawn").count() == 2


def test_a_coordinator_cannot_touch_another_communes_shift(
    client, coordinator, campaign, elsewhere
):
    shift = make_shift(campaign, elsewhere)
    client.force_login(coordinator)
    edit_url = reverse("teams:shift_edit", args=[shift.pk])
    assert client.get(edit_url).status_code == 404
    assert client.post(edit_url, edit_data(shift, place="Khác")).status_code == 404
    assert client.post(reverse("teams:shift_cancel", args=[shift.pk])).status_code == 404
    new_url = reverse("teams:shift_new")
    assert (
        client.get(f"{new_url}?campaign={campaign.pk}&commune={elsewhere.pk}").status_code == 404
    )
    shift.refresh_from_db()
    assert shift.place == PLACE and shift.cancelled_at is None


def test_a_started_shift_cannot_be_edited_or_cancelled(client, coordinator, campaign, mine):
    now = timezone.now()
    shift = Shift.objects.create(
        campaign=campaign,
        commune=mine,
        place=PLACE,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=2),
    )
    client.force_login(coordinator)
    edit_url = reverse("teams:shift_edit", args=[shift.pk])
    response = client.post(edit_url, edit_data(shift, place="Khác"), follow=True)
    assert "A shift that has started or was cancelled cannot be changed." in shown_messages(
        response
    )
    response = client.post(reverse("teams:shift_cancel", args=[shift.pk]), follow=True)
    assert "A shift that has started cannot be cancelled." in shown_messages(response)
    shift.refresh_from_db()
    assert shift.place == PLACE and shift.cancelled_at is None


def test_a_coordinator_adds_a_shift_by_hand(client, coordinator, campaign, mine):
    client.force_login(coordinator)
    url = f"{reverse('teams:shift_new')}?campaign={campaign.pk}&commune={mine.pk}"
    page = client.get(url)
    assert page.status_code == 200 and MISSING not in page.content.decode()
    data = {
        "place": "Nhà văn hóa thôn Nà Lừa",
        "starts_at": "2026-12-05T19:00",
        "ends_at": "2026-12-05T21:00",
        "volunteers_needed": "3",
        "language": "Tày",
        "skill": "",
    }
    response = client.post(url, data, follow=True)
    assert "The shift was added." in shown_messages(response)
    shift = Shift.objects.get(commune=mine)
    assert (shift.campaign, shift.starts_at, shift.volunteers_needed, shift.language) == (
        campaign,
        at(5, 19),
        3,
        "Tày",
    )
    again = client.post(url, data)
    assert "already has a shift at that place and time" in again.content.decode()


def test_the_commune_page_links_to_editing_and_adding_shifts(client, coordinator, campaign, mine):
    shift = make_shift(campaign, mine, day=8)
    client.force_login(coordinator)
    url = reverse("teams:coverage_commune", args=[campaign.pk, mine.pk])
    html = client.get(f"{url}?week=2026-12-07").content.decode()
    assert reverse("teams:shift_edit", args=[shift.pk]) in html
    assert reverse("teams:shift_new") in html
    assert MISSING not in html
