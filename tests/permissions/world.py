"""The permission matrix's machinery: the routes the URL resolver knows, the roles that
ask for them, one world of objects the routes name, and what an answer counts as.

The expectations themselves are in tests/permissions/cases_*.py, written with the shapes
of tests/permissions/shapes.py; the tests in tests/permissions/test_permission_matrix.py.
"""

import io
import uuid
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.files.images import ImageFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from wagtail.documents.models import Document

from campaign.divisions import load_divisions
from campaign.models import (
    Campaign,
    CampaignCommune,
    CommuneReport,
    Province,
    ReadinessCriterion,
    Role,
)
from notifications.links import opt_out_token
from sessions.recording import record_sessions
from teams.broadcasts import sending as broadcasts
from teams.models import (
    Assignment,
    CalendarFeed,
    Membership,
    Shift,
    ShiftSignup,
    Team,
    Volunteer,
)
from teams.registry import import_jobs
from teams.registry.accounts import account_for
from teams.rota.calendars import live_feed
from teams.rota.links import shift_token

LANG_SON = "20"
CAO_BANG = "04"
PASSWORD = "correct horse battery staple"

# Routes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One URL pattern: its full name, its pattern as the resolver spells it, and the
    module of its view."""

    name: str | None
    pattern: str
    module: str


def _walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            module = getattr(entry.callback, "__module__", "") or ""
            # A view bound with functools.partial (ninja's OpenAPI document) names its function.
            module = getattr(getattr(entry.callback, "func", None), "__module__", module)
            yield Route(name, prefix + str(entry.pattern), module)


def all_routes() -> list[Route]:
    """Every URL pattern, walked recursively through includes, namespaces, ninja's API
    and i18n_patterns (whose English copies are the same patterns under a prefix)."""
    return list(_walk(get_resolver().url_patterns))


# Third-party groups of routes: each is represented in the matrix by one route.
WAGTAIL_ADMIN = "the Wagtail admin"
WAGTAIL_LOCALIZE = "wagtail-localize"
DJANGO_ADMIN = "the Django admin"
WAGTAIL_DOCUMENTS = "Wagtail documents"
LANGUAGE_SWITCH = "the language switch"
WAGTAIL_PAGES = "Wagtail's page serving"

_WAGTAIL_PAGE_NAMES = {
    "wagtail_serve",
    "wagtailcore_login",
    "wagtailcore_authenticate_with_password",
}


# A view from one of these is ours wherever it is mounted, under /admin/ too.
OUR_PACKAGES = {"campaign", "teams", "sessions", "notifications", "cms", "config"}


def third_party_group(route: Route) -> str | None:
    """The third-party group a route belongs to, or None for one of ours."""
    if route.module.split(".")[0] in OUR_PACKAGES:
        return None
    if route.module.startswith("wagtail_localize"):
        return WAGTAIL_LOCALIZE
    if route.pattern.startswith("admin/"):
        return WAGTAIL_ADMIN
    if route.pattern.startswith("django-admin/"):
        return DJANGO_ADMIN
    if route.pattern.startswith("documents/"):
        return WAGTAIL_DOCUMENTS
    if route.pattern.startswith("i18n/"):
        return LANGUAGE_SWITCH
    if route.name in _WAGTAIL_PAGE_NAMES:
        return WAGTAIL_PAGES
    return None


# Roles --------------------------------------------------------------------------------

ANONYMOUS = "anonymous"
VOLUNTEER = "volunteer"
COORDINATOR_A = "coordinator_a"
COORDINATOR_B = "coordinator_b"
ORGANISER_X = "organiser_x"
ORGANISER_Y = "organiser_y"
EDITOR = "editor"

ROLES = [ANONYMOUS, VOLUNTEER, COORDINATOR_A, COORDINATOR_B, ORGANISER_X, ORGANISER_Y, EDITOR]
ROLE_NAMES = {
    ANONYMOUS: "an anonymous visitor",
    VOLUNTEER: "the volunteer of commune A",
    COORDINATOR_A: "the coordinator of commune A",
    COORDINATOR_B: "the coordinator of commune B",
    ORGANISER_X: "the organiser of Lang Son",
    ORGANISER_Y: "the organiser of Cao Bang",
    EDITOR: "the editor",
}

# Outcomes -----------------------------------------------------------------------------

OK = "ok"  # 2xx, or a redirect that is not to a sign-in page
LOGIN = "login"  # a redirect to a sign-in page, or 401 from the API
FORBIDDEN = "forbidden"  # 403
NOT_FOUND = "not_found"  # 404
NOT_ALLOWED = "not_allowed"  # 405: the method is not accepted
GONE = "gone"  # 410: a link that no longer works
INVALID = "invalid"  # 400
# For a POST: answered (2xx, 400, or a redirect not to sign-in) and ...
DONE = "done"  # ... something was written
UNCHANGED = "unchanged"  # ... nothing was written

OUTCOME_PHRASES = {
    OK: "is answered",
    LOGIN: "is sent to sign in",
    FORBIDDEN: "is forbidden",
    NOT_FOUND: "is not found",
    NOT_ALLOWED: "is not allowed that method",
    GONE: "is told the link is gone",
    INVALID: "is refused as invalid",
    DONE: "is done",
    UNCHANGED: "is answered and changes nothing",
}

SIGN_IN_PAGES = {"/accounts/login/", "/admin/login/", "/django-admin/login/"}
_STATUSES = {400: INVALID, 401: LOGIN, 403: FORBIDDEN, 404: NOT_FOUND, 405: NOT_ALLOWED, 410: GONE}


def outcome_of(response) -> str:
    """What an answer counts as; any other status is named by its number."""
    status = response.status_code
    if 300 <= status < 400:
        return LOGIN if urlsplit(response["Location"]).path in SIGN_IN_PAGES else OK
    if 200 <= status < 300:
        return OK
    return _STATUSES.get(status, f"status {status}")


def body_of(response) -> bytes:
    """The whole body, a streamed one read to its end (which runs its generator)."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


# The world ----------------------------------------------------------------------------


@dataclass
class World:
    """Everything the routes take as ids or tokens, in commune A and commune B of
    Lạng Sơn (province X) and in Cao Bằng (province Y)."""

    users: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)
    # A signed-in session per role, made once: tests set its cookie.
    session_keys: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


def _local(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _user(username, kind=None, province=None, communes=()):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    if kind:
        role = Role.objects.create(user=user, kind=kind, province=province)
        role.communes.set(communes)
    return user


def _help_session(volunteer, commune):
    item = {
        "uuid": str(uuid.uuid4()),
        "commune": commune.code,
        "helped_at": timezone.localtime(timezone.now() - timedelta(minutes=30)).isoformat(),
        "minutes": 15,
        "services": ["eid_account"],
        "outcome": "done",
    }
    [result] = record_sessions(volunteer, [item])
    assert result.status == "created", result.errors
    return volunteer.help_sessions.get(uuid=result.uuid)


MEMBERS_CSV = (
    "commune_code,team,full_name,phone,role\n{code},Tổ mới,Lò Văn Mới,0912000111,member\n"
)


def build_world() -> World:
    load_divisions([LANG_SON, CAO_BANG])
    world = World()
    o = world.objects
    o["lang_son"] = Province.objects.get(code=LANG_SON)
    o["cao_bang"] = Province.objects.get(code=CAO_BANG)
    commune_a, commune_b = o["lang_son"].communes.order_by("code")[:2]
    o["commune_a"], o["commune_b"] = commune_a, commune_b

    world.users = {
        VOLUNTEER: _user("volunteer", Role.Kind.VOLUNTEER),
        COORDINATOR_A: _user("coordinator-a", Role.Kind.COORDINATOR, o["lang_son"], [commune_a]),
        COORDINATOR_B: _user("coordinator-b", Role.Kind.COORDINATOR, o["lang_son"], [commune_b]),
        ORGANISER_X: _user("organiser-x", Role.Kind.ORGANISER, o["lang_son"]),
        ORGANISER_Y: _user("organiser-y", Role.Kind.ORGANISER, o["cao_bang"]),
        EDITOR: _user("editor", Role.Kind.EDITOR),
    }
    world.users[EDITOR].groups.add(Group.objects.get(name="Editors"))

    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    for key, province, brand in (
        ("campaign_x", o["lang_son"], "SO TTTT LANG SON"),
        ("campaign_y", o["cao_bang"], "SO TTTT CAO BANG"),
    ):
        campaign = Campaign.objects.create(
            name=f"45 ngày đêm {province.name}",
            province=province,
            start=today - timedelta(days=10),
            status=Campaign.Status.ACTIVE,
            sms_brand=brand,
        )
        campaign.add_all_communes()
        o[key] = campaign
    campaign = o["campaign_x"]
    o["criterion"] = ReadinessCriterion.objects.create(
        campaign=campaign, position=1, text="Có wifi tại điểm hỗ trợ"
    )
    for suffix, commune in (("a", commune_a), ("b", commune_b)):
        o[f"report_{suffix}"] = CommuneReport.objects.create(
            campaign_commune=CampaignCommune.objects.get(campaign=campaign, commune=commune),
            period_start=campaign.start,
            period_end=campaign.start + timedelta(days=2),
            applications_received=10,
            applications_online=4,
        )

    # Volunteers: A works in commune A (and is the volunteer role), B in commune B.
    o["volunteer_a"] = Volunteer.objects.create(
        full_name="Nông Thị Mai",
        phone="+84912000001",
        home_commune=commune_a,
        user=world.users[VOLUNTEER],
    )
    o["volunteer_b"] = Volunteer.objects.create(
        full_name="Hoàng Văn Hòa",
        phone="+84912000002",
        home_commune=commune_b,
        user=_user("volunteer-b", Role.Kind.VOLUNTEER),
    )
    # Invited by SMS and not signed in yet: the activation link works.
    o["newcomer"] = Volunteer.objects.create(
        full_name="Lương Thị Mới", phone="+84912000003", home_commune=commune_a
    )
    newcomer = account_for(o["newcomer"])
    o["activation"] = {
        "uidb64": urlsafe_base64_encode(force_bytes(newcomer.pk)),
        "token": default_token_generator.make_token(newcomer),
    }
    for suffix, commune in (("a", commune_a), ("b", commune_b)):
        volunteer = o[f"volunteer_{suffix}"]
        Assignment.objects.create(volunteer=volunteer, campaign=campaign, commune=commune)
        team = Team.objects.create(commune=commune, name=f"Tổ công nghệ số {suffix.upper()}")
        o[f"team_{suffix}"] = team
        o[f"membership_{suffix}"] = Membership.objects.create(team=team, volunteer=volunteer)
        shift = Shift.objects.create(
            campaign=campaign,
            commune=commune,
            place="Trung tâm phục vụ hành chính công",
            starts_at=_local(tomorrow, 8),
            ends_at=_local(tomorrow, 11, 30),
        )
        o[f"shift_{suffix}"] = shift
        o[f"signup_{suffix}"] = ShiftSignup.objects.create(
            shift=shift, volunteer=volunteer, status=ShiftSignup.Status.INVITED
        )
        o[f"session_{suffix}"] = _help_session(volunteer, commune)
        o[f"broadcast_{suffix}"], _created = broadcasts.record_and_send(
            user=world.users[ORGANISER_X],
            target=team,
            text=f"Họp tổ {suffix.upper()} lúc 8 giờ",
            brand="Digihelp",
            without_diacritics=False,
            form_token=uuid.uuid4(),
        )
    # A shift of commune A with places left that volunteer A has not taken.
    o["open_shift_a"] = Shift.objects.create(
        campaign=campaign,
        commune=commune_a,
        place="Nhà văn hóa thôn",
        starts_at=_local(tomorrow, 14),
        ends_at=_local(tomorrow, 17),
    )
    o["message_a"] = broadcasts.messages_of(o["broadcast_a"]).get()
    for suffix, commune, uploader in (
        ("a", commune_a, COORDINATOR_A),
        ("b", commune_b, COORDINATOR_B),
    ):
        o[f"import_job_{suffix}"] = import_jobs.preview(
            user=world.users[uploader],
            province=o["lang_son"],
            filename=f"doi-moi-{suffix}.csv",
            content=MEMBERS_CSV.format(code=commune.code).encode(),
            skip_invalid=False,
        )
    o["volunteer_feed"] = live_feed(volunteer=o["volunteer_a"])
    o["revoked_feed"] = CalendarFeed.objects.create(
        volunteer=o["volunteer_b"], revoked_at=timezone.now()
    )
    o["commune_feed"] = live_feed(commune_id=commune_a.pk, campaign_id=campaign.pk)
    o["document"] = Document.objects.create(
        title="Danh sách chuẩn bị", file=ImageFile(io.BytesIO(b"ok"), name="chuan-bi.txt")
    )
    return world


# Signed links -------------------------------------------------------------------------

# Shaped like a real token (11 characters), but the signature of no id here.
WRONG_TOKEN = "AAAAAAAAAAA"


def shift_answer_kwargs(world, *, valid=True):
    signup = world.signup_a
    return {"pk": signup.pk, "token": shift_token(signup.pk) if valid else WRONG_TOKEN}


def opt_out_kwargs(world, *, valid=True):
    message = world.message_a
    token = opt_out_token(message.pk) if valid else WRONG_TOKEN
    return {"message_id": message.pk, "token": token}


def url_of(name, kwargs=None, query=""):
    url = reverse(name, kwargs=kwargs or None)
    return f"{url}?{query}" if query else url
