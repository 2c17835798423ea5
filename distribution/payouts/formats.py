"""What goes to the bank and what comes back, behind two small protocols, so a bank's own format is one more
class in :data:`PAYMENT_FORMATS` or :data:`STATEMENT_FORMATS`.

- :class:`PaymentFileFormat` writes a :class:`PaymentOrder` (the CMO's account and one :class:`Transfer`
  per holder, read once as the file is written) to a file. :class:`Pain001` writes ISO 20022 ``pain.001.001.03`` customer credit
  transfer initiation: one payment information block, each transfer with its end-to-end reference (which
  the bank's statement names back), the amount in tenge, the payee's bank (BIC), name, IIN/BIN and IBAN.
  The same order gives the same bytes (the message's time is the batch's), so a file made again is the same.
- :class:`StatementFormat` reads a bank statement of those transfers into :class:`StatementLine` rows and the
  problems it found (codes with parameters, rendered by :func:`problem_text`):
  - :class:`Camt` reads what banks send back for a pain.001: ISO 20022 ``camt.053`` (statement), ``camt.052``
    (intraday report) and ``camt.054`` (debit/credit notification), any version. A booked debit names the
    transfers it paid by their end-to-end references; a credit that returns a transfer (a reversal, return
    information or the bank transaction code ``RRTN``) names the transfer it returns, with the bank's reason.
    Every other entry of the account (money received, charges, entries not yet booked) is counted and left aside.
  - :class:`CsvStatement` reads ``end_to_end_id, amount, status, date`` with status ``booked`` (paid) or
    ``returned``, for a bank that sends neither.
  :func:`detect_statement_format` tells them apart by the file's content.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any, Protocol
from xml.sax.saxutils import escape

from django.utils.translation import gettext_lazy as _

from registers.importing import textfile
from udp import camt
from udp.money import CURRENCY, from_tiyn, to_tiyn


@dataclass(frozen=True)
class Transfer:
    end_to_end_id: str
    amount_tiyn: int
    creditor_name: str
    creditor_id: str  # IIN or BIN, may be empty
    iban: str
    bic: str
    remittance: str


@dataclass(frozen=True)
class PaymentOrder:
    message_id: str
    created_at: dt.datetime
    execution_date: dt.date
    debtor_name: str
    debtor_id: str  # the CMO's BIN
    debtor_iban: str
    debtor_bic: str
    #: the transfers, read once as the file is written (a national CMO's file has hundreds of thousands)
    transfers: Iterable[Transfer]
    count: int
    total_tiyn: int


class PaymentFileFormat(Protocol):
    code: str
    media_type: str
    extension: str

    def write(self, order: PaymentOrder, out: IO[bytes]) -> None: ...


PAIN_001 = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"


def _x(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def _agent(tag: str, bic: str, indent: str) -> str:
    inner = f"<BIC>{_x(bic)}</BIC>" if bic else "<Othr><Id>NOTPROVIDED</Id></Othr>"
    return f"{indent}<{tag}><FinInstnId>{inner}</FinInstnId></{tag}>\n"


def _party_id(identifier: str, *, organisation: bool) -> str:
    if not identifier:
        return ""
    kind = "OrgId" if organisation else "PrvtId"
    return f"<Id><{kind}><Othr><Id>{_x(identifier)}</Id></Othr></{kind}></Id>"


class Pain001:
    """ISO 20022 pain.001.001.03, customer credit transfer initiation, written as it is read: one payment
    information block of every transfer, in the order's order."""

    code = "pain.001.001.03"
    media_type = "application/xml"
    extension = "xml"

    def write(self, order: PaymentOrder, out: IO[bytes]) -> None:
        total, count = str(from_tiyn(order.total_tiyn)), str(order.count)
        debtor = f"<Nm>{_x(order.debtor_name[:140])}</Nm>{_party_id(order.debtor_id, organisation=True)}"
        out.write(
            (
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<Document xmlns="{PAIN_001}">\n'
                "  <CstmrCdtTrfInitn>\n"
                "    <GrpHdr>\n"
                f"      <MsgId>{_x(order.message_id)}</MsgId>\n"
                f"      <CreDtTm>{order.created_at.replace(microsecond=0, tzinfo=None).isoformat()}</CreDtTm>\n"
                f"      <NbOfTxs>{count}</NbOfTxs>\n"
                f"      <CtrlSum>{total}</CtrlSum>\n"
                f"      <InitgPty>{debtor}</InitgPty>\n"
                "    </GrpHdr>\n"
                "    <PmtInf>\n"
                f"      <PmtInfId>{_x(order.message_id)}</PmtInfId>\n"
                "      <PmtMtd>TRF</PmtMtd>\n"
                "      <BtchBookg>false</BtchBookg>\n"
                f"      <NbOfTxs>{count}</NbOfTxs>\n"
                f"      <CtrlSum>{total}</CtrlSum>\n"
                f"      <ReqdExctnDt>{order.execution_date.isoformat()}</ReqdExctnDt>\n"
                f"      <Dbtr>{debtor}</Dbtr>\n"
                f"      <DbtrAcct><Id><IBAN>{_x(order.debtor_iban)}</IBAN></Id><Ccy>{CURRENCY}</Ccy></DbtrAcct>\n"
                + _agent("DbtrAgt", order.debtor_bic, "      ")
                + "      <ChrgBr>DEBT</ChrgBr>\n"
            ).encode()
        )
        chunk: list[str] = []
        for transfer in order.transfers:
            chunk.append(self._transfer(transfer))
            if len(chunk) == 5000:
                out.write("".join(chunk).encode())
                chunk.clear()
        out.write(("".join(chunk) + "    </PmtInf>\n  </CstmrCdtTrfInitn>\n</Document>\n").encode())

    @staticmethod
    def _transfer(transfer: Transfer) -> str:
        return (
            "      <CdtTrfTxInf>\n"
            f"        <PmtId><EndToEndId>{_x(transfer.end_to_end_id)}</EndToEndId></PmtId>\n"
            f'        <Amt><InstdAmt Ccy="{CURRENCY}">{from_tiyn(transfer.amount_tiyn)}</InstdAmt></Amt>\n'
            + _agent("CdtrAgt", transfer.bic, "        ")
            + f"        <Cdtr><Nm>{_x(transfer.creditor_name[:140])}</Nm>"
            f"{_party_id(transfer.creditor_id, organisation=False)}</Cdtr>\n"
            f"        <CdtrAcct><Id><IBAN>{_x(transfer.iban)}</IBAN></Id></CdtrAcct>\n"
            f"        <RmtInf><Ustrd>{_x(transfer.remittance[:140])}</Ustrd></RmtInf>\n"
            "      </CdtTrfTxInf>\n"
        )


PAYMENT_FORMATS: dict[str, PaymentFileFormat] = {Pain001.code: Pain001()}
DEFAULT_PAYMENT_FORMAT = Pain001.code


# -- statements -----------------------------------------------------------------------------------------
BOOKED, RETURNED = "booked", "returned"


@dataclass(frozen=True)
class StatementLine:
    line: int
    end_to_end_id: str
    amount_tiyn: int
    status: str  # BOOKED or RETURNED
    on: dt.date
    #: why the bank returned it: an ISO 20022 return reason code (``AC04``) or the bank's own words
    reason: str = ""


@dataclass(frozen=True)
class ParsedStatement:
    lines: list[StatementLine]
    #: The lines skipped, or, when ``refused``, why the whole file is.
    problems: list[dict[str, Any]]
    refused: bool = False
    #: entries of the account that are not transfers of a payment file (money received, bank charges) or not
    #: yet booked: counted, left aside
    others: int = 0


class StatementFormat(Protocol):
    code: str

    def parse(self, data: IO[bytes], accounts: Iterable[str] = ()) -> ParsedStatement:
        """The statement's lines; ``accounts``: the CMO's IBANs, where the format names its account."""
        ...


PROBLEMS: dict[str, Any] = {
    "wrong_columns": _("The columns must be: %(expected)s; the file has: %(found)s."),
    "empty_file": _("The file has no lines."),
    "csv_syntax": _("The file is not valid CSV: %(error)s."),
    "too_large": _("The file is larger than %(limit)s MB."),
    "field_count": _("The line has %(found)s fields instead of %(expected)s."),
    "bad_date": _("“%(value)s” is not a date (write 2026-12-31 or 31.12.2026)."),
    "bad_amount": _("“%(value)s” is not an amount in tenge greater than zero (with at most two decimals)."),
    "bad_status": _("“%(value)s” is not a status: write booked or returned."),
    "unknown_reference": _("No transfer of yours has the reference %(reference)s."),
    "amount_differs": _("The transfer %(reference)s was for %(expected)s, the bank says %(found)s."),
    "already_settled": _("The transfer %(reference)s is already %(status)s: the line is not applied."),
    "duplicate_in_file": _("The reference %(reference)s appears again on line %(first)s of this file."),
}


def problem(line: int, code: str, **params: Any) -> dict[str, Any]:
    return {"line": line, "code": code, "params": {k: str(v) for k, v in params.items()}}


def problem_text(found: dict[str, Any]) -> str:
    """A statement's problem in the active language."""
    from registers.importing import problems as import_problems

    code, params = found["code"], found.get("params") or {}
    if code in PROBLEMS:
        return str(PROBLEMS[code]) % params
    if code in camt.PROBLEMS:
        return str(camt.PROBLEMS[code]) % params
    return import_problems.render(code, params)


def _date(value: str) -> dt.date | None:
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def _tiyn(value: str) -> int | None:
    text = value.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        return None
    return to_tiyn(amount)


class CsvStatement:
    """``end_to_end_id, amount, status, date``; comma or semicolon; UTF-8 or the Cyrillic code pages."""

    code = "csv"
    columns = ("end_to_end_id", "amount", "status", "date")

    def _rows(self, data: bytes) -> tuple[list[list[str]] | None, list[dict[str, Any]]]:
        fh = io.BytesIO(data)
        try:
            encoding = textfile.detect_csv(fh)
            textfile.check_controls(fh, encoding)
        except textfile.NotText as exc:
            return None, [problem(exc.line, exc.code, **exc.params)]
        text = "".join(textfile.lines(fh, encoding))
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") > first.count(",") else ","
        try:
            rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
        except csv.Error as exc:
            return None, [problem(0, "csv_syntax", error=str(exc))]
        if not rows:
            return None, [problem(0, "empty_file")]
        header = tuple(c.strip().lower() for c in rows[0])
        if header != self.columns:
            return None, [
                problem(1, "wrong_columns", expected=", ".join(self.columns), found=", ".join(header)[:200])
            ]
        return rows, []

    def parse(self, data: IO[bytes], accounts: Iterable[str] = ()) -> ParsedStatement:
        rows, refusal = self._rows(data.read())
        if rows is None:
            return ParsedStatement([], refusal, refused=True)
        lines: list[StatementLine] = []
        problems: list[dict[str, Any]] = []
        for number, fields in enumerate(rows[1:], start=2):
            if not any(f.strip() for f in fields):
                continue
            parsed = self._line(number, fields)
            if isinstance(parsed, dict):
                problems.append(parsed)
            else:
                lines.append(parsed)
        return ParsedStatement(lines, problems)

    def _line(self, number: int, fields: list[str]) -> StatementLine | dict[str, Any]:
        if len(fields) != len(self.columns):
            return problem(number, "field_count", found=len(fields), expected=len(self.columns))
        reference, amount_text, status, date_text = (f.strip() for f in fields)
        amount = _tiyn(amount_text)
        if amount is None:
            return problem(number, "bad_amount", value=amount_text[:40])
        status = status.lower()
        if status not in (BOOKED, RETURNED):
            return problem(number, "bad_status", value=status[:40])
        on = _date(date_text)
        if on is None:
            return problem(number, "bad_date", value=date_text[:40])
        return StatementLine(number, reference[:35], amount, status, on)


class Camt:
    """ISO 20022 ``camt.052``, ``camt.053`` and ``camt.054`` (see the module and :mod:`udp.camt`)."""

    code = "camt"

    def parse(self, data: IO[bytes], accounts: Iterable[str] = ()) -> ParsedStatement:
        try:
            entries = camt.read(data, accounts)
        except camt.Refused as refused:
            return ParsedStatement([], [problem(refused.line, refused.code, **refused.params)], refused=True)
        lines: list[StatementLine] = []
        problems: list[dict[str, Any]] = []
        others = 0
        for entry in entries:
            for found in self._entry(entry):
                if found is None:
                    others += 1
                elif isinstance(found, dict):
                    problems.append(found)
                else:
                    lines.append(found)
        return ParsedStatement(lines, problems, others=others)

    @staticmethod
    def _entry(entry: camt.Entry) -> Iterator[StatementLine | dict[str, Any] | None]:
        """The entry's transfers; ``None`` for an entry (or a transaction of it) that is none of ours: money
        received, a charge, an entry not yet booked, a debit naming no end-to-end reference."""
        ours = [tx for tx in entry.transactions if tx.end_to_end_id]
        if not entry.booked or not ours or not (entry.returning or (entry.debit and not entry.reversal)):
            yield None
            return
        yield from (None for tx in entry.transactions if not tx.end_to_end_id)
        on = _date(entry.booking_date)
        if on is None:
            yield (
                problem(entry.line, "bad_date", value=entry.booking_date[:40])
                if entry.booking_date
                else problem(entry.line, "no_date")
            )
            return
        status = RETURNED if entry.returning else BOOKED
        for tx in ours:
            reference = tx.end_to_end_id[:35]
            if not tx.amount:
                yield problem(tx.line, "no_amount", reference=reference)
            elif tx.currency != CURRENCY:
                yield problem(
                    tx.line, "currency", reference=reference, currency=tx.currency[:3], expected=CURRENCY
                )
            elif (tiyn := _tiyn(tx.amount)) is None:
                yield problem(tx.line, "bad_amount", value=tx.amount[:40])
            else:
                reason = tx.return_reason[:105] if status == RETURNED else ""
                yield StatementLine(tx.line, reference, tiyn, status, on, reason)


def detect_statement_format(data: bytes) -> str:
    """``camt`` for an XML file, else ``csv``."""
    return Camt.code if camt.is_xml(data) else CsvStatement.code


STATEMENT_FORMATS: dict[str, StatementFormat] = {Camt.code: Camt(), CsvStatement.code: CsvStatement()}

#: the ISO 20022 external return reason codes a bank gives most often for a credit transfer it sends back
RETURN_REASONS: dict[str, Any] = {
    "AC01": _("the account number is wrong"),
    "AC03": _("the payee's account number is not valid"),
    "AC04": _("the account is closed"),
    "AC06": _("the account is blocked"),
    "AG01": _("the account may not receive this transfer"),
    "AM05": _("the transfer was a duplicate"),
    "BE01": _("the payee's name does not match the account"),
    "BE05": _("the party who ordered the transfer is not known to the bank"),
    "FOCR": _("returned after a request to cancel it"),
    "MD07": _("the account holder has died"),
    "MS02": _("the payee refused it"),
    "MS03": _("the bank gave no reason"),
    "NARR": _("see the bank's own words"),
    "RC01": _("the bank's identifier (BIC) is wrong"),
    "RR01": _("the payer's account or identification is missing"),
    "RR04": _("regulatory reasons"),
}


def return_reason_text(reason: str) -> str:
    """The bank's reason for a return in the active language: ``AC04: the account is closed``; a code we do not
    know, or the bank's own words, as given."""
    known = RETURN_REASONS.get(reason.strip().upper())
    return f"{reason.strip().upper()}: {known}" if known is not None else reason
