"""Short signed links in messages: the opt-out link every citizen message carries.

Vietnam has no two-way SMS, so nobody can reply STOP: the link is how a citizen says
no. It names the message and carries an 11-character signature of it, so it is short
(it costs characters in every SMS) and cannot be guessed for someone else's number.
"""

import base64

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "notifications.opt-out-link"


def short_token(salt: str, value) -> str:
    """11 characters that only this server can make for `value` (an HMAC, cut short)."""
    digest = salted_hmac(salt, str(value)).digest()[:8]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def valid_short_token(salt: str, value, token: str) -> bool:
    return constant_time_compare(short_token(salt, value), token)


def opt_out_token(message_id: int) -> str:
    return short_token(SALT, message_id)


def valid_opt_out_token(message_id: int, token: str) -> bool:
    return valid_short_token(SALT, message_id, token)


def opt_out_url(message_id: int) -> str:
    path = reverse("notifications:opt_out", args=[message_id, opt_out_token(message_id)])
    return f"{settings.SITE_URL}{path}"
