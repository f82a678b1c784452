"""The site header offers each person only the pages their roles may open."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from campaign.models import Role
from config import navigation
from teams.models import Volunteer


def link(route) -> str:
    return f'href="{reverse(route)}"'


def header_links(client) -> str:
    page = client.get("/no-such-page/").content.decode()  # our 404, in the site's layout
    return page.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]


@pytest.fixture
def mai(volunteer):
    return Volunteer.objects.create(full_name="Nông Thị Mai", phone="+84912345678", user=volunteer)


def test_a_visitor_is_offered_to_sign_in_only(client, db):
    links = header_links(client)
    assert link("login") in links
    assert link("teams:team_list") not in links


def test_a_volunteer_sees_their_shifts_and_the_logging_page_and_no_staff_page(
    client, volunteer, mai
):
    client.force_login(volunteer)
    links = header_links(client)
    assert link("teams:my_shifts") in links and link("help_sessions:log") in links
    for staff_page in ("teams:team_list", "campaign:overview", "help_sessions:session_list"):
        assert link(staff_page) not in links


def test_a_coordinator_sees_the_staff_pages_the_help_session_list_included(client, coordinator):
    client.force_login(coordinator)
    links = header_links(client)
    for page in ("campaign:overview", "teams:team_list", "help_sessions:session_list"):
        assert link(page) in links
    assert link("teams:my_shifts") not in links  # no volunteer record of their own


def test_an_editor_is_led_to_the_cms(client, editor):
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    links = header_links(client)
    assert link("wagtailadmin_home") in links
    assert link("teams:team_list") not in links


def test_a_role_given_after_signing_in_shows_within_five_minutes(
    client, outsider, lang_son, monkeypatch
):
    client.force_login(outsider)
    assert link("teams:team_list") not in header_links(client)
    Role.objects.create(user=outsider, kind=Role.Kind.ORGANISER, province=lang_son)
    assert link("teams:team_list") not in header_links(client)  # read at sign-in
    later = navigation.time.time() + navigation.FRESH_FOR + 1
    monkeypatch.setattr(navigation.time, "time", lambda: later)
    assert link("teams:team_list") in header_links(client)
