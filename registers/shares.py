"""Declared shares and the agreed set money is split on.

CWR lets a right type's ownership shares sum to 100 % plus or minus 0.06 (CISAC CWR 2.2, NWR/REV
transaction edit 11: "10000 plus or minus 00006"), so three writers at 33.33 % each are a valid
registration. The register keeps two sets side by side:

- the **declared** shares, exactly as the source gave them (they go back out unchanged on CWR export
  and are compared with a later revision), kept in ``Share.declared`` where they differ;
- the **agreed** shares (``Share.percent``), which sum to exactly 100.00 % for every right type and on
  which every amount is split.

The agreed set is made from the declared one by the largest-remainder rule (:func:`agreed_shares`):

1. each declared share is scaled to the whole: ``declared × 100 / total``, computed exactly;
2. each is cut down to whole hundredths of a percent;
3. the hundredths still missing to make 100.00 go one each to the shares with the largest cut-off
   remainders; equal remainders go in the order the shares were given (the first listed first).

A declared share of zero stays zero. The rule is deterministic, so the same declaration always gives
the same agreed set.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction

HUNDRED = Decimal("100.00")
CENT = Decimal("0.01")
#: How far a right type's declared shares may sum from 100 % (CWR: ± 00006).
TOLERANCE = Decimal("0.06")


def within_tolerance(total: Decimal) -> bool:
    return abs(total - HUNDRED) <= TOLERANCE


def agreed_shares(declared: Sequence[Decimal]) -> list[Decimal]:
    """The agreed shares, summing to exactly 100.00, for ``declared`` shares of one right type.

    >>> agreed_shares([Decimal("33.33")] * 3)
    [Decimal('33.34'), Decimal('33.33'), Decimal('33.33')]
    """
    total = sum(declared, Decimal())
    if total <= 0:
        raise ValueError("declared shares sum to zero")
    if total == HUNDRED:
        return [Decimal(d).quantize(CENT) for d in declared]
    # work in hundredths of a percent, exactly
    whole = 10_000
    exact = [Fraction(Decimal(d)) * whole / Fraction(total) for d in declared]
    floors = [int(x) for x in exact]  # exact >= 0, so int() is the floor
    missing = whole - sum(floors)
    order = sorted(
        (i for i, d in enumerate(declared) if d > 0),
        key=lambda i: (-(exact[i] - floors[i]), i),
    )
    for i in order[:missing]:
        floors[i] += 1
    return [(Decimal(n) / 100).quantize(CENT, rounding=ROUND_FLOOR) for n in floors]
