"""Every SMS about a campaign carries its campaign and commune (Message.tag), which is
how the dashboard counts them; the migration tags the messages queued before tags."""

import importlib
import uuid
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from campaign.models import Campaign, campaign_tag
from notifications.models import Message
from notifications.outbox import queue_message
from sessions import followups
from sessions.models import HelpSession
from teams.broadcasts import sending as broadcasts
from teams.models import Assignment, Broadcast, Shift, ShiftSignup, Team, Volunteer
from teams.rota import assignments, reminders
from teams.rota import links as shift_links

tagging = importlib.import_module("sessions.migrations.0004_tag_messages")


@pytest.fixture
def campaign(lang_son):
    campaign = Campaign.objects.create(
        name="45 ngày đêm",
        province=lang_son,
        start=timezone.localdate() - timedelta(days=3),
        status=Campaign.Status.ACTIVE,
        sms_brand="SỞ TT&TT",
    )
    campaign.add_all_communes()
    return campaign


@pytest.fixture
def commune(lang_son):
    return lang_son.communes.order_by("code")[0]


@pytest.fixture
def volunteer_there(campaign, commune):
    person = Volunteer.objects.create(full_name="Nông Thị Mai", phone="+84912345678")
    Assignment.objects.create(volunteer=person, campaign=campaign, commune=commune)
    return person


@pytest.fixture
def signup(campaign, commune, volunteer_there):
    starts = timezone.now() + timedelta(days=2)
    shift = Shift.objects.create(
        campaign=campaign,
        commune=commune,
        place="UBND xã",
        starts_at=starts,
        ends_at=starts + timedelta(hours=4),
        volunteers_needed=2,
    )
    return ShiftSignup.objects.create(
        shift=shift, volunteer=volunteer_there, status=ShiftSignup.Status.CONFIRMED
    )


def test_the_tag_names_the_campaign_and_the_commune(campaign, commune):
    assert campaign_tag(campaign.pk, commune.pk) == f"campaign:{campaign.pk}:commune:{commune.pk}"
    assert campaign_tag(campaign.pk) == f"campaign:{campaign.pk}"


def test_reminders_invitations_and_notices_are_tagged_with_their_shift_s_commune(
    campaign, commune, signup
):
    expected = campaign_tag(campaign.pk, commune.pk)
    reminders.schedule_reminders(signup)
    invitation = shift_links.invite(signup)
    notice = assignments.send_assignment_notice(signup.volunteer.assignments.get())
    reminded = Message.objects.filter(kind="shift_reminder")
    assert reminded.count() == 2
    assert {message.tag for message in reminded} == {expected}
    assert invitation.tag == expected
    assert notice.tag == expected


def test_follow_ups_are_tagged_with_the_session_s_commune(
    campaign, commune, volunteer_there, service_catalogue
):
    session = HelpSession.objects.create(
        uuid=uuid.uuid4(),
        volunteer=volunteer_there,
        campaign=campaign,
        commune=commune,
        helped_at=timezone.now(),
        outcome=HelpSession.Outcome.DONE,
        citizen_phone="+84987654321",
        contact_consent_at=timezone.now(),
        follow_up_on=timezone.localdate() + timedelta(days=1),
        content_digest="x",
    )
    message = followups.schedule_follow_up(session)
    assert message.tag == campaign_tag(campaign.pk, commune.pk)


def test_broadcasts_are_tagged_with_their_target_s_commune_or_the_whole_campaign(
    campaign, commune, volunteer_there
):
    team = Team.objects.create(commune=commune, name="Tổ công nghệ số 1")
    to_team = Broadcast.objects.create(
        form_token=uuid.uuid4(), campaign=campaign, team=team, text="Họp tổ", brand="B",
        encoding="UCS-2", segments_per_message=1, recipient_count=1,
    )  # fmt: skip
    to_all = Broadcast.objects.create(
        form_token=uuid.uuid4(), campaign=campaign, text="Cảm ơn", brand="B",
        encoding="UCS-2", segments_per_message=1, recipient_count=2,
    )  # fmt: skip
    without_campaign = Broadcast.objects.create(
        form_token=uuid.uuid4(), commune=commune, text="Họp xã", brand="B",
        encoding="UCS-2", segments_per_message=1, recipient_count=1,
    )  # fmt: skip
    broadcasts.send(to_team, ["+84912345678"])
    broadcasts.send(to_all, ["+84912345678", "+84912345679"])
    broadcasts.send(without_campaign, ["+84912345678"])

    def tags(broadcast):
        return set(
            Message.objects.filter(subject_id=str(broadcast.pk), kind=broadcasts.KIND)
            .values_list("tag", flat=True)
            .distinct()
        )

    assert tags(to_team) == {campaign_tag(campaign.pk, commune.pk)}
    assert tags(to_all) == {campaign_tag(campaign.pk)}
    assert tags(without_campaign) == {""}  # counted towards no campaign


def test_a_message_without_a_subject_has_no_tag(db):
    message = queue_message("+84912345678", "Mã của bạn", kind="reset_code", key="k1")
    assert message.tag == ""


def test_the_migration_tags_messages_queued_before_tags(campaign, commune, signup):
    team = Team.objects.create(commune=commune, name="Tổ công nghệ số 1")
    to_team = Broadcast.objects.create(
        form_token=uuid.uuid4(), campaign=campaign, team=team, text="Họp tổ", brand="B",
        encoding="UCS-2", segments_per_message=1, recipient_count=1,
    )  # fmt: skip
    to_all = Broadcast.objects.create(
        form_token=uuid.uuid4(), campaign=campaign, text="Cảm ơn", brand="B",
        encoding="UCS-2", segments_per_message=1, recipient_count=1,
    )  # fmt: skip
    queued = {
        "signup": queue_message("+84912345678", "a", kind="k", key="1", subject=signup),
        "shift": queue_message("+84912345678", "b", kind="k", key="2", subject=signup.shift),
        "team": queue_message("+84912345678", "c", kind="k", key="3", subject=to_team),
        "all": queue_message("+84912345678", "d", kind="k", key="4", subject=to_all),
        "none": queue_message("+84912345678", "e", kind="k", key="5"),
    }
    Message.objects.update(tag="")  # as they were before tags

    tagging.tag_messages(apps, None)

    tag = dict(Message.objects.values_list("idempotency_key", "tag"))
    in_commune = campaign_tag(campaign.pk, commune.pk)
    assert tag[queued["signup"].idempotency_key] == in_commune
    assert tag[queued["shift"].idempotency_key] == in_commune
    assert tag[queued["team"].idempotency_key] == in_commune
    assert tag[queued["all"].idempotency_key] == campaign_tag(campaign.pk)
    assert tag[queued["none"].idempotency_key] == ""


def test_a_campaign_that_sends_without_diacritics_does_so_on_every_path(
    campaign, commune, signup, service_catalogue
):
    """The outbox composes every message (notifications.outbox.compose): reminders,
    invitations, assignment notices and follow-ups go out as the campaign says, its
    brand first."""
    campaign.sms_without_diacritics = True
    campaign.save()
    reminders.schedule_reminders(signup)
    shift_links.invite(signup)
    assignments.send_assignment_notice(signup.volunteer.assignments.get())
    HelpSession.objects.create(
        uuid=uuid.uuid4(), volunteer=signup.volunteer, campaign=campaign, commune=commune,
        helped_at=timezone.now(), outcome=HelpSession.Outcome.DONE,
        citizen_phone="+84987654321", contact_consent_at=timezone.now(),
        follow_up_on=timezone.localdate() + timedelta(days=1), content_digest="x",
    )  # fmt: skip
    followups.schedule_follow_up(HelpSession.objects.get())
    kinds = set(Message.objects.values_list("kind", flat=True))
    assert {"shift_reminder", "shift_invitation", "assignment_notice", "citizen_follow_up"} <= (
        kinds
    )
    for message in Message.objects.all():
        first_line = message.text.split("\n")[0]
        assert first_line.startswith("SO TT&TT: "), message.kind
        assert first_line.isascii(), (message.kind, first_line)
