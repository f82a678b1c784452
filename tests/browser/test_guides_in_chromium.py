"""Guides in a real browser: WCAG 2.1 AA (axe-core), reading without JavaScript, the
poster's QR code and print size, and the language switch."""

import importlib
import io
from urllib.parse import urlsplit

import pytest
import zxingcpp
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from PIL import Image

from cms.models import GuidePage
from cms.seeding import seed_guides
from cms.wagtail_hooks import WCAG_21_AA

VNEID = "/huong-dan/tao-va-kich-hoat-tai-khoan-vneid/"
VNEID_EN = "/en/guides/create-and-activate-vneid/"
PAGES = [
    "/",
    "/en/",
    "/huong-dan/",
    VNEID,
    VNEID_EN,
    VNEID + "poster/",
    "/en/guides/spot-scam-calls/poster/",
    "/tap-huan/",
    "/tap-huan/to-chuc-buoi-ho-tro/",
    "/en/training/consent-and-privacy/",
    "/tap-huan/handbook/",
    "/search/?q=dang+ky",
    "/en/search/?q=nothing+like+this",
]


@pytest.fixture
def guides(home_pages, service_catalogue):
    """The sections a cms migration makes and the starting content, again (a live server
    starts from an emptied database)."""
    migration = importlib.import_module("cms.migrations.0004_sections_and_review_workflow")
    migration.create_sections(apps, schema_editor=None)
    seed_guides()
    cache.clear()


def pdf_pages(pdf: bytes) -> int:
    return pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")


def test_guide_pages_pass_axe_core_wcag_21_aa(page, guides):
    axe = Axe()
    problems = {}
    for url in PAGES:
        response = page.goto(url)
        assert response.status == 200, url
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
        if results.violations_count:
            problems[url] = results.generate_report()
    assert problems == {}


def test_a_citizen_reads_a_guide_and_its_self_check_without_javascript(
    browser, live_server, guides
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    reader = context.new_page()
    try:
        reader.goto(VNEID)
        steps = reader.locator("ol.steps > li")
        assert steps.count() == 8
        assert steps.nth(2).locator("h3").inner_text() == "Cài ứng dụng VNeID"
        assert reader.locator(".note.warning").first.is_visible()
        reader.goto("/tap-huan/dong-y-va-quyen-rieng-tu/")
        answer = reader.locator(".self-check details").first
        assert not answer.locator("strong").is_visible()
        answer.locator("summary").click()
        assert answer.locator("strong").is_visible()  # the right answer, opened natively
    finally:
        context.close()


def test_the_poster_qr_code_opens_the_guide(page, live_server, guides):
    page.goto(VNEID + "poster/")
    picture = page.locator("svg.qr").screenshot()
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(picture)))
    assert code.text == f"{settings.SITE_URL}{VNEID}"
    # The same path on this server is the guide.
    page.goto(urlsplit(code.text).path)
    assert page.locator("h1").inner_text() == "Tạo và kích hoạt tài khoản VNeID mức 2"


def test_every_poster_prints_on_one_a4_page_and_the_handbook_a_sheet_a_module(page, guides):
    for guide in GuidePage.objects.live():
        page.goto(guide.url + "poster/")
        assert pdf_pages(page.pdf(format="A4", print_background=True)) == 1, guide.url
    page.goto("/tap-huan/handbook/")
    assert pdf_pages(page.pdf(format="A4")) >= 1 + 3  # the contents, then each module


def test_the_language_switch_on_a_guide_opens_the_english_guide(page, guides):
    page.goto(VNEID)
    page.get_by_role("button", name="English").click()
    page.wait_for_url(f"**{VNEID_EN}")
    assert page.locator("h1").inner_text() == "Create and activate your VNeID account (level 2)"
    page.get_by_role("button", name="Tiếng Việt").click()
    page.wait_for_url(f"**{VNEID}")
    assert page.locator("html").get_attribute("lang") == "vi"
