"""Writes on prices: the МРП's values, minimum rates (the authorized body) and tariffs (a CMO).

A tariff is written as a draft, then published. Publishing checks it against every minimum rate for its
area and use valid during its period (:func:`licensing.pricing.check_against_minimum`) and refuses it with
the figures when it is below. A published tariff is never edited: its price is the basis of licences
already concluded; the CMO withdraws it (from a day) and publishes a new one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from licensing.models import (
    AmountBasis,
    IndexValue,
    MinimumRate,
    MinimumRateComponent,
    Period,
    RateShape,
    ReportFrequency,
    Tariff,
    TariffComponent,
    TariffStatus,
    Unit,
    Use,
)
from licensing.pricing import BelowMinimum, check_against_minimum
from registers.models import CMO, Area, UserCategory
from udp.accounts import roles
from udp.accounts.models import User
from udp.audit import audited
from udp.core import clock


@dataclass(frozen=True)
class Term:
    """A term as entered: see :class:`licensing.models.rates.Component`."""

    shape: str
    amount: Decimal
    period: str = Period.MONTH
    unit: str = ""
    basis: str = AmountBasis.KZT
    percent: Decimal | None = None

    def clean(self) -> Term:
        if self.shape not in RateShape.values:
            raise ValidationError(_("Choose the kind of each term."))
        if self.period not in Period.values or self.basis not in AmountBasis.values:
            raise ValidationError(_("Choose the period and the currency of each term."))
        if self.amount is None or self.amount < 0:
            raise ValidationError(_("An amount cannot be negative."))
        if self.shape == RateShape.PER_UNIT and self.unit not in Unit.values:
            raise ValidationError(_("A per-unit term needs its unit."))
        if self.shape == RateShape.PERCENT and not (self.percent and Decimal(0) < self.percent <= 100):
            raise ValidationError(_("A percentage of revenue must be above 0 and at most 100."))
        unit = self.unit if self.shape == RateShape.PER_UNIT else ""
        percent = self.percent if self.shape == RateShape.PERCENT else None
        return Term(
            shape=self.shape,
            amount=self.amount,
            period=self.period,
            unit=unit,
            basis=self.basis,
            percent=percent,
        )

    def fields(self) -> dict[str, Any]:
        return {
            "shape": self.shape, "amount": self.amount, "period": self.period, "unit": self.unit,
            "basis": self.basis, "percent": self.percent,
        }  # fmt: skip


def _clean_terms(terms: Sequence[Term]) -> list[Term]:
    if not terms:
        raise ValidationError(_("A rate needs at least one term."))
    return [term.clean() for term in terms]


def _check_period(valid_from: dt.date, valid_until: dt.date | None) -> None:
    if valid_until is not None and valid_until < valid_from:
        raise ValidationError({"valid_until": _("The end cannot be before the start.")})


# --- the index ----------------------------------------------------------------------------------------


def enter_index_value(*, by: User, valid_from: dt.date, value: Decimal, source: str = "") -> IndexValue:
    """The operator or the authorized body enters the МРП from a day (the budget law's figure)."""
    if not roles.is_official(by):
        raise PermissionError(_("only the operator or the authorized body enters the index"))
    if value is None or value <= 0:
        raise ValidationError({"value": _("The index's value must be positive.")})
    with audited(by, source or None):
        row, _created = IndexValue.objects.update_or_create(
            kind="mrp", valid_from=valid_from, defaults={"value": value, "source": source.strip()}
        )
    return row


# --- minimum rates ------------------------------------------------------------------------------------


def enter_minimum_rate(
    *,
    by: User,
    area: Area,
    use: str,
    category: UserCategory | None,
    valid_from: dt.date,
    valid_until: dt.date | None,
    act: str,
    terms: Sequence[Term],
) -> MinimumRate:
    """The authorized body sets a minimum rate (Art. 16-1, 40-2) for an area and use."""
    if not roles.is_regulator(by):
        raise PermissionError(_("only the authorized body sets minimum rates"))
    if use not in Use.values:
        raise ValidationError({"use": _("Choose the use.")})
    _check_period(valid_from, valid_until)
    if not act.strip():
        raise ValidationError({"act": _("Name the act that sets the minimum rate.")})
    cleaned = _clean_terms(terms)
    with audited(by, act.strip()):
        rate = MinimumRate.objects.create(
            area=area, use=use, category=category, valid_from=valid_from, valid_until=valid_until,
            act=act.strip(), entered_by=by,
        )  # fmt: skip
        for term in cleaned:
            MinimumRateComponent.objects.create(rate=rate, **term.fields())
    return rate


def end_minimum_rate(rate: MinimumRate, *, by: User, valid_until: dt.date, reason: str) -> MinimumRate:
    if not roles.is_regulator(by):
        raise PermissionError(_("only the authorized body sets minimum rates"))
    _check_period(rate.valid_from, valid_until)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")})
    with audited(by, reason.strip()):
        rate.valid_until = valid_until
        rate.save(update_fields=["valid_until"])
    return rate


# --- tariffs ------------------------------------------------------------------------------------------


class BelowMinimumRate(ValidationError):
    def __init__(self, shortfalls: list[BelowMinimum]) -> None:
        self.shortfalls = shortfalls
        super().__init__(
            [_("The tariff is below the minimum rate and cannot be published.")]
            + [shortfall.message() for shortfall in shortfalls]
        )


def _check_cmo_staff(by: User, cmo: CMO) -> None:
    if not (roles.is_cmo_staff(by) and by.cmo_id == cmo.pk):
        raise PermissionError(_("only the CMO's staff keep its tariffs"))


def save_tariff(
    *,
    by: User,
    cmo: CMO,
    tariff: Tariff | None = None,
    area: Area,
    category: UserCategory,
    use: str,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    title: str = "",
    notes: str = "",
    licence_months: int = 12,
    invoice_period: str = Period.QUARTER,
    report_frequency: str = ReportFrequency.QUARTERLY,
    report_due_days: int = 15,
    auto_countersign: bool = False,
    terms: Sequence[Term],
) -> Tariff:
    """Write a draft tariff (new, or an existing draft changed); a published one is never edited."""
    _check_cmo_staff(by, cmo)
    if tariff is not None and (tariff.cmo_id != cmo.pk or tariff.status != TariffStatus.DRAFT):
        raise ValidationError(
            _("Only a draft tariff can be changed; withdraw a published one and publish a new one.")
        )
    if use not in Use.values:
        raise ValidationError({"use": _("Choose the use.")})
    if not area.in_force:
        raise ValidationError({"area": _("This area of collective management is not in force.")})
    if not cmo.area_links.filter(area=area).exists():
        raise ValidationError(
            {"area": _("%(cmo)s does not work in this area by its charter.") % {"cmo": cmo.short_name}}
        )
    _check_period(valid_from, valid_until)
    if not 1 <= licence_months <= 60:
        raise ValidationError({"licence_months": _("A licence runs from 1 to 60 months.")})
    cleaned = _clean_terms(terms)
    fields = {
        "area": area, "category": category, "use": use, "valid_from": valid_from, "valid_until": valid_until,
        "title": title.strip(), "notes": notes.strip(), "licence_months": licence_months,
        "invoice_period": invoice_period, "report_frequency": report_frequency,
        "report_due_days": report_due_days, "auto_countersign": auto_countersign,
    }  # fmt: skip
    with audited(by):
        if tariff is None:
            tariff = Tariff.objects.create(cmo=cmo, created_by=by, **fields)
        else:
            tariff = Tariff.objects.select_for_update().get(pk=tariff.pk)
            if tariff.status != TariffStatus.DRAFT:
                raise ValidationError(_("Only a draft tariff can be changed."))
            for name, value in fields.items():
                setattr(tariff, name, value)
            tariff.save()
            tariff.components.all().delete()
        for term in cleaned:
            TariffComponent.objects.create(tariff=tariff, **term.fields())
    return tariff


def shortfalls_of(tariff: Tariff) -> list[BelowMinimum]:
    return check_against_minimum(
        area_id=tariff.area_id, use=tariff.use, category_id=tariff.category_id, valid_from=tariff.valid_from,
        valid_until=tariff.valid_until, components=list(tariff.components.all()),
    )  # fmt: skip


def publish_tariff(tariff: Tariff, *, by: User) -> Tariff:
    """Publish a draft: refused with the figures if below a minimum rate (A16-1.min-rates)."""
    _check_cmo_staff(by, tariff.cmo)
    with audited(by), transaction.atomic():
        tariff = Tariff.objects.select_for_update().get(pk=tariff.pk)
        if tariff.status != TariffStatus.DRAFT:
            raise ValidationError(_("Only a draft tariff can be published."))
        shortfalls = shortfalls_of(tariff)
        if shortfalls:
            raise BelowMinimumRate(shortfalls)
        if tariff.valid_until is not None and tariff.valid_until < clock.today():
            raise ValidationError(_("The tariff's period has already ended."))
        tariff.status, tariff.published_at = TariffStatus.PUBLISHED, clock.now()
        tariff.save(update_fields=["status", "published_at"])
    return tariff


def withdraw_tariff(tariff: Tariff, *, by: User, from_day: dt.date | None = None, reason: str = "") -> Tariff:
    """Stop offering a tariff from ``from_day`` (tomorrow by default); licences already concluded keep it."""
    _check_cmo_staff(by, tariff.cmo)
    day = from_day or clock.today() + dt.timedelta(days=1)
    with audited(by, reason.strip() or None):
        tariff = Tariff.objects.select_for_update().get(pk=tariff.pk)
        if tariff.status == TariffStatus.DRAFT:
            tariff.delete()
            return tariff
        if tariff.status != TariffStatus.PUBLISHED:
            raise ValidationError(_("The tariff is already withdrawn."))
        last = max(day - dt.timedelta(days=1), tariff.valid_from)
        if tariff.valid_until is None or tariff.valid_until > last:
            tariff.valid_until = last
        if day <= clock.today() + dt.timedelta(days=1):
            tariff.status = TariffStatus.WITHDRAWN
        tariff.save(update_fields=["valid_until", "status"])
    return tariff
