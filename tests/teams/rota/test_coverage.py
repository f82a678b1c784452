"""Coverage calendars: a commune's week of shifts and the province's table."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.models import Campaign, CampaignCommune
from teams.models import Shift, ShiftSignup, Volunteer
from teams.rota.coverage import week_of

pytestmark = pytest.mark.usefixtures("english")

MISSING = "!!MISSING"
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
PLACE = "Trung tâm phục vụ hành chính công"
WEEK = "2026-12-07"  # a Monday of the campaign


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


def at(day, hour, minutes=0):
    return datetime(2026, 12, day, hour, minutes, tzinfo=LOCAL)


def make_shift(campaign, commune, day, start, end, needed=2, place=PLACE, **extra):
    return Shift.objects.create(
        campaign=campaign,
        commune=commune,
        place=place,
        starts_at=at(day, start),
        ends_at=at(day, end) if end > start else at(day + 1, end),
        volunteers_needed=needed,
        **extra,
    )


_phones = iter(range(10_000_000, 99_999_999))


def sign_up(shift, status=ShiftSignup.Status.CONFIRMED):
    person = Volunteer.objects.create(full_name="Hoàng Văn Nam", phone=f"+8491{next(_phones)}")
    return ShiftSignup.objects.create(shift=shift, volunteer=person, status=status)


def commune_url(campaign, commune, week=WEEK):
    url = reverse("teams:coverage_commune", args=[campaign.pk, commune.pk])
    return f"{url}?week={week}" if week else url


def province_url(campaign, week=WEEK):
    url = reverse("teams:coverage_province", args=[campaign.pk])
    return f"{url}?week={week}" if week else url


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert MISSING not in html
    return response, html


# Who may see what -------------------------------------------------------------------


@pytest.mark.parametrize("who", ["volunteer", "outsider"])
def test_volunteers_and_outsiders_are_refused(client, request, who, campaign, mine):
    client.force_login(request.getfixturevalue(who))
    for url in [
        reverse("teams:coverage"),
        province_url(campaign),
        commune_url(campaign, mine),
    ]:
        assert client.get(url).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, campaign, mine):
    response = client.get(province_url(campaign))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_a_coordinator_cannot_see_another_communes_calendar(
    client, coordinator, campaign, elsewhere
):
    make_shift(campaign, elsewhere, 8, 7, 11)
    client.force_login(coordinator)
    assert client.get(commune_url(campaign, elsewhere)).status_code == 404


def test_a_commune_outside_the_campaign_has_no_calendar(client, organiser, campaign, mine):
    CampaignCommune.objects.filter(campaign=campaign, commune=mine).delete()
    client.force_login(organiser)
    assert client.get(commune_url(campaign, mine)).status_code == 404


def test_an_organiser_cannot_see_another_provinces_campaign(client, organiser, cao_bang):
    other = Campaign.objects.create(
        name="Chiến dịch Cao Bằng", province=cao_bang, start=date(2026, 12, 1), sms_brand="CB"
    )
    other.add_all_communes()
    client.force_login(organiser)
    assert client.get(province_url(other)).status_code == 404
    commune = cao_bang.communes.first()
    assert client.get(commune_url(other, commune)).status_code == 404


def test_a_coordinator_sees_only_their_communes_on_the_province_page(
    client, coordinator, campaign, coordinated_communes, elsewhere
):
    client.force_login(coordinator)
    response, html = page(client, province_url(campaign))
    shown = [commune for commune, _cells in response.context["rows"]]
    assert sorted(c.pk for c in shown) == sorted(c.pk for c in coordinated_communes)
    assert elsewhere.name not in html


def test_the_nav_link_leads_to_the_latest_campaign(client, organiser, campaign, lang_son):
    later = Campaign.objects.create(
        name="Đợt hai", province=lang_son, start=date(2027, 3, 1), sms_brand="SỞ TT&TT"
    )
    client.force_login(organiser)
    _response, html = page(client, reverse("teams:team_list"))
    assert reverse("teams:coverage") in html
    response = client.get(reverse("teams:coverage"))
    assert response.status_code == 302
    assert response["Location"] == reverse("teams:coverage_province", args=[later.pk])


def test_without_a_campaign_the_coverage_page_says_so(client, coordinator):
    client.force_login(coordinator)
    _response, html = page(client, reverse("teams:coverage"))
    assert "No campaign yet" in html


# The commune calendar ---------------------------------------------------------------


def test_the_commune_calendar_shows_the_weeks_shifts_and_marks_understaffed_ones(
    client, coordinator, campaign, mine
):
    full = make_shift(campaign, mine, 8, 7, 11, needed=1, place="Nhà văn hóa thôn Nà Sèn")
    short = make_shift(campaign, mine, 9, 13, 17, needed=3, place="UBND xã")
    make_shift(
        campaign, mine, 10, 18, 21, place="Điểm bưu điện văn hóa", cancelled_at=timezone.now()
    )
    make_shift(campaign, mine, 15, 7, 11, place="Chợ phiên tuần sau")  # next week
    sign_up(full)
    sign_up(short)
    sign_up(short, ShiftSignup.Status.INVITED)
    sign_up(short, ShiftSignup.Status.DECLINED)
    client.force_login(coordinator)

    response, html = page(client, commune_url(campaign, mine))

    assert "Nhà văn hóa thôn Nà Sèn" in html and "07:00–11:00" in html
    assert "1/1 volunteers" in html
    assert "2/3 volunteers" in html  # the declined sign-up holds no place
    assert "Chợ phiên tuần sau" not in html
    shifts = {s.place: s for _day, day_shifts in response.context["days"] for s in day_shifts}
    assert not shifts["Nhà văn hóa thôn Nà Sèn"].is_understaffed
    assert shifts["UBND xã"].is_understaffed
    assert not shifts["Điểm bưu điện văn hóa"].is_understaffed  # cancelled: nothing to fill
    assert html.count("1 place open") == 1  # the understaffed shift says how many are missing
    assert "<del>" in html and "Cancelled" in html
    assert response.context["understaffed_count"] == 1
    assert [day for day, _shifts in response.context["days"]] == [
        date(2026, 12, 7) + timedelta(days=n) for n in range(7)
    ]


def test_the_commune_calendar_uses_one_query_for_the_shifts(
    client, organiser, campaign, mine, django_assert_max_num_queries
):
    for day in range(7, 14):
        for hour in (7, 13, 18):
            sign_up(make_shift(campaign, mine, day, hour, hour + 3))
    client.force_login(organiser)
    with django_assert_max_num_queries(8):
        page(client, commune_url(campaign, mine))


def test_week_links_stay_within_the_campaign(campaign):
    first = week_of(campaign, "2026-11-01")  # before the campaign: its first week
    assert first.monday == date(2026, 11, 30)
    assert first.previous is None and first.next == date(2026, 12, 7)
    last = week_of(campaign, "2027-06-01")  # after it: its last week (ends 15 January)
    assert last.monday == date(2027, 1, 11)
    assert last.next is None and last.previous == date(2027, 1, 4)
    assert week_of(campaign, "not a date").monday == week_of(campaign, None).monday


# The province table -----------------------------------------------------------------


def test_the_province_page_sums_each_days_live_shifts(
    client, organiser, campaign, mine, elsewhere
):
    morning = make_shift(campaign, mine, 8, 7, 11, needed=2)
    afternoon = make_shift(campaign, mine, 8, 13, 17, needed=3)
    make_shift(campaign, mine, 8, 18, 21, needed=4, cancelled_at=timezone.now())
    early = make_shift(
        campaign, mine, 9, 5, 7, needed=1, place="Chợ sớm"
    )  # 22:00 UTC the day before
    full = make_shift(campaign, elsewhere, 10, 7, 11, needed=1)
    sign_up(morning)
    sign_up(morning, ShiftSignup.Status.INVITED)
    sign_up(morning, ShiftSignup.Status.DECLINED)
    sign_up(afternoon)
    sign_up(full)
    sign_up(early, ShiftSignup.Status.DECLINED)
    client.force_login(organiser)

    response, html = page(client, province_url(campaign))

    rows = {commune.pk: cells for commune, cells in response.context["rows"]}
    monday, tuesday, wednesday, thursday = rows[mine.pk][:4]
    assert monday is None
    assert (tuesday.held, tuesday.needed, tuesday.is_understaffed) == (3, 5, True)
    assert (wednesday.held, wednesday.needed) == (0, 1)  # the local day, not UTC's
    assert thursday is None
    there = rows[elsewhere.pk][3]
    assert (there.held, there.needed, there.is_understaffed) == (1, 1, False)
    assert "3/5" in html and "understaffed" in html
    assert commune_url(campaign, mine) in html


def test_the_province_page_uses_the_same_queries_whatever_the_number_of_communes(
    client, organiser, campaign, lang_son, django_assert_max_num_queries
):
    communes = list(lang_son.communes.all())
    assert len(communes) > 50
    for commune in communes:
        for day in (8, 9):
            sign_up(make_shift(campaign, commune, day, 7, 11))
    client.force_login(organiser)
    with django_assert_max_num_queries(7):
        response, _html = page(client, province_url(campaign))
    assert len(response.context["rows"]) == len(communes)
    assert all(cells[1].held == 1 for _commune, cells in response.context["rows"])


def test_the_province_page_defaults_to_this_week_within_the_campaign(client, organiser, campaign):
    client.force_login(organiser)
    response, _html = page(client, province_url(campaign, week=None))
    today = min(max(timezone.localdate(), campaign.start), campaign.end)
    assert response.context["week"].monday <= today <= response.context["week"].sunday
