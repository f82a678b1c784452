"""Fixtures shared by every test: geography, the four roles and an outsider."""

import importlib
import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import translation

from campaign.divisions import load_divisions
from campaign.models import Commune, Province, Role

LANG_SON = "20"
CAO_BANG = "04"

# When the scheduling scenarios take place: the morning before their campaign opens on
# 1 December 2026, so that the shifts they plan for early December still lie ahead.
SCENARIO_NOW = datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture(autouse=True)
def fail_on_logged_errors(caplog, request):
    """A test that makes the app log an ERROR fails, unless it says it expects one."""
    caplog.set_level(logging.WARNING)
    yield
    if request.node.get_closest_marker("expect_error_log"):
        return
    errors = [r for r in caplog.get_records("call") if r.levelno >= logging.ERROR]
    if errors:
        pytest.fail("logged errors: " + "; ".join(r.getMessage() for r in errors))


@pytest.fixture(autouse=True)
def empty_cache():
    """Counters kept in the cache (send rate, sign-in attempts) start at zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in Vietnamese, whatever language an earlier request switched to."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def scenario_clock():
    """The clock set to SCENARIO_NOW (and running on from there), for tests written as a
    story on fixed calendar days: without it they would expire once those days passed."""
    with time_machine.travel(SCENARIO_NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def english():
    """For tests that read messages in English (the site's default is Vietnamese)."""
    translation.activate("en")
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def provinces(db):
    """Lạng Sơn and Cao Bằng with all their communes, as load_divisions makes them."""
    load_divisions([LANG_SON, CAO_BANG])
    return Province.objects.in_bulk([LANG_SON, CAO_BANG], field_name="code")


@pytest.fixture
def lang_son(provinces):
    return provinces[LANG_SON]


@pytest.fixture
def cao_bang(provinces):
    return provinces[CAO_BANG]


@pytest.fixture
def make_user(db):
    def make(username, *, kind=None, province=None, communes=(), **extra):
        user = get_user_model().objects.create_user(
            username=username, password="correct horse battery staple", **extra
        )
        if kind:
            role = Role.objects.create(user=user, kind=kind, province=province)
            role.communes.set(communes)
        return user

    return make


@pytest.fixture
def organiser(make_user, lang_son):
    return make_user("organiser", kind=Role.Kind.ORGANISER, province=lang_son)


@pytest.fixture
def coordinated_communes(lang_son):
    return list(Commune.objects.filter(province=lang_son).order_by("code")[:2])


@pytest.fixture
def coordinator(make_user, lang_son, coordinated_communes):
    return make_user(
        "coordinator",
        kind=Role.Kind.COORDINATOR,
        province=lang_son,
        communes=coordinated_communes,
    )


@pytest.fixture
def volunteer(make_user, provinces):
    return make_user("volunteer", kind=Role.Kind.VOLUNTEER)


@pytest.fixture
def editor(make_user, provinces):
    return make_user("editor", kind=Role.Kind.EDITOR)


@pytest.fixture
def outsider(make_user, provinces):
    return make_user("outsider")


@pytest.fixture
def service_catalogue(db):
    """The national service catalogue and the indicators migrations make, again: tests
    that run with transactional_db empty the database after them, migration data
    included."""
    migration = importlib.import_module("campaign.migrations.0004_service_catalogue_and_audit")
    migration.add_catalogue(apps, schema_editor=None)
    indicators = importlib.import_module("campaign.migrations.0010_indicator_defaults")
    indicators.add_defaults(apps, schema_editor=None)
