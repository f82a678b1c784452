"""Which channel a notification takes: Zalo first where it can go, SMS otherwise.

A notification goes by Zalo when Zalo is on (notifications.zalo.enabled), the sender
allows it (the campaign is not "SMS only" and the person's consent covers Zalo), its
kind has a template Zalo approved, and every parameter of that template is filled
from the notification's values within its maximum length. Anything else (free text,
most broadcasts) goes by SMS. Whatever Zalo later refuses falls back to SMS in
notifications.sending.
"""

import unicodedata
from dataclasses import dataclass
from functools import cached_property

from notifications import zalo
from notifications.models import Channel, ZaloTemplate


@dataclass(frozen=True)
class Route:
    channel: str
    template_id: str = ""
    data: dict | None = None


SMS = Route(Channel.SMS)


def fill(params: list[tuple[str, str, int]], values: dict) -> dict | None:
    """The template's data from the notification's values, or None when one is missing
    or longer than its parameter takes (Zalo would refuse it; SMS carries it whole)."""
    filled = {}
    for name, field, max_length in params:
        value = values.get(field)
        if value is None:
            return None
        text = unicodedata.normalize("NFC", str(value)).strip()
        if not text or len(text) > max_length:
            return None
        filled[name] = text
    return filled


class Router:
    """The approved templates, read once and only when Zalo may carry a message: a
    fan-out routes thousands with two queries, an SMS-only sender with none."""

    @cached_property
    def zalo_on(self) -> bool:
        return zalo.enabled()

    @cached_property
    def templates(self) -> dict[str, tuple[str, list]]:
        found = {}
        approved = ZaloTemplate.objects.filter(status=ZaloTemplate.Status.APPROVED)
        for template in approved.prefetch_related("params"):
            params = [(p.name, p.field, p.max_length) for p in template.params.all()]
            found[template.kind] = (template.template_id, params)
        return found

    def route(self, kind: str, values: dict | None, *, zalo_allowed: bool) -> Route:
        if not (zalo_allowed and self.zalo_on and values is not None):
            return SMS
        found = self.templates.get(kind)
        if found is None:
            return SMS
        template_id, params = found
        filled = fill(params, values)
        if filled is None:
            return SMS
        return Route(Channel.ZALO, template_id, filled)

    def explicit(self, template_id: str, data: dict) -> Route:
        """A template named by the sender (send_zalo), registered or not."""
        return Route(Channel.ZALO, template_id, data) if self.zalo_on else SMS
