"""Money, in one place: amounts are ``Decimal`` tenge with two places (tiyn), never floats.

- :func:`tenge` quantizes to the tiyn, half up (the rounding of Kazakh invoices);
- :func:`to_tiyn` / :func:`from_tiyn` move between tenge and integer tiyn (the database's ledger keeps tiyn);
- :func:`split` divides a whole by weights with the largest-remainder rule, so the parts always sum to
  the whole, to the tiyn; ties go to the earlier part, so the split is the same every time.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

TIYN = Decimal("0.01")
#: The currency of every amount on the platform.
CURRENCY = "KZT"


def tenge(value: Decimal | int | str) -> Decimal:
    """``value`` in tenge, rounded half up to the tiyn. Floats are refused: they are never exact."""
    if isinstance(value, float):
        raise TypeError("money is never a float")
    return Decimal(value).quantize(TIYN, rounding=ROUND_HALF_UP)


def to_tiyn(value: Decimal | int | str) -> int:
    """Whole tiyn in ``value`` tenge (which must already be a whole number of tiyn)."""
    amount = Decimal(value)
    if amount != amount.quantize(TIYN):
        raise ValueError(f"{value} is not a whole number of tiyn")
    return int(amount * 100)


def from_tiyn(tiyn: int) -> Decimal:
    return (Decimal(tiyn) / 100).quantize(TIYN)


def split_units(whole: int, weights: Sequence[Decimal | int]) -> list[int]:
    """``whole`` units (tiyn) split by ``weights`` with the largest remainder: each part gets the floor of
    its exact share, and the units still missing go one each to the largest remainders (the earlier part
    first on a tie). The parts sum to ``whole``. Weights must be non-negative with a positive sum."""
    if not weights:
        raise ValueError("nothing to split between")
    exact_weights = [Decimal(w) for w in weights]
    if any(w < 0 for w in exact_weights):
        raise ValueError("a weight is negative")
    total = sum(exact_weights, Decimal(0))
    if total <= 0:
        raise ValueError("the weights sum to nothing")
    sign = -1 if whole < 0 else 1
    magnitude = abs(whole)
    exact = [Decimal(magnitude) * w / total for w in exact_weights]
    parts = [int(e.to_integral_value(rounding=ROUND_FLOOR)) for e in exact]
    missing = magnitude - sum(parts)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[:missing]:
        parts[i] += 1
    return [sign * p for p in parts]


def split(whole: Decimal, weights: Sequence[Decimal | int]) -> list[Decimal]:
    """``whole`` tenge split by ``weights`` to the tiyn (see :func:`split_units`)."""
    return [from_tiyn(p) for p in split_units(to_tiyn(tenge(whole)), weights)]
