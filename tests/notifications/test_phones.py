import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from notifications.phones import InvalidPhone, is_e164_mobile, normalise_mobile

# Messages are read in English here; the Vietnamese ones are checked elsewhere.
pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.parametrize(
    "typed",
    [
        "0912 345 678",
        "091.234.5678",
        "0912-345-678",
        "+84 91 234 5678",
        "84912345678",
        "0084912345678",
        "(091) 234 5678",
        912345678,  # Excel dropped the leading zero
        912345678.0,
        " 0912345678 ",
    ],
)
def test_every_common_shape_becomes_e164(typed):
    mobile = normalise_mobile(typed)
    assert mobile.e164 == "+84912345678"
    assert mobile.warning == ""


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("01662345678", "+84362345678"),  # Viettel 0166 -> 036
        ("0120 234 5678", "+84702345678"),  # MobiFone 0120 -> 070
        ("0123.234.5678", "+84832345678"),  # VinaPhone 0123 -> 083
        ("+84 188 234 5678", "+84582345678"),  # Vietnamobile 0188 -> 058
        ("1992345678", "+84592345678"),  # Gmobile, leading zero lost
    ],
)
def test_pre_2018_eleven_digit_mobiles_get_todays_prefix_with_a_warning(old, new):
    mobile = normalise_mobile(old)
    assert mobile.e164 == new
    assert "11" in mobile.warning


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("024 3825 1234", "landline"),
        ("02438251234", "landline"),
        ("0891234567", "not a valid"),  # an unassigned sub-range of 089
        ("09123abc78", "not digits"),
        ("+1 212 555 0100", "not a Vietnamese"),
        ("", "empty"),
        ("   ", "empty"),
        ("0912", "not a valid"),
        (912345678.5, "not a phone number"),
    ],
)
def test_numbers_that_cannot_receive_sms_are_refused_with_the_reason(typed, reason):
    with pytest.raises(InvalidPhone, match=reason):
        normalise_mobile(typed)


def test_a_valid_mobile_of_a_narrow_sub_range_is_accepted():
    assert normalise_mobile("0896 123 456").e164 == "+84896123456"


@given(
    st.one_of(
        st.text(max_size=30),
        st.text(alphabet="0123456789 +.-()", max_size=20),
        st.integers(min_value=-(10**13), max_value=10**13),
        st.floats(allow_nan=True, allow_infinity=True),
    )
)
def test_the_normaliser_never_crashes_and_only_returns_valid_mobiles(typed):
    try:
        mobile = normalise_mobile(typed)
    except InvalidPhone:
        return
    number = phonenumbers.parse(mobile.e164)
    assert mobile.e164.startswith("+84")
    assert phonenumbers.is_valid_number(number)
    assert phonenumbers.number_type(number) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )
    assert is_e164_mobile(mobile.e164)


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+84912345678", "0912 345 678"),
        ("+84862097722", "0862 097 722"),
        ("+842053812345", "0205 3812 345"),
        ("erased-12", "erased-12"),
        ("erased", "erased"),
    ],
)
def test_a_stored_number_is_shown_as_people_read_and_dial_it(stored, shown):
    from notifications.phones import national

    assert national(stored) == shown
