"""The permission matrix's cases for the guides' search, help sessions, the organisers'
dashboard and the third-party groups of routes (one route each)."""

from sessions.models import HelpSession
from tests.permissions.shapes import (
    PUBLIC,
    SIGNED_IN_NOBODY,
    STAFF,
    STAFF_OF_X,
    STAFF_OF_Y,
    VOLUNTEER_ONLY,
    VOLUNTEER_REFUSED,
    Case,
    at,
    done,
    fixed,
    log_form,
    the,
)
from tests.permissions.world import FORBIDDEN, INVALID, LOGIN, NOT_FOUND, OK

SESSIONS = [
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
