"""The link in a volunteer's shift SMS: open it, tap once to confirm or decline.

Volunteers have no password on their phones, so the link itself is the key: it names
the sign-up and carries an 11-character signature of it (as the opt-out link does), so
it is short and cannot be guessed for someone else's place. It stops working once the
shift has started or was cancelled; that is checked when the link is used.

The messages around an answer are queued here too: the invitation a volunteer gets
when a coordinator places them, and the notice a coordinator gets when someone declines.
"""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from notifications.links import short_token, valid_short_token
from notifications.models import Message
from notifications.outbox import queue_message
from teams.models import ShiftSignup, Volunteer

SALT = "teams.shift-link"
# A volunteer who declined may take it back this long after; the coordinators are told
# once it has passed.
UNDO_DECLINE = timedelta(minutes=10)


def shift_token(signup_id: int) -> str:
    return short_token(SALT, signup_id)


def valid_shift_token(signup_id: int, token: str) -> bool:
    return valid_short_token(SALT, signup_id, token)


def shift_link_url(signup: ShiftSignup) -> str:
    # Vietnamese, the default language, has no prefix: the shortest link.
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("teams:shift_answer", args=[signup.pk, shift_token(signup.pk)])
    return f"{settings.SITE_URL}{path}"


def link_expired(signup: ShiftSignup, *, now=None) -> bool:
    """A shift that has started or was cancelled can no longer be answered."""
    shift = signup.shift
    return shift.cancelled_at is not None or shift.starts_at <= (now or timezone.now())


def _shift_values(signup: ShiftSignup) -> dict[str, str]:
    shift = signup.shift
    start = timezone.localtime(shift.starts_at)
    return {
        "name": signup.volunteer.full_name,
        "given_name": signup.volunteer.full_name.split()[-1],
        "place": shift.place,
        "commune": shift.commune.name,
        "day": date_format(start, "d/m"),
        "time": start.strftime("%H:%M"),
    }


def invite(signup: ShiftSignup) -> Message:
    """Text the volunteer a coordinator placed on a shift, with the link to answer.

    Call it after sign_up(..., placed_by_coordinator=True); queued once per sign-up.
    """
    values = {**_shift_values(signup), "url": shift_link_url(signup)}
    with translation.override("vi"):
        text = (
            _(
                "You are invited to a shift at %(place)s, %(commune)s on %(day)s at %(time)s. "
                "Confirm or decline: %(url)s"
            )
            % values
        )
    return queue_message(
        signup.volunteer.phone,
        text,
        kind="shift_invitation",
        key=f"invite:{signup.pk}",
        **signup.shift.campaign.sender_for(zalo_consent=signup.volunteer.zalo_consent),
        values=values,
        subject=signup,
        expires_at=signup.shift.starts_at,
    )


def coordinators_to_tell(signup: ShiftSignup):
    return Volunteer.objects.coordinating(signup.shift.commune_id)


def tell_coordinators_of_decline(signup: ShiftSignup) -> int:
    """One SMS to each coordinator of the shift's commune saying the place is open again.

    A coordinator whose account has no linked volunteer (so no phone) is not told by
    SMS; when no coordinator has a phone nothing is sent at all, and the decline still
    shows on the coverage pages. Returns how many messages were queued.
    """
    values = _shift_values(signup)
    with translation.override("vi"):
        text = (
            _(
                "%(name)s cannot come to the shift at %(place)s, %(commune)s on %(day)s "
                "at %(time)s. The place is open again."
            )
            % values
        )
    count = 0
    # Sent once the volunteer can no longer take the decline back (withdraw_decline_notices).
    send_at = timezone.now() + UNDO_DECLINE
    for coordinator in coordinators_to_tell(signup):
        queue_message(
            coordinator.phone,
            text,
            kind="decline_notice",
            # One notice per sign-up and coordinator: idempotency keys are unique.
            key=f"decline:{signup.pk}:{coordinator.pk}",
            **signup.shift.campaign.sender_for(zalo_consent=coordinator.zalo_consent),
            values=values,
            subject=signup,
            send_at=send_at,
        )
        count += 1
    return count


def withdraw_decline_notices(signup: ShiftSignup) -> int:
    """The volunteer took their decline back: the coordinators' notices not yet sent go
    (deleted, so a later decline is told again under the same keys)."""
    deleted, _counts = Message.objects.filter(
        idempotency_key__startswith=f"decline:{signup.pk}:", status=Message.Status.QUEUED
    ).delete()
    return deleted
