"""How an SMS will be encoded and how many segments it will cost.

An SMS travels in one of two encodings. GSM-7 packs the GSM 03.38 default alphabet into
7-bit septets: 160 per message, or 153 per segment once a message is split (the rest of
each segment holds the header that joins the parts again). Any character outside that
alphabet switches the *whole* text to UCS-2, two bytes a character: 70 per message, or
67 per segment when split. Every segment is billed as one message.

Vietnamese is the expensive case: one letter with a diacritic ("ắ", "ư", "đ") turns a
reminder that would fit in one GSM-7 message into two or three UCS-2 segments. The same
text without diacritics ("Nhac lich: ...") is pure GSM-7 and still readable, which is
what `without_diacritics` produces.

Text is normalised to NFC before it is counted: in NFD every accented letter is a base
letter plus one or two combining marks, so "ắ" would count as three units instead of
one.

The counts follow the usual formula (`ceil(units / 153)` or `ceil(units / 67)`). A
phone never splits a two-septet character or an emoji across two segments, so a long
text that has one of them exactly on a segment boundary can cost one segment more than
estimated here.
"""

import math
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from lib.text import strip_diacritics

Encoding = Literal["GSM-7", "UCS-2"]

GSM_7: Encoding = "GSM-7"
UCS_2: Encoding = "UCS-2"

# The GSM 03.38 default alphabet in code order, 0x00 to 0x7F, without 0x1B (ESC), which
# only announces a character of the extension table.
GSM_7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅå"  # 0x00
    "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ"  # 0x10 (ESC left out)
    " !\"#¤%&'()*+,-./"  # 0x20
    "0123456789:;<=>?"  # 0x30
    "¡ABCDEFGHIJKLMNO"  # 0x40
    "PQRSTUVWXYZÄÖÑÜ§"  # 0x50
    "¿abcdefghijklmno"  # 0x60
    "pqrstuvwxyzäöñüà"  # 0x70
)
# The extension table: each of these is sent as ESC plus one septet, so it costs two.
GSM_7_EXTENSION = frozenset("\f^{}\\[~]|€")
GSM_7_CHARACTERS = GSM_7_BASIC | GSM_7_EXTENSION

SINGLE_LIMITS = {GSM_7: 160, UCS_2: 70}
SPLIT_LIMITS = {GSM_7: 153, UCS_2: 67}

ENCODING_LABELS = {GSM_7: "GSM-7", UCS_2: "UCS-2 (Unicode)"}

# Characters outside GSM-7 that have an obvious GSM-7 stand-in. Anything else that is
# left after the diacritics are gone becomes "?".
GSM_7_REPLACEMENTS = {
    "đ": "d",
    "Đ": "D",
    "‘": "'",
    "’": "'",
    "‚": "'",
    "‛": "'",
    "`": "'",
    "‹": "'",
    "›": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "‟": '"',
    "«": '"',
    "»": '"',
    "‐": "-",
    "‑": "-",
    "‒": "-",
    "–": "-",
    "—": "-",
    "―": "-",
    "−": "-",
    "•": "-",
    "…": "...",
    "\u00a0": " ",  # no-break space
    "\u202f": " ",  # narrow no-break space
    "\t": " ",
    "\u200b": "",  # zero-width space
    "\u200c": "",  # zero-width non-joiner
    "\u200d": "",  # zero-width joiner
    "\u2060": "",  # word joiner
    "\ufeff": "",  # byte order mark
    "₫": "d",
    "×": "x",
}


@dataclass(frozen=True)
class Segments:
    """What a text costs: its encoding, its size and the room left in its last segment."""

    encoding: Encoding
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    segments: int
    per_segment: int
    remaining: int

    @property
    def capacity(self) -> int:
        """Units that fit in the segments already paid for."""
        return self.units + self.remaining


def normalise(text: str) -> str:
    """NFC, with Windows line endings turned into plain newlines."""
    return unicodedata.normalize("NFC", text).replace("\r\n", "\n")


def _is_gsm_7(text: str) -> bool:
    return all(character in GSM_7_CHARACTERS for character in text)


def encoding_of(text: str) -> Encoding:
    """GSM-7 when every character is in the GSM 03.38 alphabet, else UCS-2."""
    return GSM_7 if _is_gsm_7(normalise(text)) else UCS_2


def _units(text: str, encoding: Encoding) -> int:
    if encoding == GSM_7:
        return len(text) + sum(character in GSM_7_EXTENSION for character in text)
    # Characters outside the Basic Multilingual Plane (most emoji) are surrogate pairs.
    return len(text) + sum(ord(character) > 0xFFFF for character in text)


def segments(text: str) -> Segments:
    """Encoding, size and segment count of the text as it will be sent (after NFC)."""
    text = normalise(text)
    encoding = GSM_7 if _is_gsm_7(text) else UCS_2
    units = _units(text, encoding)
    if units <= SINGLE_LIMITS[encoding]:
        count = 1 if units else 0
        per_segment = SINGLE_LIMITS[encoding]
    else:
        per_segment = SPLIT_LIMITS[encoding]
        count = math.ceil(units / per_segment)
    return Segments(
        encoding=encoding,
        units=units,
        segments=count,
        per_segment=per_segment,
        remaining=max(count, 1) * per_segment - units,
    )


def _to_gsm_7(character: str) -> str:
    if character in GSM_7_CHARACTERS:
        return character
    if character in GSM_7_REPLACEMENTS:
        return GSM_7_REPLACEMENTS[character]
    # Compatibility forms with a plain equivalent: full-width letters and digits from
    # Asian keyboards, ligatures, thin spaces, superscript digits.
    compatible = "".join(
        part
        for part in unicodedata.normalize("NFKD", character)
        if not unicodedata.combining(part)
    )
    if compatible and _is_gsm_7(compatible):
        return compatible
    return "?"


def without_diacritics(text: str) -> str:
    """The text with its diacritics removed and every character made GSM-7.

    "Đường Trần Hưng Đạo" becomes "Duong Tran Hung Dao". Typographic characters get a
    plain stand-in (curly quotes, dashes, "…", "₫") and anything without one becomes
    "?", so the result is always GSM-7.
    """
    result = "".join(_to_gsm_7(character) for character in strip_diacritics(normalise(text)))
    # Dropping a mark or an invisible character can bring a "\r" and a "\n" together.
    return result.replace("\r\n", "\n")


def estimate_cost(text: str, price_per_segment: Decimal) -> Decimal:
    """The price of sending the text once, at a Decimal price per segment."""
    return Decimal(segments(text).segments) * price_per_segment


def describe(text: str) -> str:
    """A one-line summary for a compose form, e.g. "1 segment, GSM-7, 42/160 characters"."""
    result = segments(text)
    noun = "segment" if result.segments == 1 else "segments"
    return (
        f"{result.segments} {noun}, {ENCODING_LABELS[result.encoding]}, "
        f"{result.units}/{result.capacity} characters"
    )
