"""The Zalo Notification Service (ZNS) client: the only module that talks to Zalo.

    Zalo().send("+84912345678", "231456", {"name": "Nguyễn Văn An"}, tracking_id="42")

ZNS sends a template Zalo approved to the phone number of a Zalo account. Access tokens
last about a day and come from the OAuth refresh-token grant; each refresh token works
once, so the new one is stored before the new access token is used, under a row lock
so that concurrent workers refresh once (`access_token`). Every failure is a
ProviderError that says what to do next (notifications.providers.Next): retry later,
outcome unknown, fall back to SMS, or permanent. Zalo answers most errors with HTTP 200
and a negative `error`.
"""

import hashlib
import hmac
import logging
import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from notifications import kinds
from notifications.models import Message, ZaloConnection, ZaloTemplate
from notifications.providers import Next, ProviderError

logger = logging.getLogger(__name__)
SEND_PATH = "/message/template"
STATUS_PATH = "/message/status"
TEMPLATE_PATH = "/template/info/v2"
TOKEN_PATH = "/v4/oa/access_token"  # noqa: S105 (a path, not a secret)
# An access token is refreshed this long before Zalo says it expires.
TOKEN_MARGIN = timedelta(minutes=5)
REFRESH_TIMEOUT_SECONDS = 30
Reason = Message.FallbackReason

# Zalo's ZNS error codes, by what to do next. Codes not listed are retried later, with
# the code and Zalo's message kept on the attempt.
TOKEN_INVALID = -124
FALLBACK_CODES = {
    # The person cannot get it by Zalo.
    -110: Reason.NO_ZALO,  # their Zalo app is too old
    -114: Reason.NO_ZALO,  # inactive account, refused, or cannot receive now
    -118: Reason.NO_ZALO,  # no Zalo account for the number
    -119: Reason.NO_ZALO,  # the account cannot receive ZNS
    -134: Reason.NO_ZALO,  # has not answered Zalo's question about ZNS
    -139: Reason.NO_ZALO,  # refused this type of ZNS
    -140: Reason.NO_ZALO,  # cannot be sent follow-up messages
    -141: Reason.NO_ZALO,  # refused ZNS from our official account
    # The template cannot be used.
    -109: Reason.TEMPLATE,  # no such template
    -117: Reason.TEMPLATE,  # not ours to send
    -121: Reason.TEMPLATE,  # no content
    -127: Reason.TEMPLATE,  # a test template, for admins only
    -131: Reason.TEMPLATE,  # not approved
    -145: Reason.TEMPLATE,  # content type not allowed for the account
    -146: Reason.TEMPLATE,  # disabled by Zalo for low quality
    # The values do not fit the template.
    -111: Reason.DATA,
    -112: Reason.DATA,
    -116: Reason.DATA,
    -130: Reason.DATA,
    -132: Reason.DATA,
    -1121: Reason.DATA,
    -1122: Reason.DATA,
    -1124: Reason.DATA,
    # No more ZNS today, or no money to pay for it.
    -115: Reason.QUOTA,
    -126: Reason.QUOTA,
    -137: Reason.QUOTA,
    -144: Reason.QUOTA,
    -147: Reason.QUOTA,
    # The account is not set up to send ZNS: SMS serves the person meanwhile.
    -101: Reason.ZALO_ERROR,
    -102: Reason.ZALO_ERROR,
    -103: Reason.ZALO_ERROR,
    -104: Reason.ZALO_ERROR,
    -105: Reason.ZALO_ERROR,
    -120: Reason.ZALO_ERROR,
    -125: Reason.ZALO_ERROR,
    -135: Reason.ZALO_ERROR,
    -136: Reason.ZALO_ERROR,
    -138: Reason.ZALO_ERROR,
}
# Sending again, by either channel, cannot help.
PERMANENT_CODES = {-108: "the phone number is not valid"}
# Zalo's word on a template the outbox sent with: it is not used again.
TEMPLATE_STATUS_AFTER = {-131: ZaloTemplate.Status.REJECTED, -146: ZaloTemplate.Status.DISABLED}
ZALO_TEMPLATE_STATUS = {
    "ENABLE": ZaloTemplate.Status.APPROVED,
    "PENDING_REVIEW": ZaloTemplate.Status.PENDING,
    "REJECT": ZaloTemplate.Status.REJECTED,
    "DISABLE": ZaloTemplate.Status.DISABLED,
    "DELETE": ZaloTemplate.Status.DISABLED,
}


_local = threading.local()


def session() -> requests.Session:
    """One HTTP session per worker thread: connections to Zalo are kept and reused."""
    if not hasattr(_local, "session"):
        _local.session = requests.Session()
    return _local.session


def enabled() -> bool:
    """Zalo is on when an app id is set and the account is connected (zalo_connect)."""
    return bool(settings.ZALO_APP_ID) and ZaloConnection.objects.exists()


@dataclass
class TemplateRow:
    kind: str  # its label
    template: ZaloTemplate | None  # None: this kind goes by SMS


@dataclass
class Status:
    """What the staff's Zalo page shows: whether Zalo is on, today's quota, the templates."""

    configured: bool  # an app id is set
    connection: ZaloConnection | None
    remaining_today: int | None  # None: Zalo has not said yet today
    daily_quota: int | None
    templates: list[TemplateRow]

    @property
    def on(self) -> bool:
        return self.configured and self.connection is not None


def status() -> Status:
    connection = ZaloConnection.objects.defer("refresh_token", "access_token").first()
    fresh = connection is not None and connection.quota_day == today()
    by_kind = {t.kind: t for t in ZaloTemplate.objects.annotate(param_count=Count("params"))}
    rows = [TemplateRow(label, by_kind.pop(code, None)) for code, label in kinds.choices()]
    rows += [TemplateRow(kind, template) for kind, template in sorted(by_kind.items())]
    return Status(
        configured=bool(settings.ZALO_APP_ID),
        connection=connection,
        remaining_today=connection.remaining_quota if fresh else None,
        daily_quota=connection.daily_quota if connection else None,
        templates=rows,
    )


def zalo_phone(e164: str) -> str:
    """+84912345678 -> 84912345678, the form ZNS takes."""
    return e164.removeprefix("+")


def today() -> date:
    return timezone.localdate()


@dataclass(frozen=True)
class Sent:
    msg_id: str
    remaining_quota: int | None = None
    daily_quota: int | None = None


def as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# Tokens -----------------------------------------------------------------------------------


class TokenError(Exception):
    """Zalo would not give an access token (the refresh token was refused, or no answer)."""


def connect(refresh_token: str) -> ZaloConnection:
    """Store the first refresh token (from the official account's authorisation) and
    prove it works by refreshing it at once: the one it returns is stored instead."""
    with transaction.atomic():
        connection = ZaloConnection.objects.select_for_update().first()
        if connection is None:
            connection = ZaloConnection.objects.create(refresh_token=refresh_token)
        else:
            connection.refresh_token = refresh_token
            connection.access_token = ""
            connection.access_token_expires_at = None
            connection.save()
    access_token(force=True)
    return ZaloConnection.objects.get(pk=connection.pk)


def access_token(*, stale: str = "", force: bool = False) -> str:
    """A valid access token, refreshed when it is about to expire or when Zalo refused
    `stale`. Workers that find it expired at the same moment refresh once: the first
    takes the row lock and refreshes; the others wait, then find the new token."""
    connection = ZaloConnection.objects.first()
    if connection is None:
        raise TokenError("Zalo is not connected: run manage.py zalo_connect")
    if not force and usable(connection, stale):
        return connection.access_token
    with transaction.atomic():
        # An UPDATE locks the row on every database (select_for_update does not on
        # SQLite): a second worker waits here until the first has stored its tokens.
        ZaloConnection.objects.filter(pk=connection.pk).update(refreshed_at=F("refreshed_at"))
        connection = ZaloConnection.objects.get(pk=connection.pk)
        if not force and usable(connection, stale):
            return connection.access_token  # another worker refreshed meanwhile
        answer = refresh(connection.refresh_token)
        # The refresh token just used is dead at Zalo: the new one is committed with the
        # access token, before that is used.
        connection.refresh_token = answer["refresh_token"]
        connection.access_token = answer["access_token"]
        lifetime = as_int(answer.get("expires_in")) or 90000
        connection.refreshed_at = timezone.now()
        connection.access_token_expires_at = connection.refreshed_at + timedelta(seconds=lifetime)
        connection.save()
    return connection.access_token


def usable(connection: ZaloConnection, stale: str) -> bool:
    return bool(
        connection.access_token
        and connection.access_token != stale
        and connection.access_token_expires_at
        and connection.access_token_expires_at > timezone.now() + TOKEN_MARGIN
    )


def refresh(refresh_token: str) -> dict:
    try:
        response = requests.post(
            settings.ZALO_OAUTH_BASE_URL.rstrip("/") + TOKEN_PATH,
            headers={"secret_key": settings.ZALO_APP_SECRET},
            data={
                "app_id": settings.ZALO_APP_ID,
                "grant_type": "refresh_token",
                "refresh_token": refresh_token,
            },
            # Patient: Zalo spends the refresh token when it answers, so an answer lost
            # to an impatient timeout would lose the connection.
            timeout=max(settings.ZALO_TIMEOUT_SECONDS, REFRESH_TIMEOUT_SECONDS),
        )
        answer = response.json()
    except (requests.RequestException, ValueError) as error:
        raise TokenError(f"no answer from Zalo's OAuth server: {error}"[:300]) from error
    if not isinstance(answer, dict) or not answer.get("access_token"):
        reason = answer.get("error_description") or answer.get("error_name") or answer
        raise TokenError(f"Zalo refused the refresh token: {reason}"[:300])
    if not answer.get("refresh_token"):
        raise TokenError("Zalo's answer has no new refresh token")
    return answer


# Quota --------------------------------------------------------------------------------------


def take_quota() -> bool:
    """One message of today's quota, when Zalo's last answer today says one is left.

    Before Zalo's first answer of the day the quota is unknown and the send goes ahead
    (the answer says what remains). The decrement is one conditional UPDATE, so two
    workers never spend the last message twice."""
    day = today()
    connection = ZaloConnection.objects.only("quota_day").first()
    if connection is None or connection.quota_day != day:
        return True
    return bool(
        ZaloConnection.objects.filter(
            pk=connection.pk, quota_day=day, remaining_quota__gt=0
        ).update(remaining_quota=F("remaining_quota") - 1)
    )


def note_quota(*, remaining: int | None, daily: int | None = None) -> None:
    """Zalo's own figure of what remains today replaces ours."""
    if remaining is None:
        return
    fields = {"quota_day": today(), "remaining_quota": remaining}
    if daily is not None:
        fields["daily_quota"] = daily
    ZaloConnection.objects.update(**fields)


# The API ------------------------------------------------------------------------------------


def classify(code: int, reason: str) -> ProviderError:
    if code in PERMANENT_CODES:
        return ProviderError(Next.PERMANENT, str(code), PERMANENT_CODES[code])
    if code in FALLBACK_CODES:
        return ProviderError(
            Next.FALLBACK, str(code), reason or f"Zalo error {code}", fallback=FALLBACK_CODES[code]
        )
    return ProviderError(Next.RETRY, str(code), reason or f"Zalo error {code}")


class Zalo:
    """The zalo channel's provider."""

    name = "zalo"

    def call(self, method: str, path: str, *, sends: bool, **kwargs) -> dict:
        """One API call with a valid token; a refused token is refreshed and the call
        made again, once. `sends`: a timeout may mean Zalo took it (outcome unknown)."""
        try:
            token = access_token()
        except TokenError as error:
            raise ProviderError(Next.RETRY, "token", str(error)) from error
        answer = self.request(method, path, token, sends=sends, **kwargs)
        if as_int(answer.get("error")) == TOKEN_INVALID:
            try:
                token = access_token(stale=token)
            except TokenError as error:
                raise ProviderError(Next.RETRY, "token", str(error)) from error
            answer = self.request(method, path, token, sends=sends, **kwargs)
        return answer

    def request(self, method, path, token, *, sends, **kwargs) -> dict:
        url = settings.ZALO_API_BASE_URL.rstrip("/") + path
        try:
            response = session().request(
                method,
                url,
                headers={"access_token": token},
                timeout=settings.ZALO_TIMEOUT_SECONDS,
                **kwargs,
            )
        except (requests.ConnectionError, requests.exceptions.ConnectTimeout) as error:
            # ConnectTimeout is a ConnectionError: the request never reached Zalo.
            raise ProviderError(Next.RETRY, "connection", str(error)[:200]) from error
        except requests.Timeout as error:
            step = Next.UNKNOWN if sends else Next.RETRY
            raise ProviderError(step, "timeout", str(error)[:200]) from error
        if response.status_code == 429:
            raise ProviderError(Next.RETRY, "429", "Zalo: too many requests")
        if response.status_code >= 500:
            step = Next.UNKNOWN if sends else Next.RETRY
            raise ProviderError(
                step, str(response.status_code), f"Zalo: HTTP {response.status_code}"
            )
        try:
            answer = response.json()
        except ValueError as error:
            step = Next.UNKNOWN if sends else Next.RETRY
            raise ProviderError(step, "answer", "Zalo's answer is not JSON") from error
        if not isinstance(answer, dict):
            raise ProviderError(Next.RETRY, "answer", "Zalo's answer is not an object")
        return answer

    def send(self, to: str, template_id: str, data: dict, *, tracking_id: str) -> Sent:
        body = {
            "phone": zalo_phone(to),
            "template_id": template_id,
            "template_data": data,
            "tracking_id": tracking_id,
        }
        if settings.ZALO_DEVELOPMENT_MODE:
            body["mode"] = "development"
        answer = self.call("POST", SEND_PATH, sends=True, json=body)
        code = as_int(answer.get("error"))
        if code != 0:
            raise classify(code if code is not None else -100, str(answer.get("message", "")))
        found = answer.get("data") or {}
        quota = found.get("quota") or {}
        if not found.get("msg_id"):
            raise ProviderError(Next.UNKNOWN, "answer", "Zalo said success but gave no msg_id")
        return Sent(
            str(found["msg_id"]),
            remaining_quota=as_int(quota.get("remainingQuota")),
            daily_quota=as_int(quota.get("dailyQuota")),
        )

    def delivered(self, msg_id: str, phone: str) -> datetime | None:
        """When Zalo delivered message `msg_id`, or None if it has not (yet)."""
        answer = self.call(
            "GET",
            STATUS_PATH,
            sends=False,
            params={"message_id": msg_id, "phone": zalo_phone(phone)},
        )
        code = as_int(answer.get("error"))
        if code != 0:
            raise classify(code if code is not None else -100, str(answer.get("message", "")))
        found = answer.get("data") or {}
        if as_int(found.get("status")) != 1:
            return None
        return moment(found.get("delivery_time")) or timezone.now()

    def template_status(self, template_id: str) -> str:
        """Zalo's review status of a template, as ZaloTemplate.Status."""
        answer = self.call("GET", TEMPLATE_PATH, sends=False, params={"template_id": template_id})
        code = as_int(answer.get("error"))
        if code != 0:
            raise classify(code if code is not None else -100, str(answer.get("message", "")))
        status = str((answer.get("data") or {}).get("status", ""))
        return ZALO_TEMPLATE_STATUS.get(status, ZaloTemplate.Status.PENDING)


def moment(milliseconds) -> datetime | None:
    value = as_int(milliseconds)
    if value is None:
        return None
    return datetime.fromtimestamp(value / 1000, tz=timezone.get_current_timezone())


# The webhook --------------------------------------------------------------------------------


def signature(body: bytes, timestamp: str) -> str:
    """What Zalo puts in X-ZEvent-Signature: sha256(app id + body + timestamp + OA key)."""
    material = (
        settings.ZALO_APP_ID.encode()
        + body
        + str(timestamp).encode()
        + settings.ZALO_OA_SECRET_KEY.encode()
    )
    return hashlib.sha256(material).hexdigest()


def signed_by_zalo(body: bytes, timestamp: str, header: str) -> bool:
    if not settings.ZALO_APP_ID or not settings.ZALO_OA_SECRET_KEY or not header:
        return False
    given = header.strip().removeprefix("mac=").strip().lower()
    return hmac.compare_digest(signature(body, timestamp), given)
