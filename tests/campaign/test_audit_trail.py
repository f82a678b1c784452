"""The audit trail: every change to volunteers, teams, memberships, assignments, shifts,
help sessions, opt-outs and settings, every import and export, one event each, with who
and where, the fields that changed and never a personal value; and the organisers' page
that lists them."""

import csv
import io
import json
import uuid
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from campaign.models import AuditEvent, Campaign, Role
from notifications import sending
from notifications.links import opt_out_token
from notifications.models import Message, OptOut
from notifications.outbox import queue_message
from sessions.recording import correct_session, record_sessions
from teams.models import Assignment, Membership, Shift, ShiftSignup, Team, Volunteer
from teams.rota.links import shift_link_url

NAME, PHONE = "Hoàng Văn Thụ", "+84912345678"


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
def commune(coordinated_communes):
    return coordinated_communes[0]


@pytest.fixture
def thu(commune, make_user):
    return Volunteer.objects.create(
        full_name=NAME, phone=PHONE, home_commune=commune, user=make_user("thu")
    )


@pytest.fixture
def organiser_y(make_user, cao_bang):
    return make_user("organiser_y", kind=Role.Kind.ORGANISER, province=cao_bang)


def only_event(**filters) -> AuditEvent:
    events = list(AuditEvent.objects.filter(**filters))
    assert len(events) == 1, [e.summary for e in events]
    return events[0]


def holds_no_personal_value(event, *values):
    text = json.dumps(event.details, ensure_ascii=False) + event.summary
    for value in values:
        assert value not in text, f"{value!r} is in the trail: {text}"


# Changes made on the pages ----------------------------------------------------------


def test_editing_a_volunteer_names_the_fields_and_never_the_personal_values(
    client, organiser, thu, commune, lang_son
):
    client.force_login(organiser)
    response = client.post(
        reverse("teams:volunteer_edit", args=[thu.pk]),
        {
            "full_name": "Hoàng Văn Thụ Mới",
            "phone": "0912345679",
            "affiliation": "student",
            "organisation": "",
            "home_commune": commune.pk,
            "languages": "",
            "skills": "",
            "active": "on",
        },
    )
    assert response.status_code == 302
    event = only_event(subject_type="teams.volunteer", subject_id=str(thu.pk))
    assert (event.action, event.actor, event.province, event.commune) == (
        AuditEvent.Action.CHANGE,
        organiser,
        lang_son,
        commune,
    )
    fields = event.details["fields"]
    assert fields["full_name"] == {"changed": True}
    assert fields["phone"] == {"changed": True}
    assert fields["affiliation"] == {"from": "other", "to": "student"}
    holds_no_personal_value(event, NAME, "Thụ Mới", "912345678", "912345679")


def test_saving_a_volunteer_unchanged_writes_nothing(client, organiser, thu, commune):
    client.force_login(organiser)
    client.post(
        reverse("teams:volunteer_edit", args=[thu.pk]),
        {
            "full_name": NAME,
            "phone": "0912345678",
            "affiliation": "other",
            "home_commune": commune.pk,
            "active": "on",
            "zalo_consent": "on",
        },
    )
    assert not AuditEvent.objects.exists()


def test_a_team_its_members_added_and_removed_each_write_one_event(
    client, coordinator, thu, commune
):
    client.force_login(coordinator)
    client.post(reverse("teams:team_new"), {"commune": commune.pk, "name": "Tổ 1"})
    team = Team.objects.get()
    created = only_event(subject_type="teams.team")
    assert created.details["operation"] == "created"
    assert created.details["fields"]["name"] == {"from": None, "to": "Tổ 1"}
    assert created.actor == coordinator and created.commune == commune

    client.post(
        reverse("teams:membership_add", args=[team.pk]), {"phone": PHONE, "role": "leader"}
    )
    membership = Membership.objects.get()
    added = only_event(subject_type="teams.membership")
    assert added.details["fields"]["role"] == {"from": None, "to": "leader"}
    holds_no_personal_value(added, NAME, "912345678")

    client.post(reverse("teams:membership_remove", args=[team.pk, membership.pk]))
    removed = only_event(subject_type="teams.membership", details__operation="deleted")
    assert removed.subject_id == str(membership.pk) and removed.commune == commune


def test_an_assignment_and_a_shift_created_changed_and_cancelled_are_each_recorded(
    client, organiser, thu, campaign, commune
):
    client.force_login(organiser)
    response = client.post(
        reverse("teams:assignment_new"),
        {"phone": "0912345678", "campaign": campaign.pk, "commune": commune.pk},
    )
    assert response.status_code == 302, response.context["form"].errors
    assignment = Assignment.objects.get()
    event = only_event(subject_type="teams.assignment")
    assert event.subject_id == str(assignment.pk) and event.commune == commune

    start = (timezone.localtime() + timedelta(days=2)).replace(second=0, microsecond=0)
    shift = Shift.objects.create(
        campaign=campaign,
        commune=commune,
        place="Nhà văn hoá",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
    )
    client.post(
        reverse("teams:shift_edit", args=[shift.pk]),
        {
            "place": "Trung tâm hành chính công",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
            "volunteers_needed": 4,
            "language": "",
            "skill": "",
        },
    )
    changed = only_event(subject_type="teams.shift", details__operation="changed")
    assert changed.details["fields"]["place"] == {
        "from": "Nhà văn hoá",
        "to": "Trung tâm hành chính công",
    }
    assert changed.details["fields"]["volunteers_needed"] == {"from": 2, "to": 4}

    client.post(reverse("teams:shift_cancel", args=[shift.pk]))
    cancelled = only_event(subject_type="teams.shift", details__operation="cancelled")
    assert "cancelled_at" in cancelled.details["fields"]
    assert cancelled.actor == organiser


def test_the_campaign_settings_and_retention_are_recorded_old_and_new(
    client, organiser, campaign, lang_son
):
    client.force_login(organiser)
    response = client.post(
        reverse("campaign:campaign_edit", args=[campaign.pk]),
        {
            "name": campaign.name,
            "province": lang_son.pk,
            "start": campaign.start.isoformat(),
            "end": campaign.end.isoformat(),
            "status": "active",
            "sms_brand": "DIGIHELP",
            "description": "",
            "citizen_contact_retention_days": "14",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    event = only_event(subject_type="campaign.campaign")
    assert event.details["fields"] == {
        "status": {"from": "draft", "to": "active"},
        "citizen_contact_retention_days": {"from": 30, "to": 14},
    }
    assert event.province == lang_son


def test_a_campaigns_retention_changed_in_the_admin_is_recorded_old_and_new(
    client, campaign, lang_son
):
    admin = get_user_model().objects.create_superuser("root", password="x" * 12)
    client.force_login(admin)
    response = client.post(
        reverse("admin:campaign_campaign_change", args=[campaign.pk]),
        {
            "name": campaign.name,
            "province": lang_son.pk,
            "start": campaign.start.isoformat(),
            "end": campaign.end.isoformat(),
            "status": "draft",
            "sms_brand": "DIGIHELP",
            "description": "",
            "citizen_contact_retention_days": 10,
            "readiness_criteria-TOTAL_FORMS": 0,
            "readiness_criteria-INITIAL_FORMS": 0,
            "campaign_communes-TOTAL_FORMS": 0,
            "campaign_communes-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    event = only_event(subject_type="campaign.campaign")
    assert event.details["fields"] == {"citizen_contact_retention_days": {"from": 30, "to": 10}}
    assert (event.actor, event.province, event.details["via"]) == (admin, lang_son, "admin")


def test_a_corrected_help_session_names_its_fields_but_not_the_citizens_details(
    thu, campaign, commune
):
    Assignment.objects.create(volunteer=thu, campaign=campaign, commune=commune)
    item = {
        "uuid": str(uuid.uuid4()),
        "commune": commune.code,
        "helped_at": timezone.now().isoformat(),
        "services": ["eid_account"],
    }
    [result] = record_sessions(thu, [item])
    session = result.session
    errors = correct_session(
        session,
        {
            "minutes": 20,
            "services": ["eid_account"],
            "gender": "female",
            "note": "Bà Lan, số nhà 5",
        },
    )
    assert errors == {}
    event = only_event(subject_type="help_sessions.helpsession")
    assert event.actor == thu.user and event.commune == commune
    fields = event.details["fields"]
    assert fields["minutes"] == {"from": None, "to": 20}
    assert fields["gender"] == {"changed": True}
    assert fields["note"] == {"changed": True}
    holds_no_personal_value(event, "Bà Lan", "female")


# Opt-outs, imports, exports, the admin ----------------------------------------------


def test_an_opt_out_by_link_and_its_withdrawal_are_recorded_where_the_person_was_reached(
    client, thu, lang_son, commune
):
    message = queue_message(PHONE, "Xin chào", kind="test", key="k1", subject=thu)
    url = reverse("notifications:opt_out", args=[message.pk, opt_out_token(message.pk)])
    client.post(url)
    client.post(url, {"action": "start"})
    out = only_event(details__operation="opted_out")
    back = only_event(details__operation="opted_in")
    for event in (out, back):
        assert event.subject_type == "notifications.optout"
        assert event.province == lang_son
        assert event.details["source"] == OptOut.Source.LINK
        holds_no_personal_value(event, "912345678")


def test_an_opt_out_from_the_provider_is_recorded_once(thu):
    sending.opt_out(PHONE, OptOut.Source.PROVIDER)
    sending.opt_out(PHONE, OptOut.Source.PROVIDER)  # already standing: nothing new
    only_event(subject_type="notifications.optout")


def test_an_import_run_is_one_event_however_many_rows(client, organiser, lang_son, commune):
    client.force_login(organiser)
    rows = "".join(f"{commune.code},Tổ A,Người {n},09120001{n:02d},member\n" for n in range(12))
    upload = SimpleUploadedFile(
        "to.csv", f"commune_code,team,full_name,phone,role\n{rows}".encode(), "text/csv"
    )
    client.post(reverse("teams:import_upload"), {"province": lang_son.pk, "file": upload})
    job = organiser.team_import_jobs.get()
    assert not AuditEvent.objects.exists()  # a preview writes nothing
    client.post(reverse("teams:import_confirm", args=[job.pk]))
    event = only_event(action=AuditEvent.Action.IMPORT)
    assert event.details["created"] == 12  # twelve people in one team
    assert event.details["file"] == "to.csv"
    assert (event.actor, event.province) == (organiser, lang_son)
    holds_no_personal_value(event, "Người 1", "0912000101")


def test_exporting_teams_and_volunteers_is_recorded(client, organiser, thu, lang_son):
    client.force_login(organiser)
    client.get(reverse("teams:export", args=["csv"]))
    event = only_event(action=AuditEvent.Action.EXPORT)
    assert (event.actor, event.province) == (organiser, lang_son)


def test_an_edit_in_the_django_admin_lands_in_the_trail(client, thu, lang_son):
    admin = get_user_model().objects.create_superuser("root", password="x" * 12)
    client.force_login(admin)
    response = client.post(
        reverse("admin:teams_volunteer_change", args=[thu.pk]),
        {
            "full_name": NAME,
            "phone": PHONE,
            "affiliation": "teacher",
            "organisation": "",
            "home_commune": thu.home_commune_id,
            "languages": "[]",
            "skills": "[]",
            "active": "on",
            "zalo_consent": "on",
            "user": thu.user_id,
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    event = only_event(subject_type="teams.volunteer")
    assert event.details["via"] == "admin"
    assert event.details["fields"] == {"affiliation": {"from": "other", "to": "teacher"}}
    assert event.actor == admin and event.province == lang_son

    client.post(reverse("admin:teams_volunteer_delete", args=[thu.pk]), {"post": "yes"})
    assert not Volunteer.objects.exists()
    deleted = only_event(subject_type="teams.volunteer", details__operation="deleted")
    assert deleted.subject_id == str(thu.pk)


def test_an_opt_out_added_in_the_admin_is_recorded_without_the_number(client, lang_son):
    admin = get_user_model().objects.create_superuser("root", password="x" * 12)
    client.force_login(admin)
    client.post(reverse("admin:notifications_optout_add"), {"phone": PHONE, "source": "staff"})
    event = only_event(subject_type="notifications.optout")
    assert event.details["fields"]["phone"] == {"changed": True}
    holds_no_personal_value(event, "912345678")


# The page ---------------------------------------------------------------------------


@pytest.fixture
def events(organiser, organiser_y, lang_son, cao_bang, commune):
    from campaign import audit

    old = audit.record(AuditEvent.Action.EXPORT, "old export", actor=organiser, province=lang_son)
    AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    audit.record(
        AuditEvent.Action.CHANGE,
        "a change in Lang Son",
        actor=organiser,
        commune=commune,
        subject_type="teams.volunteer",
        subject_id=1,
        details={"operation": "changed", "fields": {"affiliation": {"from": "a", "to": "b"}}},
    )
    audit.record(AuditEvent.Action.PURGE, "a purge in Lang Son", province=lang_son)
    audit.record(AuditEvent.Action.EXPORT, "in Cao Bang", actor=organiser_y, province=cao_bang)


def summaries(response):
    return [event.summary for event in response.context["page"].object_list]


def test_organisers_see_their_provinces_events_newest_first(client, organiser, events):
    client.force_login(organiser)
    response = client.get(reverse("campaign:audit_log"))
    assert response.status_code == 200
    assert summaries(response) == ["a purge in Lang Son", "a change in Lang Son", "old export"]


def test_an_organiser_of_another_province_sees_none_of_them(client, organiser_y, events):
    client.force_login(organiser_y)
    assert summaries(client.get(reverse("campaign:audit_log"))) == ["in Cao Bang"]


@pytest.mark.parametrize("role", ["coordinator", "volunteer", "editor", "outsider"])
def test_everyone_else_is_forbidden(client, request, role, events):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("campaign:audit_log")).status_code == 403
    assert client.get(reverse("campaign:audit_export")).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, events):
    response = client.get(reverse("campaign:audit_log"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_superusers_see_every_event(client, events):
    client.force_login(get_user_model().objects.create_superuser("root", password="x" * 12))
    assert len(summaries(client.get(reverse("campaign:audit_log")))) == 4


def test_the_filters_narrow_the_list(client, organiser, events):
    client.force_login(organiser)
    url = reverse("campaign:audit_log")
    assert summaries(client.get(url, {"action": "purge"})) == ["a purge in Lang Son"]
    assert summaries(client.get(url, {"actor": organiser.pk})) == [
        "a change in Lang Son",
        "old export",
    ]
    assert summaries(client.get(url, {"subject_type": "teams.volunteer"})) == [
        "a change in Lang Son"
    ]
    week_ago = (timezone.localdate() - timedelta(days=7)).isoformat()
    assert "old export" not in summaries(client.get(url, {"date_from": week_ago}))
    assert summaries(client.get(url, {"date_to": week_ago})) == ["old export"]


def test_a_bad_filter_is_a_400_naming_the_field(client, organiser, events):
    client.force_login(organiser)
    response = client.get(
        reverse("campaign:audit_log"), {"date_from": "2026-05-10", "date_to": "2026-05-01"}
    )
    assert response.status_code == 400
    assert "date_to" in response.context["form"].errors


def test_the_csv_holds_the_filtered_list_and_is_itself_recorded(client, organiser, events):
    client.force_login(organiser)
    response = client.get(reverse("campaign:audit_export"), {"action": "change"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2  # the header and the one change
    assert rows[1][-1] == "a change in Lang Son"
    assert "affiliation" in rows[1][-2] or rows[1][-2]  # the field, by its label
    exported = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, actor=organiser)
    event = exported.latest("created_at")
    assert event.subject_type == "campaign.auditevent"
    assert event.details == {"filters": {"action": "change"}, "rows": 1}


def test_the_change_record_is_in_the_same_transaction_as_the_change(organiser, thu):
    """A change that fails leaves no event behind."""
    from django.db import IntegrityError, transaction

    from campaign import audit

    other = Volunteer.objects.create(full_name="B", phone="+84912345670")
    with pytest.raises(IntegrityError), transaction.atomic():
        tracked = audit.Tracked(other, actor=organiser)
        other.affiliation = "student"
        tracked.done()
        other.phone = PHONE  # taken
        other.save()
    assert not AuditEvent.objects.exists()
    assert not Message.objects.exists()


def test_a_campaign_added_in_the_admin_takes_every_commune_of_its_province(client, lang_son):
    admin = get_user_model().objects.create_superuser("root", password="x" * 12)
    client.force_login(admin)
    start = timezone.localdate()
    fields = {
        "province": lang_son.pk,
        "start": start.isoformat(),
        "end": (start + timedelta(days=44)).isoformat(),
        "status": "draft",
        "sms_brand": "DIGIHELP",
        "description": "",
        "citizen_contact_retention_days": 30,
        "readiness_criteria-TOTAL_FORMS": 0,
        "readiness_criteria-INITIAL_FORMS": 0,
        "campaign_communes-INITIAL_FORMS": 0,
    }
    chosen = lang_son.communes.order_by("code")[0]
    client.post(
        reverse("admin:campaign_campaign_add"),
        {**fields, "name": "Mọi xã", "campaign_communes-TOTAL_FORMS": 0},
    )
    response = client.post(
        reverse("admin:campaign_campaign_add"),
        {
            **fields,
            "name": "Một xã",
            "campaign_communes-TOTAL_FORMS": 1,
            "campaign_communes-0-commune": chosen.pk,
        },
    )
    assert response.status_code == 302
    every = Campaign.objects.get(name="Mọi xã")
    assert every.campaign_communes.count() == lang_son.communes.count() > 1
    one = Campaign.objects.get(name="Một xã")
    assert list(one.campaign_communes.values_list("commune", flat=True)) == [chosen.pk]


def test_a_volunteers_own_answers_and_sign_ups_are_recorded_as_theirs(
    client, thu, campaign, commune
):
    Assignment.objects.create(volunteer=thu, campaign=campaign, commune=commune)
    start = (timezone.localtime() + timedelta(days=2)).replace(second=0, microsecond=0)

    def shift(place):
        return Shift.objects.create(
            campaign=campaign, commune=commune, place=place, starts_at=start,
            ends_at=start + timedelta(hours=3), volunteers_needed=2,
        )  # fmt: skip

    invited = ShiftSignup.objects.create(
        shift=shift("Nhà văn hoá"), volunteer=thu, status=ShiftSignup.Status.INVITED
    )
    client.post(shift_link_url(invited), {"choice": "confirm"})
    confirmed = only_event(subject_type="teams.shiftsignup")
    assert confirmed.actor == thu.user and confirmed.commune == commune
    assert confirmed.details["via"] == "sms link"
    assert confirmed.details["fields"]["status"] == {"from": "invited", "to": "confirmed"}
    client.post(shift_link_url(invited), {"choice": "confirm"})  # again: nothing changed
    assert AuditEvent.objects.filter(subject_type="teams.shiftsignup").count() == 1

    client.force_login(thu.user)
    client.post(
        reverse("teams:my_shift_action", args=[invited.pk]),
        {"action": "decline", "confirmed": "yes"},
    )
    declined = AuditEvent.objects.filter(subject_type="teams.shiftsignup").first()
    assert declined.details["fields"]["status"] == {"from": "confirmed", "to": "declined"}
    assert (declined.actor, declined.details["via"]) == (thu.user, "my shifts")

    open_shift = shift("Trường tiểu học")
    client.post(reverse("teams:take_shift", args=[open_shift.pk]))
    taken = AuditEvent.objects.filter(subject_type="teams.shiftsignup").first()
    assert taken.subject_id == str(ShiftSignup.objects.get(shift=open_shift).pk)
    assert (taken.actor, taken.details["operation"]) == (thu.user, "created")
    holds_no_personal_value(taken, NAME, PHONE)


def test_the_audit_trail_reads_right_in_vietnamese(client, organiser, events):
    """'đã sửa' for what happened, 'Người thực hiện' for who did it, 'Đến ngày' for the
    end of the dates (not 'thời gian tạo', 'Người gửi', 'Gửi tới')."""
    client.force_login(organiser)
    html = client.get(reverse("campaign:audit_log")).content.decode()
    assert "Sửa · đã sửa" in html
    assert "Người thực hiện" in html and "Người gửi" not in html
    assert ">Đến ngày:<" in html and "Gửi tới" not in html
    assert "thời gian tạo" not in html
