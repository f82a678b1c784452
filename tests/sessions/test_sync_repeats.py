"""The help-session API stores each log once: UUIDs, duplicates and conflicts, the batch
as a whole and its totals, and signing in (session, CSRF token, API keys)."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from notifications.models import Message
from sessions.api import token_digest
from sessions.logs import FIELDS, digest
from sessions.models import ApiToken, HelpSession
from sessions.recording import BATCH_LIMIT, Result, record_sessions, store
from teams.models import Assignment
from tests.sessions.sync_helpers import (
    OMIT,
    SERVICES,
    SESSIONS,
    SYNC,
    created,
    result_of,
    results_of,
    said,
    signed_in,
    stamp,
    sync,
    with_follow_up,
)

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


def test_a_missing_csrf_token_is_explained(mai, make_log):
    browser = signed_in(enforce_csrf_checks=True)
    browser.force_login(mai.user)
    response = sync(browser, [make_log()])
    assert response.status_code == 403
    assert response.json() == {
        "detail": said("The security token is missing or out of date: reload the page.")
    }
