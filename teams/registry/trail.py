"""Opt-outs in the audit trail.

An opt-out belongs to no province: it is a phone number. Its event is placed where the
person was reached: by the message they answered (its subject: a shift, an assignment,
a broadcast, a help session), else by the volunteer with that number, else by any
message sent to it. The number itself is never written to the trail.
"""

from campaign import audit
from notifications.models import Message
from teams.models import Volunteer


def place_of_number(phone: str, message: Message | None = None):
    candidates = []
    if message is not None:
        candidates.append(message)
    candidates += list(
        Message.objects.filter(recipient=phone, subject_type__isnull=False).order_by(
            "-created_at"
        )[:1]
    )
    for each in candidates:
        subject = each.subject if each.subject_type_id else None
        if subject is not None:
            province, commune = audit.place_of(subject)
            if province is not None:
                return province, commune
    volunteer = Volunteer.objects.filter(phone=phone).select_related("home_commune").first()
    if volunteer is not None:
        return audit.place_of(volunteer)
    return None, None


def record_opt_out(sender, *, opt_out, operation, message=None, actor=None, **kwargs):
    """Receives `notifications.signals.opt_out_changed`."""
    audit.record_change(
        opt_out,
        operation,
        actor=actor,
        place=place_of_number(opt_out.phone, message),
        details={"source": opt_out.source},
        force=True,
    )
