"""The help-session API answers every request, well-formed or not, as its OpenAPI document
says: never a server error, only documented status codes, content types and bodies.

Schemathesis reads /api/v1/openapi.json from the app itself and calls the app in-process
(WSGI), with the API key of a volunteer who holds a place on a shift today, so that some
of the generated logs are stored and read back, not only refused."""

import secrets
import uuid
from datetime import timedelta

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from campaign.models import Campaign, Role
from sessions.api import token_digest
from sessions.models import ApiToken
from sessions.recording import record_sessions
from teams.models import Assignment, Shift, ShiftSignup, Volunteer

OPENAPI = "/api/v1/openapi.json"
SYNC = "/api/v1/help-sessions/sync"
ONE_SESSION = "/api/v1/help-sessions/{session_uuid}"
STORED = "5b0c7a52-8f3e-4f43-9d59-2a5f1d6c0e11"  # a session the volunteer logged earlier
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20260101,
        "generation": {"deterministic": True, "max-examples": 40, "database": "none"},
        # The coverage phase sends every boundary case the document allows: unbounded.
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    }
)

# The document needs no database and no sign-in: read once, when the tests are collected.
schema = schemathesis.openapi.from_wsgi(OPENAPI, WSGIHandler(), config=CONFIG)


@pytest.fixture(autouse=True)
def requests_keep_the_test_transaction():
    """Django's handler closes the database connection at the start and end of each
    request, as it should in production; here that would end the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def mai(make_user, lang_son, service_catalogue):
    """A volunteer assigned to a commune of a running campaign, with a place on a shift
    there now, and one session logged already."""
    commune = lang_son.communes.order_by("code").first()
    campaign = Campaign.objects.create(
        name="45 ngày đêm hỗ trợ chuyển đổi số",
        province=lang_son,
        start=timezone.localdate() - timedelta(days=10),
        sms_brand="SO TTTT LANG SON",
    )
    account = make_user("mai", kind=Role.Kind.VOLUNTEER)
    mai = Volunteer.objects.create(full_name="Mai", phone="+84912345678", user=account)
    Assignment.objects.create(volunteer=mai, campaign=campaign, commune=commune)
    start = timezone.now() - timedelta(hours=1)
    shift = Shift.objects.create(
        campaign=campaign,
        commune=commune,
        place="Bộ phận một cửa",
        starts_at=start,
        ends_at=start + timedelta(hours=4),
    )
    ShiftSignup.objects.create(shift=shift, volunteer=mai, status=ShiftSignup.Status.CONFIRMED)
    (result,) = record_sessions(mai, [storable({"uuid": STORED, "minutes": 20})])
    assert result.status == "created", result.errors
    return mai


@pytest.fixture
def api_key(mai):
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=mai.user, name="Điện thoại của Mai", digest=token_digest(key))
    return key


def storable(log: dict) -> dict:
    """The log made one Mai may store: on her shift, now, for a service in the catalogue.
    Contact details are dropped (they need consent and a follow-up to go with them)."""
    signup = ShiftSignup.objects.select_related("shift__commune").get(volunteer__full_name="Mai")
    kept = {
        name: value
        for name, value in log.items()
        if name not in {"citizen_phone", "consent", "follow_up", "follow_up_on"}
    }
    return {
        **kept,
        "commune": signup.shift.commune.code,
        "campaign": signup.shift.campaign_id,
        "shift": signup.shift_id,
        "volunteer": signup.volunteer_id,
        "services": ["eid_account"],
        "helped_at": timezone.localtime(timezone.now() - timedelta(minutes=5)).isoformat(),
    }


@schema.hook
def flatmap_body(context, body):
    """Now and then the logs of a generated batch are made storable."""
    if context.operation is None or context.operation.path != SYNC:
        return st.just(body)
    logs = body.get("sessions") if isinstance(body, dict) else None
    if not isinstance(logs, list) or not all(isinstance(log, dict) for log in logs):
        return st.just(body)
    return st.sampled_from([body, {**body, "sessions": [storable(log) for log in logs]}])


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """Now and then the session asked for is one that exists."""
    if context.operation is None or context.operation.path != ONE_SESSION:
        return st.just(path_parameters)
    return st.sampled_from([path_parameters, {**path_parameters, "session_uuid": STORED}])


@schema.parametrize()
@hypothesis_settings(suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented(case, api_key):
    case.call_and_validate(headers={"Authorization": f"Bearer {api_key}"}, checks=CHECKS)


@schema.parametrize()
@hypothesis_settings(max_examples=5, suppress_health_check=list(HealthCheck))
def test_without_a_key_every_operation_answers_a_documented_401(case, mai):
    response = case.call_and_validate(checks=CHECKS)
    # A POST without a key is first refused for its missing CSRF token (the session's).
    assert response.status_code == (403 if case.method == "POST" else 401)


def test_a_stored_log_is_answered_and_read_back_as_documented(api_key):
    auth = {"Authorization": f"Bearer {api_key}"}
    log = storable({"uuid": str(uuid.uuid4()), "outcome": "referred", "note": "Cụ cần quay lại"})
    sync = schema[SYNC]["POST"].Case(body={"sessions": [log]})
    answer = sync.call_and_validate(headers=auth, checks=CHECKS)
    assert answer.json()["results"] == [{"uuid": log["uuid"], "status": "created", "errors": {}}]
    listing = schema["/api/v1/help-sessions"]["GET"].Case(query={})
    assert listing.call_and_validate(headers=auth, checks=CHECKS).json()["count"] == 2
    one = schema[ONE_SESSION]["GET"].Case(path_parameters={"session_uuid": log["uuid"]})
    assert one.call_and_validate(headers=auth, checks=CHECKS).json()["note"] == log["note"]


@pytest.mark.parametrize(
    "since",
    [
        "0206-09-25T09:32:42+17:44",  # past the ±15:59 offsets PostgreSQL takes
        "0001-01-01T00:00:00+07:00",  # before year 1 in UTC
        "9999-12-31T23:59:59-23:00",  # after 9999 in UTC
        "0001-01-01T00:00:00",
    ],
)
def test_times_at_the_edges_of_iso_8601_are_answered_as_documented(api_key, since):
    listing = schema["/api/v1/help-sessions"]["GET"].Case(query={"since": since, "until": since})
    response = listing.call_and_validate(
        headers={"Authorization": f"Bearer {api_key}"}, checks=CHECKS
    )
    assert response.status_code == 200
