"""Personal-data requests: a volunteer's or a citizen's data exported, or erased on
request with every count kept, audited, asked twice harmlessly, scoped to the organiser's
province."""

import io
import json
import uuid
from dataclasses import asdict
from datetime import timedelta

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from campaign.models import AuditEvent, Campaign, Role
from notifications import sending
from notifications.models import Message, OptOut
from notifications.outbox import queue_message
from sessions import rollups
from sessions.dashboard.figures import Filters, build
from sessions.models import HelpSession
from sessions.privacy import requests as privacy
from sessions.recording import record_sessions
from teams.models import Assignment, CalendarFeed, Membership, Shift, ShiftSignup, Team, Volunteer
from teams.rota.calendars import live_feed

NAME, PHONE = "Nông Thị Mai", "+84912345678"
CITIZEN = "+84987654321"


@pytest.fixture
def campaign(lang_son):
    campaign = Campaign.objects.create(
        name="45 ngày đêm",
        province=lang_son,
        start=timezone.localdate() - timedelta(days=5),
        sms_brand="DIGIHELP",
    )
    campaign.add_all_communes()
    return campaign


@pytest.fixture
def commune(lang_son):
    return lang_son.communes.order_by("code").first()


@pytest.fixture
def mai(make_user, campaign, commune):
    user = make_user(PHONE, kind=Role.Kind.VOLUNTEER)
    person = Volunteer.objects.create(
        full_name=NAME, phone=PHONE, home_commune=commune, organisation="ĐH Lạng Sơn", user=user
    )
    Assignment.objects.create(volunteer=person, campaign=campaign, commune=commune)
    team = Team.objects.create(commune=commune, name="Tổ 1")
    Membership.objects.create(team=team, volunteer=person)
    return person


@pytest.fixture
def logged(mai, commune):
    """Three sessions by Mai, one with a citizen's number for a follow-up."""
    items = [
        {
            "uuid": str(uuid.uuid4()),
            "commune": commune.code,
            "helped_at": (timezone.now() - timedelta(hours=n)).isoformat(),
            "services": ["eid_account"],
            "minutes": 10,
            "priority_groups": ["elderly"] if n == 0 else [],
        }
        for n in range(3)
    ]
    items[0].update(
        citizen_phone="0987654321",
        consent=True,
        follow_up="eid_level_2",
        follow_up_on=(timezone.localdate() + timedelta(days=2)).isoformat(),
    )
    results = record_sessions(mai, items)
    assert [r.status for r in results] == ["created"] * 3, [r.errors for r in results]
    return [r.session for r in results]


@pytest.fixture
def organiser_y(make_user, cao_bang):
    return make_user("organiser_y", kind=Role.Kind.ORGANISER, province=cao_bang)


def counts_of(campaign, user):
    board = build(campaign, user, Filters())
    return (
        asdict(board.totals),
        board.active_volunteers,
        [(row.commune.pk, asdict(row.counts)) for row in board.communes],
        rollups.stored_rows([campaign.pk]),
        HelpSession.objects.count(),
        Message.objects.count(),
    )


# A volunteer ----------------------------------------------------------------------------


def test_an_organiser_downloads_everything_held_about_a_volunteer(
    client, organiser, mai, logged, lang_son
):
    queue_message(PHONE, "Ca trực ngày mai", kind="test", key="k1", subject=mai)
    client.force_login(organiser)
    response = client.get(reverse("help_sessions:volunteer_data_export", args=[mai.pk, "json"]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["profile"]["full_name"] == NAME and data["profile"]["phone"] == PHONE
    assert data["account"]["username"] == PHONE
    assert [m["team"] for m in data["memberships"]] == ["Tổ 1"]
    assert len(data["assignments"]) == 1
    assert data["help_sessions"]["total"] == 3
    assert data["help_sessions"]["by_campaign_and_commune"][0]["sessions"] == 3
    assert len(data["help_sessions"]["list"]) == 3
    assert [m["text"] for m in data["messages"]] == ["Ca trực ngày mai"]
    # Nothing about the citizens they helped.
    assert "987654321" not in response.content.decode()
    assert "elderly" not in data["help_sessions"]["list"][0]

    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert (event.actor, event.province) == (organiser, lang_son)
    assert (event.subject_type, event.subject_id) == ("teams.volunteer", str(mai.pk))
    assert NAME not in event.summary and PHONE not in json.dumps(event.details)


def test_the_volunteers_data_as_a_workbook_has_one_sheet_per_section(
    client, organiser, mai, logged
):
    client.force_login(organiser)
    response = client.get(reverse("help_sessions:volunteer_data_export", args=[mai.pk, "xlsx"]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert {"profile", "memberships", "assignments", "help_sessions"} <= set(book.sheetnames)
    profile = {row[0]: row[1] for row in book["profile"].iter_rows(min_row=2, values_only=True)}
    assert profile["full_name"] == NAME
    assert book["help_sessions"].max_row == 4  # a header and three sessions


def test_erasing_a_volunteer_keeps_every_count_and_removes_what_names_or_reaches_them(
    client, organiser, mai, logged, campaign, commune
):
    account = mai.user
    account.set_password("a good long password")
    account.save()
    feed = live_feed(volunteer=mai)
    start = timezone.now() + timedelta(days=1)
    future = Shift.objects.create(
        campaign=campaign,
        commune=commune,
        place="Nhà văn hoá",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    ShiftSignup.objects.create(shift=future, volunteer=mai, status=ShiftSignup.Status.CONFIRMED)
    waiting = queue_message(PHONE, "Chào Mai", kind="test", key="k2", subject=mai)
    before = counts_of(campaign, organiser)

    client.force_login(organiser)
    response = client.post(
        reverse("help_sessions:volunteer_erase", args=[mai.pk]), {"confirm": "on"}
    )
    assert response.status_code == 302

    assert counts_of(campaign, organiser) == before
    mai.refresh_from_db()
    assert mai.full_name == f"Đã xoá (#{mai.pk})"
    assert mai.phone == f"erased-{mai.pk}"
    assert (mai.organisation, mai.active) == ("", False)
    assert HelpSession.objects.filter(volunteer=mai).count() == 3
    assert Membership.objects.filter(volunteer=mai).count() == 1
    account.refresh_from_db()
    assert not account.is_active and not account.has_usable_password()
    assert PHONE not in account.username
    feed.refresh_from_db()
    assert feed.revoked_at is not None
    assert ShiftSignup.objects.get(shift=future).status == ShiftSignup.Status.DECLINED
    waiting.refresh_from_db()
    assert waiting.status == Message.Status.CANCELLED
    assert waiting.recipient == "erased" and waiting.text == ""
    assert not Message.objects.filter(recipient=PHONE).exists()
    assert not Volunteer.objects.filter(full_name__contains="Mai").exists()

    event = AuditEvent.objects.get(action=AuditEvent.Action.ERASE)
    assert event.actor == organiser and event.subject_id == str(mai.pk)
    assert event.details["calendar_links_revoked"] == 1
    assert NAME not in event.summary and PHONE not in json.dumps(event.details)


def test_erasing_a_volunteer_twice_is_harmless(client, organiser, mai, logged, campaign, english):
    client.force_login(organiser)
    client.cookies["django_language"] = "en"
    url = reverse("help_sessions:volunteer_erase", args=[mai.pk])
    client.post(url, {"confirm": "on"})
    after_first = counts_of(campaign, organiser)
    mai.refresh_from_db()
    first = (mai.full_name, mai.phone, mai.updated_at)
    response = client.post(url, {"confirm": "on"}, follow=True)
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert shown[-1] == "This volunteer was erased already: nothing changed."
    mai.refresh_from_db()
    assert (mai.full_name, mai.phone, mai.updated_at) == first
    assert counts_of(campaign, organiser) == after_first
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ERASE).count() == 1


def test_an_erasure_needs_its_box_ticked(client, organiser, mai):
    client.force_login(organiser)
    response = client.post(reverse("help_sessions:volunteer_erase", args=[mai.pk]), {})
    assert response.status_code == 400
    assert "confirm" in response.context["form"].errors
    mai.refresh_from_db()
    assert mai.full_name == NAME


def test_an_organiser_of_another_province_gets_a_404(client, organiser_y, mai):
    client.force_login(organiser_y)
    for url in (
        reverse("help_sessions:volunteer_data", args=[mai.pk]),
        reverse("help_sessions:volunteer_data_export", args=[mai.pk, "json"]),
    ):
        assert client.get(url).status_code == 404
    response = client.post(
        reverse("help_sessions:volunteer_erase", args=[mai.pk]), {"confirm": "on"}
    )
    assert response.status_code == 404
    mai.refresh_from_db()
    assert mai.full_name == NAME
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("role", ["coordinator", "volunteer", "outsider"])
def test_only_organisers_answer_data_requests(client, request, role, mai):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("help_sessions:volunteer_data", args=[mai.pk])).status_code == 403
    assert client.get(reverse("help_sessions:citizen_data")).status_code == 403


# A citizen's number ---------------------------------------------------------------------


def citizen_post(client, phone, action, **extra):
    return client.post(
        reverse("help_sessions:citizen_data"), {"phone": phone, "action": action, **extra}
    )


def test_a_citizens_data_is_downloaded_by_their_number(client, organiser, logged, lang_son):
    client.force_login(organiser)
    response = citizen_post(client, "0987 654 321", "export_json")
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["phone"] == CITIZEN
    assert len(data["help_sessions"]) == 1
    assert [m["kind"] for m in data["messages"]] == ["citizen_follow_up"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert (event.actor, event.province) == (organiser, lang_son)
    assert "987654321" not in event.summary + json.dumps(event.details)

    workbook = citizen_post(client, "0987654321", "export_xlsx")
    book = openpyxl.load_workbook(io.BytesIO(workbook.content))
    assert book["help_sessions"].max_row == 2


def test_erasing_a_citizens_number_keeps_the_counts_and_the_opt_out(
    client, organiser, logged, campaign
):
    sending.opt_out(CITIZEN, OptOut.Source.LINK)
    before = counts_of(campaign, organiser)
    client.force_login(organiser)
    response = citizen_post(client, "0987654321", "erase", confirm="on")
    assert response.status_code == 302
    assert counts_of(campaign, organiser) == before
    assert not HelpSession.objects.filter(citizen_phone=CITIZEN).exists()
    assert not Message.objects.filter(recipient=CITIZEN).exists()
    # Still opted out: the number is what keeps them from being messaged again.
    assert OptOut.objects.blocks(CITIZEN)
    event = AuditEvent.objects.get(action=AuditEvent.Action.ERASE)
    assert event.details["help_sessions"] == 1
    assert "987654321" not in event.summary + json.dumps(event.details)


def test_erasing_a_citizens_number_twice_says_nothing_holds_it(client, organiser, logged, english):
    client.force_login(organiser)
    client.cookies["django_language"] = "en"
    citizen_post(client, "0987654321", "erase", confirm="on")
    response = citizen_post(client, "0987654321", "erase", confirm="on")
    assert response.status_code == 400
    assert response.context["form"].errors["phone"] == [
        "No help session in your provinces holds this number."
    ]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ERASE).count() == 1


def test_an_erasure_of_a_number_needs_its_box_ticked(client, organiser, logged):
    client.force_login(organiser)
    response = citizen_post(client, "0987654321", "erase")
    assert response.status_code == 400
    assert "confirm" in response.context["form"].errors
    assert HelpSession.objects.filter(citizen_phone=CITIZEN).exists()


@pytest.mark.parametrize("phone", ["0987abc321", "12345", ""])
def test_a_malformed_number_is_refused_naming_the_field(client, organiser, logged, phone):
    client.force_login(organiser)
    response = citizen_post(client, phone, "export_json")
    assert response.status_code == 400
    assert response.context["form"].errors["phone"]
    assert not AuditEvent.objects.exists()


def test_a_number_held_only_in_another_province_is_unknown_there(client, organiser_y, logged):
    client.force_login(organiser_y)
    response = citizen_post(client, "0987654321", "erase", confirm="on")
    assert response.status_code == 400
    assert response.context["form"].errors["phone"]
    assert HelpSession.objects.filter(citizen_phone=CITIZEN).exists()


def test_a_superuser_answers_for_every_province(client, mai, logged):
    client.force_login(get_user_model().objects.create_superuser("root", password="x" * 12))
    assert client.get(reverse("help_sessions:volunteer_data", args=[mai.pk])).status_code == 200
    assert privacy.holds(CITIZEN, get_user_model().objects.get(username="root"))


def test_an_erased_volunteer_stays_out_of_the_calendar(mai, organiser):
    feed = live_feed(volunteer=mai)
    privacy.erase_volunteer(mai, organiser)
    assert not CalendarFeed.objects.live().filter(pk=feed.pk).exists()


# Retention ------------------------------------------------------------------------------


def test_expired_records_go_after_their_periods_and_the_purge_is_recorded(settings, mai):
    from teams.registry.retention import purge_expired_records

    settings.MESSAGE_HISTORY_RETENTION_DAYS = 30
    settings.AUDIT_EVENT_RETENTION_DAYS = 100
    old = queue_message(PHONE, "Cũ", kind="test", key="old", subject=mai)
    new = queue_message(PHONE, "Mới", kind="test", key="new", subject=mai)
    long_ago = timezone.now() - timedelta(days=200)
    Message.objects.filter(pk=old.pk).update(status=Message.Status.SENT, created_at=long_ago)
    stale = AuditEvent.objects.create(action=AuditEvent.Action.EXPORT, summary="old")
    AuditEvent.objects.filter(pk=stale.pk).update(created_at=long_ago)

    done = purge_expired_records()
    assert done["message_copies"] == 1 and done["audit_events"] == 1
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.recipient, old.text, old.status) == ("erased", "", Message.Status.SENT)
    assert new.recipient == PHONE
    assert AuditEvent.objects.get().action == AuditEvent.Action.PURGE
    assert purge_expired_records() == {
        "import_files": 0,
        "message_copies": 0,
        "sign_in_attempts": 0,
        "audit_events": 0,
    }
