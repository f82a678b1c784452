"""Progress against a target, as every dashboard figure shows it."""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cached_property


@dataclass(frozen=True)
class Progress:
    """What was achieved against a target; no target (None or 0) is "no target"."""

    achieved: int | float | None
    target: int | float | Decimal | None

    @property
    def has_target(self) -> bool:
        return self.target is not None and self.target > 0

    @cached_property
    def share(self) -> Fraction | None:
        """achieved / target exactly, for ranking without rounding ties apart."""
        if not self.has_target or self.achieved is None:
            return None
        return Fraction(self.achieved) / Fraction(self.target)

    @cached_property
    def percent(self) -> float | None:
        """The share in per cent, for showing: worked out in floats (a page shows
        hundreds of them; `share` keeps the exact value for ranking)."""
        if not self.has_target or self.achieved is None:
            return None
        return float(self.achieved) * 100 / float(self.target)

    @property
    def is_met(self) -> bool:
        return self.has_target and self.achieved is not None and self.achieved >= self.target
