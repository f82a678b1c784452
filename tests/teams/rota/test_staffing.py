"""Staffing: coordinators place volunteers on shifts, organisers assign them to communes,
and coordinators hear the day before about shifts that are still short."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation
from django_q.models import Schedule

from campaign.models import Campaign, Role
from notifications.models import Message
from notifications.providers import MemoryProvider
from teams.models import Assignment, Shift, ShiftSignup, Volunteer
from teams.rota.links import shift_link_url
from teams.rota.staffing import warn_understaffed

pytestmark = pytest.mark.usefixtures("english", "scenario_clock")

MISSING = "!!MISSING"
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
PLACE = "Trung tâm phục vụ hành chính công"
EVENING_BEFORE = datetime(2026, 12, 2, 17, 0, tzinfo=LOCAL)


def at(day, hour):
    return datetime(2026, 12, day, hour, 0, tzinfo=LOCAL)


@pytest.fixture(autouse=True)
def memory_outbox():
    MemoryProvider.reset()
    yield MemoryProvider.outbox
    MemoryProvider.reset()


@pytest.fixture
def campaign(lang_son):
    campaign = Campaign.objects.create(
        name="45 ngày đêm", province=lang_son, start=date(2026, 12, 1), sms_brand="SỞ TT&TT"
    )
    campaign.add_all_communes()
    return campaign


@pytest.fixture
def commune(coordinated_communes):
    return coordinated_communes[0]


@pytest.fixture
def elsewhere(lang_son, coordinated_communes):
    return lang_son.communes.exclude(pk__in=[c.pk for c in coordinated_communes]).first()


@pytest.fixture
def mai(campaign, commune):
    person = Volunteer.objects.create(
        full_name="Nông Thị Mai", phone="+84912345678", home_commune=commune
    )
    Assignment.objects.create(volunteer=person, campaign=campaign, commune=commune)
    return person


def make_shift(campaign, commune, day=3, start=8, end=11, needed=2, **extra):
    return Shift.objects.create(
        campaign=campaign,
        commune=commune,
        place=PLACE,
        starts_at=at(day, start),
        ends_at=at(day, end),
        volunteers_needed=needed,
        **extra,
    )


def place_url(shift):
    return reverse("teams:place_on_shift", args=[shift.pk])


def flash(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# Placing a volunteer on a shift ------------------------------------------------------


def test_the_commune_week_has_a_place_form_on_future_shifts(
    client, coordinator, campaign, commune
):
    shift = make_shift(campaign, commune)
    client.force_login(coordinator)
    url = reverse("teams:coverage_commune", args=[campaign.pk, commune.pk])
    response = client.get(f"{url}?week=2026-11-30")
    html = response.content.decode()
    assert response.status_code == 200
    assert MISSING not in html
    assert place_url(shift) in html


def test_placing_a_volunteer_invites_them_with_the_link(
    client, coordinator, campaign, commune, mai, django_capture_on_commit_callbacks
):
    shift = make_shift(campaign, commune)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(place_url(shift), {"phone": "0912 345 678"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"?week=2026-11-30#shift-{shift.pk}")
    signup = ShiftSignup.objects.get(shift=shift, volunteer=mai)
    assert signup.status == ShiftSignup.Status.INVITED
    invitation = Message.objects.get(kind="shift_invitation")
    assert invitation.recipient == mai.phone
    assert shift_link_url(signup) in invitation.text
    assert [sent.to for sent in MemoryProvider.outbox] == [mai.phone]
    assert "Nông Thị Mai was placed on the shift" in " ".join(flash(response))


def test_a_refused_placement_shows_the_reason_and_changes_nothing(
    client, coordinator, campaign, commune, mai
):
    shift = make_shift(campaign, commune, needed=1)
    other = Volunteer.objects.create(full_name="Hoàng Văn Nam", phone="+84987654321")
    ShiftSignup.objects.create(shift=shift, volunteer=other, status=ShiftSignup.Status.CONFIRMED)
    client.force_login(coordinator)
    response = client.post(place_url(shift), {"phone": "0912345678"})
    assert response.status_code == 302
    assert "the shift is full" in " ".join(flash(response))
    assert not ShiftSignup.objects.filter(volunteer=mai).exists()
    assert not Message.objects.exists()


def test_an_unknown_number_is_shown_and_changes_nothing(client, coordinator, campaign, commune):
    shift = make_shift(campaign, commune)
    client.force_login(coordinator)
    response = client.post(place_url(shift), {"phone": "0912345678"})
    assert response.status_code == 302
    assert "No volunteer has the number 0912 345 678" in " ".join(flash(response))
    assert not ShiftSignup.objects.exists()


def test_a_coordinator_cannot_place_on_another_communes_shift(
    client, coordinator, campaign, elsewhere, mai
):
    shift = make_shift(campaign, elsewhere)
    client.force_login(coordinator)
    response = client.post(place_url(shift), {"phone": "0912345678"})
    assert response.status_code == 404
    assert not ShiftSignup.objects.exists()


def test_a_volunteer_account_cannot_place(client, volunteer, campaign, commune, mai):
    shift = make_shift(campaign, commune)
    client.force_login(volunteer)
    assert client.post(place_url(shift), {"phone": "0912345678"}).status_code == 403


# Assigning a volunteer to a commune --------------------------------------------------


def test_the_assignment_form_shows(client, organiser, campaign):
    client.force_login(organiser)
    response = client.get(reverse("teams:assignment_new"))
    assert response.status_code == 200
    assert MISSING not in response.content.decode()


def test_the_assignment_form_creates_the_assignment_and_the_notice(
    client, organiser, campaign, commune, django_capture_on_commit_callbacks
):
    person = Volunteer.objects.create(full_name="Hoàng Văn Nam", phone="+84987654321")
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("teams:assignment_new"),
            {
                "campaign": campaign.pk,
                "commune": commune.pk,
                "phone": "0987 654 321",
                "starts_on": "2026-12-05",
                "ends_on": "2026-12-20",
            },
        )
    assert response.status_code == 302
    assignment = Assignment.objects.get(volunteer=person)
    assert (assignment.campaign, assignment.commune) == (campaign, commune)
    assert (assignment.starts_on, assignment.ends_on) == (date(2026, 12, 5), date(2026, 12, 20))
    notice = Message.objects.get(kind="assignment_notice")
    assert notice.idempotency_key == f"assignment:{assignment.pk}"
    assert notice.recipient == person.phone
    assert notice.text.startswith("SỞ TT&TT: ")
    assert commune.name in notice.text
    assert "05/12/2026" in notice.text and "20/12/2026" in notice.text
    with translation.override(settings.LANGUAGE_CODE):  # the link has no language prefix
        assert notice.text.endswith(f"{settings.SITE_URL}{reverse('teams:my_shifts')}")
    assert [sent.to for sent in MemoryProvider.outbox] == [person.phone]


def test_the_assignment_form_refuses_dates_outside_the_campaign_and_hidden_communes(
    client, coordinator, campaign, elsewhere
):
    Volunteer.objects.create(full_name="Hoàng Văn Nam", phone="+84987654321")
    client.force_login(coordinator)
    response = client.post(
        reverse("teams:assignment_new"),
        {
            "campaign": campaign.pk,
            "commune": elsewhere.pk,
            "phone": "0987654321",
            "starts_on": "2026-11-01",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"commune", "starts_on"}
    assert not Assignment.objects.exists()
    assert not Message.objects.exists()


# The warning the day before ----------------------------------------------------------


@pytest.fixture
def coordinator_phone(coordinator):
    person = Volunteer.objects.create(
        full_name="Lý Văn Điều Phối", phone="+84911111111", user=coordinator
    )
    return person.phone


@pytest.fixture
def coordinator_without_phone(make_user, lang_son, commune):
    return make_user("quiet", kind=Role.Kind.COORDINATOR, province=lang_son, communes=[commune])


def test_the_understaffed_warning_goes_once_per_coordinator_with_a_phone(
    campaign, commune, coordinator_phone, coordinator_without_phone, mai
):
    short = make_shift(campaign, commune, needed=3)
    ShiftSignup.objects.create(shift=short, volunteer=mai, status=ShiftSignup.Status.CONFIRMED)
    full = make_shift(campaign, commune, start=13, end=16, needed=1)
    ShiftSignup.objects.create(shift=full, volunteer=mai, status=ShiftSignup.Status.INVITED)
    make_shift(campaign, commune, start=17, end=19, cancelled_at=at(1, 9))
    make_shift(campaign, commune, day=4)  # the day after tomorrow
    make_shift(campaign, commune, day=2, start=18, end=20)  # today

    assert warn_understaffed(now=EVENING_BEFORE) == 1
    assert warn_understaffed(now=EVENING_BEFORE) == 0

    warning = Message.objects.get(kind="understaffed_notice")
    assert warning.recipient == coordinator_phone
    assert warning.idempotency_key.startswith(f"understaffed:{short.pk}:")
    assert warning.text.startswith("SỞ TT&TT: ")
    assert PLACE in warning.text and "08:00" in warning.text
    assert "1 trên 3 tình nguyện viên" in warning.text  # the SMS speaks Vietnamese


def test_no_warning_when_no_coordinator_has_a_phone(campaign, commune, coordinator_without_phone):
    make_shift(campaign, commune)
    assert warn_understaffed(now=EVENING_BEFORE) == 0
    assert not Message.objects.exists()


def test_the_warning_is_scheduled_daily(db):
    schedule = Schedule.objects.get(func="teams.tasks.warn_understaffed")
    assert schedule.schedule_type == Schedule.DAILY
    assert schedule.repeats == -1
    local = schedule.next_run.astimezone(LOCAL)
    assert (local.hour, local.minute) == (17, 0)
