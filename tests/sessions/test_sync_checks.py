"""The help-session API checks every field of a log: what it must hold (fields,
services, texts), where, when and on which shift it may be logged, the citizen's
number and follow-up, only as oneself, and in which language it gives its reasons."""

import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from campaign.models import Campaign, ServiceType
from notifications.links import opt_out_token, opt_out_url
from notifications.models import Message
from sessions.followups import KIND as FOLLOW_UP
from sessions.models import HelpSession
from teams.models import Assignment, Shift, ShiftSignup, Volunteer
from tests.sessions.sync_helpers import (
    BRAND,
    CITIZEN,
    OMIT,
    created,
    day,
    invalid,
    later,
    result_of,
    results_of,
    said,
    signed_in,
    stamp,
    sync,
    with_follow_up,
)

# Checking every field


def test_a_complete_log_is_created_with_everything_it_says(api, make_log, mai, mine, campaign):
    item = make_log(
        minutes=45,
        services=["eid_level_2", "portal_account"],
        procedure="Đăng ký khai sinh",
        priority_groups=["elderly", "ethnic_minority"],
        age_band="60_plus",
        gender="female",
        outcome="partly_done",
        note="Cụ chưa mang căn cước",
        volunteer=mai.pk,
    )
    assert result_of(api, item) == created(item)
    session = HelpSession.objects.get(uuid=item["uuid"])
    assert (session.volunteer, session.campaign, session.commune) == (mai, campaign, mine)
    assert stamp(session.helped_at) == item["helped_at"]
    assert session.minutes == 45
    assert sorted(s.code for s in session.services.all()) == ["eid_level_2", "portal_account"]
    assert session.procedure == "Đăng ký khai sinh"
    assert (session.elderly, session.disability, session.ethnic_minority) == (True, False, True)
    assert (session.age_band, session.gender) == ("60_plus", "female")
    assert session.outcome == "partly_done"
    assert session.note == "Cụ chưa mang căn cước"
    assert (session.citizen_phone, session.contact_consent_at) == ("", None)
    assert session.shift is None


def test_a_minimal_log_takes_the_defaults(api, make_log):
    item = make_log(minutes=OMIT, outcome=OMIT)
    assert result_of(api, item) == created(item)
    session = HelpSession.objects.get(uuid=item["uuid"])
    assert session.minutes is None
    assert session.outcome == HelpSession.Outcome.DONE
    assert (session.age_band, session.gender, session.procedure, session.note) == ("", "", "", "")


NOT_A_TIME = "Not a date and time: use ISO 8601, e.g. 2026-12-01T09:30:00+07:00."
REQUIRED = "This field is required."
WHOLE = "Must be a whole number."
MINUTES_RANGE = ("Must be between %(low)d and %(high)d.", {"low": 1, "high": 600})
CODES = "Must be a list of codes."
TEXT = "Must be text."
NOT_ASSIGNED = "You are not assigned to this commune."
NO_PLACE = "You have no place on this shift."
NO_SERVICE = "Choose at least one service."
NOT_ONE_OF = "“%(value)s” is not one of: %(choices)s."
NO_CONSENT = "A citizen's phone number is kept only when they agree: record their consent."
NOT_A_BOOL = "Must be true or false."
WHICH_FOLLOW_UP = "Choose the follow-up the citizen agreed to."
NOT_A_DAY = "Not a date: use YYYY-MM-DD."
PHONE = {"citizen_phone": "0987654321", "consent": True}
FOLLOW_UP_PLAN = {"follow_up": "eid_level_2", "follow_up_on": day(3)}


def one_of(value, choices):
    return (NOT_ONE_OF, {"value": value, "choices": choices})


def bad_phone(message, value):
    return (message, {"value": value})


BAD_FIELDS = {
    "commune missing": ({"commune": OMIT}, {"commune": [REQUIRED]}),
    "commune empty": ({"commune": ""}, {"commune": [REQUIRED]}),
    "commune unknown": ({"commune": "99999"}, {"commune": [NOT_ASSIGNED]}),
    "commune a number": ({"commune": 6280}, {"commune": [NOT_ASSIGNED]}),
    "campaign text": ({"campaign": "1"}, {"campaign": [WHOLE]}),
    "campaign true": ({"campaign": True}, {"campaign": [WHOLE]}),
    "campaign fraction": ({"campaign": 1.5}, {"campaign": [WHOLE]}),
    "shift text": ({"shift": "1"}, {"shift": [NO_PLACE]}),
    "shift beyond 64 bits": ({"shift": 2**70}, {"shift": [NO_PLACE]}),
    "shift negative": ({"shift": -(2**70)}, {"shift": [NO_PLACE]}),
    "shift a list": ({"shift": [1]}, {"shift": [NO_PLACE]}),
    "helped_at missing": ({"helped_at": OMIT}, {"helped_at": [REQUIRED]}),
    "helped_at empty": ({"helped_at": ""}, {"helped_at": [REQUIRED]}),
    "helped_at words": ({"helped_at": "yesterday morning"}, {"helped_at": [NOT_A_TIME]}),
    "helped_at no such day": ({"helped_at": "2026-02-30T09:30:00+07:00"}, {"helped_at": [NOT_A_TIME]}),
    "helped_at bad offset": ({"helped_at": "2026-12-01T09:30:00+25:00"}, {"helped_at": [NOT_A_TIME]}),
    "helped_at a number": ({"helped_at": 1764556200}, {"helped_at": [NOT_A_TIME]}),
    "helped_at a list": ({"helped_at": ["2026-12-01T09:30:00+07:00"]}, {"helped_at": [NOT_A_TIME]}),
    "helped_at year 1": ({"helped_at": "0001-01-01T00:00:00"}, {"helped_at": [NOT_A_TIME]}),
    "helped_at year 0 in UTC": ({"helped_at": "0001-01-01T03:00:00+07:00"}, {"helped_at": [NOT_A_TIME]}),
    "helped_at year 10000 here": ({"helped_at": "9999-12-31T23:00:00+00:00"}, {"helped_at": [NOT_A_TIME]}),
    "helped_at 11 minutes ahead": ({"helped_at": later(minutes=11)}, {"helped_at": ["This time is in the future."]}),
    "helped_at in 3 days": ({"helped_at": later(days=3)}, {"helped_at": ["This time is in the future."]}),
    "minutes zero": ({"minutes": 0}, {"minutes": [MINUTES_RANGE]}),
    "minutes negative": ({"minutes": -5}, {"minutes": [MINUTES_RANGE]}),
    "minutes over ten hours": ({"minutes": 601}, {"minutes": [MINUTES_RANGE]}),
    "minutes huge": ({"minutes": 2**70}, {"minutes": [MINUTES_RANGE]}),
    "minutes true": ({"minutes": True}, {"minutes": [WHOLE]}),
    "minutes false": ({"minutes": False}, {"minutes": [WHOLE]}),
    "minutes fraction": ({"minutes": 20.5}, {"minutes": [WHOLE]}),
    "minutes words": ({"minutes": "twenty"}, {"minutes": [WHOLE]}),
    "minutes superscript": ({"minutes": "²"}, {"minutes": [WHOLE]}),
    "minutes 5000 digits": ({"minutes": "9" * 5000}, {"minutes": [WHOLE]}),
    "minutes a list": ({"minutes": [20]}, {"minutes": [WHOLE]}),
    "services missing": ({"services": OMIT}, {"services": [NO_SERVICE]}),
    "services empty": ({"services": []}, {"services": [NO_SERVICE]}),
    "services blank": ({"services": [" "]}, {"services": [NO_SERVICE]}),
    "services unknown": ({"services": ["teleportation"]}, {"services": [
        ("Unknown service: %(codes)s.", {"codes": "teleportation"})
    ]}),
    "services text": ({"services": "eid_account"}, {"services": [CODES]}),
    "services object": ({"services": {"eid_account": True}}, {"services": [CODES]}),
    "services a number": ({"services": ["eid_account", 7]}, {"services": [CODES]}),
    "priority_groups unknown": ({"priority_groups": ["elderly", "pets"]}, {"priority_groups": [
        one_of("pets", "elderly, disability, ethnic_minority")
    ]}),
    "priority_groups text": ({"priority_groups": "elderly"}, {"priority_groups": [CODES]}),
    "age_band unknown": ({"age_band": "teen"}, {"age_band": [
        one_of("teen", "under_18, 18_39, 40_59, 60_plus")
    ]}),
    "age_band a number": ({"age_band": 70}, {"age_band": [TEXT]}),
    "gender unknown": ({"gender": "unknown"}, {"gender": [one_of("unknown", "female, male, other")]}),
    "outcome unknown": ({"outcome": "maybe"}, {"outcome": [
        one_of("maybe", "done, partly_done, referred, needs_follow_up")
    ]}),
    "outcome true": ({"outcome": True}, {"outcome": [TEXT]}),
    "procedure too long": ({"procedure": "x" * 201}, {"procedure": [
        ("At most %(limit)d characters.", {"limit": 200})
    ]}),
    "procedure a list": ({"procedure": ["Khai sinh"]}, {"procedure": [TEXT]}),
    "note too long": ({"note": "x" * 301}, {"note": [("At most %(limit)d characters.", {"limit": 300})]}),
    "note a number": ({"note": 42}, {"note": [TEXT]}),
    "unknown field": ({"name": "Nguyễn Văn An"}, {"name": ["Unknown field."]}),
    "unknown fields": ({"citizen_name": "An", "Minutes": 3}, {
        "Minutes": ["Unknown field."], "citizen_name": ["Unknown field."]
    }),
    "phone invalid": ({**PHONE, **FOLLOW_UP_PLAN, "citizen_phone": "12345"}, {"citizen_phone": [
        bad_phone("“%(value)s” is not a valid Vietnamese phone number", "12345")
    ]}),
    "phone a landline": ({**PHONE, **FOLLOW_UP_PLAN, "citizen_phone": "024 3825 3535"}, {"citizen_phone": [
        bad_phone("“%(value)s” is a landline: it cannot receive SMS", "024 3825 3535")
    ]}),
    "phone foreign": ({**PHONE, **FOLLOW_UP_PLAN, "citizen_phone": "+1 202 555 0100"}, {"citizen_phone": [
        bad_phone("“%(value)s” is not a Vietnamese number", "+1 202 555 0100")
    ]}),
    "phone without consent": ({**PHONE, **FOLLOW_UP_PLAN, "consent": OMIT}, {"consent": [NO_CONSENT]}),
    "phone with consent false": ({**PHONE, **FOLLOW_UP_PLAN, "consent": False}, {"consent": [NO_CONSENT]}),
    "phone with consent text": ({**PHONE, **FOLLOW_UP_PLAN, "consent": "true"}, {
        "consent": [NOT_A_BOOL, NO_CONSENT]
    }),
    "consent text": ({"consent": "yes"}, {"consent": [NOT_A_BOOL]}),
    "consent one": ({"consent": 1}, {"consent": [NOT_A_BOOL]}),
    "phone without follow-up": ({**PHONE}, {"follow_up": [WHICH_FOLLOW_UP]}),
    "follow-up without phone": ({**FOLLOW_UP_PLAN}, {"citizen_phone": [
        "A follow-up needs the citizen's phone number."
    ]}),
    "follow_up unknown": ({**PHONE, **FOLLOW_UP_PLAN, "follow_up": "lottery"}, {"follow_up": [
        one_of("lottery", "application_result, eid_level_2, payment_due")
    ]}),
    "follow_up_on missing": ({**PHONE, "follow_up": "eid_level_2"}, {"follow_up_on": [
        "Say on which day to send the follow-up."
    ]}),
    "follow_up_on day first": ({**PHONE, **FOLLOW_UP_PLAN, "follow_up_on": "08/12/2026"}, {"follow_up_on": [NOT_A_DAY]}),
    "follow_up_on no such day": ({**PHONE, **FOLLOW_UP_PLAN, "follow_up_on": "2026-02-30"}, {"follow_up_on": [NOT_A_DAY]}),
    "follow_up_on a number": ({**PHONE, **FOLLOW_UP_PLAN, "follow_up_on": 20261208}, {"follow_up_on": [NOT_A_DAY]}),
    "follow_up_on passed": ({**PHONE, **FOLLOW_UP_PLAN, "follow_up_on": day(-1)}, {"follow_up_on": [
        "This day has passed."
    ]}),
}  # fmt: skip


@pytest.mark.parametrize(("changes", "errors"), BAD_FIELDS.values(), ids=BAD_FIELDS.keys())
def test_a_log_with_a_bad_field_is_invalid_with_the_reason_under_that_field(
    api, make_log, changes, errors
):
    item = make_log(
        **{name: value() if callable(value) else value for name, value in changes.items()}
    )
    assert result_of(api, item) == invalid(item, **errors)
    assert not HelpSession.objects.exists()
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (OMIT, REQUIRED),
        ("", REQUIRED),
        (None, REQUIRED),
        ("not-a-uuid", "Not a UUID."),
        ("1234", "Not a UUID."),
        (12345, "Not a UUID."),
        (["4d6e2b9c-0c1f-4f6a-9a53-2f0f8d3c1b7e"], "Not a UUID."),
    ],
)
def test_a_log_needs_a_uuid_made_by_the_phone(api, make_log, value, error):
    item = make_log(uuid=value)
    assert result_of(api, item) == {
        "uuid": None,
        "status": "invalid",
        "errors": {"uuid": [said(error)]},
    }
    assert not HelpSession.objects.exists()


@pytest.mark.parametrize("item", ["a log", 42, None, True, ["uuid", "commune"]])
def test_an_item_that_is_not_an_object_is_invalid_on_its_own(api, make_log, item):
    good = make_log()
    assert results_of(api, [item, good]) == [
        {"uuid": None, "status": "invalid", "errors": {"": [said("Each log must be an object.")]}},
        created(good),
    ]


def test_every_problem_of_a_log_is_reported_at_once(api, make_log):
    item = make_log(minutes=0, services=[], gender="x", note=7, colour="blue")
    errors = result_of(api, item)["errors"]
    assert sorted(errors) == ["colour", "gender", "minutes", "note", "services"]


def test_a_uuid_is_read_in_any_of_its_usual_spellings(api, make_log):
    key = uuid.uuid4()
    item = make_log(uuid=f"  {str(key).upper()}  ")
    assert result_of(api, item) == {"uuid": str(key), "status": "created", "errors": {}}
    assert HelpSession.objects.get().uuid == key


def test_a_log_stamped_a_few_minutes_ahead_by_a_drifting_clock_is_accepted(api, make_log):
    item = make_log(helped_at=later(minutes=8)())
    assert result_of(api, item) == created(item)


def test_a_time_without_an_offset_is_vietnams_time(api, make_log):
    wall_clock = timezone.localtime(timezone.now() - timedelta(hours=1)).replace(microsecond=0)
    item = make_log(helped_at=wall_clock.replace(tzinfo=None).isoformat())
    assert result_of(api, item) == created(item)
    assert HelpSession.objects.get().helped_at == wall_clock


@pytest.mark.parametrize("minutes", [1, 600, "45", " 30 "])
def test_minutes_within_bounds_are_kept(api, make_log, minutes):
    item = make_log(minutes=minutes)
    assert result_of(api, item) == created(item)
    assert HelpSession.objects.get().minutes == int(str(minutes).strip())


def test_ten_services_are_allowed_and_eleven_are_too_many(api, make_log, lang_son):
    for number in range(3):
        ServiceType.objects.create(
            code=f"lang_son_{number}", name=f"Dịch vụ {number}", province=lang_son
        )
    codes = list(ServiceType.objects.offered_in(lang_son.pk).values_list("code", flat=True))
    assert len(codes) == 13
    ten = make_log(services=codes[:10])
    assert result_of(api, ten) == created(ten)
    eleven = make_log(services=codes[:11])
    assert result_of(api, eleven) == invalid(
        eleven, services=[("At most %(limit)d services.", {"limit": 10})]
    )


def test_a_service_repeated_in_a_log_counts_once(api, make_log):
    item = make_log(services=["eid_account", " eid_account"])
    assert result_of(api, item) == created(item)
    assert [s.code for s in HelpSession.objects.get().services.all()] == ["eid_account"]


def test_a_service_of_another_province_or_withdrawn_is_unknown(api, make_log, cao_bang):
    ServiceType.objects.create(code="cao_bang_only", name="Chỉ ở Cao Bằng", province=cao_bang)
    ServiceType.objects.filter(code="other").update(active=False)
    item = make_log(services=["eid_account", "cao_bang_only", "other"])
    assert result_of(api, item) == invalid(
        item, services=[("Unknown service: %(codes)s.", {"codes": "cao_bang_only, other"})]
    )


def test_a_service_added_by_the_volunteers_province_can_be_logged(api, make_log, lang_son):
    ServiceType.objects.create(
        code="lang_son_border_pass", name="Giấy thông hành", province=lang_son
    )
    item = make_log(services=["lang_son_border_pass"])
    assert result_of(api, item) == created(item)


def test_text_limits_are_inclusive_and_spaces_around_do_not_count(api, make_log):
    item = make_log(procedure=" " + "p" * 200 + " ", note="n" * 300)
    assert result_of(api, item) == created(item)
    session = HelpSession.objects.get()
    assert (len(session.procedure), len(session.note)) == (200, 300)


@pytest.mark.parametrize("name", ["procedure", "note"])
def test_text_with_a_nul_character_is_invalid_rather_than_a_database_error(api, make_log, name):
    item = make_log(**{name: "Khai sinh\x00"})
    assert result_of(api, item) == invalid(item, **{name: ["Must not contain the NUL character."]})


# Where, when and on which shift


def test_a_commune_the_volunteer_is_not_assigned_to_is_refused(api, make_log, elsewhere, hoa):
    # Hoa works there; Mai does not.
    item = make_log(commune=elsewhere.code)
    assert result_of(api, item) == invalid(item, commune=[NOT_ASSIGNED])


def not_assigned_on(day) -> tuple:
    return ("You are not assigned to this commune on %(day)s.", {"day": day.strftime("%d/%m/%Y")})


def test_an_assignment_that_does_not_cover_the_day_is_refused(
    api, make_log, mai, campaign, elsewhere
):
    today = timezone.localdate()
    Assignment.objects.create(
        volunteer=mai, campaign=campaign, commune=elsewhere,
        starts_on=today - timedelta(days=9), ends_on=today - timedelta(days=3),
    )  # fmt: skip
    item = make_log(commune=elsewhere.code)
    assert result_of(api, item) == invalid(item, commune=[not_assigned_on(today)])
    earlier = make_log(commune=elsewhere.code, helped_at=stamp(timezone.now() - timedelta(days=5)))
    assert result_of(api, earlier) == created(earlier)


def test_a_day_before_the_campaign_started_is_refused(api, make_log, campaign):
    before = timezone.now() - timedelta(days=11)
    item = make_log(helped_at=stamp(before))
    assert result_of(api, item) == invalid(
        item, commune=[not_assigned_on(timezone.localdate(before))]
    )


def test_a_volunteer_in_two_campaigns_in_one_commune_says_which(
    api, make_log, mai, mine, second_campaign
):
    Assignment.objects.create(volunteer=mai, campaign=second_campaign, commune=mine)
    item = make_log()
    assert result_of(api, item) == invalid(
        item, campaign=["You work here for several campaigns: say which one."]
    )
    named = make_log(campaign=second_campaign.pk)
    assert result_of(api, named) == created(named)
    assert HelpSession.objects.get().campaign == second_campaign


def test_a_campaign_the_volunteer_is_not_assigned_for_is_refused(api, make_log, second_campaign):
    item = make_log(campaign=second_campaign.pk)
    assert result_of(api, item) == invalid(item, commune=[not_assigned_on(timezone.localdate())])


def make_shift(campaign, commune, pk=None, place="Bộ phận một cửa"):
    start = timezone.now() - timedelta(hours=1)
    return Shift.objects.create(
        pk=pk, campaign=campaign, commune=commune, place=place,
        starts_at=start, ends_at=start + timedelta(hours=4),
    )  # fmt: skip


@pytest.mark.parametrize("status", ShiftSignup.HOLDS_A_PLACE)
def test_a_log_on_a_shift_the_volunteer_holds_is_linked_to_it(
    api, make_log, mai, campaign, mine, status
):
    shift = make_shift(campaign, mine)
    ShiftSignup.objects.create(shift=shift, volunteer=mai, status=status)
    item = make_log(shift=shift.pk)
    assert result_of(api, item) == created(item)
    assert HelpSession.objects.get().shift == shift


@pytest.mark.parametrize("status", [None, ShiftSignup.Status.DECLINED])
def test_a_shift_the_volunteer_holds_no_place_on_is_refused(
    api, make_log, mai, hoa, campaign, mine, status
):
    shift = make_shift(campaign, mine)
    ShiftSignup.objects.create(shift=shift, volunteer=hoa, status=ShiftSignup.Status.CONFIRMED)
    if status:
        ShiftSignup.objects.create(shift=shift, volunteer=mai, status=status)
    item = make_log(shift=shift.pk)
    assert result_of(api, item) == invalid(item, shift=[NO_PLACE])


def test_a_shift_that_does_not_exist_is_refused(api, make_log):
    item = make_log(shift=987654)
    assert result_of(api, item) == invalid(item, shift=[NO_PLACE])


def test_a_shift_in_another_commune_or_campaign_is_refused(
    api, make_log, mai, campaign, second_campaign, mine, elsewhere
):
    Assignment.objects.create(volunteer=mai, campaign=campaign, commune=elsewhere)
    next_door = make_shift(campaign, elsewhere)
    other_campaign = make_shift(second_campaign, mine, place="Nhà văn hóa")
    for shift in (next_door, other_campaign):
        ShiftSignup.objects.create(shift=shift, volunteer=mai, status=ShiftSignup.Status.CONFIRMED)
        item = make_log(shift=shift.pk)
        assert result_of(api, item) == invalid(
            item, shift=["This shift is in another commune or campaign."]
        )


def test_true_is_not_the_id_of_shift_one(api, make_log, mai, campaign, mine):
    shift = make_shift(campaign, mine, pk=1)
    ShiftSignup.objects.create(shift=shift, volunteer=mai, status=ShiftSignup.Status.CONFIRMED)
    item = make_log(shift=True)
    assert result_of(api, item) == invalid(item, shift=[NO_PLACE])


def test_a_cancelled_shift_cannot_be_logged_on(api, make_log, mai, campaign, mine):
    now = timezone.now()
    shift = Shift.objects.create(
        campaign=campaign,
        commune=mine,
        place="Bộ phận một cửa",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
        cancelled_at=now,
    )
    ShiftSignup.objects.create(shift=shift, volunteer=mai, status="confirmed")
    item = make_log(shift=shift.pk)
    assert result_of(api, item) == invalid(item, shift=["This shift was cancelled."])


# The citizen's phone number


def test_a_consented_number_is_kept_in_international_form_for_its_follow_up(api, make_log):
    item = with_follow_up(make_log)
    assert result_of(api, item) == created(item)
    session = HelpSession.objects.get()
    assert session.citizen_phone == CITIZEN
    assert session.contact_consent_at is not None
    assert session.follow_up == "application_result"
    assert session.follow_up_on.isoformat() == item["follow_up_on"]


def test_consent_without_a_number_keeps_nothing(api, make_log):
    item = make_log(consent=True)
    assert result_of(api, item) == created(item)
    session = HelpSession.objects.get()
    assert (session.citizen_phone, session.contact_consent_at, session.follow_up) == ("", None, "")


def test_a_follow_up_is_due_at_the_latest_on_the_last_day_numbers_are_kept(
    api, make_log, campaign
):
    last_day = campaign.contacts_purged_after
    assert last_day == campaign.end + timedelta(days=30)
    on_the_day = with_follow_up(make_log, follow_up_on=last_day.isoformat())
    assert result_of(api, on_the_day) == created(on_the_day)
    item = with_follow_up(make_log, follow_up_on=(last_day + timedelta(days=1)).isoformat())
    assert result_of(api, item) == invalid(
        item,
        follow_up_on=[
            (
                "Numbers are erased after %(day)s: choose an earlier day.",
                {"day": last_day.strftime("%d/%m/%Y")},
            )
        ],
    )


def test_a_follow_up_today_is_accepted(api, make_log):
    item = with_follow_up(make_log, follow_up_on=day(0)())
    assert result_of(api, item) == created(item)


def test_the_follow_up_is_queued_once_with_the_brand_and_the_opt_out_link(
    api, make_log, django_capture_on_commit_callbacks
):
    item = with_follow_up(make_log)
    with django_capture_on_commit_callbacks(execute=True):
        assert result_of(api, item) == created(item)
        assert result_of(api, item)["status"] == "duplicate"
        assert [r["status"] for r in results_of(api, [item, item])] == ["duplicate"] * 2
    session = HelpSession.objects.get()
    message = Message.objects.get()
    assert (message.kind, message.recipient, message.status) == (FOLLOW_UP, CITIZEN, "queued")
    assert message.idempotency_key == session.follow_up_key
    assert message.subject == session
    first_line, opt_out_line = message.text.rsplit("\n", 1)
    assert first_line.startswith(f"{BRAND}: ")
    assert session.commune.name in first_line
    assert opt_out_line == said("Stop these messages: %(url)s", url=opt_out_url(message.pk))
    assert f"{settings.SITE_URL}/o/{message.pk}/{opt_out_token(message.pk)}/" in opt_out_line
    # 09:00 on the chosen day, not before.
    due = timezone.localtime(message.next_attempt_at)
    assert (due.date().isoformat(), due.hour, due.minute) == (item["follow_up_on"], 9, 0)


def test_a_campaign_without_diacritics_sends_the_follow_up_without_them(api, make_log, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(sms_without_diacritics=True)
    item = with_follow_up(make_log)
    assert result_of(api, item) == created(item)
    text = Message.objects.get().text
    assert text.startswith("SO TT&TT LANG SON: ")
    assert text.isascii()


def test_an_invalid_or_conflicting_log_queues_no_follow_up(api, make_log):
    assert result_of(api, with_follow_up(make_log, minutes=0))["status"] == "invalid"
    stored = make_log()
    assert result_of(api, stored) == created(stored)
    changed = with_follow_up(make_log, uuid=stored["uuid"])
    assert result_of(api, changed)["status"] == "conflict"
    assert not Message.objects.exists()


def test_a_batch_with_one_bad_log_still_stores_the_good_ones_and_their_follow_ups(api, make_log):
    good, bad, also_good = with_follow_up(make_log), make_log(minutes=0), make_log()
    statuses = [r["status"] for r in results_of(api, [good, bad, also_good])]
    assert statuses == ["created", "invalid", "created"]
    assert HelpSession.objects.count() == 2
    assert Message.objects.filter(kind=FOLLOW_UP).count() == 1


# Only as oneself


def test_a_log_naming_another_volunteer_is_invalid(api, make_log, hoa):
    item = make_log(volunteer=hoa.pk)
    assert result_of(api, item) == invalid(
        item, volunteer=["You can only log sessions as yourself."]
    )
    assert not HelpSession.objects.exists()


@pytest.mark.parametrize("value", ["someone", 0, [1]])
def test_a_log_naming_no_volunteer_one_could_be_is_invalid(api, make_log, value):
    item = make_log(volunteer=value)
    assert result_of(api, item) == invalid(
        item, volunteer=["You can only log sessions as yourself."]
    )


@pytest.mark.parametrize("who", ["outsider", "coordinator", "organiser", "editor"])
def test_an_account_without_a_volunteer_cannot_sync(request, make_log, who):
    response = sync(signed_in(request.getfixturevalue(who)), [make_log()])
    assert response.status_code == 403
    assert response.json() == {"detail": said("This account is not linked to a volunteer.")}
    assert not HelpSession.objects.exists()


def test_a_coordinator_who_also_volunteers_logs_as_their_volunteer(
    coordinator, campaign, mine, make_log
):
    person = Volunteer.objects.create(full_name="Hà", phone="+84912345670", user=coordinator)
    Assignment.objects.create(volunteer=person, campaign=campaign, commune=mine)
    item = make_log()
    assert result_of(signed_in(coordinator), item) == created(item)
    assert HelpSession.objects.get().volunteer == person


# The language of the reasons


def test_reasons_are_given_in_vietnamese_the_sites_language(api, make_log):
    item = with_follow_up(make_log, citizen_phone="024 3825 3535")
    assert result_of(api, item)["errors"] == {
        "citizen_phone": ["“024 3825 3535” là số máy bàn: không nhận được tin nhắn SMS"]
    }


def test_an_english_reader_gets_reasons_in_english(api, make_log):
    item = make_log(services=[])
    response = sync(api, [item], headers={"accept-language": "en"})
    assert response.json()["results"][0]["errors"] == {
        "services": ["Choose at least one service."]
    }
    assert response["Content-Language"] == "en"
