"""Vietnamese mobile numbers, typed every way people type them, to E.164.

    >>> normalise_mobile("0912 345 678").e164
    '+84912345678'

Accepted: 0912 345 678, 091.234.5678, +84 91 234 5678, 84912345678, 0084912345678, a
number Excel stored without its leading zero (912345678), and pre-2018 eleven-digit
mobiles (0162 ...), which are mapped to today's prefix with a warning. Landlines and
invalid numbers raise InvalidPhone with a reason a person can act on.
"""

import re
from dataclasses import dataclass

import phonenumbers
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from phonenumbers import PhoneNumberType

# Pre-2018 eleven-digit mobile prefixes and the ten-digit prefixes that replaced them.
OLD_MOBILE_PREFIXES = {
    # Viettel
    **{f"016{d}": f"03{d}" for d in "23456789"},
    # MobiFone
    "0120": "070",
    "0121": "079",
    "0122": "077",
    "0126": "076",
    "0128": "078",
    # VinaPhone
    "0123": "083",
    "0124": "084",
    "0125": "085",
    "0127": "081",
    "0129": "082",
    # Vietnamobile
    "0186": "056",
    "0188": "058",
    # Gmobile
    "0199": "059",
}
SEPARATORS = re.compile(r"[\s.\-()/]+")
MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


class InvalidPhone(ValueError):
    pass


@dataclass(frozen=True)
class Mobile:
    e164: str
    warning: str = ""


def _digits(raw) -> str:
    if isinstance(raw, float):
        if not raw.is_integer():
            raise InvalidPhone(_("“%(value)s” is not a phone number") % {"value": raw})
        raw = int(raw)
    text = SEPARATORS.sub("", str(raw).strip())
    if not text:
        raise InvalidPhone(_("the phone number is empty"))
    plus = text.startswith("+")
    digits = text[1:] if plus else text
    if not digits.isdigit() or not digits.isascii():
        raise InvalidPhone(
            _("“%(value)s” has characters that are not digits") % {"value": str(raw).strip()}
        )
    if plus or digits.startswith("00"):
        digits = digits.removeprefix("00") if not plus else digits
        if not digits.startswith("84"):
            raise InvalidPhone(
                _("“%(value)s” is not a Vietnamese number") % {"value": str(raw).strip()}
            )
        return "0" + digits[2:]
    if digits.startswith("84") and len(digits) in (11, 12):
        return "0" + digits[2:]
    if not digits.startswith("0") and len(digits) in (9, 10):
        return "0" + digits  # Excel dropped the leading zero
    return digits


def normalise_mobile(raw) -> Mobile:
    """The E.164 form of a Vietnamese mobile number, or InvalidPhone saying why not."""
    national = _digits(raw)
    warning = ""
    if len(national) == 11 and national[:4] in OLD_MOBILE_PREFIXES:
        new = OLD_MOBILE_PREFIXES[national[:4]] + national[4:]
        warning = _("old 11-digit number %(old)s changed to %(new)s") % {
            "old": national,
            "new": new,
        }
        national = new
    # `national` is digits with the trunk zero: build the number directly rather than
    # parse it again (parsing is most of the cost of a large import).
    significant = national[1:] if national.startswith("0") else national
    if not 8 <= len(significant) <= 10:
        raise InvalidPhone(
            _("“%(value)s” is not a valid Vietnamese phone number") % {"value": str(raw).strip()}
        )
    number = phonenumbers.PhoneNumber(country_code=84, national_number=int(significant))
    kind = phonenumbers.number_type(number)  # UNKNOWN when the number is not valid
    if kind == PhoneNumberType.UNKNOWN:
        raise InvalidPhone(
            _("“%(value)s” is not a valid Vietnamese phone number") % {"value": str(raw).strip()}
        )
    if kind not in MOBILE_TYPES:
        raise InvalidPhone(
            _("“%(value)s” is a landline: it cannot receive SMS") % {"value": str(raw).strip()}
        )
    return Mobile(f"+84{number.national_number}", warning)


def is_e164_mobile(value: str) -> bool:
    try:
        return normalise_mobile(value).e164 == value
    except InvalidPhone:
        return False


def national(number: str) -> str:
    """A stored number as people read and dial it: "+84912345678" -> "0912 345 678",
    "+842053812345" -> "0205 3812 345". Anything that is no valid number (an erased
    one, say) comes back as it is."""
    try:
        parsed = phonenumbers.parse(number, "VN")
    except phonenumbers.NumberParseException:
        return number
    if not phonenumbers.is_valid_number(parsed):
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)


def mobiles_from_options(numbers: list[str]) -> list[str]:
    """The --to numbers of an operator command in E.164, each once, in the order given;
    a bad one is a CommandError that names it."""
    found = []
    for number in numbers:
        try:
            found.append(normalise_mobile(number).e164)
        except InvalidPhone as error:
            raise CommandError(f"--to {number}: {error}") from None
    return list(dict.fromkeys(found))
