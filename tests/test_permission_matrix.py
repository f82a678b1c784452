"""The permission matrix: every page and API endpoint, asked for by every role.

The routes come from the URL resolver, so a page added without expectations here fails
`test_every_route_of_ours_has_expectations_in_the_matrix`. Each route is asked for with
GET by every role, and the routes that change things are also sent a POST: a refused
POST must leave the data as it was. Objects of commune A (and campaigns of Lạng Sơn)
are named in the addresses; the coordinator of commune B and the organiser of Cao Bằng
must get a 404 for them, not someone else's data, and no page they may open shows
commune A's people, teams or logs.

One world is built per module (tests/matrix.py) and each test runs in a transaction
rolled back after it, so a POST that is done changes nothing for the next test.
"""

import functools
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from campaign.models import (
    Campaign,
    CampaignCommune,
    CommuneReport,
    ReadinessCheck,
    ReadinessCriterion,
)
from notifications import segments
from notifications.models import Message, OptOut
from sessions.models import HelpSession
from teams.broadcasts.views import preview_key
from teams.models import (
    Assignment,
    Broadcast,
    CalendarFeed,
    ImportJob,
    Membership,
    Shift,
    ShiftSignup,
    Team,
    Volunteer,
)
from tests.matrix import (
    ANONYMOUS,
    COORDINATOR_A,
    COORDINATOR_B,
    DJANGO_ADMIN,
    DONE,
    EDITOR,
    FORBIDDEN,
    GONE,
    INVALID,
    LANGUAGE_SWITCH,
    LOGIN,
    MEMBERS_CSV,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    ORGANISER_X,
    ORGANISER_Y,
    OUTCOME_PHRASES,
    ROLE_NAMES,
    ROLES,
    UNCHANGED,
    VOLUNTEER,
    WAGTAIL_ADMIN,
    WAGTAIL_DOCUMENTS,
    WAGTAIL_LOCALIZE,
    WAGTAIL_PAGES,
    WRONG_TOKEN,
    all_routes,
    body_of,
    build_world,
    opt_out_kwargs,
    outcome_of,
    shift_answer_kwargs,
    third_party_group,
    url_of,
)

MISSING = b"!!MISSING"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world, built once for the module in a transaction that is rolled back after
    its last test; each test's own transaction nests inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        for role, user in built.users.items():
            client = Client()
            client.force_login(user)
            built.session_keys[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        yield built
        transaction.set_rollback(True)


# How the matrix is written ------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A route asked for in one way: its address (and for a POST its data), and the
    outcome for each role, in the order of ROLES."""

    route: str
    what: str
    url: Callable
    get: tuple | None
    post: tuple | None = None
    data: Callable | None = None
    as_json: bool = False
    # The models a POST may change: their rows are compared before and after it.
    writes: tuple = ()
    # A page of the signed-in site: it must not show anyone another commune's data.
    scoped: bool = False


def the(name, attribute="pk"):
    """A value of the world, looked up when the test runs."""
    return lambda world: getattr(getattr(world, name), attribute)


def at(route, query="", **kwargs):
    """The address of `route`, its arguments taken from the world when given as the()."""

    def url(world):
        values = {key: value(world) if callable(value) else value for key, value in kwargs.items()}
        text = query(world) if callable(query) else query
        return url_of(route, values, text)

    return url


def fixed(path):
    return lambda world: path


def done(row):
    """The POST twin of a GET row: where the page opens, the POST is done."""
    return tuple(DONE if outcome == OK else outcome for outcome in row)


# The usual shapes, one outcome per role.
# fmt: off
#                            anonymous    volunteer    coord. A     coord. B     organiser X  organiser Y  editor
PUBLIC =                    (OK,          OK,          OK,          OK,          OK,          OK,          OK)
SIGNED_IN =                 (LOGIN,       OK,          OK,          OK,          OK,          OK,          OK)
NOBODY =                    (NOT_FOUND,   NOT_FOUND,   NOT_FOUND,   NOT_FOUND,   NOT_FOUND,   NOT_FOUND,   NOT_FOUND)
SIGNED_IN_NOBODY =          (LOGIN,       NOT_FOUND,   NOT_FOUND,   NOT_FOUND,   NOT_FOUND,   NOT_FOUND,   NOT_FOUND)
METHOD_REFUSED =            (NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED)
SIGNED_IN_POST_ONLY =       (LOGIN,       NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED)
# The staff pages (teams.registry.views.teams.campaign_staff_required): 403 for anyone else.
STAFF =                     (LOGIN,       FORBIDDEN,   OK,          OK,          OK,          OK,          FORBIDDEN)
STAFF_OF_X =                (LOGIN,       FORBIDDEN,   OK,          OK,          OK,          NOT_FOUND,   FORBIDDEN)
STAFF_OF_A =                (LOGIN,       FORBIDDEN,   OK,          NOT_FOUND,   OK,          NOT_FOUND,   FORBIDDEN)
STAFF_OF_B =                (LOGIN,       FORBIDDEN,   NOT_FOUND,   OK,          OK,          NOT_FOUND,   FORBIDDEN)
STAFF_OF_Y =                (LOGIN,       FORBIDDEN,   NOT_FOUND,   NOT_FOUND,   NOT_FOUND,   OK,          FORBIDDEN)
STAFF_POST_ONLY =           (LOGIN,       FORBIDDEN,   NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, FORBIDDEN)
ORGANISERS =                (LOGIN,       FORBIDDEN,   FORBIDDEN,   FORBIDDEN,   OK,          OK,          FORBIDDEN)
# Done by the staff of commune A; a form offering only one's own communes refuses the others.
FORM_OF_A =                 (LOGIN,       FORBIDDEN,   DONE,        UNCHANGED,   DONE,        UNCHANGED,   FORBIDDEN)
# The volunteer's own pages: 404 for an account without a volunteer.
VOLUNTEER_ONLY =            (LOGIN,       OK,          NOT_FOUND,   NOT_FOUND,   NOT_FOUND,   NOT_FOUND,   NOT_FOUND)
VOLUNTEER_REFUSED =         (LOGIN,       UNCHANGED,   NOT_FOUND,   NOT_FOUND,   NOT_FOUND,   NOT_FOUND,   NOT_FOUND)
# Campaign pages ask campaign.access for the communes and answer 404 when none is yours;
# organising one is 403 for those who organise nothing.
CAMPAIGN_OF_X =             (LOGIN,       NOT_FOUND,   OK,          OK,          OK,          NOT_FOUND,   NOT_FOUND)
CAMPAIGN_COMMUNE_A =        (LOGIN,       NOT_FOUND,   OK,          NOT_FOUND,   OK,          NOT_FOUND,   NOT_FOUND)
CAMPAIGN_COMMUNE_B =        (LOGIN,       NOT_FOUND,   NOT_FOUND,   OK,          OK,          NOT_FOUND,   NOT_FOUND)
CAMPAIGN_OF_Y =             (LOGIN,       NOT_FOUND,   NOT_FOUND,   NOT_FOUND,   NOT_FOUND,   OK,          NOT_FOUND)
ORGANISERS_OF_X =           (LOGIN,       FORBIDDEN,   FORBIDDEN,   FORBIDDEN,   OK,          NOT_FOUND,   FORBIDDEN)
ORGANISERS_OF_X_UNCHANGED = (LOGIN,       FORBIDDEN,   FORBIDDEN,   FORBIDDEN,   UNCHANGED,   NOT_FOUND,   FORBIDDEN)
# fmt: on


# POST data ----------------------------------------------------------------------------


def local_input(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def tomorrow_at(hour):
    day = timezone.localdate() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def day_after_start(world, days):
    return world.campaign_x.start + timedelta(days=days)


def campaign_data(world, **changes):
    campaign = world.campaign_x
    return {
        "name": "45 ngày đêm, đợt hai",
        "province": campaign.province_id,
        "start": campaign.start.isoformat(),
        "end": campaign.end.isoformat(),
        "status": Campaign.Status.ACTIVE,
        "sms_brand": campaign.sms_brand,
        "description": "",
        "citizen_contact_retention_days": campaign.citizen_contact_retention_days,
        **changes,
    }


def targets_data(world):
    rows = list(world.campaign_x.campaign_communes.order_by("pk"))
    data = {
        "communes-TOTAL_FORMS": len(rows),
        "communes-INITIAL_FORMS": len(rows),
        "communes-MIN_NUM_FORMS": 0,
        "communes-MAX_NUM_FORMS": 1000,
        "criteria": "Có wifi tại điểm hỗ trợ\nCó máy in",
    }
    for index, row in enumerate(rows):
        data[f"communes-{index}-id"] = row.pk
        data[f"communes-{index}-citizens_target"] = 500
    return data


def unchanged_targets_data(world, *, extra=False, first_id=None):
    """The targets page posted as it is shown, but for a crafted form: one more form than
    the campaign has communes, or the first form naming a row of another campaign."""
    data = targets_data(world)
    data["criteria"] = world.criterion.text
    total = data["communes-TOTAL_FORMS"]
    for index in range(total):
        data[f"communes-{index}-citizens_target"] = ""
    if extra:
        data["communes-TOTAL_FORMS"] = total + 1
        data[f"communes-{total}-citizens_target"] = 7
    if first_id is not None:
        data["communes-0-id"] = first_id
        data["communes-0-citizens_target"] = 7
    return data


def readiness_data(world):
    criterion = world.criterion.pk
    return {
        f"met_{criterion}": "on",
        f"met_on_{criterion}": timezone.localdate().isoformat(),
        f"note_{criterion}": "Đã lắp",
    }


def report_data(world):
    return {
        "period_start": day_after_start(world, 3).isoformat(),
        "period_end": day_after_start(world, 5).isoformat(),
        "applications_received": 5,
        "applications_online": 2,
        "note": "",
    }


def volunteer_data(world, **changes):
    return {
        "full_name": "Vi Văn Mới",
        "phone": "0912000099",
        "affiliation": "other",
        "organisation": "",
        "home_commune": world.commune_a.pk,
        "languages": "",
        "skills": "",
        "active": "on",
        **changes,
    }


def broadcast_data(world, *, team=None, campaign=None):
    """A broadcast sent after its preview: the key is the one the preview showed."""
    text, brand = "Hop to luc 8 gio sang mai", "Digihelp"
    if campaign is not None and team is None:
        brand = " ".join(segments.normalise(campaign.sms_brand).split())
    target = team or campaign
    return {
        "team": team.pk if team else "",
        "commune": "",
        "campaign": campaign.pk if campaign else "",
        "text": text,
        "brand": brand,
        "form_token": str(uuid.uuid4()),
        "action": "send",
        "previewed": preview_key(target, campaign, text, brand, False),
    }


def no_data(world):
    return {}


def csp_report_body(world):
    return {"csp-report": {"document-uri": "http://testserver/", "blocked-uri": "inline"}}


CITIZEN_PHONE = "+84912000999"


def citizen_request(world, action="erase"):
    """A citizen of commune A who gave their number asks for it to be erased."""
    HelpSession.objects.filter(pk=world.session_a.pk).update(
        citizen_phone=CITIZEN_PHONE, contact_consent_at=timezone.now()
    )
    return {"phone": "0912000999", "action": action, "confirm": "on"}


def upload(name, text):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def members_upload(world):
    csv = MEMBERS_CSV.format(code=world.commune_a.code)
    return {"file": upload("doi-moi.csv", csv), "province": world.lang_son.pk}


def assignments_upload(world):
    csv = f"Số điện thoại,Mã xã\n0912000003,{world.commune_a.code}\n"
    return {"campaign": world.campaign_x.pk, "file": upload("phan-cong.csv", csv), "import": "1"}


def reports_upload(world):
    start, end = (day_after_start(world, days).strftime("%d/%m/%Y") for days in (3, 5))
    csv = (
        "Mã xã,Từ ngày,Đến ngày,Hồ sơ tiếp nhận,Hồ sơ trực tuyến\n"
        f"{world.commune_a.code},{start},{end},8,3\n"
    )
    return {"campaign": world.campaign_x.pk, "file": upload("bao-cao.csv", csv), "import": "1"}


def roster_data(world):
    data = {
        "rows-TOTAL_FORMS": 4,
        "rows-INITIAL_FORMS": 0,
        "rows-MIN_NUM_FORMS": 0,
        "rows-MAX_NUM_FORMS": 1000,
        "rows-0-weekdays": [0, 1, 2, 3, 4, 5, 6],
        "rows-0-start": "18:00",
        "rows-0-end": "20:00",
        "rows-0-place": "Nhà văn hóa xã",
        "communes": [world.commune_a.pk],
    }
    for index in range(4):
        data[f"rows-{index}-volunteers_needed"] = 2
    return data


def shift_data(world, **changes):
    return {
        "place": "Điểm hỗ trợ mới",
        "starts_at": local_input(tomorrow_at(18)),
        "ends_at": local_input(tomorrow_at(20)),
        "volunteers_needed": 2,
        "language": "",
        "skill": "",
        **changes,
    }


def log_form(world, commune):
    return {
        "uuid": str(uuid.uuid4()),
        "commune": commune.code,
        "services": "eid_account",
        "outcome": "done",
    }


def sync_body(world, **changes):
    log = {
        "uuid": str(uuid.uuid4()),
        "commune": world.commune_a.code,
        "helped_at": timezone.localtime(timezone.now() - timedelta(minutes=5)).isoformat(),
        "services": ["eid_account"],
        **changes,
    }
    return {"sessions": [log]}


NEW_PASSWORD = {"new_password1": "mot-mat-khau-moi-2026", "new_password2": "mot-mat-khau-moi-2026"}


# The matrix ---------------------------------------------------------------------------

MATRIX = [
    # The site's own routes outside the apps, and the API.
    Case("healthz", "the health check", at("healthz"), PUBLIC),
    # Browsers post what the content security policy refused, signed in or not.
    Case(
        "csp_report",
        "a report of what the content security policy refused",
        at("csp_report"),
        METHOD_REFUSED,
        post=PUBLIC,
        data=csp_report_body,
        as_json=True,
    ),
    Case("login", "the sign-in page", at("login"), PUBLIC),
    # Signing out is a POST only (Django 5); it answers everyone with a redirect.
    Case("logout", "the sign-out", at("logout"), METHOD_REFUSED, post=PUBLIC, data=no_data),
    Case("api-v1:openapi-json", "the API's OpenAPI document", at("api-v1:openapi-json"), PUBLIC),
    # Without docs_url ninja's root answers 404 to everyone.
    Case("api-v1:api-root", "the API's root", at("api-v1:api-root"), NOBODY),
    Case(
        "api-v1:sync",
        "the sync API with a log of commune A",
        at("api-v1:sync"),
        METHOD_REFUSED,
        post=(LOGIN, DONE, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
        data=sync_body,
        as_json=True,
        writes=(HelpSession,),
    ),
    Case(
        "api-v1:sync",
        "the sync API with a log of commune B",
        at("api-v1:sync"),
        None,
        post=(LOGIN, UNCHANGED, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
        data=lambda world: sync_body(world, commune=world.commune_b.code),
        as_json=True,
        writes=(HelpSession,),
    ),
    Case(
        "api-v1:sync",
        "the sync API with a log naming volunteer B",
        at("api-v1:sync"),
        None,
        post=(LOGIN, UNCHANGED, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
        data=lambda world: sync_body(world, volunteer=world.volunteer_b.pk),
        as_json=True,
        writes=(HelpSession,),
    ),
    Case(
        "api-v1:sync",
        "the sync API with a log on volunteer B's shift",
        at("api-v1:sync"),
        None,
        post=(LOGIN, UNCHANGED, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
        data=lambda world: sync_body(world, shift=world.shift_b.pk),
        as_json=True,
        writes=(HelpSession,),
    ),
    Case(
        "api-v1:list_sessions",
        "the API's list of help sessions",
        at("api-v1:list_sessions"),
        SIGNED_IN,
        scoped=True,
    ),
    Case(
        "api-v1:list_sessions",
        "the API's list of help sessions of commune A",
        at("api-v1:list_sessions", query=lambda world: f"commune={world.commune_a.code}"),
        SIGNED_IN,
        scoped=True,
    ),
    Case(
        "api-v1:get_session",
        "a help session of commune A from the API",
        at("api-v1:get_session", session_uuid=the("session_a", "uuid")),
        (LOGIN, OK, OK, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND),
        scoped=True,
    ),
    Case(
        "api-v1:get_session",
        "volunteer B's help session from the API",
        at("api-v1:get_session", session_uuid=the("session_b", "uuid")),
        (LOGIN, NOT_FOUND, NOT_FOUND, OK, OK, NOT_FOUND, NOT_FOUND),
        scoped=True,
    ),
    Case(
        "api-v1:list_services",
        "the API's service catalogue",
        at("api-v1:list_services"),
        SIGNED_IN,
    ),
    # Twilio's webhooks: only Twilio's signature opens them.
    Case(
        "notifications:twilio_status",
        "Twilio's delivery report without a signature",
        at("notifications:twilio_status"),
        METHOD_REFUSED,
        post=(FORBIDDEN,) * 7,
        data=lambda world: {"MessageSid": "SM0001", "MessageStatus": "delivered"},
        writes=(Message,),
    ),
    Case(
        "notifications:twilio_inbound",
        "an incoming SMS from Twilio without a signature",
        at("notifications:twilio_inbound"),
        METHOD_REFUSED,
        post=(FORBIDDEN,) * 7,
        data=lambda world: {"From": world.volunteer_a.phone, "Body": "STOP"},
        writes=(OptOut, Message),
    ),
    # Signed links are public by design: the token is the key.
    Case(
        "notifications:opt_out",
        "the opt-out link",
        lambda world: url_of("notifications:opt_out", opt_out_kwargs(world)),
        PUBLIC,
        post=done(PUBLIC),
        data=no_data,
        writes=(OptOut,),
    ),
    Case(
        "notifications:opt_out",
        "the opt-out link with a wrong token",
        lambda world: url_of("notifications:opt_out", opt_out_kwargs(world, valid=False)),
        NOBODY,
        post=NOBODY,
        data=no_data,
        writes=(OptOut,),
    ),
    # The audit trail: organisers see their province's events; nobody else sees any.
    Case(
        "campaign:audit_log",
        "the audit trail",
        at("campaign:audit_log"),
        ORGANISERS,
        scoped=True,
    ),
    Case(
        "campaign:audit_export",
        "the audit trail as .csv",
        at("campaign:audit_export"),
        ORGANISERS,
        scoped=True,
    ),
    # Personal-data requests: organisers, for their own province's people.
    Case(
        "help_sessions:citizen_data",
        "a citizen's number of commune A, erased on request",
        at("help_sessions:citizen_data"),
        ORGANISERS,
        # Cao Bằng's organiser is told that nothing of theirs holds the number.
        post=(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, DONE, UNCHANGED, FORBIDDEN),
        data=citizen_request,
        writes=(HelpSession,),
    ),
    Case(
        "help_sessions:volunteer_data",
        "the personal data held about volunteer A",
        at("help_sessions:volunteer_data", pk=the("volunteer_a")),
        ORGANISERS_OF_X,
    ),
    Case(
        "help_sessions:volunteer_data_export",
        "the download of the personal data held about volunteer A",
        at("help_sessions:volunteer_data_export", pk=the("volunteer_a"), file_format="json"),
        ORGANISERS_OF_X,
    ),
    Case(
        "help_sessions:volunteer_erase",
        "erasing volunteer A on request",
        at("help_sessions:volunteer_erase", pk=the("volunteer_a")),
        (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_ALLOWED, NOT_ALLOWED, FORBIDDEN),
        post=(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, DONE, NOT_FOUND, FORBIDDEN),
        data=lambda world: {"confirm": "on"},
        writes=(Volunteer,),
    ),
    # Campaigns.
    Case("campaign:overview", "the start page", at("campaign:overview"), SIGNED_IN, scoped=True),
    Case(
        "campaign:campaign_new",
        "the new campaign form",
        at("campaign:campaign_new"),
        ORGANISERS,
        # Organisers create campaigns in their own province only.
        post=(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, DONE, UNCHANGED, FORBIDDEN),
        data=lambda world: campaign_data(world, name="Tháng thanh niên", end=""),
        writes=(Campaign,),
    ),
    Case(
        "campaign:campaign_detail",
        "the campaign of Lang Son",
        at("campaign:campaign_detail", pk=the("campaign_x")),
        CAMPAIGN_OF_X,
        scoped=True,
    ),
    Case(
        "campaign:campaign_detail",
        "the campaign of Cao Bang",
        at("campaign:campaign_detail", pk=the("campaign_y")),
        CAMPAIGN_OF_Y,
        scoped=True,
    ),
    Case(
        "campaign:campaign_edit",
        "the form editing the campaign of Lang Son",
        at("campaign:campaign_edit", pk=the("campaign_x")),
        ORGANISERS_OF_X,
        post=done(ORGANISERS_OF_X),
        data=campaign_data,
        writes=(Campaign,),
    ),
    Case(
        "campaign:campaign_targets",
        "the targets of the campaign of Lang Son",
        at("campaign:campaign_targets", pk=the("campaign_x")),
        ORGANISERS_OF_X,
        post=done(ORGANISERS_OF_X),
        data=targets_data,
        writes=(CampaignCommune, ReadinessCriterion),
    ),
    Case(
        "campaign:campaign_targets",
        "the targets of the campaign of Lang Son with one form too many",
        at("campaign:campaign_targets", pk=the("campaign_x")),
        None,
        post=ORGANISERS_OF_X_UNCHANGED,
        data=lambda world: unchanged_targets_data(world, extra=True),
        writes=(CampaignCommune, ReadinessCriterion),
    ),
    Case(
        "campaign:campaign_targets",
        "the targets of the campaign of Lang Son naming a commune of Cao Bang's campaign",
        at("campaign:campaign_targets", pk=the("campaign_x")),
        None,
        post=ORGANISERS_OF_X_UNCHANGED,
        data=lambda world: unchanged_targets_data(
            world, first_id=world.campaign_y.campaign_communes.order_by("pk").first().pk
        ),
        writes=(CampaignCommune, ReadinessCriterion),
    ),
    Case(
        "campaign:commune_readiness",
        "the readiness checklist of commune A in Cao Bang's campaign",
        at("campaign:commune_readiness", pk=the("campaign_y"), commune_id=the("commune_a")),
        SIGNED_IN_NOBODY,
    ),
    Case(
        "campaign:commune_readiness",
        "the readiness checklist of commune A",
        at("campaign:commune_readiness", pk=the("campaign_x"), commune_id=the("commune_a")),
        CAMPAIGN_COMMUNE_A,
        post=done(CAMPAIGN_COMMUNE_A),
        data=readiness_data,
        writes=(ReadinessCheck,),
    ),
    Case(
        "campaign:commune_readiness",
        "the readiness checklist of commune B",
        at("campaign:commune_readiness", pk=the("campaign_x"), commune_id=the("commune_b")),
        CAMPAIGN_COMMUNE_B,
    ),
    Case(
        "campaign:report_list",
        "the reports of the campaign of Lang Son",
        at("campaign:report_list", pk=the("campaign_x")),
        CAMPAIGN_OF_X,
        scoped=True,
    ),
    Case(
        "campaign:commune_reports",
        "the reports of commune A",
        at("campaign:commune_reports", pk=the("campaign_x"), commune_id=the("commune_a")),
        CAMPAIGN_COMMUNE_A,
        post=done(CAMPAIGN_COMMUNE_A),
        data=report_data,
        writes=(CommuneReport,),
    ),
    Case(
        "campaign:commune_report_edit",
        "a report of commune A, removed",
        at(
            "campaign:commune_report_edit",
            pk=the("campaign_x"),
            commune_id=the("commune_a"),
            report_id=the("report_a"),
        ),
        CAMPAIGN_COMMUNE_A,
        post=done(CAMPAIGN_COMMUNE_A),
        data=lambda world: {"delete": "1"},
        writes=(CommuneReport,),
    ),
    Case(
        "campaign:commune_report_edit",
        "a report of commune B under commune A's address",
        at(
            "campaign:commune_report_edit",
            pk=the("campaign_x"),
            commune_id=the("commune_a"),
            report_id=the("report_b"),
        ),
        SIGNED_IN_NOBODY,
        post=SIGNED_IN_NOBODY,
        data=lambda world: {"delete": "1"},
        writes=(CommuneReport,),
    ),
    # Teams and volunteers.
    Case("teams:team_list", "the list of teams", at("teams:team_list"), STAFF, scoped=True),
    # A commune that is not yours in the filter is left out, not refused.
    Case(
        "teams:team_list",
        "the list of teams filtered to commune A",
        at("teams:team_list", query=lambda world: f"commune={world.commune_a.pk}"),
        STAFF,
        scoped=True,
    ),
    Case(
        "teams:team_new",
        "the new team form for commune A",
        at("teams:team_new"),
        STAFF,
        post=FORM_OF_A,
        data=lambda world: {"commune": world.commune_a.pk, "name": "Tổ mới", "village": ""},
        writes=(Team,),
    ),
    Case(
        "teams:team_detail",
        "team A's page",
        at("teams:team_detail", pk=the("team_a")),
        STAFF_OF_A,
        scoped=True,
    ),
    Case(
        "teams:team_detail",
        "team B's page",
        at("teams:team_detail", pk=the("team_b")),
        STAFF_OF_B,
        scoped=True,
    ),
    Case(
        "teams:team_edit",
        "the form editing team A",
        at("teams:team_edit", pk=the("team_a")),
        STAFF_OF_A,
        post=done(STAFF_OF_A),
        data=lambda world: {"commune": world.commune_a.pk, "name": "Tổ đổi tên", "village": ""},
        writes=(Team,),
    ),
    Case(
        "teams:membership_add",
        "adding a member to team A",
        at("teams:membership_add", pk=the("team_a")),
        STAFF_POST_ONLY,
        post=done(STAFF_OF_A),
        data=lambda world: {"phone": world.newcomer.phone, "role": Membership.Role.MEMBER},
        writes=(Membership,),
    ),
    Case(
        "teams:membership_remove",
        "removing a member of team A",
        at("teams:membership_remove", pk=the("team_a"), membership_pk=the("membership_a")),
        STAFF_POST_ONLY,
        post=done(STAFF_OF_A),
        data=no_data,
        writes=(Membership,),
    ),
    Case(
        "teams:membership_remove",
        "removing a member of team B under team A's address",
        at("teams:membership_remove", pk=the("team_a"), membership_pk=the("membership_b")),
        None,
        post=(LOGIN, FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN),
        data=no_data,
        writes=(Membership,),
    ),
    Case(
        "teams:volunteer_list",
        "the list of volunteers",
        at("teams:volunteer_list"),
        STAFF,
        scoped=True,
    ),
    Case(
        "teams:volunteer_new",
        "the new volunteer form for commune A",
        at("teams:volunteer_new"),
        STAFF,
        post=FORM_OF_A,
        data=volunteer_data,
        writes=(Volunteer,),
    ),
    Case(
        "teams:volunteer_edit",
        "the form editing volunteer A",
        at("teams:volunteer_edit", pk=the("volunteer_a")),
        STAFF_OF_A,
        post=done(STAFF_OF_A),
        data=lambda world: volunteer_data(
            world, full_name="Nông Thị Mai Anh", phone=world.volunteer_a.phone
        ),
        writes=(Volunteer,),
    ),
    Case(
        "teams:volunteer_invite",
        "inviting volunteer A by SMS",
        at("teams:volunteer_invite", pk=the("volunteer_a")),
        STAFF_POST_ONLY,
        post=done(STAFF_OF_A),
        data=no_data,
        writes=(Message,),
    ),
    Case(
        "teams:export",
        "the export of teams and volunteers",
        at("teams:export", file_format="csv"),
        STAFF,
        scoped=True,
    ),
    Case(
        "teams:export",
        "the export of commune A's teams and volunteers",
        at(
            "teams:export",
            file_format="xlsx",
            query=lambda world: f"commune={world.commune_a.pk}",
        ),
        STAFF_OF_A,
    ),
    Case(
        "teams:import_upload",
        "the team import with a file for Lang Son",
        at("teams:import_upload"),
        STAFF,
        # A coordinator's upload is checked against their own communes; the organiser of
        # Cao Bằng cannot choose Lạng Sơn.
        post=(LOGIN, FORBIDDEN, DONE, DONE, DONE, UNCHANGED, FORBIDDEN),
        data=members_upload,
        writes=(ImportJob,),
        scoped=True,
    ),
    Case(
        "teams:import_detail",
        "the import uploaded by the coordinator of commune A",
        at("teams:import_detail", pk=the("import_job_a")),
        STAFF_OF_A,
        scoped=True,
    ),
    Case(
        "teams:import_detail",
        "the import uploaded by the coordinator of commune B",
        at("teams:import_detail", pk=the("import_job_b")),
        STAFF_OF_B,
        scoped=True,
    ),
    Case(
        "teams:import_confirm",
        "confirming the import uploaded by the coordinator of commune A",
        at("teams:import_confirm", pk=the("import_job_a")),
        STAFF_POST_ONLY,
        # Only the uploader confirms; the organiser sees it and is told so.
        post=(LOGIN, FORBIDDEN, DONE, NOT_FOUND, UNCHANGED, NOT_FOUND, FORBIDDEN),
        data=no_data,
        writes=(ImportJob, Team, Volunteer),
    ),
    Case(
        "teams:import_progress",
        "the progress of the import uploaded by the coordinator of commune A",
        at("teams:import_progress", pk=the("import_job_a")),
        STAFF_OF_A,
    ),
    # SMS broadcasts.
    Case(
        "teams:broadcast_compose",
        "a broadcast to team A",
        at("teams:broadcast_compose"),
        STAFF,
        post=FORM_OF_A,
        data=lambda world: broadcast_data(world, team=world.team_a),
        writes=(Broadcast, Message),
        scoped=True,
    ),
    Case(
        "teams:broadcast_compose",
        "a broadcast to the whole campaign of Lang Son",
        at("teams:broadcast_compose"),
        None,
        # Only the campaign's organisers message all of it.
        post=(LOGIN, FORBIDDEN, UNCHANGED, UNCHANGED, DONE, UNCHANGED, FORBIDDEN),
        data=lambda world: broadcast_data(world, campaign=world.campaign_x),
        writes=(Broadcast, Message),
    ),
    Case(
        "teams:broadcast_detail",
        "the broadcast to team A",
        at("teams:broadcast_detail", pk=the("broadcast_a")),
        STAFF_OF_A,
        scoped=True,
    ),
    Case("teams:message_log", "the message log", at("teams:message_log"), STAFF, scoped=True),
    Case(
        "teams:message_log",
        "the message log of the broadcast to team A",
        at("teams:message_log", query=lambda world: f"broadcast={world.broadcast_a.pk}"),
        STAFF_OF_A,
        scoped=True,
    ),
    Case(
        "teams:campaign_totals",
        "the SMS totals by campaign",
        at("teams:campaign_totals"),
        STAFF,
        scoped=True,
    ),
    # Coverage and the roster.
    Case("teams:coverage", "the latest coverage", at("teams:coverage"), STAFF),
    Case(
        "teams:coverage_province",
        "the coverage of the campaign of Lang Son",
        at("teams:coverage_province", campaign_id=the("campaign_x")),
        STAFF_OF_X,
        scoped=True,
    ),
    Case(
        "teams:coverage_commune",
        "the coverage of commune A",
        at("teams:coverage_commune", campaign_id=the("campaign_x"), commune_id=the("commune_a")),
        STAFF_OF_A,
        scoped=True,
    ),
    Case(
        "teams:coverage_commune",
        "the coverage of commune B",
        at("teams:coverage_commune", campaign_id=the("campaign_x"), commune_id=the("commune_b")),
        STAFF_OF_B,
        scoped=True,
    ),
    Case(
        "teams:coverage_commune",
        "the coverage of commune A in Cao Bang's campaign",
        at("teams:coverage_commune", campaign_id=the("campaign_y"), commune_id=the("commune_a")),
        (LOGIN, FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN),
    ),
    Case(
        "teams:roster_generate",
        "the roster of the campaign of Lang Son",
        at("teams:roster_generate", campaign_id=the("campaign_x")),
        (LOGIN, FORBIDDEN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, FORBIDDEN),
        post=(LOGIN, FORBIDDEN, NOT_FOUND, NOT_FOUND, DONE, NOT_FOUND, FORBIDDEN),
        data=roster_data,
        writes=(Shift,),
    ),
    Case(
        "teams:shift_new",
        "the new shift form of commune A",
        at(
            "teams:shift_new",
            query=lambda world: f"campaign={world.campaign_x.pk}&commune={world.commune_a.pk}",
        ),
        STAFF_OF_A,
        post=done(STAFF_OF_A),
        data=shift_data,
        writes=(Shift,),
    ),
    Case(
        "teams:shift_edit",
        "the form editing a shift of commune A",
        at("teams:shift_edit", pk=the("shift_a")),
        STAFF_OF_A,
        post=done(STAFF_OF_A),
        data=lambda world: shift_data(
            world,
            starts_at=local_input(world.shift_a.starts_at),
            ends_at=local_input(world.shift_a.ends_at),
        ),
        writes=(Shift,),
    ),
    Case(
        "teams:shift_edit",
        "the form editing a shift of commune B",
        at("teams:shift_edit", pk=the("shift_b")),
        STAFF_OF_B,
    ),
    Case(
        "teams:shift_cancel",
        "cancelling a shift of commune A",
        at("teams:shift_cancel", pk=the("shift_a")),
        STAFF_POST_ONLY,
        post=done(STAFF_OF_A),
        data=no_data,
        writes=(Shift,),
    ),
    # Staffing.
    Case(
        "teams:assignment_new",
        "assigning a volunteer to commune A",
        at("teams:assignment_new"),
        STAFF,
        post=FORM_OF_A,
        data=lambda world: {
            "campaign": world.campaign_x.pk,
            "commune": world.commune_a.pk,
            "phone": world.newcomer.phone,
        },
        writes=(Assignment,),
    ),
    Case(
        "teams:assignment_import",
        "the assignment import for the campaign of Lang Son",
        at("teams:assignment_import"),
        ORGANISERS,
        post=(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, DONE, UNCHANGED, FORBIDDEN),
        data=assignments_upload,
        writes=(Assignment,),
    ),
    Case(
        "teams:place_on_shift",
        "placing volunteer A on a shift of commune A",
        at("teams:place_on_shift", pk=the("open_shift_a")),
        STAFF_POST_ONLY,
        post=done(STAFF_OF_A),
        data=lambda world: {"phone": world.volunteer_a.phone},
        writes=(ShiftSignup,),
    ),
    Case(
        "teams:report_import",
        "the report import with figures of commune A",
        at("teams:report_import"),
        STAFF,
        post=FORM_OF_A,
        data=reports_upload,
        writes=(CommuneReport,),
    ),
    # The volunteer's own pages.
    Case(
        "teams:shift_answer",
        "the shift link of volunteer A",
        lambda world: url_of("teams:shift_answer", shift_answer_kwargs(world)),
        PUBLIC,
        post=done(PUBLIC),
        data=lambda world: {"choice": "decline"},
        writes=(ShiftSignup,),
    ),
    Case(
        "teams:shift_answer",
        "the shift link with a wrong token",
        lambda world: url_of("teams:shift_answer", shift_answer_kwargs(world, valid=False)),
        NOBODY,
        post=NOBODY,
        data=lambda world: {"choice": "decline"},
        writes=(ShiftSignup,),
    ),
    Case("teams:my_shifts", "the volunteer's shifts", at("teams:my_shifts"), VOLUNTEER_ONLY),
    Case(
        "teams:my_shift_action",
        "confirming volunteer A's place",
        at("teams:my_shift_action", pk=the("signup_a")),
        SIGNED_IN_POST_ONLY,
        post=done(VOLUNTEER_ONLY),
        data=lambda world: {"action": "confirm"},
        writes=(ShiftSignup,),
    ),
    Case(
        "teams:my_shift_action",
        "confirming volunteer B's place",
        at("teams:my_shift_action", pk=the("signup_b")),
        None,
        post=SIGNED_IN_NOBODY,
        data=lambda world: {"action": "confirm"},
        writes=(ShiftSignup,),
    ),
    Case(
        "teams:take_shift",
        "taking an open shift of commune A",
        at("teams:take_shift", pk=the("open_shift_a")),
        SIGNED_IN_POST_ONLY,
        post=done(VOLUNTEER_ONLY),
        data=no_data,
        writes=(ShiftSignup,),
    ),
    Case(
        "teams:take_shift",
        "taking a shift of commune B",
        at("teams:take_shift", pk=the("shift_b")),
        None,
        # The volunteer is not assigned there: refused with the reason.
        post=VOLUNTEER_REFUSED,
        data=no_data,
        writes=(ShiftSignup,),
    ),
    # Calendar feeds.
    Case("teams:calendar_feeds", "the calendar links", at("teams:calendar_feeds"), SIGNED_IN),
    Case(
        "teams:calendar_feed_renew",
        "renewing the calendar link of commune A",
        at("teams:calendar_feed_renew"),
        SIGNED_IN_POST_ONLY,
        post=(LOGIN, NOT_FOUND, DONE, NOT_FOUND, DONE, NOT_FOUND, NOT_FOUND),
        data=lambda world: {"campaign": world.campaign_x.pk, "commune": world.commune_a.pk},
        writes=(CalendarFeed,),
    ),
    Case(
        "teams:calendar_feed_renew",
        "renewing one's own calendar link",
        at("teams:calendar_feed_renew"),
        None,
        post=done(VOLUNTEER_ONLY),
        data=no_data,
        writes=(CalendarFeed,),
    ),
    Case(
        "teams:calendar_feed",
        "the calendar feed of commune A",
        at("teams:calendar_feed", token=the("commune_feed", "token")),
        PUBLIC,
    ),
    Case(
        "teams:calendar_feed",
        "the calendar feed of volunteer A",
        at("teams:calendar_feed", token=the("volunteer_feed", "token")),
        PUBLIC,
    ),
    Case(
        "teams:calendar_feed",
        "a revoked calendar feed",
        at("teams:calendar_feed", token=the("revoked_feed", "token")),
        NOBODY,
    ),
    Case(
        "teams:calendar_feed",
        "a calendar feed with a wrong token",
        at("teams:calendar_feed", token=WRONG_TOKEN),
        NOBODY,
    ),
    # Volunteers' accounts.
    Case(
        "teams:account_activate",
        "the invitation link of a new volunteer",
        lambda world: url_of("teams:account_activate", world.activation),
        PUBLIC,
        post=done(PUBLIC),
        data=lambda world: NEW_PASSWORD,
        writes=(get_user_model(),),
    ),
    Case(
        "teams:account_activate",
        "an invitation link with a wrong token",
        lambda world: url_of(
            "teams:account_activate", {**world.activation, "token": "cv1234-" + "0" * 32}
        ),
        (GONE,) * 7,
        post=(GONE,) * 7,
        data=lambda world: NEW_PASSWORD,
        writes=(get_user_model(),),
    ),
    Case(
        "teams:account_reset",
        "asking for a reset code by SMS",
        at("teams:account_reset"),
        PUBLIC,
        post=done(PUBLIC),
        data=lambda world: {"phone": world.volunteer_a.phone},
        writes=(Message,),
    ),
    Case(
        "teams:account_reset_code",
        "a reset code that was never sent",
        at("teams:account_reset_code"),
        PUBLIC,
        post=(UNCHANGED,) * 7,
        data=lambda world: {"phone": world.volunteer_a.phone, "code": "000000", **NEW_PASSWORD},
        writes=(get_user_model(),),
    ),
    # The guides' search.
    Case("cms:search", "the search of guides", at("cms:search", query="q=vneid"), PUBLIC),
    # Help sessions.
    Case(
        "help_sessions:log",
        "the logging page with a log of commune A",
        at("help_sessions:log"),
        VOLUNTEER_ONLY,
        post=done(VOLUNTEER_ONLY),
        data=lambda world: log_form(world, world.commune_a),
        writes=(HelpSession,),
    ),
    Case(
        "help_sessions:log",
        "the logging page with a log of commune B",
        at("help_sessions:log"),
        None,
        post=VOLUNTEER_REFUSED,
        data=lambda world: log_form(world, world.commune_b),
        writes=(HelpSession,),
    ),
    Case(
        "help_sessions:log_correct",
        "the correction of volunteer A's log",
        at("help_sessions:log_correct", session_uuid=the("session_a", "uuid")),
        VOLUNTEER_ONLY,
        post=done(VOLUNTEER_ONLY),
        data=lambda world: {"services": "eid_account", "outcome": "partly_done", "minutes": 25},
        writes=(HelpSession,),
    ),
    Case(
        "help_sessions:log_correct",
        "the correction of volunteer B's log",
        at("help_sessions:log_correct", session_uuid=the("session_b", "uuid")),
        SIGNED_IN_NOBODY,
        post=SIGNED_IN_NOBODY,
        data=lambda world: {"services": "eid_account", "outcome": "partly_done", "minutes": 25},
        writes=(HelpSession,),
    ),
    Case(
        "help_sessions:manifest",
        "the logging page's web app manifest",
        at("help_sessions:manifest"),
        PUBLIC,
    ),
    Case(
        "help_sessions:service_worker",
        "the logging page's service worker",
        at("help_sessions:service_worker"),
        PUBLIC,
    ),
    Case(
        "help_sessions:session_list",
        "the list of help sessions",
        at("help_sessions:session_list"),
        STAFF,
        scoped=True,
    ),
    Case(
        "help_sessions:session_list",
        "the list of help sessions filtered to commune A",
        at("help_sessions:session_list", query=lambda world: f"commune={world.commune_a.pk}"),
        (LOGIN, FORBIDDEN, OK, INVALID, OK, INVALID, FORBIDDEN),
        scoped=True,
    ),
    Case(
        "help_sessions:session_export",
        "the export of help sessions",
        at("help_sessions:session_export", file_format="csv"),
        STAFF,
        scoped=True,
    ),
    Case(
        "help_sessions:session_export",
        "the export of commune A's help sessions",
        at(
            "help_sessions:session_export",
            file_format="xlsx",
            query=lambda world: f"commune={world.commune_a.pk}",
        ),
        (LOGIN, FORBIDDEN, OK, INVALID, OK, INVALID, FORBIDDEN),
    ),
    # The organisers' dashboard.
    Case(
        "help_sessions:dashboard_latest",
        "the latest dashboard",
        at("help_sessions:dashboard_latest"),
        STAFF,
    ),
    Case(
        "help_sessions:dashboard_national",
        "the national dashboard",
        at("help_sessions:dashboard_national"),
        STAFF,
        scoped=True,
    ),
    Case(
        "help_sessions:dashboard",
        "the dashboard of the campaign of Lang Son",
        at("help_sessions:dashboard", campaign_id=the("campaign_x")),
        STAFF_OF_X,
        scoped=True,
    ),
    Case(
        "help_sessions:dashboard",
        "the dashboard of commune A",
        at(
            "help_sessions:dashboard",
            campaign_id=the("campaign_x"),
            query=lambda world: f"commune={world.commune_a.pk}",
        ),
        (LOGIN, FORBIDDEN, OK, INVALID, OK, NOT_FOUND, FORBIDDEN),
        scoped=True,
    ),
    Case(
        "help_sessions:dashboard",
        "the dashboard of the campaign of Cao Bang",
        at("help_sessions:dashboard", campaign_id=the("campaign_y")),
        STAFF_OF_Y,
        scoped=True,
    ),
    Case(
        "help_sessions:weekly_report",
        "the weekly report of the campaign of Lang Son",
        at("help_sessions:weekly_report", campaign_id=the("campaign_x")),
        STAFF_OF_X,
        scoped=True,
    ),
    # A commune that is not yours in the weekly report's query is left out, not refused.
    Case(
        "help_sessions:weekly_report",
        "the weekly report of commune A",
        at(
            "help_sessions:weekly_report",
            campaign_id=the("campaign_x"),
            query=lambda world: f"commune={world.commune_a.pk}",
        ),
        STAFF_OF_X,
        scoped=True,
    ),
    Case(
        "help_sessions:dashboard_export",
        "the export of commune A's daily figures",
        at(
            "help_sessions:dashboard_export",
            campaign_id=the("campaign_x"),
            table="daily",
            file_format="xlsx",
            query=lambda world: f"commune={world.commune_a.pk}",
        ),
        (LOGIN, FORBIDDEN, OK, INVALID, OK, NOT_FOUND, FORBIDDEN),
    ),
    Case(
        "help_sessions:dashboard_export",
        "the export of the communes' progress in the campaign of Lang Son",
        at(
            "help_sessions:dashboard_export",
            campaign_id=the("campaign_x"),
            table="communes",
            file_format="csv",
        ),
        STAFF_OF_X,
        scoped=True,
    ),
    # Third-party groups, one route each.
    Case(
        "wagtailadmin_home",
        "the Wagtail admin",
        fixed("/admin/"),
        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, OK),
    ),
    # Editors may not manage locales: Wagtail sends them back to the admin's dashboard.
    Case(
        "wagtaillocales:index",
        "wagtail-localize's locales",
        fixed("/admin/locales/"),
        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, OK),
    ),
    Case("admin:index", "the Django admin", fixed("/django-admin/"), (LOGIN,) * 7),
    Case("wagtaildocs_serve", "a public document", lambda world: world.document.url, PUBLIC),
    Case(
        "set_language",
        "the language switch",
        fixed("/i18n/setlang/"),
        PUBLIC,
        post=PUBLIC,
        data=lambda world: {"language": "en", "next": "/"},
    ),
    Case("wagtail_serve", "the home page", fixed("/"), PUBLIC),
]

# Admin sites whose own templates are not held to our strict template settings.
ADMIN_GROUPS = {WAGTAIL_ADMIN, WAGTAIL_LOCALIZE, DJANGO_ADMIN}
THIRD_PARTY_GROUPS = {
    WAGTAIL_ADMIN,
    WAGTAIL_LOCALIZE,
    DJANGO_ADMIN,
    WAGTAIL_DOCUMENTS,
    LANGUAGE_SWITCH,
    WAGTAIL_PAGES,
}


# The matrix covers every route ----------------------------------------------------------


@functools.cache
def routes_by_name():
    return {route.name: route for route in all_routes() if route.name}


def test_every_route_of_ours_has_expectations_in_the_matrix():
    ours = [route for route in all_routes() if third_party_group(route) is None]
    unnamed = sorted(route.pattern for route in ours if not route.name)
    assert not unnamed, f"These routes have no name, so the matrix cannot list them: {unnamed}"
    listed = {case.route for case in MATRIX}
    missing = sorted(route.name for route in ours if route.name not in listed)
    assert not missing, f"These routes have no expectations in the matrix: {missing}"


def test_the_matrix_names_only_routes_that_exist():
    known = routes_by_name()
    unknown = sorted({case.route for case in MATRIX} - set(known))
    assert not unknown, f"The matrix names routes the resolver does not know: {unknown}"


def test_every_third_party_group_is_represented_by_a_route_of_its_own():
    known = routes_by_name()
    groups_found = {third_party_group(route) for route in all_routes()} - {None}
    assert groups_found == THIRD_PARTY_GROUPS, "The third-party groups of routes changed."
    represented = {third_party_group(known[case.route]) for case in MATRIX} - {None}
    assert represented == THIRD_PARTY_GROUPS, (
        f"These groups have no route in the matrix: {sorted(THIRD_PARTY_GROUPS - represented)}"
    )


def test_every_case_gives_one_outcome_per_role():
    for case in MATRIX:
        for row in (case.get, case.post):
            assert row is None or len(row) == len(ROLES), f"{case.what}: one outcome per role"
        assert case.get or case.post, f"{case.what}: a GET or a POST"
        assert case.post is None or case.data is not None, f"{case.what}: a POST needs data"
        writing = case.post and {DONE, UNCHANGED} & set(case.post)
        assert not writing or case.writes, f"{case.what}: say which models a POST may change"


# Asking -------------------------------------------------------------------------------


def sentence(role, verb, case, outcome):
    return f"{ROLE_NAMES[role]} {verb} {case.what} {OUTCOME_PHRASES[outcome]}"


def cases(method):
    params = []
    for case in MATRIX:
        row = case.get if method == "get" else case.post
        if row is None:
            continue
        verb = "getting" if method == "get" else "posting to"
        for role, outcome in zip(ROLES, row, strict=True):
            # Wagtail's own templates (its admin, the userbar it adds to pages for
            # editors) leave optional variables undefined.
            marks = (
                [pytest.mark.ignore_template_errors]
                if role == EDITOR and case.route.startswith("wagtail")
                else []
            )
            params.append(
                pytest.param(
                    case, role, outcome, id=sentence(role, verb, case, outcome), marks=marks
                )
            )
    return params


def client_for(world, role):
    """A browser signed in as `role`, with the session made when the world was built."""
    client = Client()
    if role in world.session_keys:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.session_keys[role]
    return client


def described(response):
    where = f" to {response['Location']}" if response.has_header("Location") else ""
    return f"{response.status_code}{where}"


def markers_of(world, commune):
    """Texts that only someone who may see `commune` ("a" or "b") should be shown."""
    volunteer = getattr(world, f"volunteer_{commune}")
    texts = [
        getattr(world, f"commune_{commune}").name,
        getattr(world, f"team_{commune}").name,
        getattr(world, f"broadcast_{commune}").text,
        volunteer.full_name,
        volunteer.phone,
        str(getattr(world, f"session_{commune}").uuid),
        getattr(world, f"import_job_{commune}").original_name,
    ]
    # As JSON writes them, too.
    return texts + [json.dumps(text)[1:-1] for text in texts]


HIDDEN_COMMUNES = {
    ANONYMOUS: ("a", "b"),
    VOLUNTEER: ("b",),
    COORDINATOR_A: ("b",),
    COORDINATOR_B: ("a",),
    ORGANISER_X: (),
    ORGANISER_Y: ("a", "b"),
    EDITOR: ("a", "b"),
}


def shown_to_whom_it_should_not_be(world, role, body: bytes):
    text = body.decode(errors="replace")
    return [
        marker
        for commune in HIDDEN_COMMUNES[role]
        for marker in markers_of(world, commune)
        if marker in text
    ]


# Test storage keeps files in memory, which Wagtail cannot stream from a path: it
# redirects to the storage's address instead, after the same permission checks.
@override_settings(WAGTAILDOCS_SERVE_METHOD="redirect")
@pytest.mark.parametrize(("case", "role", "expected"), cases("get"))
def test_each_role_gets_each_page_as_the_matrix_says(world, db, case, role, expected):
    response = client_for(world, role).get(case.url(world))
    body = body_of(response)
    outcome = outcome_of(response)
    assert outcome == expected, (
        f"Expected that {sentence(role, 'getting', case, expected)}, "
        f"but the answer was {described(response)}."
    )
    admin = third_party_group(routes_by_name()[case.route]) in ADMIN_GROUPS
    if outcome == OK and not admin and "html" in response.get("Content-Type", ""):
        assert MISSING not in body, f"{case.what} renders a template variable that is missing"
    if outcome == OK and case.scoped:
        leaked = shown_to_whom_it_should_not_be(world, role, body)
        assert not leaked, f"{ROLE_NAMES[role]} is shown {leaked} on {case.what}"


@pytest.mark.parametrize(
    "route",
    [
        "teams:team_list",
        "teams:volunteer_list",
        "teams:message_log",
        "help_sessions:session_list",
        "api-v1:list_sessions",
    ],
)
def test_the_leak_check_sees_commune_a_where_its_organiser_looks(world, db, route):
    """The check above would notice a leak: these pages show commune A's markers to
    someone who may see them."""
    case = next(case for case in MATRIX if case.route == route)
    body = body_of(client_for(world, ORGANISER_X).get(case.url(world))).decode()
    assert any(marker in body for marker in markers_of(world, "a")), case.what


def fingerprint(models):
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in models}


@pytest.mark.parametrize(("case", "role", "expected"), cases("post"))
def test_each_role_posting_to_each_page_changes_only_what_the_matrix_allows(
    world, db, case, role, expected
):
    client = client_for(world, role)
    data = case.data(world)
    before = fingerprint(case.writes)
    if case.as_json:
        response = client.post(case.url(world), json.dumps(data), content_type="application/json")
    else:
        response = client.post(case.url(world), data)
    body_of(response)
    outcome = outcome_of(response)
    changed = fingerprint(case.writes) != before
    happened = outcome
    if expected in (DONE, UNCHANGED) and outcome in (OK, INVALID):
        happened = DONE if changed else UNCHANGED
    assert happened == expected, (
        f"Expected that {sentence(role, 'posting to', case, expected)}, but the answer was "
        f"{described(response)} and the data {'changed' if changed else 'did not change'}."
    )
    if expected not in (DONE, OK):
        assert not changed, f"{ROLE_NAMES[role]} was refused {case.what}, yet the data changed"
