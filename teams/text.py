"""Text keys that let people type Vietnamese with or without diacritics.

`fold` lives in campaign.text, so that apps below teams (the CMS) can use it too.
"""

import re

from campaign.text import fold

__all__ = ["compact_key", "fold"]

NOT_ALPHANUMERIC = re.compile(r"[^0-9a-z]+")


def compact_key(text: str) -> str:
    """fold() without spaces or punctuation: "Xã/Phường" -> "xaphuong", "Mã xã" -> "maxa"."""
    return NOT_ALPHANUMERIC.sub("", fold(text))
