"""Citizens' phone numbers: a follow-up only with consent, erased on request or when the
campaign's retention period ends, every erasure audited, the counts kept."""

import uuid
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from campaign.models import AuditEvent, Campaign, ServiceType
from notifications.models import Message
from notifications.providers import MemoryProvider
from sessions.contacts import ERASED, erase_contact, purge
from sessions.followups import schedule_follow_up
from sessions.models import HelpSession
from sessions.recording import record_sessions
from teams.models import Assignment, Volunteer

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(autouse=True)
def memory_outbox():
    MemoryProvider.reset()
    yield MemoryProvider.outbox
    MemoryProvider.reset()


@pytest.fixture
def campaign(lang_son):
    campaign = Campaign.objects.create(
        name="45 ngày đêm",
        province=lang_son,
        start=timezone.localdate() - timedelta(days=10),
        sms_brand="SỞ TT&TT",
        citizen_contact_retention_days=30,
    )
    campaign.add_all_communes()
    return campaign


@pytest.fixture
def commune(lang_son):
    return lang_son.communes.order_by("code").first()


@pytest.fixture
def mai(make_user, campaign, commune):
    person = Volunteer.objects.create(
        full_name="Nông Thị Mai", phone="+84912345678", user=make_user("mai")
    )
    Assignment.objects.create(volunteer=person, campaign=campaign, commune=commune)
    return person


def log(mai, commune, **extra):
    item = {
        "uuid": str(uuid.uuid4()),
        "commune": commune.code,
        "helped_at": timezone.now().isoformat(),
        "services": ["eid_level_2"],
        **extra,
    }
    [result] = record_sessions(mai, [item])
    return result


def with_follow_up(mai, commune, day=None):
    return log(
        mai,
        commune,
        citizen_phone="0987654321",
        consent=True,
        follow_up="eid_level_2",
        follow_up_on=(day or timezone.localdate() + timedelta(days=2)).isoformat(),
    )


def test_the_default_retention_comes_from_the_setting(lang_son, settings):
    settings.CITIZEN_CONTACT_RETENTION_DAYS = 14
    campaign = Campaign.objects.create(
        name="x", province=lang_son, start=date(2026, 12, 1), sms_brand="B"
    )
    assert campaign.citizen_contact_retention_days == 14
    assert campaign.contacts_purged_after == date(2027, 1, 15) + timedelta(days=14)


def test_a_consented_follow_up_is_queued_once_with_brand_and_opt_out_link(mai, commune):
    result = with_follow_up(mai, commune)
    assert result.status == "created"
    message = Message.objects.get(kind="citizen_follow_up")
    assert message.recipient == "+84987654321"
    assert message.text.startswith("SỞ TT&TT: ")
    assert "/o/" in message.text  # the one-tap opt-out link
    local = timezone.localtime(message.next_attempt_at)
    assert (local.date(), local.hour) == (timezone.localdate() + timedelta(days=2), 9)
    session = HelpSession.objects.get()
    schedule_follow_up(session)  # again: the key holds
    assert Message.objects.filter(kind="citizen_follow_up").count() == 1


def test_a_follow_up_text_follows_the_campaign_s_choice_of_diacritics(mai, commune, campaign):
    campaign.sms_without_diacritics = True
    campaign.save()
    with_follow_up(mai, commune)
    message = Message.objects.get(kind="citizen_follow_up")
    assert message.encoding == "GSM-7"
    assert message.text.startswith("SO TT&TT: ")


def test_a_log_without_consent_stores_no_number_and_queues_nothing(mai, commune):
    result = log(
        mai,
        commune,
        citizen_phone="0987654321",
        follow_up="eid_level_2",
        follow_up_on=(timezone.localdate() + timedelta(days=1)).isoformat(),
    )
    assert result.status == "invalid" and "consent" in result.errors
    assert not HelpSession.objects.exists()
    assert not Message.objects.exists()


def test_the_database_refuses_a_number_without_consent(mai, commune, campaign):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        HelpSession.objects.create(
            uuid=uuid.uuid4(),
            volunteer=mai,
            campaign=campaign,
            commune=commune,
            helped_at=timezone.now(),
            citizen_phone="+84987654321",
            content_digest="x",
        )


def test_a_citizen_who_withdraws_consent_loses_the_number_and_the_follow_up(mai, commune):
    with_follow_up(mai, commune)
    session = HelpSession.objects.get()
    erase_contact(session, actor=mai.user)
    session.refresh_from_db()
    assert session.citizen_phone == "" and session.contact_purged_at is not None
    message = Message.objects.get(kind="citizen_follow_up")
    assert message.status == Message.Status.CANCELLED
    assert message.recipient == ERASED
    event = AuditEvent.objects.get(action=AuditEvent.Action.PURGE)
    assert event.actor == mai.user and str(session.uuid) in event.summary


def test_the_volunteer_can_erase_the_number_while_correcting(client, mai, commune):
    with_follow_up(mai, commune)
    session = HelpSession.objects.get()
    client.force_login(mai.user)
    url = reverse("help_sessions:log_correct", args=[session.uuid])
    assert "remove_contact" in client.get(url).content.decode()
    response = client.post(
        url, {"services": ["eid_level_2"], "outcome": "done", "remove_contact": "on"}
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.citizen_phone == ""
    assert Message.objects.get().status == Message.Status.CANCELLED


def test_numbers_are_kept_until_the_retention_period_ends(mai, commune, campaign):
    with_follow_up(mai, commune)
    assert purge(today=campaign.contacts_purged_after) == []
    assert HelpSession.objects.get().citizen_phone == "+84987654321"


def test_the_purge_erases_numbers_past_retention_and_keeps_the_sessions(mai, commune, campaign):
    with_follow_up(mai, commune)
    log(mai, commune)  # no number: untouched
    sent = Message.objects.get(kind="citizen_follow_up")
    Message.objects.filter(pk=sent.pk).update(status=Message.Status.DELIVERED)

    done = purge(today=campaign.contacts_purged_after + timedelta(days=1))

    assert [(p.campaign, p.sessions, p.messages) for p in done] == [(campaign, 1, 1)]
    assert HelpSession.objects.count() == 2  # the counts stay
    assert not HelpSession.objects.exclude(citizen_phone="").exists()
    sent.refresh_from_db()
    assert sent.recipient == ERASED and sent.status == Message.Status.DELIVERED
    event = AuditEvent.objects.get(action=AuditEvent.Action.PURGE)
    assert event.actor is None and event.province == campaign.province
    assert event.details["sessions"] == 1 and event.details["campaign"] == campaign.pk
    # Nothing left to do: a second run erases and records nothing.
    assert purge(today=campaign.contacts_purged_after + timedelta(days=2)) == []
    assert AuditEvent.objects.count() == 1


def test_the_purge_leaves_other_campaigns_alone(mai, commune, campaign, lang_son):
    later = Campaign.objects.create(
        name="Đợt 2", province=lang_son, start=campaign.end + timedelta(days=40), sms_brand="B"
    )
    with_follow_up(mai, commune)
    other = HelpSession.objects.get()
    HelpSession.objects.filter(pk=other.pk).update(campaign=later)
    with_follow_up(mai, commune)
    purge(today=campaign.contacts_purged_after + timedelta(days=1))
    other.refresh_from_db()
    assert other.citizen_phone == "+84987654321"


def test_the_command_reports_what_it_erased_and_a_dry_run_erases_nothing(mai, commune, campaign):
    with_follow_up(mai, commune)
    day = (campaign.contacts_purged_after + timedelta(days=1)).isoformat()
    out = StringIO()
    call_command("purge_citizen_contacts", "--dry-run", "--today", day, stdout=out)
    assert "1" in out.getvalue()
    assert HelpSession.objects.get().citizen_phone
    assert not AuditEvent.objects.exists()
    out = StringIO()
    call_command("purge_citizen_contacts", "--today", day, stdout=out)
    assert campaign.name in out.getvalue()
    assert not HelpSession.objects.get().citizen_phone
    out = StringIO()
    call_command("purge_citizen_contacts", "--today", day, stdout=out)
    assert out.getvalue().strip()  # says there was nothing to do


def test_the_command_names_a_bad_option(mai, campaign):
    with pytest.raises(CommandError, match="--today"):
        call_command("purge_citizen_contacts", "--today", "tomorrow")
    with pytest.raises(CommandError, match="--campaign 999"):
        call_command("purge_citizen_contacts", "--campaign", "999")


def test_the_command_for_one_campaign_still_waits_for_its_retention(mai, commune, campaign):
    with_follow_up(mai, commune)
    out = StringIO()
    call_command("purge_citizen_contacts", "--campaign", str(campaign.pk), stdout=out)
    assert campaign.contacts_purged_after.isoformat() in out.getvalue()
    assert HelpSession.objects.get().citizen_phone


def test_the_purge_runs_every_night_in_the_task_queue(db):
    from django_q.models import Schedule

    schedule = Schedule.objects.get(func="sessions.tasks.purge_citizen_contacts")
    assert schedule.schedule_type == Schedule.DAILY
    assert timezone.localtime(schedule.next_run).hour == 2


def test_a_follow_up_day_after_the_retention_period_is_refused(mai, commune, campaign):
    result = with_follow_up(mai, commune, day=campaign.contacts_purged_after + timedelta(days=1))
    assert result.status == "invalid" and "follow_up_on" in result.errors


def test_an_old_follow_up_day_sends_at_once_and_not_before_nine(mai, commune):
    result = with_follow_up(mai, commune, day=timezone.localdate())
    assert result.status == "created"
    message = Message.objects.get(kind="citizen_follow_up")
    nine = datetime.combine(timezone.localdate(), datetime.min.time().replace(hour=9))
    assert message.next_attempt_at >= timezone.make_aware(nine) - timedelta(seconds=1)
    assert ServiceType.objects.filter(code="eid_level_2").exists()


def test_the_admin_lists_sessions_but_never_shows_a_citizen_s_number(
    client, make_user, mai, commune
):
    with_follow_up(mai, commune)
    session = HelpSession.objects.get()
    admin = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    listing = client.get(reverse("admin:help_sessions_helpsession_changelist"))
    assert listing.status_code == 200
    page = client.get(reverse("admin:help_sessions_helpsession_change", args=[session.pk]))
    assert page.status_code == 200
    assert "987654321" not in listing.content.decode() + page.content.decode()
