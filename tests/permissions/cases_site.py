"""The permission matrix's cases for the site's own routes: the health check, CSP
reports, signing in and out, the API, Twilio's webhooks, signed links, the audit trail
and personal-data requests."""

from notifications.models import Message, OptOut
from sessions.models import HelpSession
from teams.models import Volunteer
from tests.permissions.shapes import (
    METHOD_REFUSED,
    NOBODY,
    ORGANISERS,
    ORGANISERS_OF_X,
    PUBLIC,
    SIGNED_IN,
    Case,
    at,
    citizen_request,
    csp_report_body,
    done,
    no_data,
    sync_body,
    the,
)
from tests.permissions.world import (
    DONE,
    FORBIDDEN,
    LOGIN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    UNCHANGED,
    opt_out_kwargs,
    url_of,
)

SITE = [
    # The site's own routes outside the apps, and the API.
    Case("healthz", "the health check", at("healthz"), PUBLIC),
    Case("favicon", "the favicon", at("favicon"), PUBLIC),
    # Browsers post what the content security policy refused, signed in or not.
    Case(
        "csp_report",
        "a report of what the content security policy refused",
        at("csp_report"),
        METHOD_REFUSED,
        post=PUBLIC,
        data=csp_report_body,
        as_json=True,
    ),
    Case("login", "the sign-in page", at("login"), PUBLIC),
    # Signing out is a POST only (Django 5); it answers everyone with a redirect.
    Case("logout", "the sign-out", at("logout"), METHOD_REFUSED, post=PUBLIC, data=no_data),
    Case("api-v1:openapi-json", "the API's OpenAPI document", at("api-v1:openapi-json"), PUBLIC),
    # Without docs_url ninja's root answers 404 to everyone.
    Case("api-v1:api-root", "the API's root", at("api-v1:api-root"), NOBODY),
    Case(
        "api-v1:sync",
        "the sync API with a log of commune A",
        at("api-v1:sync"),
        METHOD_REFUSED,
        post=(LOGIN, DONE, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
        data=sync_body,
        as_json=True,
        writes=(HelpSession,),
    ),
    Case(
        "api-v1:sync",
        "the sync API with a log of commune B",
        at("api-v1:sync"),
        None,
        post=(LOGIN, UNCHANGED, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
        data=lambda world: sync_body(world, commune=world.commune_b.code),
        as_json=True,
        writes=(HelpSession,),
    ),
    Case(
        "api-v1:sync",
        "the sync API with a log naming volunteer B",
        at("api-v1:sync"),
        None,
        post=(LOGIN, UNCHANGED, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
        data=lambda world: sync_body(world, volunteer=world.volunteer_b.pk),
        as_json=True,
        writes=(HelpSession,),
    ),
    Case(
        "api-v1:sync",
        "the sync API with a log on volunteer B's shift",
        at("api-v1:sync"),
        None,
        post=(LOGIN, UNCHANGED, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
        data=lambda world: sync_body(world, shift=world.shift_b.pk),
        as_json=True,
        writes=(HelpSession,),
    ),
    Case(
        "api-v1:list_sessions",
        "the API's list of help sessions",
        at("api-v1:list_sessions"),
        SIGNED_IN,
        scoped=True,
    ),
    Case(
        "api-v1:list_sessions",
        "the API's list of help sessions of commune A",
        at("api-v1:list_sessions", query=lambda world: f"commune={world.commune_a.code}"),
        SIGNED_IN,
        scoped=True,
    ),
    Case(
        "api-v1:get_session",
        "a help session of commune A from the API",
        at("api-v1:get_session", session_uuid=the("session_a", "uuid")),
        (LOGIN, OK, OK, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND),
        scoped=True,
    ),
    Case(
        "api-v1:get_session",
        "volunteer B's help session from the API",
        at("api-v1:get_session", session_uuid=the("session_b", "uuid")),
        (LOGIN, NOT_FOUND, NOT_FOUND, OK, OK, NOT_FOUND, NOT_FOUND),
        scoped=True,
    ),
    Case(
        "api-v1:list_services",
        "the API's service catalogue",
        at("api-v1:list_services"),
        SIGNED_IN,
    ),
    # Twilio's webhooks: only Twilio's signature opens them.
    Case(
        "notifications:twilio_status",
        "Twilio's delivery report without a signature",
        at("notifications:twilio_status"),
        METHOD_REFUSED,
        post=(FORBIDDEN,) * 7,
        data=lambda world: {"MessageSid": "SM0001", "MessageStatus": "delivered"},
        writes=(Message,),
    ),
    Case(
        "notifications:zalo_events",
        "Zalo's delivery report without a signature",
        at("notifications:zalo_events"),
        METHOD_REFUSED,
        post=(FORBIDDEN,) * 7,
        data=lambda world: {"event_name": "user_received_message", "message": "z1"},
        writes=(Message,),
    ),
    Case(
        "notifications:twilio_inbound",
        "an incoming SMS from Twilio without a signature",
        at("notifications:twilio_inbound"),
        METHOD_REFUSED,
        post=(FORBIDDEN,) * 7,
        data=lambda world: {"From": world.volunteer_a.phone, "Body": "STOP"},
        writes=(OptOut, Message),
    ),
    # Signed links are public by design: the token is the key.
    Case(
        "notifications:opt_out",
        "the opt-out link",
        lambda world: url_of("notifications:opt_out", opt_out_kwargs(world)),
        PUBLIC,
        post=done(PUBLIC),
        data=no_data,
        writes=(OptOut,),
    ),
    Case(
        "notifications:opt_out",
        "the opt-out link with a wrong token",
        lambda world: url_of("notifications:opt_out", opt_out_kwargs(world, valid=False)),
        NOBODY,
        post=NOBODY,
        data=no_data,
        writes=(OptOut,),
    ),
    # The audit trail: organisers see their province's events; nobody else sees any.
    Case(
        "campaign:audit_log",
        "the audit trail",
        at("campaign:audit_log"),
        ORGANISERS,
        scoped=True,
    ),
    Case(
        "campaign:audit_export",
        "the audit trail as .csv",
        at("campaign:audit_export"),
        ORGANISERS,
        scoped=True,
    ),
    # Personal-data requests: organisers, for their own province's people.
    Case(
        "help_sessions:citizen_data",
        "a citizen's number of commune A, erased on request",
        at("help_sessions:citizen_data"),
        ORGANISERS,
        # Cao Bằng's organiser is told that nothing of theirs holds the number.
        post=(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, DONE, UNCHANGED, FORBIDDEN),
        data=citizen_request,
        writes=(HelpSession,),
    ),
    Case(
        "help_sessions:volunteer_data",
        "the personal data held about volunteer A",
        at("help_sessions:volunteer_data", pk=the("volunteer_a")),
        ORGANISERS_OF_X,
    ),
    Case(
        "help_sessions:volunteer_data_export",
        "the download of the personal data held about volunteer A",
        at("help_sessions:volunteer_data_export", pk=the("volunteer_a"), file_format="json"),
        ORGANISERS_OF_X,
    ),
    Case(
        "help_sessions:volunteer_erase",
        "erasing volunteer A on request",
        at("help_sessions:volunteer_erase", pk=the("volunteer_a")),
        (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_ALLOWED, NOT_ALLOWED, FORBIDDEN),
        post=(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, DONE, NOT_FOUND, FORBIDDEN),
        data=lambda world: {"confirm": "on"},
        writes=(Volunteer,),
    ),
]
