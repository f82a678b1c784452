"""The Twilio provider: the only module that talks to Twilio."""

from datetime import datetime

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from notifications.providers import Accepted, Next, Provider, ProviderError, SentRecord

TWILIO_API = "https://api.twilio.com"
# Error codes after which sending again cannot help (Twilio's error dictionary).
PERMANENT_CODES = {
    20003: "authentication failed: check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN",
    21211: "the number is not a valid phone number",
    21408: "sending to this region is not enabled on the account",
    21608: "a trial account can only send to verified numbers",
    21610: "the recipient has unsubscribed (replied STOP)",
    21612: "the number cannot be reached from this sender",
    21614: "the number is not a mobile number",
}
UNSUBSCRIBED = 21610
RATE_LIMITED = 20429


class RedirectingHttpClient(TwilioHttpClient):
    """Twilio's HTTP client with a timeout and, for staging and tests, another host."""

    def __init__(self, base_url: str, timeout: float):
        super().__init__(timeout=timeout)
        self.base_url = base_url.rstrip("/")

    def request(self, method, url, *args, **kwargs):
        if self.base_url != TWILIO_API and url.startswith(TWILIO_API):
            url = self.base_url + url[len(TWILIO_API) :]
        return super().request(method, url, *args, **kwargs)


class TwilioProvider(Provider):
    name = "twilio"

    def __init__(self):
        account = settings.TWILIO_ACCOUNT_SID
        token = settings.TWILIO_AUTH_TOKEN
        if not account or not token:
            raise ImproperlyConfigured(
                "SMS_PROVIDER=twilio needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN"
            )
        if not settings.TWILIO_MESSAGING_SERVICE_SID and not settings.TWILIO_FROM_NUMBER:
            raise ImproperlyConfigured(
                "SMS_PROVIDER=twilio needs TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER"
            )
        http_client = RedirectingHttpClient(
            settings.TWILIO_API_BASE_URL, settings.TWILIO_TIMEOUT_SECONDS
        )
        self.client = Client(account, token, http_client=http_client)

    def sender(self) -> dict:
        if settings.TWILIO_MESSAGING_SERVICE_SID:
            return {"messaging_service_sid": settings.TWILIO_MESSAGING_SERVICE_SID}
        return {"from_": settings.TWILIO_FROM_NUMBER}

    def send(self, to, body, *, status_callback=""):
        extra = {"status_callback": status_callback} if status_callback else {}
        try:
            message = self.client.messages.create(to=to, body=body, **self.sender(), **extra)
        except TwilioRestException as error:
            raise classify(error) from error
        except (requests.ConnectionError, requests.exceptions.ConnectTimeout) as error:
            # The request never reached Twilio: nothing was sent.
            raise ProviderError(Next.RETRY, "connection", str(error)[:200]) from error
        except requests.Timeout as error:
            # Sent, but no answer: Twilio may have accepted it.
            raise ProviderError(Next.UNKNOWN, "timeout", str(error)[:200]) from error
        return Accepted(message.sid, message.status or "queued")

    def sent_to(self, to: str, since: datetime) -> list[SentRecord]:
        try:
            messages = self.client.messages.list(to=to, date_sent_after=since, limit=50)
        except (TwilioRestException, requests.RequestException) as error:
            raise ProviderError(Next.RETRY, "reconcile", str(error)[:200]) from error
        return [SentRecord(m.sid, m.to, m.body, m.status) for m in messages]


def classify(error: TwilioRestException) -> ProviderError:
    code = error.code or 0
    reason = error.msg or f"HTTP {error.status}"
    if error.status == 429 or code == RATE_LIMITED:
        return ProviderError(Next.RETRY, str(code or 429), reason)
    if code in PERMANENT_CODES:
        return ProviderError(
            Next.PERMANENT, str(code), PERMANENT_CODES[code], opted_out=code == UNSUBSCRIBED
        )
    if error.status >= 500:
        return ProviderError(Next.UNKNOWN, str(code or error.status), reason)
    return ProviderError(Next.PERMANENT, str(code or error.status), reason)
