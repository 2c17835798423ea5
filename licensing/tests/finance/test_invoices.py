"""Invoices per licence period, posted per area, issued once however often the job runs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command

from licensing import invoicing, ledger
from licensing.collections import collections
from licensing.models import Invoice, InvoiceStatus, Licence
from licensing.tasks import issue_invoices_due as issue_task
from tests.personas import Personas

pytestmark = pytest.mark.usefixtures("english")


def test_a_licence_has_one_invoice_per_quarter_of_its_term(licence: Licence) -> None:
    assert list(invoicing.periods(licence)) == [
        (dt.date(2027, 1, 1), dt.date(2027, 3, 31)), (dt.date(2027, 4, 1), dt.date(2027, 6, 30)),
        (dt.date(2027, 7, 1), dt.date(2027, 9, 30)), (dt.date(2027, 10, 1), dt.date(2027, 12, 31)),
    ]  # fmt: skip
    assert invoicing.months_in(dt.date(2027, 1, 1), dt.date(2027, 3, 31)) == 3
    assert invoicing.months_in(dt.date(2027, 2, 1), dt.date(2027, 2, 14)) == Decimal(14) / Decimal(28)


def test_the_first_invoice_is_split_by_area_posted_and_issued_as_a_pdf(
    licence: Licence, personas: Personas, in_2027: Any
) -> None:
    invoice = invoicing.issue_first_invoice(licence)
    assert invoice is not None
    assert invoice.number.startswith("INV-")
    assert (invoice.amount, invoice.status) == (Decimal("45000.00"), InvoiceStatus.ISSUED)
    assert [(line.area.item, line.amount) for line in invoice.lines.all()] == [
        (1, Decimal("30000.00")), (7, Decimal("15000.00")),
    ]  # fmt: skip
    assert invoice.due_on > invoice.issued_on == dt.date(2027, 1, 11)
    assert invoice.document is not None and invoice.document.kind == "invoice"
    assert invoice.document.file.read().startswith(b"%PDF")
    by_area = ledger.balances(personas.cmo, by=("account", "area"))
    assert {"account": "receivable", "area": 1, "balance": 3_000_000} in by_area
    assert {"account": "remuneration_payable", "area": 7, "balance": -1_500_000} in by_area
    assert invoicing.issue_first_invoice(licence) == invoice


def test_running_the_daily_job_twice_issues_nothing_new(licence: Licence, clock: Any) -> None:
    clock.travel_to(dt.date(2027, 4, 2))
    assert invoicing.issue_invoices_due() == 2  # the first and the second quarter have begun
    assert invoicing.issue_invoices_due() == 0
    assert issue_task() == 0
    call_command("issue_invoices", stdout=__import__("io").StringIO())
    assert Invoice.objects.filter(licence=licence).count() == 2


def test_a_licence_not_in_force_gets_no_invoice(licence: Licence, clock: Any) -> None:
    Licence.objects.filter(pk=licence.pk).update(status="ended")
    clock.travel_to(dt.date(2027, 4, 2))
    assert invoicing.issue_invoices_due() == 0


def test_cancelling_an_invoice_reverses_its_posting(
    licence: Licence, personas: Personas, in_2027: Any
) -> None:
    invoice = invoicing.issue_first_invoice(licence)
    assert invoice is not None
    invoice = invoicing.cancel_invoice(invoice, by=personas.cmo_admin)
    assert invoice.status == InvoiceStatus.CANCELLED
    assert all(row["balance"] == 0 for row in ledger.balances(personas.cmo, by=("account", "area")))
    assert collections(cmo_id=personas.cmo.pk) == []


def test_a_corrected_invoice_after_its_month_closed_is_an_adjustment_naming_the_original(
    licence: Licence, personas: Personas, clock: Any
) -> None:
    from licensing.models import LicenceLine, Transaction

    clock.travel_to(dt.date(2027, 1, 11))
    invoice = invoicing.issue_first_invoice(licence)
    assert invoice is not None
    clock.travel_to(dt.date(2027, 2, 3))
    ledger.close_period(personas.cmo, dt.date(2027, 1, 1), by=personas.cmo_admin)
    LicenceLine.objects.filter(licence=licence, area__item=7).update(monthly_amount=Decimal("4000.00"))
    Licence.objects.filter(pk=licence.pk).update(monthly_amount=Decimal("14000.00"))
    licence.refresh_from_db()
    from urllib.parse import urlparse

    from django.test import Client

    assert invoice.document is not None
    verify = urlparse(invoice.document.verification_url).path
    standing = Client().get(verify).content.decode()
    assert 'id="document-standing-ok"' in standing and 'id="document-standing"' not in standing
    corrected = invoicing.correct_invoice(invoice, by=personas.cmo_admin)
    assert corrected is not None and corrected.corrects == invoice and corrected.amount == Decimal("42000.00")
    # the cancelled invoice's PDF, checked by its link, says it no longer stands and what replaced it
    page = Client().get(verify).content.decode()
    assert 'id="document-standing"' in page
    assert f"The invoice is cancelled and replaced by invoice № {corrected.number}." in page
    assert "(since 03.02.2027)" in page or "(since Feb. 3, 2027)" in page or "since 3 February 2027" in page
    original = invoicing.invoice_transaction(invoice)
    later = Transaction.objects.filter(adjusts=original).order_by("id")
    assert [(t.memo_code, t.period) for t in later] == [
        ("reversal", dt.date(2027, 2, 1)),
        ("invoice", dt.date(2027, 2, 1)),
    ]
    by_month = ledger.balances(personas.cmo, by=("account", "period"), accounts=["receivable"])
    assert by_month == [
        {"account": "receivable", "period": dt.date(2027, 1, 1), "balance": 4_500_000},
        {"account": "receivable", "period": dt.date(2027, 2, 1), "balance": -300_000},
    ]
