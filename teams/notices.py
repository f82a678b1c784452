"""The notifications teams send, and the values each offers a Zalo template.

Registered with the outbox when Django starts (TeamsConfig.ready): the admin then offers
these values for each template parameter, and each sender passes them when queueing
(queue_message's `values`).
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from notifications import kinds

SHIFT = {
    "name": _("Volunteer's full name"),
    "given_name": _("Volunteer's given name"),
    "place": _("Place of the shift"),
    "commune": _("Commune"),
    "day": _("Day (dd/mm)"),
    "time": _("Start time (hh:mm)"),
}
FIELDS = {
    "shift_invitation": {**SHIFT, "url": _("Link to confirm or decline")},
    "shift_reminder": SHIFT,
    "assignment_notice": {
        "name": SHIFT["name"],
        "commune": SHIFT["commune"],
        "start": _("First day (dd/mm/yyyy)"),
        "end": _("Last day (dd/mm/yyyy)"),
        "url": _("Link to their shifts"),
    },
    "decline_notice": SHIFT,
    "understaffed_notice": {
        "commune": SHIFT["commune"],
        "day": SHIFT["day"],
        "time": SHIFT["time"],
        "held": _("Places taken"),
        "needed": _("Places needed"),
    },
    "account_invitation": {"name": SHIFT["name"], "url": _("Link to set the password")},
    "broadcast": {"text": pgettext_lazy("broadcast", "The text as composed")},
}


def register_kinds() -> None:
    from teams.broadcasts.message_log import KINDS

    for code, fields in FIELDS.items():
        kinds.register(code, KINDS[code], fields)
