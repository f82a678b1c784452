import string
import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from notifications.segments import (
    GSM_7_BASIC,
    GSM_7_EXTENSION,
    Segments,
    describe,
    encoding_of,
    estimate_cost,
    normalise,
    segments,
    without_diacritics,
)

REMINDER = (
    "Nhắc lịch: Ca hỗ trợ cài VNeID tại Nhà văn hóa thôn Nà Lừa, 8:00 ngày 25/11. "
    "Trả lời qua đường link để xác nhận."
)
REMINDER_WITHOUT_DIACRITICS = (
    "Nhac lich: Ca ho tro cai VNeID tai Nha van hoa thon Na Lua, 8:00 ngay 25/11. "
    "Tra loi qua duong link de xac nhan."
)

# Every Vietnamese vowel with no tone mark and then the five tones (huyền, sắc, hỏi, ngã,
# nặng), and the plain letter it should become.
VIETNAMESE_VOWELS = [
    ("aàáảãạ", "a"),
    ("ăằắẳẵặ", "a"),
    ("âầấẩẫậ", "a"),
    ("eèéẻẽẹ", "e"),
    ("êềếểễệ", "e"),
    ("iìíỉĩị", "i"),
    ("oòóỏõọ", "o"),
    ("ôồốổỗộ", "o"),
    ("ơờớởỡợ", "o"),
    ("uùúủũụ", "u"),
    ("ưừứửữự", "u"),
    ("yỳýỷỹỵ", "y"),
]
VIETNAMESE_LETTERS = "".join(row for row, _ in VIETNAMESE_VOWELS) + "đ"


def test_the_alphabet_tables_match_gsm_03_38():
    assert len(GSM_7_BASIC) == 127  # 128 positions without ESC
    assert "\x1b" not in GSM_7_BASIC
    assert sorted(GSM_7_EXTENSION) == sorted("\f^{}\\[~]|€")
    assert not GSM_7_BASIC & GSM_7_EXTENSION
    assert "Ç" in GSM_7_BASIC
    assert "ç" not in GSM_7_BASIC
    greek_capitals = "\u0394\u03a6\u0393\u039b\u03a9\u03a0\u03a8\u03a3\u0398\u039e"
    assert set(greek_capitals) <= GSM_7_BASIC


def test_every_printable_ascii_character_is_gsm_7_but_backtick_and_tabs():
    for character in string.printable:
        expected = "UCS-2" if character in "`\t\v" else "GSM-7"
        assert encoding_of(character) == expected, repr(character)


def test_a_vietnamese_reminder_is_ucs_2_and_costs_two_segments():
    assert segments(REMINDER) == Segments(
        encoding="UCS-2", units=112, segments=2, per_segment=67, remaining=22
    )


def test_the_same_reminder_without_diacritics_fits_in_one_gsm_7_message():
    plain = without_diacritics(REMINDER)

    assert plain == REMINDER_WITHOUT_DIACRITICS
    assert segments(plain) == Segments(
        encoding="GSM-7", units=112, segments=1, per_segment=160, remaining=48
    )


def test_one_diacritic_makes_the_whole_text_ucs_2():
    assert segments("a" * 101).segments == 1
    text = "a" * 100 + "ắ"
    assert encoding_of(text) == "UCS-2"
    assert segments(text).segments == 2


def test_nfd_input_counts_the_same_as_nfc_input():
    decomposed = unicodedata.normalize("NFD", REMINDER)
    assert len(decomposed) == 140  # what it would cost without normalising

    assert segments(decomposed) == segments(REMINDER)
    assert normalise(decomposed) == REMINDER


def test_windows_line_endings_count_as_one_newline():
    assert normalise("Ca 1\r\nCa 2") == "Ca 1\nCa 2"
    assert segments("Ca 1\r\nCa 2").units == 9


@pytest.mark.parametrize(
    ("length", "count", "per_segment", "remaining"),
    [
        (1, 1, 160, 159),
        (160, 1, 160, 0),
        (161, 2, 153, 145),
        (306, 2, 153, 0),
        (307, 3, 153, 152),
    ],
)
def test_gsm_7_segment_boundaries(length, count, per_segment, remaining):
    assert segments("a" * length) == Segments("GSM-7", length, count, per_segment, remaining)


@pytest.mark.parametrize(
    ("length", "count", "per_segment", "remaining"),
    [
        (1, 1, 70, 69),
        (70, 1, 70, 0),
        (71, 2, 67, 63),
        (134, 2, 67, 0),
        (135, 3, 67, 66),
    ],
)
def test_ucs_2_segment_boundaries(length, count, per_segment, remaining):
    assert segments("ư" * length) == Segments("UCS-2", length, count, per_segment, remaining)


def test_extension_characters_cost_two_septets():
    assert segments("€" * 80) == Segments("GSM-7", 160, 1, 160, 0)
    assert segments("€" * 81) == Segments("GSM-7", 162, 2, 153, 144)
    assert segments("{x}").units == 5


def test_an_emoji_counts_two_utf_16_units():
    assert segments("👍") == Segments("UCS-2", 2, 1, 70, 68)
    assert segments("a" * 68 + "👍").segments == 1
    assert segments("a" * 69 + "👍").segments == 2


def test_empty_text_costs_nothing():
    assert segments("") == Segments("GSM-7", 0, 0, 160, 160)
    assert estimate_cost("", Decimal("0.085")) == Decimal("0")


def test_cost_is_segments_times_price():
    price = Decimal("0.0850")
    assert estimate_cost(REMINDER, price) == Decimal("0.1700")
    assert estimate_cost(without_diacritics(REMINDER), price) == Decimal("0.0850")


def test_describe_gives_segments_encoding_and_room():
    assert describe("ư" * 134) == "2 segments, UCS-2 (Unicode), 134/134 characters"
    assert describe("Xin chao") == "1 segment, GSM-7, 8/160 characters"


def test_without_diacritics_replaces_typography_with_plain_characters():
    text = "Đường Trần Hưng Đạo — phí 50.000₫ “miễn phí”…"

    plain = without_diacritics(text)

    assert plain == 'Duong Tran Hung Dao - phi 50.000d "mien phi"...'
    assert encoding_of(plain) == "GSM-7"


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("‘Hẹn’ – ‚a‛ „b”", "'Hen' - 'a' \"b\""),
        ("2\u00a0×\u00a03", "2 x 3"),
        ("• Ca sáng\n• Ca chiều", "- Ca sang\n- Ca chieu"),
        ("Ｈà Ｎội ２０２５", "Ha Noi 2025"),  # full-width forms
        ("Xin chào 👋 ★", "Xin chao ? ?"),
        ("Dòng 1\r\nDòng 2", "Dong 1\nDong 2"),
    ],
)
def test_without_diacritics_gives_plain_stand_ins_or_a_question_mark(text, plain):
    assert without_diacritics(text) == plain


@pytest.mark.parametrize(("row", "plain"), VIETNAMESE_VOWELS)
def test_every_vietnamese_vowel_with_every_tone_becomes_its_plain_letter(row, plain):
    assert unicodedata.normalize("NFC", row) == row
    assert len(row) == 6
    assert without_diacritics(row) == plain * 6
    assert without_diacritics(row.upper()) == plain.upper() * 6


def test_d_with_stroke_becomes_d():
    assert without_diacritics("đĐ") == "dD"


def test_every_letter_of_the_vietnamese_alphabet_becomes_one_gsm_7_letter():
    letters = VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper()
    assert len(set(letters)) == 146

    for letter in letters:
        plain = without_diacritics(letter)
        assert plain in string.ascii_letters, letter
        assert len(plain) == 1, letter


def test_vietnamese_letters_already_in_gsm_7_lose_their_accent_too():
    # à è é ì ò ù are in the GSM alphabet; "Vé xe" keeps its meaning as "Ve xe", and a
    # text that drops some accents but not others is harder to read.
    assert encoding_of("Vé xe") == "GSM-7"
    assert without_diacritics("Vé xe") == "Ve xe"


TEXTS = st.one_of(
    st.text(),
    st.text(
        alphabet=st.sampled_from(
            VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper() + "aZ €{}\r\n₫“”…—👍\u0301"
        ),
        max_size=400,
    ),
)


@given(TEXTS)
def test_without_diacritics_always_gives_gsm_7_text(text):
    plain = without_diacritics(text)

    assert encoding_of(plain) == "GSM-7"
    assert without_diacritics(plain) == plain


@given(TEXTS)
def test_segment_count_follows_the_units_formula(text):
    for candidate in (text, without_diacritics(text)):
        result = segments(candidate)
        normalised = normalise(candidate)

        if result.encoding == "GSM-7":
            extension = sum(character in GSM_7_EXTENSION for character in normalised)
            assert result.units == len(normalised) + extension
            single, split = 160, 153
        else:
            assert result.units == len(normalised.encode("utf-16-le")) // 2
            single, split = 70, 67

        if result.units == 0:
            assert result.segments == 0
        elif result.units <= single:
            assert (result.segments, result.per_segment) == (1, single)
        else:
            assert result.segments == -(-result.units // split)
            assert result.per_segment == split
        assert 0 <= result.remaining < result.per_segment or result.units == 0
        assert result.units + result.remaining == max(result.segments, 1) * result.per_segment
