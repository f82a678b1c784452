"""Organisers invite volunteers to sign in on their phones: one at a time or a campaign."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from campaign.models import Campaign
from notifications.models import Message
from teams.models import Assignment, Volunteer

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def campaign(lang_son):
    campaign = Campaign.objects.create(
        name="45 ngày đêm", province=lang_son, start=date(2026, 12, 1), sms_brand="SỞ TT&TT"
    )
    campaign.add_all_communes()
    return campaign


@pytest.fixture
def mine(coordinated_communes):
    return Volunteer.objects.create(
        full_name="Nông Thị Mai", phone="+84912345678", home_commune=coordinated_communes[0]
    )


def test_a_coordinator_invites_one_of_their_volunteers(client, coordinator, mine):
    client.force_login(coordinator)
    page = client.get(reverse("teams:volunteer_edit", args=[mine.pk])).content.decode()
    assert "Send a sign-in invitation by SMS" in page and "!!MISSING" not in page
    response = client.post(reverse("teams:volunteer_invite", args=[mine.pk]))
    assert response.status_code == 302
    invitation = Message.objects.get(kind="account_invitation")
    assert invitation.recipient == "+84912345678"
    assert "/account/activate/" in invitation.text
    mine.refresh_from_db()
    assert mine.user is not None and not mine.user.has_usable_password()


def test_nobody_invites_a_volunteer_they_may_not_see(client, coordinator, lang_son):
    stranger = Volunteer.objects.create(
        full_name="Lý Văn Hòa",
        phone="+84912345679",
        home_commune=lang_son.communes.order_by("-code").first(),
    )
    client.force_login(coordinator)
    assert client.post(reverse("teams:volunteer_invite", args=[stranger.pk])).status_code == 404
    assert not Message.objects.exists()


def test_the_command_invites_a_campaigns_volunteers_who_cannot_sign_in_yet(
    campaign, mine, make_user
):
    ready = Volunteer.objects.create(
        full_name="Hoàng Văn Nam", phone="+84987654321", user=make_user("+84987654321")
    )
    for person in (mine, ready):
        Assignment.objects.create(volunteer=person, campaign=campaign, commune=mine.home_commune)
    out = StringIO()
    call_command("invite_volunteers", "--campaign", str(campaign.pk), stdout=out)
    assert out.getvalue().strip() == "invitations queued: 1"
    invitation = Message.objects.get(kind="account_invitation")
    assert (invitation.recipient, invitation.text[:10]) == ("+84912345678", "SỞ TT&TT: ")
    out = StringIO()
    call_command("invite_volunteers", "--campaign", str(campaign.pk), stdout=out)
    assert out.getvalue().strip() == "invitations queued: 0"  # queued once


def test_the_command_names_a_bad_campaign(db):
    with pytest.raises(CommandError, match="--campaign: no campaign has id 999"):
        call_command("invite_volunteers", "--campaign", "999")
