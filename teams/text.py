"""Text keys that let people type Vietnamese with or without diacritics."""

import re
import unicodedata
from functools import lru_cache

NOT_ALPHANUMERIC = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=65536)  # imports fold the same commune and person names many times
def fold(text: str) -> str:
    """Lower case, no diacritics, đ as d, single spaces.

    "  Phường Đông  Kinh" -> "phuong dong kinh"
    """
    decomposed = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def compact_key(text: str) -> str:
    """fold() without spaces or punctuation: "Xã/Phường" -> "xaphuong", "Mã xã" -> "maxa"."""
    return NOT_ALPHANUMERIC.sub("", fold(text))
