"""SMS providers behind one interface: console (development), memory (tests), Twilio.

Every failure is a ProviderError that says what to do next:

- RETRY: nothing was sent (rate limited, connection refused); try again later.
- UNKNOWN: the provider may have accepted it (5xx, a timeout after the request went
  out); reconcile with the provider's own list before sending again.
- PERMANENT: sending again cannot help (invalid number, landline, unsubscribed,
  region not enabled, bad credentials); `opted_out` says the recipient unsubscribed.
- FALLBACK (Zalo only): Zalo cannot deliver it (no Zalo account, template refused,
  quota used up); the same message goes by SMS instead, once. `fallback` says why
  (Message.FallbackReason).
"""

import itertools
import logging
import threading
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class Next(Enum):
    RETRY = "retry"
    UNKNOWN = "unknown"
    PERMANENT = "permanent"
    FALLBACK = "fallback"


class ProviderError(Exception):
    def __init__(
        self, next_step: Next, code: str, reason: str, *, opted_out=False, fallback: str = ""
    ):
        super().__init__(f"{code}: {reason}")
        self.next_step, self.code, self.reason, self.opted_out = next_step, code, reason, opted_out
        self.fallback = fallback


@dataclass(frozen=True)
class Accepted:
    """The provider took the message; `status` is its first word on it (queued, sent)."""

    provider_message_id: str
    status: str = "sent"


@dataclass(frozen=True)
class SentRecord:
    """A message the provider has on record, for reconciling an unknown outcome."""

    provider_message_id: str
    to: str
    body: str
    status: str


class Provider:
    name = "base"

    def send(self, to: str, body: str, *, status_callback: str = "") -> Accepted:
        raise NotImplementedError

    def sent_to(self, to: str, since: datetime) -> list[SentRecord]:
        """What the provider sent to `to` since `since` (empty when it cannot tell)."""
        return []


class ConsoleProvider(Provider):
    """Prints each message: the development default."""

    name = "console"
    counter = itertools.count(1)

    def send(self, to, body, *, status_callback=""):
        message_id = f"console-{next(self.counter)}"
        print(f"[SMS to {to}] {body}", flush=True)
        return Accepted(message_id)


class MemoryProvider(Provider):
    """Keeps messages in memory for tests; can be told to fail the next sends."""

    name = "memory"
    lock = threading.Lock()
    outbox: list[SentRecord] = []
    scripted: list[ProviderError | Exception] = []
    counter = itertools.count(1)

    @classmethod
    def reset(cls):
        with cls.lock:
            cls.outbox.clear()
            cls.scripted.clear()

    @classmethod
    def fail_next(cls, *errors):
        with cls.lock:
            cls.scripted.extend(errors)

    def send(self, to, body, *, status_callback=""):
        with self.lock:
            if self.scripted:
                error = self.scripted.pop(0)
                accepted_anyway = getattr(error, "accepted_anyway", False)
                if accepted_anyway:  # e.g. a timeout after the provider took it
                    self.outbox.append(
                        SentRecord(f"memory-{next(self.counter)}", to, body, "sent")
                    )
                raise error
            record = SentRecord(f"memory-{next(self.counter)}", to, body, "sent")
            self.outbox.append(record)
        return Accepted(record.provider_message_id)

    def sent_to(self, to, since):
        with self.lock:
            return [record for record in self.outbox if record.to == to]


@cache
def get_provider() -> Provider:
    names = {
        "console": "notifications.providers.ConsoleProvider",
        "memory": "notifications.providers.MemoryProvider",
        "twilio": "notifications.twilio.TwilioProvider",
    }
    try:
        path = names[settings.SMS_PROVIDER]
    except KeyError:
        raise ImproperlyConfigured(
            f"SMS_PROVIDER={settings.SMS_PROVIDER!r}: use one of {', '.join(names)}"
        ) from None
    return import_string(path)()
