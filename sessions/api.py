"""The help-session API, version 1, described at /api/v1/openapi.json.

- POST /api/v1/help-sessions/sync: a batch of up to 500 logs from a volunteer's phone,
  one result per log (see sessions.recording).
- GET /api/v1/help-sessions and /api/v1/help-sessions/{uuid}: sessions in the caller's
  scope (a volunteer's own; a coordinator's communes; an organiser's province).
- GET /api/v1/services: the catalogue the logging page offers.

The web app signs in with its session cookie and sends the CSRF token; integrations send
`Authorization: Bearer <key>` (`manage.py create_api_token`). Citizens' phone numbers
never leave through the API.
"""

import hashlib
import json
from datetime import UTC, date, datetime, timedelta
from typing import Literal
from uuid import UUID

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer, SessionAuth
from pydantic import BaseModel, ConfigDict, create_model

from campaign import access
from campaign.models import Campaign, ServiceType
from lib import ratelimit
from sessions import recording
from sessions.logs import LOG_FIELDS, Kind, LogField
from sessions.models import PRIORITY_GROUPS, ApiToken, HelpSession
from teams.models import Volunteer
from teams.rota.assignments import current_campaign


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <key>`: a key made by `manage.py create_api_token`."""

    def authenticate(self, request, token):
        found = (
            ApiToken.objects.filter(
                digest=token_digest(token), revoked_at__isnull=True, user__is_active=True
            )
            .select_related("user")
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > timedelta(minutes=5):
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


class SessionAuthWithCsrf(SessionAuth):
    """The web app's session cookie, with Django's CSRF check and a message to act on."""

    def _get_key(self, request):
        try:
            return super()._get_key(request)
        except HttpError:
            raise HttpError(
                403, _("The security token is missing or out of date: reload the page.")
            ) from None


class DigihelpAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Ninja's document, with the sync request's schemas among the components."""
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(SYNC_REQUEST_DEFS)
        return schema


api = DigihelpAPI(
    title="Digihelp",
    version="1",
    description=__doc__,
    urls_namespace="api-v1",
    docs_url=None,
    openapi_url="/openapi.json",
    auth=[TokenAuth(), SessionAuthWithCsrf(csrf=True)],
)


# What a client sends, made from the log's fields (sessions.logs.LOG_FIELDS) and the
# model's choices. The request is checked log by log (one bad log does not sink the
# batch), so this model documents the body; sessions.logs does the checking.
def request_field(field: LogField) -> tuple:
    """A log's field as pydantic declares it: its type and its Field."""
    described = {"description": field.description} if field.description else {}
    kind = field.kind
    if kind in (Kind.UUID, Kind.CODE, Kind.MOMENT):
        python_type = {Kind.UUID: UUID, Kind.CODE: str, Kind.MOMENT: datetime}[kind]
        return python_type, Field(**described)
    if kind in (Kind.ID, Kind.WHOLE):
        bounds = {"ge": field.low, "le": field.high} if kind == Kind.WHOLE else {}
        return int | None, Field(None, **bounds, **described)
    if kind == Kind.CODES:
        if field.choices:
            return list[Literal[field.choices]], Field([], **described)
        return list[str], Field(min_length=1, max_length=field.longest, **described)
    if kind == Kind.CHOICE:
        choices = field.choices if field.default else ("", *field.choices)
        return Literal[choices], Field(field.default, **described)
    if kind == Kind.FLAG:
        return bool, Field(False, **described)
    if kind == Kind.DAY:
        return date | None, Field(None, **described)
    return str, Field("", max_length=field.longest, **described)


HelpSessionIn = create_model(
    "HelpSessionIn",
    __config__=ConfigDict(extra="forbid", title="HelpSessionIn"),
    **{field.name: request_field(field) for field in LOG_FIELDS},
)


class SyncIn(BaseModel):
    model_config = ConfigDict(title="SyncIn")

    sessions: list[HelpSessionIn] = Field(max_length=recording.BATCH_LIMIT)


_sync_schema = SyncIn.model_json_schema(ref_template="#/components/schemas/{model}")
SYNC_REQUEST_DEFS = {**_sync_schema.pop("$defs", {}), "SyncIn": _sync_schema}


class SyncResult(Schema):
    uuid: str | None
    status: Literal["created", "duplicate", "conflict", "invalid"]
    errors: dict[str, list[str]] = {}


class Totals(Schema):
    today: int
    campaign: int


class SyncOut(Schema):
    results: list[SyncResult]
    totals: Totals


class Problem(Schema):
    detail: str


class ParameterProblem(Schema):
    detail: list[dict] = Field(description="One entry per parameter that did not validate")


# Every route answers 401 without a working key or session.
UNAUTHORISED = {401: Problem}
# A query or path parameter of the wrong type or out of range.
INVALID_PARAMETERS = {422: ParameterProblem}


class HelpSessionOut(Schema):
    uuid: UUID
    volunteer: int
    volunteer_name: str
    campaign: int
    commune: str
    shift: int | None
    helped_at: datetime
    minutes: int | None
    services: list[str]
    procedure: str
    priority_groups: list[str]
    age_band: str
    gender: str
    outcome: str
    note: str
    follow_up: str
    follow_up_on: date | None
    has_citizen_contact: bool
    created_at: datetime
    corrected_at: datetime | None


class HelpSessionPage(Schema):
    count: int
    results: list[HelpSessionOut]


class ServiceOut(Schema):
    code: str
    name: str
    name_en: str
    province: str | None


def volunteer_or_403(request) -> Volunteer:
    volunteer = access.volunteer_of(request.user)
    if volunteer is None:
        raise HttpError(403, _("This account is not linked to a volunteer."))
    return volunteer


@api.post(
    "/help-sessions/sync",
    response={200: SyncOut, 400: Problem, 403: Problem, 429: Problem, **UNAUTHORISED},
    summary="Send a batch of logs",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SyncIn"}}},
        }
    },
)
def sync(request):
    """Store up to 500 logs; one result per log, in the order sent: `created`,
    `duplicate` (this UUID with this content is stored already), `conflict` (this UUID
    is stored with other content; nothing changed) or `invalid` (with `errors` per
    field). Sending the same batch again creates nothing. Too many requests for one
    volunteer (120 a minute unless configured otherwise) get 429 and `Retry-After`."""
    volunteer = volunteer_or_403(request)
    ratelimit.enforce("sync", str(volunteer.pk), settings.SYNC_RATE_LIMIT)
    try:
        payload = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError):  # nested past what json reads
        raise HttpError(400, _("The body is not JSON.")) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("sessions"), list):
        raise HttpError(400, _('Send an object with a list of logs: {"sessions": [...]}.'))
    items = payload["sessions"]
    if len(items) > recording.BATCH_LIMIT:
        raise HttpError(
            400,
            _("At most %(limit)d logs in one batch; this one has %(count)d.")
            % {"limit": recording.BATCH_LIMIT, "count": len(items)},
        )
    results = recording.record_sessions(volunteer, items)
    campaign_id = next((r.campaign_id for r in results if r.campaign_id), None)
    campaign = (
        Campaign.objects.get(pk=campaign_id)
        if campaign_id
        else current_campaign(volunteer, timezone.localdate())
    )
    return {
        "results": [r.as_dict() for r in results],
        "totals": recording.totals(volunteer, campaign),
    }


def as_output(session: HelpSession) -> dict:
    return {
        "uuid": session.uuid,
        "volunteer": session.volunteer_id,
        "volunteer_name": session.volunteer.full_name,
        "campaign": session.campaign_id,
        "commune": session.commune.code,
        "shift": session.shift_id,
        "helped_at": session.helped_at,
        "minutes": session.minutes,
        "services": [service.code for service in session.services.all()],
        "procedure": session.procedure,
        "priority_groups": [group for group in PRIORITY_GROUPS if getattr(session, group)],
        "age_band": session.age_band,
        "gender": session.gender,
        "outcome": session.outcome,
        "note": session.note,
        "follow_up": session.follow_up,
        "follow_up_on": session.follow_up_on,
        "has_citizen_contact": bool(session.citizen_phone),
        "created_at": session.created_at,
        "corrected_at": session.corrected_at,
    }


class SessionFilters(Schema):
    campaign: int | None = None
    commune: str | None = Field(None, description="Official code")
    since: datetime | None = Field(None, description="Helped at or after")
    until: datetime | None = Field(None, description="Helped before")
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0)


def vietnam_time(moment: datetime) -> datetime:
    """A time given without an offset is Vietnam's, as in the logs themselves.

    Returned in UTC: PostgreSQL takes no offset beyond 15:59 (ISO 8601 allows 23:59),
    and a moment that is before year 1 or after 9999 in UTC is as far as can be."""
    aware = timezone.make_aware(moment) if timezone.is_naive(moment) else moment
    try:
        return aware.astimezone(UTC)
    except OverflowError:
        if aware.year == 1:
            return datetime.min.replace(tzinfo=UTC)
        return datetime.max.replace(tzinfo=UTC)


def visible_sessions(user):
    return HelpSession.objects.visible_to(user).select_related("volunteer", "commune")


@api.get(
    "/help-sessions",
    response={200: HelpSessionPage, **UNAUTHORISED, **INVALID_PARAMETERS},
    summary="Sessions in your scope",
)
def list_sessions(request, filters: Query[SessionFilters]):
    """Newest first. Volunteers see their own sessions, coordinators those of their
    communes, organisers those of their province."""
    sessions = visible_sessions(request.user)
    if filters.campaign is not None:
        sessions = sessions.filter(campaign_id=filters.campaign)
    if filters.commune:
        sessions = sessions.filter(commune__code=filters.commune)
    if filters.since:
        sessions = sessions.filter(helped_at__gte=vietnam_time(filters.since))
    if filters.until:
        sessions = sessions.filter(helped_at__lt=vietnam_time(filters.until))
    page = sessions.prefetch_related("services")[filters.offset : filters.offset + filters.limit]
    return {"count": sessions.count(), "results": [as_output(s) for s in page]}


@api.get(
    "/help-sessions/{session_uuid}",
    response={200: HelpSessionOut, 404: Problem, **UNAUTHORISED, **INVALID_PARAMETERS},
    summary="One session",
)
def get_session(request, session_uuid: UUID):
    session = get_object_or_404(
        visible_sessions(request.user).prefetch_related("services"), uuid=session_uuid
    )
    return as_output(session)


@api.get(
    "/services",
    response={200: list[ServiceOut], **UNAUTHORISED},
    summary="The service catalogue",
)
def list_services(request):
    services = ServiceType.objects.filter(active=True).select_related("province")
    return [
        {
            "code": s.code,
            "name": s.name,
            "name_en": s.name_en,
            "province": s.province.code if s.province_id else None,
        }
        for s in services
    ]


@api.exception_handler(AuthenticationError)
def not_signed_in(request, exc):
    return api.create_response(
        request,
        {"detail": _("Sign in, or send an API key: Authorization: Bearer <key>.")},
        status=401,
    )


@api.exception_handler(ratelimit.RateLimited)
def too_many_requests(request, exc):
    """SYNC_RATE_LIMIT: the phone keeps its logs and sends them again after Retry-After."""
    response = api.create_response(
        request,
        {
            "detail": _(
                "Too many requests from this account: try again in %(seconds)d seconds. "
                "Logs not sent yet stay on the phone."
            )
            % {"seconds": exc.retry_after}
        },
        status=429,
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)
