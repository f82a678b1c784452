"""The help-session API: every field of a log checked, each log stored once, only where and
as whom the volunteer may log, and read back only within the reader's scope.

The API answers in the site's language, Vietnamese: expected reasons are written as their
message ids and looked up in the Vietnamese catalogue (`said`)."""

import json
import uuid
from datetime import UTC, datetime, time, timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from campaign.models import Campaign, Role, ServiceType
from notifications.links import opt_out_token, opt_out_url
from notifications.models import Message
from sessions.api import token_digest
from sessions.followups import KIND as FOLLOW_UP
from sessions.logs import FIELDS, digest
from sessions.models import ApiToken, HelpSession
from sessions.recording import BATCH_LIMIT, Result, record_sessions, store
from teams.models import Assignment, Shift, ShiftSignup, Volunteer

SYNC = "/api/v1/help-sessions/sync"
SESSIONS = "/api/v1/help-sessions"
SERVICES = "/api/v1/services"
OPENAPI = "/api/v1/openapi.json"
CITIZEN = "+84987654321"
BRAND = "SỞ TT&TT LẠNG SƠN"
OMIT = object()  # a field left out of a log


def said(message, **values) -> str:
    """A reason as the API gives it: in Vietnamese, with its values filled in."""
    with translation.override("vi"):
        text = gettext(message)
    return text % values if values else text


def moments_ago():
    """Five minutes ago, or midnight when that was yesterday: a log of today either way,
    whenever the tests run."""
    now = timezone.now()
    midnight = timezone.make_aware(datetime.combine(timezone.localdate(now), time.min))
    return max(now - timedelta(minutes=5), midnight)


def stamp(moment) -> str:
    """ISO 8601 in Vietnam's time, with its offset, as the phone page sends it."""
    return timezone.localtime(moment).isoformat()


def later(days=0, minutes=0):
    """A time from now, worked out when the test runs, not when it is collected."""
    return lambda: stamp(timezone.now() + timedelta(days=days, minutes=minutes))


def day(days):
    """A day from today, worked out when the test runs."""
    return lambda: (timezone.localdate() + timedelta(days=days)).isoformat()


@pytest.fixture
def campaign(lang_son):
    today = timezone.localdate()
    return Campaign.objects.create(
        name="45 ngày đêm hỗ trợ chuyển đổi số",
        province=lang_son,
        start=today - timedelta(days=10),
        sms_brand=BRAND,
        citizen_contact_retention_days=30,
    )


@pytest.fixture
def second_campaign(lang_son):
    """A campaign of the same province running at the same time."""
    return Campaign.objects.create(
        name="Tháng thanh niên",
        province=lang_son,
        start=timezone.localdate() - timedelta(days=3),
        sms_brand="DOAN TN",
    )


@pytest.fixture
def mine(coordinated_communes):
    """The commune the volunteer works in, one of the coordinator's."""
    return coordinated_communes[0]


@pytest.fixture
def elsewhere(lang_son, coordinated_communes):
    """A commune of the same province that the coordinator does not coordinate."""
    taken = [commune.pk for commune in coordinated_communes]
    return lang_son.communes.exclude(pk__in=taken).order_by("code").first()


def make_volunteer(make_user, username, phone, *assignments):
    account = make_user(username, kind=Role.Kind.VOLUNTEER)
    person = Volunteer.objects.create(full_name=username.title(), phone=phone, user=account)
    for campaign, commune in assignments:
        Assignment.objects.create(volunteer=person, campaign=campaign, commune=commune)
    return person


@pytest.fixture
def mai(make_user, campaign, mine):
    return make_volunteer(make_user, "mai", "+84912345678", (campaign, mine))


@pytest.fixture
def hoa(make_user, campaign, mine, elsewhere):
    """Another volunteer, in Mai's commune and in the one next door."""
    return make_volunteer(
        make_user, "hoa", "+84912345679", (campaign, mine), (campaign, elsewhere)
    )


def signed_in(user=None, **options) -> Client:
    client = Client(**options)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def api(mai):
    """Mai's phone, signed in."""
    return signed_in(mai.user)


@pytest.fixture
def make_log(mine):
    def make(**changes):
        item = {
            "uuid": str(uuid.uuid4()),
            "commune": mine.code,
            "helped_at": stamp(moments_ago()),
            "minutes": 20,
            "services": ["eid_account"],
            "outcome": "done",
        }
        item.update(changes)
        return {name: value for name, value in item.items() if value is not OMIT}

    return make


def with_follow_up(make_log, **changes):
    """A log with a consented number and a follow-up a week from now."""
    return make_log(
        **{
            "citizen_phone": "0987 654 321",
            "consent": True,
            "follow_up": "application_result",
            "follow_up_on": day(7)(),
            **changes,
        }
    )


def sync(client, items, **extra):
    return client.post(SYNC, {"sessions": items}, content_type="application/json", **extra)


def results_of(client, items) -> list[dict]:
    response = sync(client, items)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def result_of(client, item) -> dict:
    (result,) = results_of(client, [item])
    return result


def reasons(messages) -> list[str]:
    """Message ids, or (message id, values) pairs, as the API says them."""
    return [said(m[0], **m[1]) if isinstance(m, tuple) else said(m) for m in messages]


def invalid(item, **errors) -> dict:
    return {
        "uuid": item.get("uuid"),
        "status": "invalid",
        "errors": {name: reasons(messages) for name, messages in errors.items()},
    }


def created(item) -> dict:
    return {"uuid": item["uuid"], "status": "created", "errors": {}}


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


# Each log stored once


def test_the_same_batch_sent_twice_creates_nothing_the_second_time(api, make_log):
    batch = [make_log(), with_follow_up(make_log), make_log(minutes=0)]
    first = results_of(api, batch)
    assert [r["status"] for r in first] == ["created", "created", "invalid"]
    second = results_of(api, batch)
    assert [r["status"] for r in second] == ["duplicate", "duplicate", "invalid"]
    assert [r["uuid"] for r in second] == [item["uuid"] for item in batch]
    assert HelpSession.objects.count() == 2
    assert Message.objects.count() == 1


def test_the_same_uuid_twice_in_one_batch_is_stored_once(api, make_log):
    item = make_log()
    changed = {**item, "minutes": 50}
    statuses = [r["status"] for r in results_of(api, [item, dict(item), changed])]
    assert statuses == ["created", "duplicate", "conflict"]
    assert HelpSession.objects.get().minutes == 20


def test_an_invalid_log_does_not_claim_its_uuid(api, make_log):
    item = make_log(minutes=0)
    fixed = {**item, "minutes": 10}
    assert [r["status"] for r in results_of(api, [item, fixed])] == ["invalid", "created"]


def rewritten(item: dict) -> dict:
    """The same log, written differently: keys and lists reversed, the time in UTC, the
    number and the note spaced otherwise."""
    moment = datetime.fromisoformat(item["helped_at"]).astimezone(UTC)
    copy = {
        **item,
        "helped_at": moment.isoformat().replace("+00:00", "Z"),
        "citizen_phone": "+84 98 765 4321",
        "note": f"  {item['note']} ",
    }
    for name in ("services", "priority_groups"):
        copy[name] = list(reversed(copy[name]))
    return dict(reversed(list(copy.items())))


def test_the_same_content_written_differently_is_a_duplicate(api, make_log):
    item = with_follow_up(
        make_log,
        services=["eid_account", "online_payment", "portal_account"],
        priority_groups=["elderly", "disability"],
        note="Đã hướng dẫn",
    )
    assert result_of(api, item) == created(item)
    other_spelling = rewritten(item)
    assert list(other_spelling) != list(item)
    raw = json.dumps({"sessions": [other_spelling]}, ensure_ascii=True, indent=2)
    response = api.post(SYNC, raw, content_type="application/json")
    assert response.json()["results"] == [
        {"uuid": item["uuid"], "status": "duplicate", "errors": {}}
    ]
    wall_clock = datetime.fromisoformat(item["helped_at"]).replace(tzinfo=None).isoformat()
    assert result_of(api, {**item, "helped_at": wall_clock})["status"] == "duplicate"
    assert HelpSession.objects.count() == 1
    assert Message.objects.count() == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"minutes": 25},
        {"services": ["eid_account", "online_payment"]},
        {"note": "Một ghi chú khác"},
        {"outcome": "referred"},
        {"helped_at": stamp(timezone.now() - timedelta(days=2))},
        {"priority_groups": ["elderly"]},
        {"minutes": 0},  # even when the new content would not pass
    ],
)
def test_changed_content_under_a_stored_uuid_is_a_conflict_and_changes_nothing(
    api, make_log, changes
):
    item = make_log()
    assert result_of(api, item) == created(item)
    before = HelpSession.objects.values().get()
    assert result_of(api, {**item, **changes}) == {
        "uuid": item["uuid"],
        "status": "conflict",
        "errors": {},
    }
    assert HelpSession.objects.values().get() == before
    assert [s.code for s in HelpSession.objects.get().services.all()] == ["eid_account"]


def test_a_uuid_stored_by_another_volunteer_is_a_conflict_that_reveals_nothing(
    api, make_log, hoa, mai
):
    theirs = with_follow_up(make_log, note="Bà cụ ở thôn Nà Sla")
    assert record_sessions(hoa, [theirs])[0].status == "created"
    before = HelpSession.objects.values().get()
    for attempt in (theirs, {**theirs, "note": "guess"}, {**theirs, "volunteer": mai.pk}):
        response = sync(api, [attempt])
        assert response.json()["results"] == [
            {"uuid": theirs["uuid"], "status": "conflict", "errors": {}}
        ]
        assert "Sla" not in response.content.decode()
        assert "987654321" not in response.content.decode()
        assert response.json()["totals"] == {"today": 0, "campaign": 0}
    assert HelpSession.objects.values().get() == before
    assert Message.objects.count() == 1


def checked_but_not_stored(volunteer, item, campaign, commune):
    """A log as a request holds it after checking, before writing (see recording.store)."""
    session = HelpSession(
        uuid=item["uuid"],
        volunteer=volunteer,
        campaign=campaign,
        commune=commune,
        helped_at=datetime.fromisoformat(item["helped_at"]),
        content_digest=digest(item),
        created_at=timezone.now(),
    )
    return Result(item["uuid"], "created", session=session), session, []


def test_a_log_another_request_stores_first_is_answered_as_a_repeat(
    make_log, mai, hoa, campaign, mine
):
    mine_first, theirs_first, fresh = make_log(), make_log(), make_log()
    record_sessions(mai, [mine_first])
    record_sessions(hoa, [theirs_first])
    racing = [
        checked_but_not_stored(mai, item, campaign, mine)
        for item in (mine_first, theirs_first, fresh)
    ]
    store(racing)
    assert [result.status for result, _, _ in racing] == ["duplicate", "conflict", "created"]
    assert HelpSession.objects.count() == 3
    assert HelpSession.objects.get(uuid=theirs_first["uuid"]).volunteer == hoa
    assert HelpSession.objects.get(uuid=fresh["uuid"]).volunteer == mai


def test_totals_count_the_volunteers_own_logs_today_and_in_the_campaign(
    api, make_log, hoa, mai, campaign, second_campaign, mine
):
    record_sessions(hoa, [make_log()])
    batch = [
        make_log(helped_at=stamp(timezone.now())),
        make_log(helped_at=stamp(timezone.now() - timedelta(days=3))),
        make_log(minutes=0),
    ]
    assert sync(api, batch).json()["totals"] == {"today": 1, "campaign": 2}
    assert sync(api, batch).json()["totals"] == {"today": 1, "campaign": 2}
    Assignment.objects.create(volunteer=mai, campaign=second_campaign, commune=mine)
    other = make_log(campaign=second_campaign.pk, helped_at=stamp(timezone.now()))
    assert sync(api, [other]).json()["totals"] == {"today": 2, "campaign": 1}


def test_totals_of_an_empty_batch_are_still_given(api):
    assert sync(api, []).json() == {"results": [], "totals": {"today": 0, "campaign": 0}}


# The batch as a whole


def test_a_full_batch_is_stored_without_a_query_per_log(
    api, make_log, django_assert_max_num_queries
):
    batch = [make_log(services=["eid_account", "online_application"]) for _ in range(BATCH_LIMIT)]
    batch[7] = with_follow_up(make_log)
    with django_assert_max_num_queries(40):  # SQLite splits the inserts in a dozen
        results = results_of(api, batch)
    assert {r["status"] for r in results} == {"created"}
    assert HelpSession.objects.count() == BATCH_LIMIT
    assert HelpSession.services.through.objects.count() == 2 * BATCH_LIMIT - 1
    assert Message.objects.count() == 1


def test_a_batch_over_the_limit_is_refused_whole(api, make_log):
    response = sync(api, [make_log() for _ in range(BATCH_LIMIT + 1)])
    assert response.status_code == 400
    assert response.json() == {
        "detail": said(
            "At most %(limit)d logs in one batch; this one has %(count)d.", limit=500, count=501
        )
    }
    assert "500" in response.json()["detail"]
    assert not HelpSession.objects.exists()


NOT_JSON = "The body is not JSON."
NOT_A_BATCH = 'Send an object with a list of logs: {"sessions": [...]}.'


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ("", NOT_A_BATCH),
        ("not json", NOT_JSON),
        ('{"sessions": [', NOT_JSON),
        ("[" * 100_000, NOT_JSON),
        (b"\xff\xfe\xfa", NOT_JSON),
        ("null", NOT_A_BATCH),
        ("[]", NOT_A_BATCH),
        ('"sessions"', NOT_A_BATCH),
        ("{}", NOT_A_BATCH),
        ('{"sessions": {"uuid": "x"}}', NOT_A_BATCH),
        ('{"sessions": null}', NOT_A_BATCH),
        ('{"logs": []}', NOT_A_BATCH),
    ],
)
def test_a_body_that_is_not_an_object_with_a_list_of_logs_is_refused(api, body, detail):
    response = api.post(SYNC, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": said(detail)}


def test_reasons_are_given_in_vietnamese_the_sites_language(api, make_log):
    item = with_follow_up(make_log, citizen_phone="024 3825 3535")
    assert result_of(api, item)["errors"] == {
        "citizen_phone": ["“024 3825 3535” là số máy bàn: không nhận được tin nhắn SMS"]
    }


# Signing in


def test_an_anonymous_caller_is_told_to_sign_in(make_log, mai):
    for response in (
        sync(signed_in(), [make_log()]),
        signed_in().get(SESSIONS),
        signed_in().get(f"{SESSIONS}/{uuid.uuid4()}"),
        signed_in().get(SERVICES),
    ):
        assert response.status_code == 401
        assert response.json() == {
            "detail": said("Sign in, or send an API key: Authorization: Bearer <key>.")
        }
    assert not HelpSession.objects.exists()


def test_the_web_app_must_send_the_csrf_token(mai, make_log):
    browser = signed_in(enforce_csrf_checks=True)
    browser.get("/accounts/login/")  # a page with a form sets the CSRF cookie
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value
    browser.force_login(mai.user)
    assert sync(browser, [make_log()]).status_code == 403
    assert not HelpSession.objects.exists()
    item = make_log()
    response = sync(browser, [item], headers={"x-csrftoken": token})
    assert response.status_code == 200
    assert response.json()["results"] == [created(item)]


def test_reading_needs_no_csrf_token(mai):
    assert signed_in(mai.user, enforce_csrf_checks=True).get(SESSIONS).status_code == 200


@pytest.fixture
def api_key(mai):
    key = "k" * 43
    token = ApiToken.objects.create(user=mai.user, name="Máy tính bảng", digest=token_digest(key))
    return key, token


def test_an_integration_sends_a_bearer_key_without_csrf(api_key, make_log):
    key, token = api_key
    integration = signed_in(enforce_csrf_checks=True, headers={"authorization": f"Bearer {key}"})
    item = make_log()
    response = sync(integration, [item])
    assert response.status_code == 200
    assert response.json()["results"] == [created(item)]
    assert HelpSession.objects.get().volunteer.user == token.user
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert integration.get(SESSIONS).json()["count"] == 1


@pytest.mark.parametrize("problem", ["revoked", "inactive", "wrong key", "empty key"])
def test_a_bearer_key_that_does_not_work_gets_401(api_key, make_log, problem):
    key, token = api_key
    if problem == "revoked":
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    elif problem == "inactive":
        type(token.user).objects.filter(pk=token.user_id).update(is_active=False)
    elif problem == "wrong key":
        key = key[:-1] + "x"
    else:
        key = ""
    integration = signed_in(headers={"authorization": f"Bearer {key}"})
    assert sync(integration, [make_log()]).status_code == 401
    assert integration.get(SESSIONS).status_code == 401
    assert not HelpSession.objects.exists()


# Reading back


@pytest.fixture
def logged(make_user, campaign, cao_bang, elsewhere, mai, hoa, make_log):
    """A session by Mai in her commune (with a consented number), one by Hoa next door,
    and one in Cao Bằng by a volunteer there."""
    cao_bang_campaign = Campaign.objects.create(
        name="Cao Bằng số", province=cao_bang, start=campaign.start, sms_brand="CAO BANG"
    )
    commune = cao_bang.communes.order_by("code").first()
    bao = make_volunteer(make_user, "bao", "+84912345677", (cao_bang_campaign, commune))
    sessions = {}
    for who, item in (
        (mai, with_follow_up(make_log)),
        (hoa, make_log(commune=elsewhere.code)),
        (bao, make_log(commune=commune.code)),
    ):
        (result,) = record_sessions(who, [item])
        assert result.status == "created", result.errors
        sessions[who.user.username] = item["uuid"]
    return sessions


@pytest.fixture
def cao_bang_organiser(make_user, cao_bang):
    return make_user("cao_bang_organiser", kind=Role.Kind.ORGANISER, province=cao_bang)


def uuids_seen_by(user) -> set[str]:
    response = signed_in(user).get(SESSIONS)
    assert response.status_code == 200
    page = response.json()
    assert page["count"] == len(page["results"])
    return {row["uuid"] for row in page["results"]}


def test_each_reader_sees_only_the_sessions_in_their_scope(
    logged, mai, hoa, coordinator, organiser, cao_bang_organiser, outsider
):
    assert uuids_seen_by(mai.user) == {logged["mai"]}
    assert uuids_seen_by(hoa.user) == {logged["hoa"]}
    assert uuids_seen_by(coordinator) == {logged["mai"]}
    assert uuids_seen_by(organiser) == {logged["mai"], logged["hoa"]}
    assert uuids_seen_by(cao_bang_organiser) == {logged["bao"]}
    assert uuids_seen_by(outsider) == set()


def test_one_session_outside_ones_scope_is_not_found(
    logged, mai, hoa, coordinator, organiser, cao_bang_organiser
):
    for user, session in (
        (hoa.user, logged["mai"]),
        (mai.user, logged["hoa"]),
        (coordinator, logged["hoa"]),
        (cao_bang_organiser, logged["mai"]),
        (organiser, logged["bao"]),
        (mai.user, str(uuid.uuid4())),
    ):
        response = signed_in(user).get(f"{SESSIONS}/{session}")
        assert response.status_code == 404
        assert response.json() == {"detail": said("Not found.")}
    for user in (mai.user, coordinator, organiser):
        response = signed_in(user).get(f"{SESSIONS}/{logged['mai']}")
        assert response.status_code == 200
        assert response.json()["uuid"] == logged["mai"]


def test_an_account_made_inactive_is_signed_out_of_the_api(logged, coordinator):
    reader = signed_in(coordinator)
    coordinator.is_active = False
    coordinator.save()
    assert reader.get(SESSIONS).status_code == 401


def test_a_session_reads_back_without_the_citizens_number(
    logged, mai, coordinator, campaign, mine
):
    for user in (mai.user, coordinator):
        reader = signed_in(user)
        detail = reader.get(f"{SESSIONS}/{logged['mai']}")
        listing = reader.get(SESSIONS)
        for response in (detail, listing):
            assert "987654321" not in response.content.decode()
            assert "citizen_phone" not in response.content.decode()
            assert "consent" not in response.content.decode()
        row = detail.json()
        assert row == listing.json()["results"][0]
        assert row["has_citizen_contact"] is True
        assert (row["volunteer"], row["volunteer_name"]) == (mai.pk, "Mai")
        assert (row["campaign"], row["commune"]) == (campaign.pk, mine.code)
        assert row["services"] == ["eid_account"]
        assert row["follow_up"] == "application_result"


def test_the_list_filters_by_campaign_commune_and_time_and_pages(
    make_log, mai, mine, elsewhere, campaign, second_campaign, organiser
):
    Assignment.objects.create(volunteer=mai, campaign=second_campaign, commune=elsewhere)
    Assignment.objects.create(volunteer=mai, campaign=campaign, commune=elsewhere)
    now = timezone.now().replace(microsecond=0)
    items = [
        make_log(helped_at=stamp(now - timedelta(days=3)), campaign=campaign.pk),
        make_log(helped_at=stamp(now - timedelta(days=2)), commune=elsewhere.code, campaign=campaign.pk),
        make_log(helped_at=stamp(now - timedelta(days=1)), commune=elsewhere.code, campaign=second_campaign.pk),
    ]  # fmt: skip
    assert {r.status for r in record_sessions(mai, items)} == {"created"}
    reader = signed_in(organiser)

    def listed(**query):
        response = reader.get(SESSIONS, query)
        assert response.status_code == 200, response.content
        page = response.json()
        return page["count"], [row["uuid"] for row in page["results"]]

    oldest, middle, newest = (item["uuid"] for item in items)
    assert listed() == (3, [newest, middle, oldest])
    assert listed(campaign=campaign.pk) == (2, [middle, oldest])
    assert listed(commune=elsewhere.code) == (2, [newest, middle])
    assert listed(commune=mine.code, campaign=second_campaign.pk) == (0, [])
    since, until = stamp(now - timedelta(days=2)), stamp(now - timedelta(days=1))
    assert listed(since=since) == (2, [newest, middle])
    assert listed(until=until) == (2, [middle, oldest])
    assert listed(since=since, until=until) == (1, [middle])
    assert listed(limit=1) == (3, [newest])
    assert listed(limit=2, offset=1) == (3, [middle, oldest])
    assert listed(offset=5) == (3, [])


def test_a_time_filter_without_an_offset_is_vietnams_time(make_log, mai, organiser):
    moment = timezone.localtime(timezone.now() - timedelta(days=2)).replace(microsecond=0)
    assert record_sessions(mai, [make_log(helped_at=moment.isoformat())])[0].status == "created"
    reader = signed_in(organiser)
    wall_clock = moment.replace(tzinfo=None).isoformat()
    assert reader.get(SESSIONS, {"since": wall_clock}).json()["count"] == 1
    assert reader.get(SESSIONS, {"until": wall_clock}).json()["count"] == 0
    assert reader.get(SESSIONS, {"since": moment.date().isoformat()}).json()["count"] == 1


@pytest.mark.parametrize(
    "query",
    [{"limit": 0}, {"limit": 501}, {"offset": -1}, {"since": "last week"}, {"campaign": "x"}],
)
def test_a_filter_out_of_bounds_is_a_client_error(organiser, query):
    assert signed_in(organiser).get(SESSIONS, query).status_code == 422


def test_a_malformed_session_id_is_a_client_error(organiser):
    assert signed_in(organiser).get(f"{SESSIONS}/not-a-uuid").status_code == 422


def test_the_service_catalogue_lists_active_services_with_their_province(mai, lang_son):
    ServiceType.objects.create(code="lang_son_pass", name="Giấy thông hành", province=lang_son)
    ServiceType.objects.filter(code="other").update(active=False)
    response = signed_in(mai.user).get(SERVICES)
    assert response.status_code == 200
    services = {row["code"]: row for row in response.json()}
    assert "other" not in services
    assert services["eid_account"] == {
        "code": "eid_account",
        "name": "Tạo tài khoản định danh điện tử (VNeID)",
        "name_en": "e-ID (VNeID) account created",
        "province": None,
    }
    assert services["lang_son_pass"]["province"] == lang_son.code


# The published description


def refs_in(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs_in(value)


def test_the_openapi_document_describes_the_four_paths_and_the_sync_body(db):
    response = Client().get(OPENAPI)
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert document["info"]["version"] == "1"
    assert set(document["paths"]) == {
        "/api/v1/help-sessions/sync",
        "/api/v1/help-sessions",
        "/api/v1/help-sessions/{session_uuid}",
        "/api/v1/services",
    }
    assert set(document["paths"]["/api/v1/help-sessions/sync"]) == {"post"}
    schemas = document["components"]["schemas"]
    assert {"SyncIn", "HelpSessionIn", "SyncOut", "HelpSessionOut"} <= set(schemas)
    body = document["paths"]["/api/v1/help-sessions/sync"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/SyncIn"}
    sessions = schemas["SyncIn"]["properties"]["sessions"]
    assert sessions["maxItems"] == BATCH_LIMIT
    assert sessions["items"] == {"$ref": "#/components/schemas/HelpSessionIn"}
    log = schemas["HelpSessionIn"]
    assert set(log["properties"]) == FIELDS
    assert {"uuid", "commune", "helped_at", "services"} <= set(log["required"])
    assert log["additionalProperties"] is False
    assert "citizen_phone" not in schemas["HelpSessionOut"]["properties"]
    for ref in refs_in(document):
        assert ref.startswith("#/components/schemas/")
        assert ref.rsplit("/", 1)[1] in schemas, ref
    assert document["components"]["securitySchemes"]


# Whatever a phone sends


JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=6,
)
FIELD_VALUES = {
    "uuid": st.uuids().map(str) | JSON_SCALARS,
    "commune": st.sampled_from(["", "99999"]) | JSON_SCALARS,
    "helped_at": st.datetimes(timezones=st.timezones()).map(lambda m: m.isoformat())
    | st.datetimes().map(lambda m: m.isoformat())
    | JSON_VALUES,
    "minutes": st.integers(-5, 700) | JSON_VALUES,
    "services": st.lists(st.sampled_from(["eid_account", "other", "nope", " "]), max_size=12)
    | JSON_VALUES,
    "priority_groups": st.lists(st.sampled_from(["elderly", "disability", "x"]), max_size=4)
    | JSON_VALUES,
    "citizen_phone": st.sampled_from(["0987654321", "024 3825 3535", "12", ""]) | JSON_VALUES,
    "consent": st.booleans() | JSON_VALUES,
    "follow_up": st.sampled_from(["", "eid_level_2", "x"]) | JSON_VALUES,
    "follow_up_on": st.dates().map(lambda d: d.isoformat()) | JSON_VALUES,
}


@st.composite
def phone_logs(draw, base):
    """A valid log with some fields replaced, dropped or added; now and then any JSON."""
    if draw(st.integers(0, 4)) == 0:
        return draw(JSON_VALUES)
    item = dict(base)
    if draw(st.booleans()):
        item["uuid"] = str(draw(st.uuids()))
    for name in draw(st.sets(st.sampled_from(sorted(FIELDS)), max_size=5)):
        if draw(st.booleans()):
            item.pop(name, None)
        else:
            item[name] = draw(FIELD_VALUES.get(name, JSON_VALUES))
    item.update(draw(st.dictionaries(st.text(max_size=6), JSON_VALUES, max_size=2)))
    return item


@hypothesis_settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_whatever_a_phone_sends_each_item_gets_one_result_and_never_a_server_error(
    api, make_log, data
):
    base = make_log()
    items = data.draw(st.lists(phone_logs(base), max_size=5))
    response = sync(api, items)
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert len(results) == len(items)
    for item, result in zip(items, results, strict=True):
        assert result["status"] in {"created", "duplicate", "conflict", "invalid"}
        assert bool(result["errors"]) == (result["status"] == "invalid")
        if not isinstance(item, dict):
            assert result["status"] == "invalid"
    # The phone sends the same batch again (it never heard the answer): nothing new.
    stored = HelpSession.objects.count()
    again = sync(api, items)
    assert again.status_code == 200, again.content
    assert "created" not in {result["status"] for result in again.json()["results"]}
    assert HelpSession.objects.count() == stored


# Defaults, numbers as text and the caller's own id do not make a log different


@pytest.mark.parametrize(
    "first, again",
    [
        ({"outcome": OMIT}, {"outcome": "done"}),
        ({"minutes": 30}, {"minutes": "30"}),
        ({}, {"volunteer": "own"}),
    ],
)
def test_a_default_left_out_or_a_number_sent_as_text_is_still_a_duplicate(
    api, make_log, mai, first, again
):
    item = make_log(**first)
    assert result_of(api, item) == created(item)
    repeat = {**item, **{k: v for k, v in again.items() if v is not OMIT}}
    if repeat.get("volunteer") == "own":
        repeat["volunteer"] = mai.pk
    assert result_of(api, repeat)["status"] == "duplicate"
    assert HelpSession.objects.count() == 1


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


def test_an_english_reader_gets_reasons_in_english(api, make_log):
    item = make_log(services=[])
    response = sync(api, [item], headers={"accept-language": "en"})
    assert response.json()["results"][0]["errors"] == {
        "services": ["Choose at least one service."]
    }
    assert response["Content-Language"] == "en"


def test_a_missing_csrf_token_is_explained(mai, make_log):
    browser = signed_in(enforce_csrf_checks=True)
    browser.force_login(mai.user)
    response = sync(browser, [make_log()])
    assert response.status_code == 403
    assert response.json() == {
        "detail": said("The security token is missing or out of date: reload the page.")
    }


def test_totals_of_a_batch_of_repeats_are_the_current_campaign_s(
    api, make_log, mai, second_campaign, mine
):
    Assignment.objects.create(volunteer=mai, campaign=second_campaign, commune=elsewhere_of(mine))
    item = make_log()
    results_of(api, [item])
    response = sync(api, [item])
    assert response.json()["results"][0]["status"] == "duplicate"
    assert response.json()["totals"] == {"today": 1, "campaign": 1}


def elsewhere_of(commune):
    return commune.province.communes.exclude(pk=commune.pk).order_by("-code").first()
