"""Headless Chromium (Debian's package) driven by Playwright against a live server."""

import importlib
import os
import shutil

import pytest
from django.apps import apps
from django.core.cache import cache
from wagtail.models import Locale, Page

from cms.models import HomePage

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; CI installs Debian's chromium package")
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by
    # fixtures around it are still plain synchronous code.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def home_pages(transactional_db):
    """The home pages that migrations create, again.

    A live server needs committed data, so browser tests empty the database after each
    test, migration data included; this puts back what the cms migration made.
    """
    if not HomePage.objects.exists():
        locale, _ = Locale.objects.get_or_create(language_code="vi")
        if not Page.get_first_root_node():
            Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
        migration = importlib.import_module("cms.migrations.0002_create_home_pages")
        migration.create_home_pages(apps, schema_editor=None)
    cache.clear()  # Wagtail caches the site's root paths
