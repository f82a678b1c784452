"""A volunteer's shifts from the phone: the one-tap SMS link, the phone page, check-in.

The SMS link page is always in Vietnamese, like the SMS; texts are read through the
Vietnamese catalogue so the tests follow its translations.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from campaign.models import Campaign
from notifications.models import Message
from notifications.providers import MemoryProvider
from teams.models import Assignment, Shift, ShiftSignup, Volunteer
from teams.rota.attendance import hours_worked
from teams.rota.links import invite, shift_link_url, shift_token
from teams.rota.signups import sign_up

pytestmark = pytest.mark.usefixtures("scenario_clock")

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
PLACE = "Trung tâm phục vụ hành chính công"


def vi(text):
    with translation.override("vi"):
        return gettext(text)


def at(day, hour, minutes=0):
    return datetime(2026, 12, day, hour, minutes, tzinfo=LOCAL)


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
def mai_account(make_user):
    return make_user("mai")


@pytest.fixture
def mai(mai_account, campaign, commune):
    person = Volunteer.objects.create(
        full_name="Nông Thị Mai", phone="+84912345678", home_commune=commune, user=mai_account
    )
    Assignment.objects.create(volunteer=person, campaign=campaign, commune=commune)
    return person


def make_shift(campaign, commune, starts_at, ends_at, place=PLACE):
    return Shift.objects.create(
        campaign=campaign, commune=commune, place=place, starts_at=starts_at, ends_at=ends_at
    )


@pytest.fixture
def shift(campaign, commune):
    return make_shift(campaign, commune, at(3, 8), at(3, 11))


@pytest.fixture
def invited(mai, shift):
    return sign_up(mai, shift, placed_by_coordinator=True)


@pytest.fixture
def started(mai, campaign, commune):
    """A shift that began ten minutes ago, on which Mai holds a place."""
    now = timezone.now()
    running = make_shift(
        campaign, commune, now - timedelta(minutes=10), now + timedelta(hours=3), "Nhà văn hóa"
    )
    return ShiftSignup.objects.create(
        shift=running, volunteer=mai, status=ShiftSignup.Status.CONFIRMED
    )


@pytest.fixture
def coordinator_phone(coordinator):
    return Volunteer.objects.create(
        full_name="Hoàng Văn Nam", phone="+84987654321", user=coordinator
    ).phone


def link(signup):
    return reverse("teams:shift_answer", args=[signup.pk, shift_token(signup.pk)])


def status_of(signup):
    signup.refresh_from_db()
    return signup.status


# The SMS link ------------------------------------------------------------------------


def test_opening_the_link_shows_the_shift_and_changes_nothing(client, invited):
    response = client.get(link(invited))
    assert response.status_code == 200
    page = response.content.decode()
    assert PLACE in page
    assert invited.shift.commune.name in page
    assert "08:00" in page
    assert vi("I will come") in page
    assert vi("I cannot come") in page
    assert 'lang="vi"' in page
    assert status_of(invited) == ShiftSignup.Status.INVITED


def test_one_tap_confirms_the_shift(client, invited):
    response = client.post(link(invited), {"choice": "confirm"})
    assert response.status_code == 200
    assert vi("Thank you, you are expected.") in response.content.decode()
    assert status_of(invited) == ShiftSignup.Status.CONFIRMED


def test_one_tap_declines_withdraws_reminders_and_tells_the_coordinator(
    client, invited, coordinator_phone, django_capture_on_commit_callbacks
):
    reminders = Message.objects.filter(kind="shift_reminder")
    assert reminders.filter(status=Message.Status.QUEUED).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link(invited), {"choice": "decline"})
    assert response.status_code == 200
    assert status_of(invited) == ShiftSignup.Status.DECLINED
    assert not reminders.filter(status=Message.Status.QUEUED).exists()
    notice = Message.objects.get(kind="decline_notice")
    assert notice.recipient == coordinator_phone
    assert notice.text.startswith("SỞ TT&TT: Nông Thị Mai")
    assert PLACE in notice.text
    # The place is open again: someone else may take it.
    assert invited.shift.signups.filter(status__in=ShiftSignup.HOLDS_A_PLACE).count() == 0


def test_a_second_decline_sends_no_second_notice(client, invited, coordinator_phone):
    client.post(link(invited), {"choice": "decline"})
    client.post(link(invited), {"choice": "decline"})
    assert Message.objects.filter(kind="decline_notice").count() == 1


def test_a_decline_tells_nobody_when_no_coordinator_has_a_phone(client, invited, coordinator):
    client.post(link(invited), {"choice": "decline"})
    assert status_of(invited) == ShiftSignup.Status.DECLINED
    assert not Message.objects.filter(kind="decline_notice").exists()


def test_a_coordinator_of_another_commune_is_not_told(
    client, invited, make_user, lang_son, coordinated_communes
):
    elsewhere = lang_son.communes.exclude(pk__in=[c.pk for c in coordinated_communes]).first()
    other = make_user("other", kind="coordinator", province=lang_son, communes=[elsewhere])
    Volunteer.objects.create(full_name="Lý Văn Tư", phone="+84911111111", user=other)
    client.post(link(invited), {"choice": "decline"})
    assert not Message.objects.filter(kind="decline_notice").exists()


def test_a_forged_link_is_not_found(client, invited):
    forged = reverse("teams:shift_answer", args=[invited.pk, "AAAAAAAAAAA"])
    assert client.get(forged).status_code == 404
    assert client.post(forged, {"choice": "decline"}).status_code == 404
    other = reverse("teams:shift_answer", args=[invited.pk + 1, shift_token(invited.pk)])
    assert client.get(other).status_code == 404
    assert status_of(invited) == ShiftSignup.Status.INVITED


def test_the_link_expires_when_the_shift_starts(client, started):
    response = client.post(link(started), {"choice": "decline"})
    assert response.status_code == 410
    assert vi("This link has expired") in response.content.decode()
    assert status_of(started) == ShiftSignup.Status.CONFIRMED
    assert client.get(link(started)).status_code == 410


def test_the_link_expires_when_the_shift_is_cancelled(client, invited):
    Shift.objects.filter(pk=invited.shift_id).update(cancelled_at=timezone.now())
    assert client.post(link(invited), {"choice": "confirm"}).status_code == 410
    assert status_of(invited) == ShiftSignup.Status.INVITED


def test_the_token_is_eleven_characters():
    assert len(shift_token(1)) == 11
    assert shift_token(1) != shift_token(2)


# The invitation ----------------------------------------------------------------------


def test_a_placed_volunteer_is_invited_by_sms_with_the_link(
    invited, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = invite(invited)
    assert message.kind == "shift_invitation"
    assert message.recipient == "+84912345678"
    assert message.text.startswith("SỞ TT&TT: ")
    assert shift_link_url(invited) in message.text
    assert shift_link_url(invited).endswith(link(invited))
    assert PLACE in message.text
    assert "08:00" in message.text
    assert message.expires_at == invited.shift.starts_at
    assert invite(invited).pk == message.pk  # queued once


# The phone page ----------------------------------------------------------------------


def test_the_phone_page_lists_only_my_upcoming_places(
    client, mai_account, mai, invited, campaign, commune
):
    declined_shift = make_shift(campaign, commune, at(4, 8), at(4, 11), "Nhà văn hóa thôn")
    ShiftSignup.objects.create(shift=declined_shift, volunteer=mai, status="declined")
    gone = timezone.now() - timedelta(days=2)
    past = make_shift(campaign, commune, gone, gone + timedelta(hours=3), "Chợ cũ")
    ShiftSignup.objects.create(shift=past, volunteer=mai, status="confirmed")
    someone = Volunteer.objects.create(full_name="Lò Văn Hùng", phone="+84922222222")
    theirs = make_shift(campaign, commune, at(5, 8), at(5, 11), "Bưu điện xã")
    theirs.volunteers_needed = 1  # full, so not offered to Mai as an open shift either
    theirs.save()
    ShiftSignup.objects.create(shift=theirs, volunteer=someone, status="confirmed")

    client.force_login(mai_account)
    response = client.get(reverse("teams:my_shifts"))
    assert response.status_code == 200
    assert [s.pk for s in response.context["signups"]] == [invited.pk]
    page = response.content.decode()
    assert PLACE in page
    for elsewhere in ("Nhà văn hóa thôn", "Chợ cũ", "Bưu điện xã"):
        assert elsewhere not in page


def test_the_phone_page_needs_a_volunteer_account(client, outsider):
    assert client.get(reverse("teams:my_shifts")).status_code == 302  # to sign in
    client.force_login(outsider)
    assert client.get(reverse("teams:my_shifts")).status_code == 404


def test_confirm_and_decline_from_the_phone_page(client, mai_account, invited, coordinator_phone):
    client.force_login(mai_account)
    action = reverse("teams:my_shift_action", args=[invited.pk])
    assert client.post(action, {"action": "confirm"}).status_code == 302
    assert status_of(invited) == ShiftSignup.Status.CONFIRMED
    asked = client.post(action, {"action": "decline"})  # the big button asks first
    assert asked.status_code == 200
    assert "Bạn không đến được?" in asked.content.decode()
    assert status_of(invited) == ShiftSignup.Status.CONFIRMED
    client.post(action, {"action": "decline", "confirmed": "yes"})
    assert status_of(invited) == ShiftSignup.Status.DECLINED
    notice = Message.objects.get(kind="decline_notice", recipient=coordinator_phone)
    assert notice.next_attempt_at > timezone.now() + timedelta(minutes=9)  # after the undo


def test_a_decline_can_be_taken_back_for_ten_minutes(
    client, mai_account, invited, coordinator_phone, time_machine
):
    time_machine.move_to(timezone.now(), tick=True)
    client.force_login(mai_account)
    action = reverse("teams:my_shift_action", args=[invited.pk])
    client.post(action, {"action": "decline", "confirmed": "yes"})
    page = client.get(reverse("teams:my_shifts")).content.decode()
    assert "Bạn đã báo không đến được ca" in page
    assert "Hoàn tác: tôi sẽ đến" in page

    client.post(action, {"action": "undo"})
    assert status_of(invited) == ShiftSignup.Status.CONFIRMED
    assert not Message.objects.filter(kind="decline_notice").exists()  # never told
    assert "Chỗ của bạn vẫn được giữ" in client.get(reverse("teams:my_shifts")).content.decode()

    client.post(action, {"action": "decline", "confirmed": "yes"})
    time_machine.shift(timedelta(minutes=11))
    assert "Hoàn tác" not in client.get(reverse("teams:my_shifts")).content.decode()
    client.post(action, {"action": "undo"})
    assert status_of(invited) == ShiftSignup.Status.DECLINED
    assert Message.objects.filter(kind="decline_notice", recipient=coordinator_phone).exists()


def test_nobody_can_answer_for_someone_else(client, make_user, invited, campaign, commune):
    other_account = make_user("hung")
    Volunteer.objects.create(full_name="Lò Văn Hùng", phone="+84922222222", user=other_account)
    client.force_login(other_account)
    for action in ("decline", "check_in"):
        response = client.post(
            reverse("teams:my_shift_action", args=[invited.pk]), {"action": action}
        )
        assert response.status_code == 404
    assert status_of(invited) == ShiftSignup.Status.INVITED


def test_check_in_and_out_while_the_shift_is_under_way(client, mai_account, started):
    client.force_login(mai_account)
    page = client.get(reverse("teams:my_shifts")).content.decode()
    assert vi("Check in") in page
    action = reverse("teams:my_shift_action", args=[started.pk])
    client.post(action, {"action": "check_in"})
    started.refresh_from_db()
    assert started.checked_in_at is not None
    assert started.checked_out_at is None
    assert vi("Check out") in client.get(reverse("teams:my_shifts")).content.decode()
    client.post(action, {"action": "check_out"})
    started.refresh_from_db()
    assert started.checked_out_at >= started.checked_in_at


def test_check_in_is_closed_long_before_the_shift(client, mai_account, invited):
    client.force_login(mai_account)
    response = client.post(
        reverse("teams:my_shift_action", args=[invited.pk]), {"action": "check_in"}, follow=True
    )
    assert response.status_code == 200
    invited.refresh_from_db()
    assert invited.checked_in_at is None
    assert vi("Check in") not in response.content.decode()


def test_hours_count_check_out_or_the_shift_end(client, mai_account, mai, campaign, commune):
    morning = make_shift(campaign, commune, at(2, 8), at(2, 11))
    ShiftSignup.objects.create(
        shift=morning,
        volunteer=mai,
        status="confirmed",
        checked_in_at=at(2, 8),
        checked_out_at=at(2, 10, 30),
    )
    afternoon = make_shift(campaign, commune, at(2, 14), at(2, 17))
    ShiftSignup.objects.create(
        shift=afternoon, volunteer=mai, status="confirmed", checked_in_at=at(2, 16)
    )
    skipped = make_shift(campaign, commune, at(5, 14), at(5, 17))
    ShiftSignup.objects.create(shift=skipped, volunteer=mai, status="confirmed")
    assert hours_worked(mai, campaign) == Decimal("3.5")

    client.force_login(mai_account)
    response = client.get(reverse("teams:my_shifts"))
    assert response.context["hours"] == Decimal("3.5")
    assert vi("Your hours this campaign") in response.content.decode()
