"""Payments: recorded by hand, imported from a bank statement, allocated later; posted to the ledger.

- A payment on an invoice posts Dr bank / Cr receivable, split over the invoice's areas by their amounts
  (:func:`udp.money.split`); what exceeds the invoice's outstanding amount stays an unallocated receipt
  (Cr unallocated receipts). The invoice's status follows: partly paid, paid.
- A payment without an invoice is an unallocated receipt (Dr bank / Cr unallocated receipts), until the
  CMO allocates it to an invoice (Dr unallocated receipts / Cr receivable per area).
- Each payment keeps its date of receipt: the three-year rule for money nobody claims runs from it. A
  payment dated in a closed month is booked into the open month as an adjustment.

A bank statement is the file the bank sends of the CMO's account, ISO 20022 camt.053, camt.052 or camt.054
(:mod:`udp.camt`: each booked credit's transactions are payments received; debits, returns and entries not yet
booked are counted and left aside), or a CSV (``date, amount, payer_bin, payer_name, purpose, reference``). It is
checked whole first (well-formed, or encoding, control characters and columns: refused whole if unreadable), then
read line by line: every bad line is named with its reason and skipped, the good ones are recorded. A line whose bank reference the CMO
already has is a duplicate, never recorded twice (a unique constraint as well). The purpose names the
invoice (``INV-0000001``); a line naming none of the CMO's invoices is kept as an unallocated receipt.

The page and the API keep the file as uploaded (:func:`receive_bank_statement`, status *received*) and a worker
reads it (:func:`read_bank_statement`, the task ``licensing.read_bank_statement``: one transaction, idempotent);
a statement left unread ten minutes is sent again (:func:`resend_waiting_bank_statements`, by beat).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from licensing import ledger
from licensing.models import (
    BankStatement,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentSource,
    SourceKind,
    StatementStatus,
)
from registers.importing import problems as import_problems
from registers.importing import textfile
from registers.models import CMO, BankAccount, Licensee
from udp import camt
from udp.audit import audited
from udp.core import clock, jobs
from udp.core.uploads import spool
from udp.money import split, tenge

COLUMNS = ("date", "amount", "payer_bin", "payer_name", "purpose", "reference")
INVOICE_NUMBER = re.compile(r"\bINV-\d{7}\b", re.IGNORECASE)
MAX_BYTES = 10 * 1024 * 1024
#: How many problems a statement keeps (all are counted).
MAX_PROBLEMS = 2000

PROBLEMS: dict[str, Any] = {
    "wrong_columns": _("The columns must be: %(expected)s; the file has: %(found)s."),
    "empty_file": _("The file has no lines."),
    "csv_syntax": _("The file is not valid CSV: %(error)s."),
    "too_large": _("The file is larger than %(limit)s MB."),
    "field_count": _("The line has %(found)s fields instead of %(expected)s."),
    "bad_date": _("“%(value)s” is not a date (write 2026-12-31 or 31.12.2026)."),
    "future_date": _("The date %(value)s is in the future."),
    "bad_amount": _("“%(value)s” is not an amount in tenge greater than zero (with at most two decimals)."),
    "bad_bin": _("“%(value)s” is not a BIN or IIN (12 digits)."),
    "no_reference": _("The bank reference is missing: without it a line cannot be told from a copy."),
    "duplicate": _(
        "Already imported: the bank reference %(reference)s is recorded (payment of %(received)s)."
    ),
    "duplicate_in_file": _("The bank reference %(reference)s appears again on line %(first)s of this file."),
    "cancelled_invoice": _("Invoice %(number)s is cancelled: the payment is kept as an unallocated receipt."),
}


def problem_text(problem: dict[str, Any]) -> str:
    """A statement's problem in the active language."""
    code, params = problem["code"], problem.get("params") or {}
    if code in PROBLEMS:
        return str(PROBLEMS[code]) % params
    if code in camt.PROBLEMS:
        return str(camt.PROBLEMS[code]) % params
    return import_problems.render(code, params)


# -- posting --------------------------------------------------------------------------------------------
def _area_legs(invoice: Invoice, amount: Decimal, account: str) -> list[ledger.Leg]:
    lines = list(invoice.lines.select_related("area"))
    parts = split(amount, [line.amount for line in lines])
    return [
        ledger.Leg(account, -part, invoice.licence, line.area, invoice.period_start)
        for line, part in zip(lines, parts, strict=True)
        if part
    ]


def _apply(payment: Payment, invoice: Invoice) -> Decimal:
    """Mark ``invoice`` paid by as much of ``payment`` as it still owes; returns that amount."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.cmo_id != payment.cmo_id:
        raise ValidationError({"invoice": gettext("The invoice is another CMO's.")})
    if invoice.status == InvoiceStatus.CANCELLED:
        raise ValidationError({"invoice": gettext("The invoice is cancelled.")})
    applied = min(payment.unallocated, invoice.outstanding)
    invoice.paid += applied
    invoice.status = InvoiceStatus.PAID if invoice.paid == invoice.amount else InvoiceStatus.PART_PAID
    invoice.save(update_fields=["paid", "status"])
    payment.invoice = invoice
    payment.applied += applied
    payment.licensee_id = payment.licensee_id or invoice.licence.licensee_id
    return applied


def record_payment(
    *,
    by: Any,
    cmo: CMO,
    amount: Decimal,
    received_on: dt.date,
    invoice: Invoice | None = None,
    licensee: Licensee | None = None,
    bank_reference: str = "",
    payer_bin: str = "",
    payer_name: str = "",
    purpose: str = "",
    source: str = PaymentSource.MANUAL,
    statement: BankStatement | None = None,
    statement_line: int | None = None,
) -> Payment:
    """Record money ``cmo`` received on ``received_on``, on ``invoice`` or as an unallocated receipt."""
    amount = tenge(amount)
    if amount <= 0:
        raise ValidationError({"amount": gettext("The amount must be greater than zero.")})
    if received_on > clock.today():
        raise ValidationError({"received_on": gettext("The date of receipt cannot be in the future.")})
    bank_reference = bank_reference.strip()
    with audited(by):
        if bank_reference and Payment.objects.filter(cmo=cmo, bank_reference=bank_reference).exists():
            raise ValidationError(
                {"bank_reference": gettext("A payment with this bank reference is already recorded.")}
            )
        payment = Payment.objects.create(
            cmo=cmo, licensee=licensee, amount=amount, received_on=received_on, bank_reference=bank_reference,
            payer_bin=payer_bin, payer_name=payer_name[:300], purpose=purpose[:500], source=source,
            statement=statement, statement_line=statement_line, recorded_by=by,
        )  # fmt: skip
        legs = [ledger.Leg(ledger.BANK, amount)]
        applied = _apply(payment, invoice) if invoice is not None else Decimal(0)
        if applied:
            legs += _area_legs(payment.invoice, applied, ledger.RECEIVABLE)  # type: ignore[arg-type]
        if amount - applied:
            legs.append(ledger.Leg(ledger.UNALLOCATED, -(amount - applied)))
        payment.save(update_fields=["invoice", "applied", "licensee"])
        memo, params = _memo(payment)
        ledger.post(cmo, received_on, legs, memo, params, (SourceKind.PAYMENT, payment.pk), by)
    return payment


def _memo(payment: Payment) -> tuple[str, dict[str, Any]]:
    received = payment.received_on.isoformat()
    if payment.invoice is not None:
        return "payment", {"received": received, "number": payment.invoice.number}
    return "receipt_unallocated", {"received": received, "reference": payment.bank_reference or payment.pk}


def allocate_receipt(payment: Payment, invoice: Invoice, *, by: Any) -> Payment:
    """Allocate what is still unallocated of ``payment`` to ``invoice`` (Dr unallocated / Cr receivable)."""
    with audited(by):
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.unallocated <= 0:
            raise ValidationError(gettext("Nothing of this receipt is left to allocate."))
        if payment.invoice_id is not None and payment.invoice_id != invoice.pk:
            raise ValidationError(gettext("This receipt is already allocated to another invoice."))
        applied = _apply(payment, invoice)
        if applied <= 0:
            raise ValidationError({"invoice": gettext("The invoice is paid already.")})
        payment.allocated_by = by
        payment.save(update_fields=["invoice", "applied", "licensee", "allocated_by"])
        legs = [ledger.Leg(ledger.UNALLOCATED, applied), *_area_legs(invoice, applied, ledger.RECEIVABLE)]
        ledger.post(
            payment.cmo, clock.today(), legs, "allocation",
            {"received": payment.received_on.isoformat(), "number": invoice.number},
            (SourceKind.ALLOCATION, payment.pk), by,
        )  # fmt: skip
    return payment


# -- bank statements ------------------------------------------------------------------------------------
@dataclass
class Line:
    number: int
    received_on: dt.date
    amount: Decimal
    payer_bin: str
    payer_name: str
    purpose: str
    reference: str


def _problem(line: int, code: str, **params: Any) -> dict[str, Any]:
    return {"line": line, "code": code, "params": {k: str(v) for k, v in params.items()}}


def _date(value: str) -> dt.date | None:
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def _amount(value: str) -> Decimal | None:
    text = value.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        return None
    return amount


def parse_line(number: int, fields: list[str], today: dt.date) -> Line | dict[str, Any]:
    """A statement line, or the problem with it."""
    if len(fields) != len(COLUMNS):
        return _problem(number, "field_count", found=len(fields), expected=len(COLUMNS))
    date_text, amount_text, payer_bin, payer_name, purpose, reference = (f.strip() for f in fields)
    received_on = _date(date_text)
    if received_on is None:
        return _problem(number, "bad_date", value=date_text[:40])
    if received_on > today:
        return _problem(number, "future_date", value=date_text)
    amount = _amount(amount_text)
    if amount is None:
        return _problem(number, "bad_amount", value=amount_text[:40])
    if payer_bin and not re.fullmatch(r"\d{12}", payer_bin):
        return _problem(number, "bad_bin", value=payer_bin[:40])
    if not reference:
        return _problem(number, "no_reference")
    return Line(number, received_on, amount, payer_bin, payer_name, purpose, reference[:100])


def _credits(
    data: IO[bytes], today: dt.date, accounts: list[str]
) -> tuple[list[Line | dict[str, Any]] | None, list[dict[str, Any]], int]:
    """The payments a camt message received (each a line or its problem), or ``None`` and why it is refused
    (also when it is of none of ``accounts``, the CMO's on record, if there are any); with how many of its
    entries are not payments received (debits, returns, entries not yet booked)."""
    try:
        entries = camt.read(data, accounts)
    except camt.Refused as refused:
        return None, [_problem(refused.line, refused.code, **refused.params)], 0
    found: list[Line | dict[str, Any]] = []
    others = 0
    for entry in entries:
        if entry.debit or entry.returning or entry.reversal or not entry.booked:
            others += 1
            continue
        for tx in entry.transactions:
            reference = tx.bank_reference or tx.end_to_end_id
            if tx.currency and tx.currency != "KZT":
                found.append(
                    _problem(
                        tx.line,
                        "currency",
                        reference=reference[:35],
                        currency=tx.currency[:3],
                        expected="KZT",
                    )
                )
                continue
            payer = tx.party_id if re.fullmatch(r"\d{12}", tx.party_id) else ""  # a BIN or IIN, else not kept
            fields = [entry.booking_date, tx.amount, payer, tx.party_name, tx.purpose, reference]
            if not tx.amount:
                found.append(_problem(tx.line, "no_amount", reference=reference[:35]))
            elif not entry.booking_date:
                found.append(_problem(entry.line, "no_date"))
            else:
                found.append(parse_line(tx.line, fields, today))
    return found, [], others


def _rows(fh: IO[bytes]) -> tuple[list[list[str]] | None, list[dict[str, Any]]]:
    """The file's rows after the whole-file check, or ``None`` and why it is refused."""
    try:
        encoding = textfile.detect_csv(fh)
        textfile.check_controls(fh, encoding)
    except textfile.NotText as exc:
        return None, [_problem(exc.line, exc.code, **exc.params)]
    text = "".join(textfile.lines(fh, encoding))
    dialect = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=dialect, strict=True))
    except csv.Error as exc:
        return None, [_problem(0, "csv_syntax", error=str(exc))]
    if not rows:
        return None, [_problem(0, "empty_file")]
    header = [c.strip().lower() for c in rows[0]]
    if tuple(header) != COLUMNS:
        return None, [
            _problem(1, "wrong_columns", expected=", ".join(COLUMNS), found=", ".join(header)[:200])
        ]
    return rows, []


def receive_bank_statement(
    *, by: Any, cmo: CMO, file: IO[bytes], filename: str, send: bool = True
) -> BankStatement:
    """Keep the bank statement of ``cmo``'s account as uploaded (camt or CSV, told apart by the content) and
    send it to a worker to be read (:func:`read_bank_statement`) once this commits: a statement of a busy
    account takes longer to read than a page may wait. A file past the size limit is refused at once."""
    upload = spool(file, max(MAX_BYTES, camt.MAX_BYTES))
    with upload.file, audited(by):
        xml = camt.is_xml(upload.head)
        limit = camt.MAX_BYTES if xml else MAX_BYTES
        statement = BankStatement(
            cmo=cmo, filename=filename[:200], sha256=upload.sha256, uploaded_by=by,
            status=StatementStatus.RECEIVED, file_format="camt" if xml else "csv",
        )  # fmt: skip
        if upload.size > limit:
            statement.status = StatementStatus.REFUSED
            statement.problems = [_problem(0, "too_large", limit=limit // (1024 * 1024))]
        statement.file.save(f"{uuid.uuid4().hex}.{'xml' if xml else 'csv'}", File(upload.file), save=False)
        statement.save()
        if send and statement.status == StatementStatus.RECEIVED:
            transaction.on_commit(partial(_send_statement, statement.pk))
    return statement


def _send_statement(pk: int) -> None:
    from licensing.tasks import read_bank_statement

    read_bank_statement.delay(pk)


def read_bank_statement(pk: int) -> BankStatement | None:
    """Read a received statement: bad lines named and skipped, good lines recorded as payments (on the
    invoice their purpose names, else unallocated), each bank reference once. One transaction: a worker that
    dies leaves it received, to be read again. ``None`` when another worker is reading it; a statement read
    already is returned as it is."""
    with transaction.atomic():
        statement = (
            BankStatement.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("cmo", "uploaded_by").filter(pk=pk).first()
        )  # fmt: skip
        if statement is None or statement.status != StatementStatus.RECEIVED:
            return statement
        today = clock.today()
        items: list[Line | dict[str, Any]] | None
        with statement.file.open("rb") as fh:
            if statement.file_format == "camt":
                accounts = BankAccount.objects.filter(party_id=statement.cmo.party_id).values_list(
                    "iban", flat=True
                )
                items, refusal, statement.others = _credits(fh, today, list(accounts))
            else:
                rows, refusal = _rows(io.BytesIO(fh.read()))
                items = None if rows is None else [
                    parse_line(number, fields, today)
                    for number, fields in enumerate(rows[1:], start=2) if any(f.strip() for f in fields)
                ]  # fmt: skip
        with audited(statement.uploaded_by):
            if items is None:
                statement.status = StatementStatus.REFUSED
                statement.problems = refusal
                statement.save(update_fields=["status", "problems", "others"])
            else:
                _import_lines(statement, items)
    return statement


def import_bank_statement(*, by: Any, cmo: CMO, file: IO[bytes], filename: str) -> BankStatement:
    """Receive the statement and read it at once, in this process (the demo, the tests of reading)."""
    received = receive_bank_statement(by=by, cmo=cmo, file=file, filename=filename, send=False)
    return read_bank_statement(received.pk) or received


def resend_waiting_bank_statements(*, older_than: dt.timedelta = jobs.LOST_AFTER) -> list[int]:
    """Statements received longer ago than ``older_than`` and still not read (their worker or message was
    lost): sent to a worker again (:func:`read_bank_statement` is idempotent)."""
    waiting = BankStatement.objects.filter(status=StatementStatus.RECEIVED)
    return jobs.send_again(waiting, since="uploaded_at", send=_send_statement, older_than=older_than)


def _import_lines(statement: BankStatement, items: list[Line | dict[str, Any]]) -> None:
    found: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    invoices = _invoices_named(statement.cmo, [x.purpose for x in items if isinstance(x, Line)])
    for parsed in items:
        statement.lines += 1
        if isinstance(parsed, dict):
            found.append(parsed)
            statement.bad += 1
            continue
        number = parsed.number
        if parsed.reference in seen:
            found.append(
                _problem(
                    number, "duplicate_in_file", reference=parsed.reference, first=seen[parsed.reference]
                )
            )
            statement.duplicates += 1
            continue
        seen[parsed.reference] = number
        earlier = Payment.objects.filter(cmo=statement.cmo, bank_reference=parsed.reference).first()
        if earlier is not None:
            found.append(
                _problem(number, "duplicate", reference=parsed.reference, received=earlier.received_on)
            )
            statement.duplicates += 1
            continue
        found += _record_line(statement, parsed, invoices)
    statement.status = StatementStatus.IMPORTED
    statement.problems = found[:MAX_PROBLEMS]
    statement.save()


def _invoices_named(cmo: CMO, purposes: list[str]) -> dict[str, Invoice]:
    numbers = {m.upper() for purpose in purposes for m in INVOICE_NUMBER.findall(purpose)}
    return {
        i.number: i for i in Invoice.objects.filter(cmo=cmo, number__in=numbers).select_related("licence")
    }


def _record_line(statement: BankStatement, line: Line, invoices: dict[str, Invoice]) -> list[dict[str, Any]]:
    named = [invoices[n.upper()] for n in INVOICE_NUMBER.findall(line.purpose) if n.upper() in invoices]
    invoice = named[0] if named else None
    notes = []
    if invoice is not None and invoice.status == InvoiceStatus.CANCELLED:
        notes.append(_problem(line.number, "cancelled_invoice", number=invoice.number))
        invoice = None
    licensee = Licensee.objects.filter(party__bin=line.payer_bin).first() if line.payer_bin else None
    try:
        with transaction.atomic():
            payment = record_payment(
                by=statement.uploaded_by, cmo=statement.cmo, amount=line.amount, received_on=line.received_on,
                invoice=invoice, licensee=licensee, bank_reference=line.reference, payer_bin=line.payer_bin,
                payer_name=line.payer_name, purpose=line.purpose, source=PaymentSource.STATEMENT,
                statement=statement, statement_line=line.number,
            )  # fmt: skip
    except IntegrityError:
        statement.duplicates += 1
        return [_problem(line.number, "duplicate", reference=line.reference, received=line.received_on)]
    if payment.applied:
        statement.matched += 1
    if payment.unallocated:
        statement.unallocated += 1
    return notes
