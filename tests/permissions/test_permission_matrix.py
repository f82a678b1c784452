"""The permission matrix: every page and API endpoint, asked for by every role.

The routes come from the URL resolver, so a page added without expectations here fails
`test_every_route_of_ours_has_expectations_in_the_matrix`. Each route is asked for with
GET by every role, and the routes that change things are also sent a POST: a refused
POST must leave the data as it was. Objects of commune A (and campaigns of Lạng Sơn)
are named in the addresses; the coordinator of commune B and the organiser of Cao Bằng
must get a 404 for them, not someone else's data, and no page they may open shows
commune A's people, teams or logs.

One world is built per module (tests/permissions/world.py) and each test runs in a
transaction rolled back after it, so a POST that is done changes nothing for the next
test. The cases are in cases_site.py, cases_campaign.py, cases_teams.py and
cases_sessions.py, written with shapes.py.
"""

import functools
import json

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings

from tests.permissions.cases_campaign import CAMPAIGN
from tests.permissions.cases_sessions import SESSIONS
from tests.permissions.cases_site import SITE
from tests.permissions.cases_teams import TEAMS
from tests.permissions.world import (
    ANONYMOUS,
    COORDINATOR_A,
    COORDINATOR_B,
    DJANGO_ADMIN,
    DONE,
    EDITOR,
    INVALID,
    LANGUAGE_SWITCH,
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
    all_routes,
    body_of,
    build_world,
    outcome_of,
    third_party_group,
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


# The matrix ---------------------------------------------------------------------------

MATRIX = [*SITE, *CAMPAIGN, *TEAMS, *SESSIONS]


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
