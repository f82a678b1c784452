"""Private iCalendar feeds of shifts, read back with a calendar library."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from campaign.models import Campaign
from teams.models import CalendarFeed, Shift, ShiftSignup, Volunteer
from teams.rota.calendars import feed_url, live_feed, render_ics

pytestmark = pytest.mark.usefixtures("english")
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
CALENDAR_PAGE = "/en/teams/calendar/"


@pytest.fixture
def campaign(lang_son):
    campaign = Campaign.objects.create(
        name="45 ngày đêm", province=lang_son, start=date(2026, 12, 1), sms_brand="X"
    )
    campaign.add_all_communes()
    return campaign


@pytest.fixture
def commune(coordinated_communes):
    return coordinated_communes[0]


@pytest.fixture
def other_commune(lang_son, coordinated_communes):
    return lang_son.communes.exclude(pk__in=[c.pk for c in coordinated_communes]).first()


@pytest.fixture
def person(volunteer, commune):
    return Volunteer.objects.create(
        full_name="Nông Thị Mai", phone="+84912345678", home_commune=commune, user=volunteer
    )


def make_shift(campaign, commune, day, start=8, end=11, **extra):
    """A shift `day` days from today (negative: in the past), local times."""
    today = timezone.localdate() + timedelta(days=day)
    extra.setdefault("place", "Trung tâm phục vụ hành chính công")
    return Shift.objects.create(
        campaign=campaign,
        commune=commune,
        starts_at=datetime.combine(today, time(start), tzinfo=LOCAL),
        ends_at=datetime.combine(today, time(end), tzinfo=LOCAL),
        **extra,
    )


def signup(shift, person, status=ShiftSignup.Status.CONFIRMED):
    return ShiftSignup.objects.create(shift=shift, volunteer=person, status=status)


def events_of(response):
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def uid(shift):
    return f"shift-{shift.pk}@digihelp"


def test_a_volunteer_feed_lists_the_shifts_where_they_hold_a_place(
    client, campaign, commune, person
):
    confirmed = make_shift(campaign, commune, day=2)
    invited = make_shift(campaign, commune, day=3)
    declined = make_shift(campaign, commune, day=4)
    not_theirs = make_shift(campaign, commune, day=5)
    long_ago = make_shift(campaign, commune, day=-40)
    last_week = make_shift(campaign, commune, day=-7)
    signup(confirmed, person)
    signup(invited, person, ShiftSignup.Status.INVITED)
    signup(declined, person, ShiftSignup.Status.DECLINED)
    signup(long_ago, person)
    signup(last_week, person)
    feed = live_feed(volunteer=person)

    response = client.get(f"/teams/calendar/{feed.token}.ics")

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]
    events = events_of(response)
    assert set(events) == {uid(confirmed), uid(invited), uid(last_week)}
    assert uid(declined) not in events and uid(not_theirs) not in events
    event = events[uid(confirmed)]
    assert event.decoded("dtstart") == confirmed.starts_at
    assert event.decoded("dtend") == confirmed.ends_at
    assert str(event["summary"]) == f"Trung tâm phục vụ hành chính công — {commune.name}"
    assert commune.name in str(event["location"])
    assert str(event["status"]) == "CONFIRMED"
    assert "dtstamp" in event


def test_a_cancelled_shift_stays_in_the_feed_marked_cancelled(client, campaign, commune, person):
    shift = make_shift(campaign, commune, day=2, cancelled_at=timezone.now())
    signup(shift, person)
    feed = live_feed(volunteer=person)

    events = events_of(client.get(reverse("teams:calendar_feed", args=[feed.token])))

    assert str(events[uid(shift)]["status"]) == "CANCELLED"


def test_the_sequence_changes_when_the_times_change(campaign, commune):
    shift = make_shift(campaign, commune, day=2)
    before = Calendar.from_ical(render_ics([shift], "x")).events[0]
    shift.starts_at += timedelta(hours=1)
    shift.ends_at += timedelta(hours=1)
    after = Calendar.from_ical(render_ics([shift], "x")).events[0]

    assert before["sequence"] != after["sequence"]
    assert after.decoded("dtstart") == shift.starts_at


def test_a_commune_feed_holds_all_its_shifts_and_none_of_another_commune(
    client, campaign, commune, other_commune, person
):
    ours = [make_shift(campaign, commune, day=day) for day in (-60, 1, 2)]
    theirs = make_shift(campaign, other_commune, day=1)
    signup(ours[1], person)
    feed = live_feed(commune=commune, campaign=campaign)

    events = events_of(client.get(f"/en/teams/calendar/{feed.token}.ics"))

    assert set(events) == {uid(shift) for shift in ours}
    assert uid(theirs) not in events
    assert str(events[uid(ours[1])]["description"]) == "1 of 2 volunteers"
    assert str(events[uid(ours[2])]["description"]) == "0 of 2 volunteers"


def test_revoked_and_unknown_tokens_are_not_found_and_the_new_token_works(
    client, campaign, person
):
    client.force_login(person.user)
    old = live_feed(volunteer=person)

    response = client.post(reverse("teams:calendar_feed_renew"))

    assert response.status_code == 302
    new = CalendarFeed.objects.live().get(volunteer=person)
    assert new.token != old.token
    old.refresh_from_db()
    assert old.revoked_at is not None
    client.logout()
    assert client.get(f"/teams/calendar/{old.token}.ics").status_code == 404
    assert client.get("/teams/calendar/not-a-real-token.ics").status_code == 404
    assert client.get(f"/teams/calendar/{new.token}.ics").status_code == 200


def test_a_volunteer_sees_their_link_made_on_the_first_visit(client, person):
    client.force_login(person.user)

    response = client.get(CALENDAR_PAGE)

    feed = CalendarFeed.objects.live().get(volunteer=person)
    assert feed_url(feed) in response.content.decode()
    assert "Revoke and make a new link" in response.content.decode()
    assert "!!MISSING" not in response.content.decode()
    client.get(CALENDAR_PAGE)
    assert CalendarFeed.objects.filter(volunteer=person).count() == 1


def test_a_coordinator_makes_and_revokes_a_link_of_their_commune(
    client, campaign, commune, coordinator
):
    client.force_login(coordinator)
    page = client.get(CALENDAR_PAGE).content.decode()
    assert commune.name in page and "Make a link" in page
    assert "!!MISSING" not in page

    client.post(
        reverse("teams:calendar_feed_renew"), {"campaign": campaign.pk, "commune": commune.pk}
    )
    first = CalendarFeed.objects.live().get(commune=commune, campaign=campaign)
    assert feed_url(first) in client.get(CALENDAR_PAGE).content.decode()

    client.post(
        reverse("teams:calendar_feed_renew"), {"campaign": campaign.pk, "commune": commune.pk}
    )
    second = CalendarFeed.objects.live().get(commune=commune, campaign=campaign)
    assert second.token != first.token
    assert client.get(f"/teams/calendar/{first.token}.ics").status_code == 404


def test_a_coordinator_cannot_get_a_link_for_a_commune_they_may_not_see(
    client, campaign, other_commune, coordinator
):
    client.force_login(coordinator)

    response = client.post(
        reverse("teams:calendar_feed_renew"),
        {"campaign": campaign.pk, "commune": other_commune.pk},
    )

    assert response.status_code == 404
    assert not CalendarFeed.objects.exists()
    assert other_commune.name not in client.get(CALENDAR_PAGE).content.decode()


def test_an_organiser_sees_every_commune_of_the_province(
    client, campaign, other_commune, organiser
):
    client.force_login(organiser)

    page = client.get(CALENDAR_PAGE).content.decode()

    assert other_commune.name in page
    assert "!!MISSING" not in page


def test_nonsense_in_the_form_is_not_found(client, coordinator):
    client.force_login(coordinator)

    response = client.post(reverse("teams:calendar_feed_renew"), {"campaign": "x", "commune": "y"})

    assert response.status_code == 404


def test_anonymous_visitors_go_to_sign_in(client):
    response = client.get(CALENDAR_PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_feed_belongs_to_exactly_one_kind_of_owner(campaign, commune, person):
    with pytest.raises(IntegrityError):
        CalendarFeed.objects.create(volunteer=person, commune=commune, campaign=campaign)


def test_times_are_written_in_utc(campaign, commune):
    shift = make_shift(campaign, commune, day=1)
    text = render_ics([shift], "x")
    utc = shift.starts_at.astimezone(ZoneInfo("UTC"))
    assert f"DTSTART:{utc:%Y%m%dT%H%M%S}Z" in text
