"""The sender's brand name that every SMS carries first, as Vietnam's rules require.

    problem = brand_problem("SỞ TT&TT LẠNG SƠN")  # "" when it may be used

A brand is what the carriers registered for the sender: letters (with or without
diacritics), digits, spaces and a few signs, at most 40 characters, never a link or a
phone number (which would pass for someone else's). The outbox puts it before every
text (notifications.outbox.compose); this is checked where a brand is saved: a campaign's,
or a broadcast's own.
"""

import re
import unicodedata

from django.utils.translation import gettext as _

ALLOWED_SIGNS = set(" &.-_()'/")
MAX_LENGTH = 40
LINK = re.compile(r"(https?://|www\.|\.(vn|com|net|org)\b)", re.IGNORECASE)


def brand_problem(brand: str) -> str:
    """Why `brand` cannot be a sender's brand, in the reader's language; "" if it can."""
    text = " ".join(unicodedata.normalize("NFC", brand).split())
    if not text:
        return _("Give the brand name every SMS starts with, as registered with the carriers.")
    if len(text) > MAX_LENGTH:
        return _("At most %(count)s characters: a brand name is short.") % {"count": MAX_LENGTH}
    if LINK.search(text):
        return _("A brand name is not a web address.")
    if sum(ch.isdigit() for ch in text) >= 8:
        return _("A brand name is not a phone number.")
    if not any(ch.isalpha() for ch in text):
        return _("A brand name has letters.")
    odd = sorted({ch for ch in text if not (ch.isalnum() or ch in ALLOWED_SIGNS)})
    if odd:
        return _("Letters, digits, spaces and & . - _ ( ) ' / only; not: %(signs)s") % {
            "signs": " ".join(odd)
        }
    return ""
