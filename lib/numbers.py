"""Numbers as people typed them."""

from decimal import Decimal


def plain(value):
    """A Decimal without the zeros its field pads it with: 400.00 as 400, 35.50 as 35.5
    (an int or a float, as a form or a spreadsheet shows them); anything else as it is."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
