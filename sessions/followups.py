"""Follow-up SMS to citizens who asked for one, through the outbox, with the opt-out link.

Each session has at most one follow-up, queued under the session's own key, so a log
stored twice or a task run twice queues it once. It goes out at 09:00 on the day the
volunteer chose (quiet hours are the outbox's business), and is dropped when the
citizen's number is erased.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications.outbox import cancel_pending, queue_message
from sessions.models import HelpSession

SEND_AT = time(9, 0)
KIND = "citizen_follow_up"
# A follow-up that could not go out within three days of its day is no use any more.
WORTH_SENDING_FOR = timedelta(days=3)
# What a follow-up offers a Zalo template (notifications.kinds).
VALUES = {
    "commune": gettext_lazy("Commune"),
    "follow_up": gettext_lazy("What to follow up"),
    "text": gettext_lazy("The whole reminder"),
    "opt_out_url": gettext_lazy("Link to stop these messages"),
}


def follow_up_text(session: HelpSession) -> str:
    values = {"commune": session.commune.name}
    with translation.override("vi"):
        if session.follow_up == HelpSession.FollowUp.APPLICATION_RESULT:
            return (
                _(
                    "Your application should now have a result: look it up on the National "
                    "Public Service Portal (dichvucong.gov.vn) or ask at %(commune)s's service "
                    "centre."
                )
                % values
            )
        if session.follow_up == HelpSession.FollowUp.EID_LEVEL_2:
            return (
                _(
                    "Reminder: finish your level-2 e-ID (VNeID) activation at %(commune)s's "
                    "public service centre; bring your citizen ID card."
                )
                % values
            )
        return (
            _(
                "Reminder: the fee for your application can now be paid online on the National "
                "Public Service Portal. Volunteers at %(commune)s can help."
            )
            % values
        )


def schedule_follow_up(session: HelpSession):
    """Queue the session's follow-up (once); returns the outbox message."""
    campaign = session.campaign
    send_at = max(
        timezone.now(), timezone.make_aware(datetime.combine(session.follow_up_on, SEND_AT))
    )
    text = follow_up_text(session)
    with translation.override("vi"):
        follow_up = str(session.get_follow_up_display())
    return queue_message(
        session.citizen_phone,
        text,
        kind=KIND,
        key=session.follow_up_key,
        # Their recorded consent covers Zalo and SMS alike (the logging page says so).
        **campaign.sender_for(zalo_consent=session.contact_consent_at is not None),
        values={"commune": session.commune.name, "follow_up": follow_up, "text": text},
        subject=session,
        send_at=send_at,
        expires_at=send_at + WORTH_SENDING_FOR,
        opt_out_link=True,
    )


def withdraw_follow_ups(sessions) -> int:
    """Cancel the follow-ups of `sessions` that have not gone out yet."""
    keys = [session.follow_up_key for session in sessions]
    return cancel_pending(keys, "the citizen's number was erased")
