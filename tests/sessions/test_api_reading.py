"""Reading the help-session API back: each reader's scope, the filters and pages, the
service catalogue and the published OpenAPI document."""

import json
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from campaign.models import Campaign, Role, ServiceType
from sessions.logs import FIELDS
from sessions.recording import BATCH_LIMIT, record_sessions
from teams.models import Assignment
from tests.sessions.sync_helpers import (
    OPENAPI,
    SERVICES,
    SESSIONS,
    make_volunteer,
    said,
    signed_in,
    stamp,
    with_follow_up,
)

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
