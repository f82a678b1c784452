from decimal import Decimal

import pytest

from lib.numbers import plain


@pytest.mark.parametrize(
    ("value", "shown"),
    [(Decimal("400.00"), 400), (Decimal("35.50"), 35.5), (None, None), (7, 7), (2.5, 2.5)],
)
def test_a_decimal_loses_the_zeros_its_field_padded_it_with(value, shown):
    assert plain(value) == shown
    assert type(plain(value)) is type(shown)
