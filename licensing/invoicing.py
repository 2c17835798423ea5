"""Invoices: one per licence and invoice period, as a PDF, posted to the ledger.

A licence's invoice periods run from its first day in steps of its ``invoice_period`` (a month, a quarter,
a year), the last one cut at the end of its term. An invoice's amount is the licence's monthly amount times
the months of the period (a cut month counts by its days), exactly, to the tiyn; it is split over the
licence's areas by their monthly amounts with the largest remainder (:func:`udp.money.split`), so the lines
sum to the total. Issuing posts Dr receivable / Cr remuneration for rightsholders, per area.

:func:`issue_invoices_due` (the daily job and ``manage.py issue_invoices``) issues every period that has
begun and has no invoice yet; one invoice per licence and period is also a unique constraint, so running it
twice issues nothing new. :func:`issue_first_invoice` is what the licence flow calls when a licence comes
into force.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from licensing import ledger
from licensing.documents import issue_invoice_document
from licensing.models import (
    PERIOD_MONTHS,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Licence,
    LicenceStatus,
    Period,
    SourceKind,
    Transaction,
)
from udp.audit import audited
from udp.core import clock, workdays
from udp.core.numbering import allocate_number
from udp.money import split, tenge

#: Working days a user has to pay an invoice.
PAYMENT_DAYS = 10


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def periods(licence: Licence) -> Iterator[tuple[dt.date, dt.date]]:
    """The invoice periods of ``licence``'s term, in order."""
    step = PERIOD_MONTHS[Period(licence.invoice_period)]
    k = 0
    while (start := add_months(licence.starts_on, k * step)) <= licence.ends_on:
        yield (
            start,
            min(add_months(licence.starts_on, (k + 1) * step) - dt.timedelta(days=1), licence.ends_on),
        )
        k += 1


def months_in(start: dt.date, end: dt.date) -> Decimal:
    """Whole months from ``start`` to ``end`` (inclusive), and the rest as days of the month it falls in."""
    months = 0
    while add_months(start, months + 1) - dt.timedelta(days=1) <= end:
        months += 1
    rest_start = add_months(start, months)
    if rest_start > end:
        return Decimal(months)
    days_in_month = (add_months(rest_start, 1) - rest_start).days
    return Decimal(months) + Decimal((end - rest_start).days + 1) / Decimal(days_in_month)


def amount_for(licence: Licence, start: dt.date, end: dt.date) -> Decimal:
    return tenge(licence.monthly_amount * months_in(start, end))


def issue_invoice(
    licence: Licence, start: dt.date, end: dt.date, *, by: Any = None, corrects: Invoice | None = None
) -> Invoice | None:
    """The invoice of ``licence`` for the period ``start``–``end``; ``None`` if it owes nothing for it.
    Refused if the period already has one (other than the cancelled one it ``corrects``)."""
    amount = amount_for(licence, start, end)
    if amount <= 0:
        return None
    lines = list(licence.lines.select_related("area").order_by("area__item"))
    if not lines:
        raise ValueError(f"licence {licence.pk} has no areas")
    weights = [line.monthly_amount for line in lines]
    parts = split(amount, weights if sum(weights) > 0 else [1] * len(lines))
    today = clock.today()
    with audited(by):
        if (
            Invoice.objects.filter(licence=licence, period_start=start)
            .exclude(status=InvoiceStatus.CANCELLED)
            .exists()
        ):
            raise ValidationError(gettext("This period is already invoiced."))
        invoice = Invoice.objects.create(
            number=allocate_number("INV"), cmo=licence.cmo, licence=licence, period_start=start, period_end=end,
            amount=amount, issued_on=today, due_on=workdays.add_working_days(today, PAYMENT_DAYS),
            language=licence.language or "kk", created_by=by if getattr(by, "is_authenticated", False) else None,
            corrects=corrects,
        )  # fmt: skip
        InvoiceLine.objects.bulk_create(
            InvoiceLine(invoice=invoice, area=line.area, amount=part)
            for line, part in zip(lines, parts, strict=True)
        )
        legs: list[ledger.Leg] = []
        for line, part in zip(lines, parts, strict=True):
            if part:
                legs += [
                    ledger.Leg(ledger.RECEIVABLE, part, licence, line.area, start),
                    ledger.Leg(ledger.REMUNERATION, -part, licence, line.area, start),
                ]
        ledger.post(
            licence.cmo, today, legs, "invoice",
            {"number": invoice.number, "start": start.isoformat(), "end": end.isoformat()},
            (SourceKind.INVOICE, invoice.pk), by, adjusts=invoice_transaction(corrects) if corrects else None,
        )  # fmt: skip
        invoice.document = issue_invoice_document(invoice, by=by)
        invoice.save(update_fields=["document"])
    return invoice


def _due_periods(licence: Licence, on: dt.date) -> list[tuple[dt.date, dt.date]]:
    invoiced = set(
        licence.invoices.values_list("period_start", flat=True)
    )  # a cancelled one too: corrected by hand
    return [(s, e) for s, e in periods(licence) if s <= on and s not in invoiced]


def issue_invoices_for(licence: Licence, on: dt.date) -> list[Invoice]:
    issued = []
    for start, end in _due_periods(licence, on):
        try:
            with transaction.atomic():
                invoice = issue_invoice(licence, start, end)
        except (IntegrityError, ValidationError):
            continue  # issued meanwhile by another run
        if invoice is not None:
            issued.append(invoice)
    return issued


def issue_invoices_due(on: dt.date | None = None) -> int:
    """Issue every invoice due by ``on`` (today) for licences in force; returns how many were issued.
    Idempotent: a period already invoiced is skipped."""
    on = on or clock.today()
    count = 0
    licences = Licence.objects.filter(status=LicenceStatus.IN_FORCE, starts_on__lte=on).select_related("cmo")
    for licence in licences.iterator():
        count += len(issue_invoices_for(licence, on))
    return count


def issue_first_invoice(licence: Licence, *, by: Any = None) -> Invoice | None:
    """The invoice of a licence's first period, when it comes into force (the licence flow calls this)."""
    start, end = next(periods(licence))
    existing = licence.invoices.filter(period_start=start).first()
    return existing or issue_invoice(licence, start, end, by=by)


def cancel_invoice(invoice: Invoice, *, by: Any) -> Invoice:
    """Cancel an unpaid invoice: its posting is reversed by a new transaction (in the open month if the
    original's is closed). A paid or partly paid invoice is not cancelled."""
    with audited(by):
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if invoice.status != InvoiceStatus.ISSUED or invoice.paid:
            raise ValidationError(gettext("Only an unpaid invoice can be cancelled."))
        original = invoice_transaction(invoice)
        ledger.reverse(original, by=by, source=(SourceKind.INVOICE_CANCELLED, invoice.pk))
        invoice.status = InvoiceStatus.CANCELLED
        invoice.cancelled_at = clock.now()
        invoice.save(update_fields=["status", "cancelled_at"])
    return invoice


def correct_invoice(invoice: Invoice, *, by: Any) -> Invoice | None:
    """Replace an unpaid invoice by one at the licence's current amounts: the old one is cancelled (its
    posting reversed) and the new one's posting names the original's; both land in the open month when the
    original's is closed."""
    with audited(by):
        cancelled = cancel_invoice(invoice, by=by)
        return issue_invoice(
            cancelled.licence, cancelled.period_start, cancelled.period_end, by=by, corrects=cancelled
        )


def invoice_transaction(invoice: Invoice) -> Transaction:
    return Transaction.objects.get(source_kind=SourceKind.INVOICE, source_id=invoice.pk)
