"""How the permission matrix is written: a Case per way of asking for a route, the
helpers that name its address, the usual outcome shapes (one outcome per role) and the
data each POST sends."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from campaign.models import Campaign, Indicator
from notifications import segments
from sessions.models import HelpSession
from teams.broadcasts.views import preview_key
from tests.permissions.world import (
    DONE,
    FORBIDDEN,
    LOGIN,
    MEMBERS_CSV,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    UNCHANGED,
    url_of,
)

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
    """The targets page with a citizens target for every commune of campaign X."""
    citizens = Indicator.objects.get(code="citizens_helped")
    data = {"criteria": "Có wifi tại điểm hỗ trợ\nCó máy in"}
    for row in world.campaign_x.campaign_communes.all():
        data[f"t_{row.pk}_{citizens.pk}"] = 500
    return data


def unchanged_targets_data(world, *, other_row=None, other_indicator=None):
    """The targets page posted as it is shown (no target set), but for a crafted field:
    a target for a row of another campaign, or for another province's indicator."""
    data = {"criteria": world.criterion.text}
    citizens = Indicator.objects.get(code="citizens_helped")
    if other_row is not None:
        data[f"t_{other_row.pk}_{citizens.pk}"] = 7
    if other_indicator is not None:
        first = world.campaign_x.campaign_communes.order_by("pk").first()
        data[f"t_{first.pk}_{other_indicator.pk}"] = 7
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
