"""Payments by hand and from bank statements: posted once, split by area, the invoice's status following."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from licensing import invoicing, ledger, payments
from licensing.collections import collections
from licensing.models import Invoice, InvoiceStatus, Licence, Payment, Transaction
from tests.personas import Personas

pytestmark = pytest.mark.usefixtures("english")
HEADER = "date,amount,payer_bin,payer_name,purpose,reference\n"


@pytest.fixture
def invoice(licence: Licence, in_2027: Any) -> Invoice:
    issued = invoicing.issue_first_invoice(licence)
    assert issued is not None
    return issued


def _statement(personas: Personas, text: str, name: str = "statement.csv") -> Any:
    return payments.import_bank_statement(
        by=personas.cmo_staff, cmo=personas.cmo, file=io.BytesIO(text.encode()), filename=name
    )


@pytest.mark.statute("A46.1.2-1-figures")
def test_a_payment_by_hand_is_split_by_area_and_the_invoice_follows(
    invoice: Invoice, personas: Personas
) -> None:
    first = payments.record_payment(
        by=personas.cmo_staff, cmo=personas.cmo, amount=Decimal("10000.01"), received_on=dt.date(2027, 1, 11),
        invoice=invoice, bank_reference="B-1",
    )  # fmt: skip
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid, first.licensee_id) == (
        InvoiceStatus.PART_PAID, Decimal("10000.01"), invoice.licence.licensee_id,
    )  # fmt: skip
    # 30 000 : 15 000 = 2 : 1 of 1 000 001 tiyn: 666 667.33… and 333 333.66…; the remainder goes to area 7
    assert {(c.area_item, c.amount_tiyn) for c in collections(cmo_id=personas.cmo.pk)} == {
        (1, 666_667),
        (7, 333_334),
    }
    payments.record_payment(
        by=personas.cmo_staff, cmo=personas.cmo, amount=Decimal("40000.00"), received_on=dt.date(2027, 1, 11),
        invoice=invoice,
    )  # fmt: skip
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid) == (InvoiceStatus.PAID, Decimal("45000.00"))
    balances = {r["account"]: r["balance"] for r in ledger.balances(personas.cmo)}
    assert balances == {
        "bank": 5_000_001, "receivable": 0, "remuneration_payable": -4_500_000, "unallocated_receipts": -500_001,
    }  # fmt: skip
    assert sum(c.amount_tiyn for c in collections(licence_id=invoice.licence_id)) == 4_500_000


def test_a_payment_dated_in_the_future_or_of_nothing_is_refused(invoice: Invoice, personas: Personas) -> None:
    for amount, day in ((Decimal("0"), dt.date(2027, 1, 5)), (Decimal("5"), dt.date(2027, 2, 1))):
        with pytest.raises(ValidationError):
            payments.record_payment(by=personas.cmo_staff, cmo=personas.cmo, amount=amount, received_on=day)


def test_a_late_payment_after_the_month_closed_is_an_adjustment_in_the_open_month(
    invoice: Invoice, personas: Personas, clock: Any
) -> None:
    clock.travel_to(dt.date(2027, 2, 3))
    ledger.close_period(personas.cmo, dt.date(2027, 1, 1), by=personas.cmo_admin)
    payment = payments.record_payment(
        by=personas.cmo_staff, cmo=personas.cmo, amount=Decimal("45000.00"), received_on=dt.date(2027, 1, 29),
        invoice=invoice,
    )  # fmt: skip
    tx = Transaction.objects.get(source_kind="payment", source_id=payment.pk)
    assert (tx.period, tx.is_adjustment) == (dt.date(2027, 2, 1), True)
    assert [c.received_on for c in collections(cmo_id=personas.cmo.pk)] == [dt.date(2027, 1, 29)] * 2


def test_a_statement_names_each_bad_line_keeps_unmatched_receipts_and_never_posts_twice(
    invoice: Invoice, personas: Personas
) -> None:
    text = (
        HEADER
        + f"2027-01-08,45000.00,{invoice.licence.licensee.party.bin},Radio Test,Payment for {invoice.number},BR-1\n"
        + "08.01.2027,12 500,00,,Cafe,membership?,BR-2\n"  # an unquoted comma: seven fields
        + "2027-01-09,abc,,Cafe,x,BR-3\n"
        + '2027-01-09,"1200,50",,Shop Almaty,no invoice named,BR-4\n'
        + "2027-01-10,10.00,,Shop,again,BR-4\n"
    )
    statement = _statement(personas, text)
    assert (statement.status, statement.lines, statement.matched, statement.unallocated, statement.bad) == (
        "imported", 5, 1, 1, 2,
    )  # fmt: skip
    named = {p["line"]: payments.problem_text(p) for p in statement.problems}
    assert named[3] == "The line has 7 fields instead of 6."
    assert "“abc” is not an amount" in named[4]
    assert "line 5" in named[6]
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    receipt = Payment.objects.get(bank_reference="BR-4")
    assert (receipt.invoice, receipt.unallocated, receipt.received_on) == (
        None,
        Decimal("1200.50"),
        dt.date(2027, 1, 9),
    )

    again = _statement(personas, text, "statement-copy.csv")
    assert (again.duplicates, again.matched, again.unallocated) == (3, 0, 0)
    assert "Already imported" in payments.problem_text(again.problems[0]) or any(
        p["code"] == "duplicate" for p in again.problems
    )
    assert Payment.objects.count() == 2
    assert Transaction.objects.filter(source_kind="payment").count() == 2


def test_an_unallocated_receipt_is_allocated_to_an_invoice_later(
    invoice: Invoice, personas: Personas
) -> None:
    statement = _statement(personas, HEADER + "2027-01-09,45000.00,,Radio,rent,BR-9\n")
    receipt = Payment.objects.get(statement=statement)
    assert collections(cmo_id=personas.cmo.pk) == []
    payments.allocate_receipt(receipt, invoice, by=personas.cmo_staff)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert sum(c.amount_tiyn for c in collections(cmo_id=personas.cmo.pk)) == 4_500_000
    with pytest.raises(ValidationError):
        payments.allocate_receipt(receipt, invoice, by=personas.cmo_staff)
    assert {r["account"]: r["balance"] for r in ledger.balances(personas.cmo)}["unallocated_receipts"] == 0


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"when,how much\n2027-01-01,5\n", "wrong_columns"),
        (b"date,amount,payer_bin,payer_name,purpose,reference\n2027-01-01,5,,\x00x,y,z\n", "nul_byte"),
        (HEADER.encode() + b"2027-01-01,5,,\x81\x98,y,z\n", "bad_byte"),
        (b"", "empty_file"),
        (HEADER.encode() + b'2027-01-01,5,,"Cafe\n', "csv_syntax"),
    ],
)
def test_an_unreadable_statement_is_refused_whole_with_its_reason(
    personas: Personas, in_2027: Any, content: bytes, code: str
) -> None:
    statement = payments.import_bank_statement(
        by=personas.cmo_staff, cmo=personas.cmo, file=io.BytesIO(content), filename="s.csv"
    )
    assert statement.status == "refused"
    assert [p["code"] for p in statement.problems] == [code] or statement.problems[0]["code"] in (
        code,
        "ambiguous_encoding",
    )
    assert Payment.objects.count() == 0
