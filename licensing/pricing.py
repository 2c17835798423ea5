"""What a rate comes to: one set of rules for minimum rates, tariffs and quotes.

Every term is brought to **tenge per month** on a given day, exactly (``Decimal``, no rounding): an
amount in МРП is multiplied by the index's value that day, a yearly amount divided by 12. A quote is the
sum of a tariff's terms for the user's declared parameters; it is rounded once, to the tiyn, only when an
amount is shown or invoiced (:func:`udp.money.tenge`). The price follows from nothing but the tariff and the
declaration (Art. 44.2: the same terms for the same category).

A tariff may not be below the minimum rate for its area and use (Art. 16-1, 40-2). Like is compared with
like: each term of the minimum (a fixed amount, an amount per unit of one parameter, a percentage of
revenue) needs a tariff term of the same kind and unit that is at least as much, per month, on every day
both are valid (the МРП changes on 1 January, so a tariff valid over a new year is checked on both sides).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from licensing.models import (
    PERIOD_MONTHS,
    AmountBasis,
    IndexKind,
    IndexValue,
    MinimumRate,
    RateShape,
    Tariff,
    TariffStatus,
)
from licensing.models.rates import Component
from udp.core.params import short_day
from udp.money import tenge

HUNDRED = Decimal(100)


class NoIndexValue(LookupError):
    """No value of the index is entered for the day asked."""


def index_on(day: dt.date, kind: str = IndexKind.MRP) -> Decimal:
    row = IndexValue.objects.filter(kind=kind, valid_from__lte=day).order_by("-valid_from").first()
    if row is None:
        raise NoIndexValue(
            _("No value of the monthly calculation index is entered for %(day)s.") % {"day": short_day(day)}
        )
    return row.value


def index_changes(start: dt.date, end: dt.date | None, kind: str = IndexKind.MRP) -> list[dt.date]:
    """The days within [start, end] on which the index takes a new value."""
    rows = IndexValue.objects.filter(kind=kind, valid_from__gt=start)
    if end is not None:
        rows = rows.filter(valid_from__lte=end)
    return list(rows.values_list("valid_from", flat=True))


def amount_in_tenge(component: Component, day: dt.date) -> tuple[Decimal, Decimal | None]:
    """The term's amount in tenge on ``day``, and the index value used (``None`` for tenge amounts)."""
    if component.basis == AmountBasis.MRP:
        mrp = index_on(day)
        return component.amount * mrp, mrp
    return component.amount, None


def _months(component: Component) -> int:
    return PERIOD_MONTHS[component.period]  # type: ignore[index]


@dataclass(frozen=True)
class Working:
    """One term of a quote, as the agreement prints it."""

    shape: str
    unit: str
    quantity: Decimal | None
    rate: Decimal
    basis: str
    index: Decimal | None
    period: str
    percent: Decimal | None
    revenue: Decimal | None
    monthly: Decimal

    def as_json(self) -> dict[str, Any]:
        return {
            "shape": self.shape, "unit": self.unit, "period": self.period, "basis": self.basis,
            "quantity": _s(self.quantity), "rate": _s(self.rate), "index": _s(self.index),
            "percent": _s(self.percent), "revenue": _s(self.revenue), "monthly": _s(self.monthly),
        }  # fmt: skip


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


class MissingParameter(ValueError):
    def __init__(self, unit: str) -> None:
        super().__init__(unit)
        self.unit = unit


def monthly_term(
    component: Component, day: dt.date, parameters: Mapping[str, Decimal], revenue: Decimal | None
) -> Working:
    """What one term comes to per month on ``day`` for the declared ``parameters`` and monthly ``revenue``."""
    amount, index = amount_in_tenge(component, day)
    per_month = amount / _months(component)
    quantity: Decimal | None = None
    if component.shape == RateShape.FIXED:
        monthly = per_month
    elif component.shape == RateShape.PER_UNIT:
        if component.unit not in parameters:
            raise MissingParameter(component.unit)
        quantity = parameters[component.unit]
        monthly = per_month * quantity
    else:
        if revenue is None:
            raise MissingParameter("revenue")
        monthly = max(revenue * (component.percent or Decimal(0)) / HUNDRED, per_month)
    return Working(
        shape=component.shape, unit=component.unit, quantity=quantity, rate=component.amount,
        basis=component.basis, index=index, period=component.period, percent=component.percent,
        revenue=revenue if component.shape == RateShape.PERCENT else None, monthly=monthly,
    )  # fmt: skip


def parse_parameters(raw: Mapping[str, Any]) -> dict[str, Decimal]:
    """Declared parameters as exact non-negative numbers (a comma is taken as the decimal mark)."""
    parsed: dict[str, Decimal] = {}
    for unit, value in raw.items():
        if value in (None, ""):
            continue
        try:
            number = Decimal(str(value).replace(",", ".").replace(" ", ""))
        except InvalidOperation:
            raise ValueError(unit) from None
        if not number.is_finite() or number < 0:
            raise ValueError(unit)
        parsed[unit] = number
    return parsed


# --- minimum rates ----------------------------------------------------------------------------------


def minimum_rates_for(area_id: int, use: str, category_id: int | None) -> QuerySet[MinimumRate]:
    return MinimumRate.objects.filter(area_id=area_id, use=use).filter(
        Q(category__isnull=True) | Q(category_id=category_id)
    )


def _overlapping(rates: QuerySet[MinimumRate], start: dt.date, end: dt.date | None) -> QuerySet[MinimumRate]:
    rates = rates.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=start))
    if end is not None:
        rates = rates.filter(valid_from__lte=end)
    return rates


def _per_month(component: Component, day: dt.date) -> Decimal:
    """A term's money per month on ``day``, without the declaration: the amount (or the minimum of a
    percentage) per month, per one unit for a per-unit term."""
    amount, _index = amount_in_tenge(component, day)
    return amount / _months(component)


@dataclass(frozen=True)
class BelowMinimum:
    """One term of a minimum rate the tariff does not reach, with the figures, per month."""

    day: dt.date
    rate: MinimumRate
    shape: str
    unit: str
    minimum: Decimal
    offered: Decimal | None
    minimum_percent: Decimal | None = None
    offered_percent: Decimal | None = None

    def message(self) -> str:
        what = _label_of(self.shape, self.unit)
        if self.offered is None and self.offered_percent is None:
            return _(
                "The minimum rate (%(act)s) has a term “%(what)s” that this tariff lacks: at least %(minimum)s "
                "tenge per month on %(day)s."
            ) % {
                "act": self.rate.act or self.rate.valid_from,
                "what": what,
                "minimum": tenge(self.minimum),
                "day": self.day,
            }
        if self.minimum_percent is not None and (self.offered_percent or 0) < self.minimum_percent:
            return _(
                "“%(what)s”: the tariff asks %(offered)s %% of revenue, the minimum rate (%(act)s) is "
                "%(minimum)s %% on %(day)s."
            ) % {
                "what": what, "offered": self.offered_percent, "minimum": self.minimum_percent,
                "act": self.rate.act or self.rate.valid_from, "day": self.day,
            }  # fmt: skip
        return _(
            "“%(what)s”: the tariff asks %(offered)s tenge per month, the minimum rate (%(act)s) is %(minimum)s "
            "tenge per month on %(day)s."
        ) % {
            "what": what, "offered": tenge(self.offered or 0), "minimum": tenge(self.minimum),
            "act": self.rate.act or self.rate.valid_from, "day": self.day,
        }  # fmt: skip


def _label_of(shape: str, unit: str) -> str:
    from licensing.models import Unit

    if shape == RateShape.PER_UNIT and unit:
        return _("per unit: %(unit)s") % {"unit": Unit(unit).label}
    return str(RateShape(shape).label)


def check_against_minimum(
    *,
    area_id: int,
    use: str,
    category_id: int,
    valid_from: dt.date,
    valid_until: dt.date | None,
    components: Iterable[Component],
) -> list[BelowMinimum]:
    """Every term of every minimum rate valid on some day of the tariff's period that the tariff's
    ``components`` do not reach, compared like with like, per month."""
    terms = list(components)
    shortfalls: list[BelowMinimum] = []
    for rate in _overlapping(minimum_rates_for(area_id, use, category_id), valid_from, valid_until):
        start = max(rate.valid_from, valid_from)
        end = (
            min(d for d in (rate.valid_until, valid_until) if d is not None)
            if (rate.valid_until or valid_until)
            else None
        )
        days = [start, *index_changes(start, end)]
        for minimum in rate.components.all():
            like = [t for t in terms if t.shape == minimum.shape and (t.unit or "") == (minimum.unit or "")]
            for day in days:
                floor = _per_month(minimum, day)
                if not like:
                    shortfalls.append(
                        BelowMinimum(
                            day=day,
                            rate=rate,
                            shape=minimum.shape,
                            unit=minimum.unit,
                            minimum=floor,
                            offered=None,
                        )
                    )
                    break
                offered = sum((_per_month(t, day) for t in like), Decimal(0))
                offered_percent = sum((t.percent or Decimal(0) for t in like), Decimal(0))
                short_percent = minimum.shape == RateShape.PERCENT and offered_percent < (
                    minimum.percent or 0
                )
                if offered < floor or short_percent:
                    shortfalls.append(
                        BelowMinimum(
                            day=day,
                            rate=rate,
                            shape=minimum.shape,
                            unit=minimum.unit,
                            minimum=floor,
                            offered=offered,
                            minimum_percent=minimum.percent if short_percent else None,
                            offered_percent=offered_percent if short_percent else None,
                        )  # fmt: skip
                    )
                    break
    return shortfalls


# --- quotes -----------------------------------------------------------------------------------------


@dataclass
class Quote:
    """What one published tariff asks of a declaration, per month."""

    tariff: Tariff
    day: dt.date
    workings: list[Working] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def monthly(self) -> Decimal:
        return sum((w.monthly for w in self.workings), Decimal(0))

    @property
    def complete(self) -> bool:
        return not self.missing

    def for_months(self, months: int) -> Decimal:
        """The amount for ``months`` months, to the tiyn."""
        return tenge(self.monthly * months)

    @property
    def yearly(self) -> Decimal:
        return self.for_months(12)


def quote(tariff: Tariff, parameters: Mapping[str, Decimal], revenue: Decimal | None, day: dt.date) -> Quote:
    """The tariff's price for the declared figures on ``day``; ``missing`` names the parameters to declare."""
    result = Quote(tariff=tariff, day=day)
    for component in tariff.components.all():
        try:
            result.workings.append(monthly_term(component, day, parameters, revenue))
        except MissingParameter as exc:
            result.missing.append(exc.unit)
    return result


def published_tariffs(day: dt.date) -> QuerySet[Tariff]:
    """Tariffs published and valid on ``day``."""
    return (
        Tariff.objects.filter(status=TariffStatus.PUBLISHED, valid_from__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .select_related("cmo", "area", "category")
        .prefetch_related("components")
    )
