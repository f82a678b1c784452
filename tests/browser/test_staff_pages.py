"""Every page of the signed-in site, for each role that uses it (config/pages_by_role.py),
on a 360 px phone: nothing wider than the screen, WCAG 2.1 AA as axe-core checks it,
and no English word of the interface on a page in Vietnamese.

The small world the pages show is built once for this file, and every page its tests
ask about is opened once, before the first test (the database is emptied after each
test that uses the live server): each role signs in once, in a browser context of its
own, and the three checks read what was seen.
"""

import importlib
import re
import uuid
from contextlib import contextmanager, nullcontext
from datetime import datetime, time, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.utils import timezone
from wagtail.admin.models import EditingSession
from wagtail.models import GroupPagePermission, Locale, Page

from campaign import audit
from campaign import demo as campaign_demo
from campaign.demo import DEMO_PASSWORD
from campaign.divisions import load_divisions
from campaign.models import (
    Campaign,
    CampaignCommune,
    CommuneReport,
    Province,
    ReadinessCheck,
    ReadinessCriterion,
)
from cms.models import GuideIndexPage, GuidePage, HomePage, Topic
from cms.wagtail_hooks import WCAG_21_AA
from config.pages_by_role import ACCOUNTS, PAGES, Scope
from sessions.recording import record_sessions
from teams.broadcasts.sending import record_and_send
from teams.models import Assignment, Membership, Shift, Team, Volunteer
from teams.registry import import_jobs
from teams.rota.signups import sign_up

WIDTH = 360
LANG_SON = "20"

# Words of English that show an untranslated interface; data (names, places, messages)
# is Vietnamese and rarely holds them. Compared word by word, case and all.
ENGLISH = frozenset(
    "the and of or with for your you Save Search search Next Previous Page page Add Delete "
    "Edit Submit Filter Download Upload Yes No None Cancel Back Show Send Remove Create "
    "New Forbidden Not Found Error Sign Help Settings Pages Images Documents".split()
)

# The checks a page fails today, (check, role, page): reason. Each is expected to fail
# (strictly) until it is mended; a page that passes its check then fails the test until
# its line here goes, so that it is checked from then on.
EXPECTED_TO_FAIL: dict[tuple[str, str, str], str] = {}


# The world ------------------------------------------------------------------------------


def local(day, hour):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def restore_what_migrations_made():
    """A database emptied by an earlier browser test lacks what migrations made: the
    home pages and sections, the service catalogue and Wagtail's groups."""
    Locale.objects.get_or_create(language_code="vi")
    Locale.objects.get_or_create(language_code="en")
    if not HomePage.objects.exists():
        if not Page.get_first_root_node():
            Page.add_root(instance=Page(title="Root", slug="root", locale=Locale.get_default()))
        importlib.import_module("cms.migrations.0002_create_home_pages").create_home_pages(
            apps, schema_editor=None
        )
    importlib.import_module("cms.migrations.0004_sections_and_review_workflow").create_sections(
        apps, schema_editor=None
    )
    importlib.import_module("campaign.migrations.0004_service_catalogue_and_audit").add_catalogue(
        apps, schema_editor=None
    )
    importlib.import_module("campaign.migrations.0010_indicator_defaults").add_defaults(
        apps, schema_editor=None
    )
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    root = Page.get_first_root_node()
    for name, kinds in (
        ("Editors", ["add", "change"]),
        ("Moderators", ["add", "change", "publish"]),
    ):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(access_admin)
        for kind in kinds:
            permission = Permission.objects.get(
                content_type__app_label="wagtailcore", codename=f"{kind}_page"
            )
            GroupPagePermission.objects.get_or_create(
                group=group, page=root, permission=permission
            )
    cache.clear()  # Wagtail caches the site's root paths


def a_guide():
    """A guide of one step, published: what the page editor shows."""
    guide = GuidePage(
        title="Tạo và kích hoạt tài khoản VNeID mức 2",
        slug="tao-va-kich-hoat-tai-khoan-vneid",
        summary="Tài khoản định danh điện tử giúp bạn làm thủ tục trên điện thoại.",
        topic=Topic.E_ID,
        last_reviewed=timezone.localdate(),
        steps=[
            {
                "type": "step",
                "value": {
                    "heading": "Cài ứng dụng VNeID",
                    "text": "Tải ứng dụng VNeID của Bộ Công an từ kho ứng dụng.",
                    "image": {"image": None, "alt_text": "", "decorative": False},
                },
            }
        ],
    )
    GuideIndexPage.objects.get(locale__language_code="vi").add_child(instance=guide)
    guide.save_revision().publish()


def accounts():
    """The demo accounts of every role, by role."""
    campaign_demo.seed(stdout=None)
    reviewer = get_user_model().objects.create_user(
        "reviewer", password=DEMO_PASSWORD, first_name="Hà Thị Thảo"
    )
    reviewer.groups.add(Group.objects.get(name="Moderators"))
    return {role: get_user_model().objects.get(username=name) for role, name in ACCOUNTS.items()}


def a_campaign(province, commune):
    """A running campaign of every commune, with a readiness checklist and one report."""
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name="45 ngày đêm hỗ trợ chuyển đổi số",
        province=province,
        start=today - timedelta(days=5),
        status=Campaign.Status.ACTIVE,
        sms_brand="SỞ TT&TT LẠNG SƠN",
        description="Tổ công nghệ số cộng đồng hỗ trợ người dân dùng dịch vụ công trực tuyến.",
    )
    campaign.add_all_communes()
    for position, text in enumerate(["Có wifi miễn phí", "Có máy tính cho người dân"], 1):
        criterion = ReadinessCriterion.objects.create(
            campaign=campaign, position=position, text=text
        )
    cc = CampaignCommune.objects.get(campaign=campaign, commune=commune)
    ReadinessCheck.objects.create(campaign_commune=cc, criterion=criterion, met_on=today)
    CommuneReport.objects.create(
        campaign_commune=cc,
        period_start=campaign.start,
        period_end=today - timedelta(days=1),
        applications_received=120,
        applications_online=30,
    )
    return campaign


def a_team(campaign, commune, volunteer_account):
    """A team of three assigned to the campaign, the first of them the demo volunteer."""
    team = Team.objects.create(
        commune=commune, name="Tổ công nghệ số cộng đồng 1", village="Thôn 1"
    )
    people = [
        Volunteer.objects.create(
            full_name=name, phone=phone, home_commune=commune, user=user, organisation="Đoàn xã"
        )
        for name, phone, user in (
            ("Lương Thu Hà", "+84912000001", volunteer_account),
            ("Nông Văn Sơn", "+84912000002", None),
            ("Hoàng Thị Mai", "+84912000003", None),
        )
    ]
    for person, role in zip(people, Membership.Role.values, strict=True):
        Membership.objects.create(team=team, volunteer=person, role=role)
        Assignment.objects.create(volunteer=person, campaign=campaign, commune=commune)
    return team, people


def a_week_of_shifts(campaign, commune):
    """A shift a day this week, each short of people, and one tomorrow afternoon."""
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    starts = [local(monday + timedelta(days=day), 7) for day in range(7)]
    starts.append(local(today + timedelta(days=1), 13))
    return [
        Shift.objects.create(
            campaign=campaign,
            commune=commune,
            place="Bộ phận một cửa",
            starts_at=start,
            ends_at=start + timedelta(hours=4),
        )
        for start in starts
    ]


def build_world():
    """The demo accounts, and a little of everything their pages show, in the first of
    the coordinator's communes."""
    load_divisions([LANG_SON])
    restore_what_migrations_made()
    users = accounts()
    a_guide()
    province = Province.objects.get(code=LANG_SON)
    commune = province.communes.order_by("code").first()
    campaign = a_campaign(province, commune)
    team, people = a_team(campaign, commune, users["volunteer"])
    tomorrow = a_week_of_shifts(campaign, commune)[-1]
    sign_up(people[0], tomorrow)
    audit.record_change(tomorrow, "created", actor=users["organiser"])
    record_sessions(
        people[0],
        [
            {
                "uuid": str(uuid.uuid4()),
                "commune": commune.code,
                "helped_at": (timezone.now() - timedelta(minutes=minutes)).isoformat(),
                "minutes": 10,
                "services": [service],
                "outcome": "done",
            }
            for minutes, service in ((40, "eid_account"), (20, "online_application"))
        ],
    )
    record_and_send(
        user=users["coordinator"],
        target=team,
        text="Nhắc lịch: tập huấn cài đặt VNeID lúc 8:00 thứ Bảy tại nhà văn hóa.",
        brand="SỞ TT&TT LẠNG SƠN",
        without_diacritics=False,
        form_token=uuid.uuid4(),
        campaign=campaign,
    )
    import_jobs.preview(
        user=users["coordinator"],
        province=province,
        filename="to-cong-nghe-so.csv",
        content=(
            "commune_code,team,full_name,phone,role\n"
            f"{commune.code},Tổ công nghệ số cộng đồng 2,Lò Văn Mới,0912000111,member\n"
        ).encode(),
        skip_invalid=False,
    )
    return users


# What the checks look at ----------------------------------------------------------------


def only_this_machine(route):
    host = route.request.url.split("/")[2].split(":")[0]
    if host in ("127.0.0.1", "localhost"):
        route.continue_()
    else:
        route.abort("blockedbyclient")


# Sticking out of a 360 px screen: the elements wider than the screen whose parent is
# not, outside any box that scrolls or clips on its own.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const sticksOut = (el) => el.getBoundingClientRect().right > width + 0.5;
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.classList.length ? "." + [...el.classList].join(".") : "");
  return {
    overflow: document.documentElement.scrollWidth - width,
    culprits: [...document.body.querySelectorAll("*")]
      .filter((el) => sticksOut(el) && !sticksOut(el.parentElement) && !clipped(el))
      .slice(0, 8)
      .map((el) => `${name(el)} (${Math.round(el.getBoundingClientRect().right)} px): ` +
        (el.innerText || el.value || "").trim().slice(0, 40)),
  };
}"""

# The interface's words: visible text and the attributes people read or hear, outside
# what holds data (code, form values, the cells of data tables, text marked as not to be
# translated) and outside text in another language on purpose (the language switch).
INTERFACE_TEXT = """() => {
  const data = "script, style, template, code, pre, textarea, select, [translate=no], " +
    "[lang]:not([lang|=vi]), table.data td, [contenteditable=true]";
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || el.closest(data) || !el.checkVisibility()) continue;
    texts.push(node.textContent.trim());
  }
  for (const el of document.body.querySelectorAll(
      "[placeholder], [aria-label], [title], img[alt], input[type=submit][value]")) {
    if (el.closest(data) || !el.checkVisibility()) continue;
    for (const attribute of ["placeholder", "aria-label", "title", "alt", "value"]) {
      if (el.hasAttribute(attribute) && (attribute !== "value" || el.type === "submit")) {
        texts.push(el.getAttribute(attribute));
      }
    }
  }
  return texts;
}"""


@contextmanager
def lenient_templates():
    """What pytest-django's ignore_template_errors does for a test, for a block: Wagtail's
    admin templates leave optional variables undefined."""
    marker = settings.TEMPLATES[0]["OPTIONS"].get("string_if_invalid")
    failing = getattr(marker, "fail", None)
    if failing is not None:
        marker.fail = False
    try:
        yield
    finally:
        if failing is not None:
            marker.fail = failing


def look(context, address, *, with_axe=True) -> dict:
    """Open `address` and keep what the three checks look at."""
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        response = page.goto(address)
        page.wait_for_load_state("networkidle")
        return {
            "address": address,
            "status": response.status,
            "lang": page.locator("html").get_attribute("lang"),
            "overflow": page.evaluate(OVERFLOW),
            "axe": with_axe
            and Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}}),
            "texts": page.evaluate(INTERFACE_TEXT),
        }
    finally:
        page.close()


def sign_in(browser, base_url, role):
    """A browser context of `role`, signed in, on a 360 px screen."""
    context = browser.new_context(
        base_url=base_url, locale="vi-VN", viewport={"width": WIDTH, "height": 800}
    )
    context.route("**/*", only_this_machine)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(ACCOUNTS[role])
    page.locator("#id_password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")
    assert "/accounts/login/" not in page.url, f"{role} could not sign in"
    page.close()
    return context


def asked_for(session) -> dict:
    """(role, page): the names of the tests of this file that this run collected for it."""
    asked = {}
    for item in session.items:
        if item.module.__name__ == __name__:
            key = (item.callspec.params["role"], item.callspec.params["name"])
            asked.setdefault(key, set()).add(item.originalname)
    return asked


@pytest.fixture(scope="module")
def seen(request, browser, live_server, django_db_setup, django_db_blocker):
    """Every page the tests of this run ask about, opened once, in one browser context
    per role, before the first test: the database is emptied after each test."""
    asked = asked_for(request.session)
    results = {}
    with django_db_blocker.unblock():
        users = build_world()
        for role in ACCOUNTS:
            pages = [page for page in PAGES if (role, page.name) in asked]
            if not pages:
                continue
            scope = Scope(users[role])
            # Nobody else has a page open in the CMS: Wagtail shows another person's
            # avatar there as a button without a name (its own markup).
            EditingSession.objects.all().delete()
            context = sign_in(browser, live_server.url, role)
            for page in pages:
                address = page.address(scope)
                assert address, f"the world holds nothing for {page.name} to show"
                with_axe = "test_the_page_passes_axe_at_wcag_21_aa" in asked[role, page.name]
                with lenient_templates() if page.name.startswith("cms-") else nullcontext():
                    results[role, page.name] = look(context, address, with_axe=with_axe)
            context.close()
    return results


def parametrize(check):
    """(role, page) for every page of every role, with the failures expected today."""
    params = [
        pytest.param(
            role,
            page.name,
            id=f"{role}-{page.name}",
            marks=[pytest.mark.xfail(strict=True, reason=EXPECTED_TO_FAIL[key])]
            if (key := (check, role, page.name)) in EXPECTED_TO_FAIL
            else [],
        )
        for role in ACCOUNTS
        for page in PAGES
        if role in page.roles
    ]
    return pytest.mark.parametrize(("role", "name"), params)


# The checks -----------------------------------------------------------------------------


@parametrize("overflow")
def test_the_page_fits_a_360_px_screen(seen, role, name):
    page = seen[role, name]
    assert page["status"] == 200
    assert page["overflow"]["overflow"] <= 0, "\n".join(
        [f"{page['address']} is wider than the screen:", *page["overflow"]["culprits"]]
    )


@parametrize("axe")
def test_the_page_passes_axe_at_wcag_21_aa(seen, role, name):
    page = seen[role, name]
    assert page["axe"].violations_count == 0, page["axe"].generate_report()


@parametrize("english")
def test_the_page_speaks_vietnamese(seen, role, name):
    page = seen[role, name]
    assert page["lang"] == "vi"
    english = sorted(
        {
            text
            for text in page["texts"]
            if any(word in ENGLISH for word in re.findall(r"\w+", text))
        }
    )
    assert not english, "\n".join([f"English on {page['address']}:", *english])
