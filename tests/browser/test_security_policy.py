"""The content security policy in a real browser: our pages and the admin's run with
nothing refused, and the logging page waits as long as a 429 asks."""

import importlib
import logging
import time
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.translation import gettext
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed

from campaign.models import Campaign, Role
from cms.models import GuidePage, TrainingModulePage
from cms.seeding import seed_guides
from teams.models import Assignment, Volunteer

pytestmark = pytest.mark.usefixtures("home_pages", "service_catalogue")
PASSWORD = "correct horse battery staple"
VIDEO = "https://www.youtube.com/watch?v=aqz-KE-bpKQ"
# Every securitypolicyviolation event of the page and its frames, kept on the window.
WATCH_VIOLATIONS = """
window.policyViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.policyViolations.push(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline"} ` +
    `(${event.sourceFile}:${event.lineNumber})`
  );
});
"""


def vi(text):
    with translation.override("vi"):
        return gettext(text)


@pytest.fixture
def world(lang_son, make_user):
    """A campaign with a volunteer on duty, its organiser, an editor, a superuser, and
    the guides and training modules, one with an embedded video."""
    migration = importlib.import_module("cms.migrations.0004_sections_and_review_workflow")
    migration.create_sections(apps, schema_editor=None)
    seed_guides()
    module = TrainingModulePage.objects.order_by("path").first()
    TrainingModulePage.objects.filter(pk=module.pk).update(video_url=VIDEO)
    Embed.objects.create(
        url=VIDEO,
        max_width=720,
        hash=get_embed_hash(VIDEO, 720),
        type="video",
        html=(
            '<iframe width="720" height="405" title="Video" allowfullscreen '
            'src="https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ"></iframe>'
        ),
        provider_name="YouTube",
    )
    campaign = Campaign.objects.create(
        name="45 ngày đêm",
        province=lang_son,
        start=timezone.localdate() - timedelta(days=3),
        status=Campaign.Status.ACTIVE,
        sms_brand="SỞ TT&TT",
    )
    campaign.add_all_communes()
    commune = lang_son.communes.order_by("code").first()
    volunteer = Volunteer.objects.create(
        full_name="Nông Thị Mai", phone="+84912345678", home_commune=commune, user=make_user("mai")
    )
    Assignment.objects.create(volunteer=volunteer, campaign=campaign, commune=commune)
    make_user("organiser", kind=Role.Kind.ORGANISER, province=lang_son)
    make_user("editor", kind=Role.Kind.EDITOR)
    make_user("root", is_superuser=True, is_staff=True)
    cache.clear()
    return {
        "campaign": campaign,
        "guide": GuidePage.objects.live().order_by("path").first(),
        "module": TrainingModulePage.objects.get(pk=module.pk),
    }


@pytest.fixture
def visitor(browser, live_server):
    """A browser tab that records what the policy refused, in events and in the console."""
    context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    context.add_init_script(WATCH_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.refused = []
    page.on(
        "console",
        lambda message: (
            page.refused.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    yield page
    context.close()


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()


def visit(page, path):
    page.refused.clear()
    response = page.goto(path)
    assert response.status == 200, path
    assert "content-security-policy" in response.headers
    page.wait_for_load_state("networkidle")
    violations = page.evaluate("window.policyViolations")
    return [*violations, *page.refused]


def test_a_citizen_reads_guides_and_a_training_video_with_nothing_refused(visitor, world):
    refused = {}
    for path in ["/", world["guide"].url, "/huong-dan/", "/search/?q=dang+ky"]:
        refused[path] = visit(visitor, path)
    module = world["module"].url
    visitor.refused.clear()
    visitor.goto(module)
    frame = visitor.locator("iframe[src*='youtube']")
    frame.scroll_into_view_if_needed()  # it loads lazily
    time.sleep(1)
    refused[module] = [*visitor.evaluate("window.policyViolations"), *visitor.refused]
    assert refused == {path: [] for path in refused}


def test_a_volunteer_logs_with_nothing_refused(visitor, world):
    sign_in(visitor, "mai")
    assert visit(visitor, "/log/") == []
    visitor.locator("label.tap").first.click()
    visitor.get_by_role("button", name=vi("Save"), exact=True).click()
    visitor.wait_for_function("() => document.getElementById('total-today').textContent === '1'")
    assert visitor.evaluate("window.policyViolations") == []
    assert visitor.refused == []


def test_an_organiser_reads_the_dashboard_with_nothing_refused(visitor, world):
    sign_in(visitor, "organiser")
    assert visit(visitor, f"/dashboard/{world['campaign'].pk}/") == []


# Wagtail's admin templates leave optional variables undefined.
@pytest.mark.ignore_template_errors
def test_an_editor_sees_the_guide_with_the_wagtail_userbar_and_nothing_refused(visitor, world):
    sign_in(visitor, "root")
    path = world["guide"].url
    assert visit(visitor, path) == []
    assert visitor.locator("wagtail-userbar").count() == 1


# Wagtail's admin templates leave optional variables undefined.
@pytest.mark.ignore_template_errors
def test_the_wagtail_admin_and_the_page_editor_run_within_their_policy(visitor, world):
    sign_in(visitor, "root")
    paths = [
        "/admin/",
        "/admin/pages/",
        f"/admin/pages/{world['guide'].pk}/edit/",
        f"/admin/pages/{world['module'].pk}/edit/",  # with the video embed's preview
        "/django-admin/",
        "/django-admin/auth/user/",
    ]
    refused = {path: visit(visitor, path) for path in paths}
    assert refused == {path: [] for path in refused}


def test_the_log_page_waits_as_long_as_a_429_asks(visitor, world):
    sign_in(visitor, "mai")
    visitor.goto("/log/")
    visitor.wait_for_load_state("networkidle")
    sent = []

    def answer(route):
        sent.append(time.monotonic())
        if len(sent) == 1:
            route.fulfill(
                status=429,
                headers={"Retry-After": "3", "Content-Type": "application/json"},
                body='{"detail": "Too many requests"}',
            )
        else:
            route.continue_()

    visitor.route("**/api/v1/help-sessions/sync", answer)
    visitor.locator("label.tap").first.click()
    visitor.get_by_role("button", name=vi("Save"), exact=True).click()
    status = visitor.locator("#sync-status")
    waiting = vi("The server asks to wait: logs are kept on this phone and sent in a moment.")
    status.filter(has_text=waiting).wait_for()
    # Another log in the meantime is kept, and does not knock before the time is up.
    visitor.locator("label.tap").first.click()
    visitor.get_by_role("button", name=vi("Save"), exact=True).click()
    visitor.wait_for_function(
        "() => document.getElementById('total-today').textContent === '2'", timeout=15_000
    )
    assert len(sent) == 2
    assert sent[1] - sent[0] >= 3


def test_a_refused_script_is_reported_to_the_server_and_logged(visitor, world, caplog):
    caplog.set_level(logging.WARNING, logger="digihelp.csp")
    assert visit(visitor, "/huong-dan/") == []
    # What an injected script would do: add inline code, which carries no nonce.
    visitor.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.injected = true";
          document.body.appendChild(script);
        }"""
    )
    assert visitor.evaluate("window.injected") is None
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        reports = [r.getMessage() for r in caplog.records if r.name == "digihelp.csp"]
        if reports:
            break
        time.sleep(0.1)
    assert reports == [
        f"Content-Security-Policy blocked inline under script-src-elem on "
        f"{visitor.url.split('?')[0]}"
    ]
