"""Text keys that let people type Vietnamese with or without diacritics."""

import re
import unicodedata
from functools import lru_cache


def fold_text(text: str) -> str:
    """Lower case, no diacritics, đ as d, single spaces.

    "  Phường Đông  Kinh" -> "phuong dong kinh". For long or one-off texts (a page's
    words, a search query); short keys folded again and again use `fold`.
    """
    decomposed = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


@lru_cache(maxsize=65536)  # imports fold the same commune and person names many times
def fold(text: str) -> str:
    """fold_text(), remembered for names and other short keys."""
    return fold_text(text)


NOT_ALPHANUMERIC = re.compile(r"[^0-9a-z]+")


def compact_key(text: str) -> str:
    """fold() without spaces or punctuation: "Xã/Phường" -> "xaphuong", "Mã xã" -> "maxa"."""
    return NOT_ALPHANUMERIC.sub("", fold(text))
