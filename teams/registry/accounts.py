"""Volunteer accounts on the phone: an SMS invitation to set a password, and reset codes.

- The invitation carries a one-time link (Django's password-reset token): it names the
  user and is signed over their password hash, so it stops working once the password
  is set. A fresh invitation after that is a new message with a new link.
- A forgotten password is reset with a 6-digit code sent by SMS. The code is kept
  hashed in the cache for 15 minutes; 5 wrong tries throw it away. At most 3 codes
  per phone and 10 per client address are sent in an hour.
"""

import secrets
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from campaign.people import full_name_fields
from lib import ratelimit
from notifications.models import Message
from notifications.outbox import queue_message
from teams.models import Volunteer

CODE_LIFETIME = 15 * 60
CODE_ATTEMPTS = 5
RATE_WINDOW = 3600
CODES_PER_PHONE = 3
CODES_PER_ADDRESS = 10


class TooManyRequests(Exception):
    pass


@transaction.atomic
def account_for(volunteer: Volunteer):
    """The volunteer's user account, created without a usable password if they have none."""
    if volunteer.user_id:
        return volunteer.user
    user, created = get_user_model().objects.get_or_create(
        username=volunteer.phone, defaults=full_name_fields(volunteer.full_name)
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    volunteer.user = user
    volunteer.save(update_fields=["user", "updated_at"])
    return user


def activation_url(user) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    # Vietnamese, the default language, has no prefix: the shortest link.
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("teams:account_activate", args=[uidb64, token])
    return f"{settings.SITE_URL}{path}"


def user_for_activation(uidb64: str, token: str):
    """The user the link was made for, or None when it is wrong or already used."""
    try:
        user = get_user_model().objects.get(pk=urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, OverflowError, get_user_model().DoesNotExist):
        return None
    if not user.is_active or not default_token_generator.check_token(user, token):
        return None
    return user


def invite_volunteer(volunteer: Volunteer, *, brand: str = "Digihelp") -> Message:
    """Text the volunteer a one-time link to set the password of their account."""
    user = account_for(volunteer)
    url = activation_url(user)
    with translation.override("vi"):
        text = _("Set your password to sign in on this phone: %(url)s") % {"url": url}
    return queue_message(
        volunteer.phone,
        text,
        kind="account_invitation",
        zalo=volunteer.zalo_consent,
        values={"name": volunteer.full_name, "url": url},
        # A new key once the password changed: an invitation after use is sent again.
        key=f"account-invite:{volunteer.pk}:{user.password[-12:]}",
        brand=brand,
        subject=volunteer,
    )


def _code_key(phone: str) -> str:
    return f"account-reset:code:{phone}"


def _attempts_key(phone: str) -> str:
    return f"account-reset:attempts:{phone}"


def send_reset_code(phone: str, client_address: str, *, brand: str = "Digihelp") -> None:
    """Text a reset code to `phone` (E.164) when it belongs to a volunteer's account.

    Unknown numbers are counted and refused exactly as known ones, and get no SMS, so
    the answer does not tell who is registered. Raises TooManyRequests over the limits.
    """
    for scope, who, limit in (
        ("account-reset:address", client_address, CODES_PER_ADDRESS),
        ("account-reset:phone", phone, CODES_PER_PHONE),
    ):
        # Strict: each code is an SMS, so no hour, whenever it starts, sends more.
        if not ratelimit.hit(scope, who, (limit, RATE_WINDOW), strict=True).allowed:
            raise TooManyRequests
    volunteer = Volunteer.objects.filter(phone=phone, user__is_active=True).first()
    if volunteer is None:
        return
    code = f"{secrets.randbelow(1_000_000):06d}"
    cache.set(
        _code_key(phone),
        {"user_id": volunteer.user_id, "hash": make_password(code)},
        timeout=CODE_LIFETIME,
    )
    cache.set(_attempts_key(phone), 0, timeout=CODE_LIFETIME)
    with translation.override("vi"):
        text = _("Your code to set a new password: %(code)s. It is valid for 15 minutes.") % {
            "code": code
        }
    queue_message(
        phone,
        text,
        kind="password_reset_code",  # by SMS: a 15-minute code cannot wait on Zalo's report
        key=f"password-reset:{volunteer.pk}:{uuid.uuid4().hex}",
        brand=brand,
        subject=volunteer,
    )


def user_for_reset_code(phone: str, code: str):
    """The user whose code this is, or None; a wrong code uses up one of the 5 tries."""
    stored = cache.get(_code_key(phone))
    if stored is None:
        return None
    if not check_password(code, stored["hash"]):
        try:
            attempts = cache.incr(_attempts_key(phone))
        except ValueError:
            attempts = CODE_ATTEMPTS
        if attempts >= CODE_ATTEMPTS:
            forget_reset_code(phone)
        return None
    return get_user_model().objects.filter(pk=stored["user_id"], is_active=True).first()


def forget_reset_code(phone: str) -> None:
    cache.delete_many([_code_key(phone), _attempts_key(phone)])
