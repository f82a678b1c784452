"""The sender brand every SMS starts with: what may be one, and why not."""

import pytest

from lib.brands import brand_problem


@pytest.mark.parametrize(
    "brand", ["SỞ TT&TT LẠNG SƠN", "DIGIHELP", "UBND xã Hữu Lũng", "Đoàn TN (Lạng Sơn)"]
)
def test_a_registered_kind_of_brand_passes(brand):
    assert brand_problem(brand) == ""


@pytest.mark.parametrize(
    ("brand", "says"),
    [
        ("   ", "Give the brand name"),
        ("X" * 41, "At most 40 characters"),
        ("dichvucong.gov.vn", "not a web address"),
        ("https://digihelp", "not a web address"),
        ("Gọi 0912345678", "not a phone number"),
        ("2026", "has letters"),
        ("SỞ TTTT ★", "not: ★"),
    ],
)
def test_a_bad_brand_is_refused_with_the_reason(english, brand, says):
    assert says in brand_problem(brand)
