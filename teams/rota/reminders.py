"""Shift reminders through the outbox: the evening before and two hours before.

Each reminder has a key made of the sign-up and its kind, so it is queued once, and a
shift that moves updates its waiting reminders instead of adding new ones. A reminder
expires when the shift starts, so a message held back by quiet hours or retries is
never sent late; a cancelled shift or a declined place withdraws its reminders.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from notifications.outbox import cancel_pending, queue_message, update_pending
from notifications.sending import quiet_until
from teams.models import Shift, ShiftSignup

EVENING_BEFORE = time(19, 0)
KINDS = ("evening_before", "two_hours_before")
# A reminder pushed back by quiet hours is still sent if this much time is left.
LEAST_NOTICE = timedelta(minutes=30)


def reminder_key(signup: ShiftSignup, kind: str) -> str:
    return f"shift-reminder:{signup.pk}:{kind}"


def reminder_times(shift: Shift) -> dict[str, datetime]:
    """When each reminder goes out; a reminder with no good time is left out."""
    start = timezone.localtime(shift.starts_at)
    wanted = {
        "evening_before": datetime.combine(
            start.date() - timedelta(days=1), EVENING_BEFORE, tzinfo=start.tzinfo
        ),
        "two_hours_before": start - timedelta(hours=2),
    }
    times = {}
    for kind, moment in wanted.items():
        # Quiet hours: wait for them to end, if the shift is still far enough away.
        moment = quiet_until(moment) or moment
        if moment <= start - LEAST_NOTICE:
            times[kind] = moment
    return times


def reminder_values(signup: ShiftSignup) -> dict[str, str]:
    """What a reminder says, for its text and for a Zalo template."""
    shift = signup.shift
    start = timezone.localtime(shift.starts_at)
    return {
        "name": signup.volunteer.full_name,
        "given_name": signup.volunteer.full_name.split()[-1],
        "time": start.strftime("%H:%M"),
        "day": date_format(start, "d/m"),
        "place": shift.place,
        "commune": shift.commune.name,
    }


def reminder_text(signup: ShiftSignup, kind: str) -> str:
    """The reminder's text, in Vietnamese (the outbox adds the campaign's brand)."""
    values = {**reminder_values(signup)}
    values["name"] = values["given_name"]
    with translation.override("vi"):
        if kind == "evening_before":
            text = (
                _(
                    "Hello %(name)s, tomorrow %(day)s at %(time)s: "
                    "your shift at %(place)s, %(commune)s."
                )
                % values
            )
        else:
            text = _("%(name)s, your shift at %(place)s, %(commune)s starts at %(time)s.") % values
    return text


def schedule_reminders(signup: ShiftSignup) -> None:
    """Queue (or move) the reminders of a place that is held; withdraw the others."""
    shift = signup.shift
    holds = signup.status in ShiftSignup.HOLDS_A_PLACE and shift.cancelled_at is None
    times = reminder_times(shift) if holds else {}
    now = timezone.now()
    for kind in KINDS:
        key = reminder_key(signup, kind)
        moment = times.get(kind)
        if moment is None or moment <= now - LEAST_NOTICE:
            cancel_pending([key], "the shift changed, was cancelled or the place declined")
            continue
        text = reminder_text(signup, kind)
        sender = shift.campaign.sender_for(zalo_consent=signup.volunteer.zalo_consent)
        values = reminder_values(signup)
        if not update_pending(
            key, text=text, **sender, values=values, send_at=moment, expires_at=shift.starts_at
        ):
            queue_message(
                signup.volunteer.phone,
                text,
                kind="shift_reminder",
                key=key,
                **sender,
                values=values,
                subject=signup,
                send_at=moment,
                expires_at=shift.starts_at,
            )


def shift_changed(shift: Shift) -> None:
    """After a shift's time changed or it was cancelled: update or withdraw reminders."""
    for signup in shift.signups.select_related("volunteer", "shift__campaign", "shift__commune"):
        schedule_reminders(signup)
