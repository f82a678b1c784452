"""Vietnamese with or without diacritics: one way to take them off, for the keys that
let people search and type without them, and for SMS sent without them."""

import re
import unicodedata
from functools import lru_cache


def strip_diacritics(text: str) -> str:
    """The text without its diacritics, đ as d: "Đường Trần" -> "Duong Tran"; case,
    spaces and every other character are kept."""
    decomposed = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold_text(text: str) -> str:
    """Lower case, no diacritics, đ as d, single spaces.

    "  Phường Đông  Kinh" -> "phuong dong kinh". For long or one-off texts (a page's
    words, a search query); short keys folded again and again use `fold`.
    """
    return " ".join(strip_diacritics(text).casefold().split())


@lru_cache(maxsize=65536)  # imports fold the same commune and person names many times
def fold(text: str) -> str:
    """fold_text(), remembered for names and other short keys."""
    return fold_text(text)


NOT_ALPHANUMERIC = re.compile(r"[^0-9a-z]+")


def compact_key(text: str) -> str:
    """fold() without spaces or punctuation: "Xã/Phường" -> "xaphuong", "Mã xã" -> "maxa"."""
    return NOT_ALPHANUMERIC.sub("", fold(text))


DIGIT_RUNS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple:
    """Sorts names as people read them: "Tổ 2" before "Tổ 11", diacritics and case
    aside ("Tổ thôn Bản Chu" with the Bs). Numbers compare as numbers."""
    return tuple(
        (1, int(part), "") if part.isdigit() else (0, 0, part)
        for part in DIGIT_RUNS.split(fold(text))
        if part
    )
