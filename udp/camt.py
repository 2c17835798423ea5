"""What banks send of an account: ISO 20022 bank-to-customer cash management messages, ``camt.053``
(statement), ``camt.052`` (intraday report) and ``camt.054`` (debit/credit notification), versions 001.02 to
001.13, read into :class:`Entry` rows with the line each was found on.

The platform reads a CMO's account twice: the money users paid in (:mod:`licensing.payments`, the credits) and
the transfers of its payment files (:mod:`distribution.payouts.formats`, the debits and the credits that
return them). Both take the same file as the bank sends it; each keeps its own entries and counts the rest.

Elements are found by their local names, so every version's namespace reads alike. A document type or an
entity declaration refuses the file (a bank's message has none), so nothing is expanded or fetched.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any
from xml.parsers import expat

from django.utils.translation import gettext_lazy as _

#: the camt messages and the block of entries in each
BLOCKS = {"BkToCstmrStmt": "Stmt", "BkToCstmrAcctRpt": "Rpt", "BkToCstmrDbtCdtNtfctn": "Ntfctn"}
#: bank transaction sub-families of a credit that returns or reverses a transfer the account made
RETURN_SUBFAMILIES = {"RRTN", "RPCR", "ARET"}

PROBLEMS: dict[str, Any] = {
    "xml_syntax": _("The file is not well-formed XML: the error is at column %(column)s of this line."),
    "xml_declarations": _(
        "The file declares a document type or entities, which a bank statement never does."
    ),
    "not_camt": _(
        "The file is XML but not an ISO 20022 bank statement (camt.052, camt.053 or camt.054): it is %(found)s."
    ),
    "no_entries": _("The statement has no entries."),
    "no_amount": _("The transfer %(reference)s has no amount of its own in an entry of several transfers."),
    "currency": _("The transfer %(reference)s is in %(currency)s; transfers are in %(expected)s."),
    "no_date": _("The entry has no booking date."),
}


@dataclass(frozen=True)
class Transaction:
    line: int
    #: the payer's end-to-end reference; empty when none was given (``NOTPROVIDED``)
    end_to_end_id: str
    #: the bank's own reference of the transaction, else of its entry
    bank_reference: str
    #: the amount as written and its currency: the transaction's own, or its entry's when it is the only one
    amount: str
    currency: str
    #: the other side: who paid a credit in, whom a debit paid
    party_name: str
    party_id: str
    #: the payment's purpose, as the payer wrote it
    purpose: str
    #: why a returned transfer came back: an ISO 20022 return reason code or the bank's words
    return_reason: str


@dataclass(frozen=True)
class Entry:
    line: int
    debit: bool
    reversal: bool
    #: ``BOOK``; ``PDNG`` and ``INFO`` are not yet on the account
    status: str
    booking_date: str
    #: a credit that returns (or reverses) a transfer the account made
    returning: bool
    transactions: list[Transaction]

    @property
    def booked(self) -> bool:
        return self.status == "BOOK"


class Refused(Exception):
    def __init__(self, line: int, code: str, **params: Any) -> None:
        super().__init__(code)
        self.line, self.code, self.params = line, code, {k: str(v) for k, v in params.items()}


def is_xml(data: bytes) -> bool:
    return data[:200].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


class _Declaration(Exception):
    pass


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _parse(data: bytes) -> tuple[ET.Element, dict[ET.Element, int]]:
    builder = ET.TreeBuilder()
    lines: dict[ET.Element, int] = {}
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True

    def start(tag: str, attrs: dict[str, str]) -> None:
        lines[builder.start(_local(tag), attrs)] = parser.CurrentLineNumber

    def refuse(*args: Any) -> None:
        raise _Declaration

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda tag: builder.end(_local(tag))
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.Parse(data, True)
    return builder.close(), lines


def _text(element: ET.Element | None, *paths: str) -> str:
    """The first of ``paths`` under ``element`` with text."""
    for path in paths:
        found = element.find(path) if element is not None else None
        if found is not None and (found.text or "").strip():
            return (found.text or "").strip()
    return ""


def read(data: bytes) -> list[Entry]:
    """Every entry of the message, in the file's order; :class:`Refused` when it is not one."""
    try:
        root, lines = _parse(data)
    except expat.ExpatError as exc:
        raise Refused(exc.lineno, "xml_syntax", column=exc.offset + 1) from None
    except _Declaration:
        raise Refused(1, "xml_declarations") from None
    message = next(iter(root), None)
    if root.tag != "Document" or message is None or message.tag not in BLOCKS:
        found = "/".join(e.tag for e in (root, message) if e is not None)
        raise Refused(1, "not_camt", found=found[:80])
    entries = [
        _entry(entry, lines) for block in message.iter(BLOCKS[message.tag]) for entry in block.iter("Ntry")
    ]
    if not entries:
        raise Refused(lines[message], "no_entries")
    return entries


def _entry(entry: ET.Element, lines: dict[ET.Element, int]) -> Entry:
    debit = _text(entry, "CdtDbtInd") == "DBIT"
    reversal = _text(entry, "RvslInd").lower() in ("true", "1")
    details = entry.findall("NtryDtls/TxDtls")
    amount = entry.find("Amt")
    side = "Cdtr" if debit else "Dbtr"
    transactions = [
        Transaction(
            line=lines[tx],
            end_to_end_id="" if _text(tx, "Refs/EndToEndId").upper() == "NOTPROVIDED" else _text(tx, "Refs/EndToEndId"),
            bank_reference=_text(tx, "Refs/AcctSvcrRef") or _text(entry, "AcctSvcrRef"),
            amount=_text(tx, "AmtDtls/TxAmt/Amt", "Amt", "AmtDtls/InstdAmt/Amt")
            or (_text(entry, "Amt") if len(details) == 1 else ""),
            currency=next(
                (a.get("Ccy", "") for a in (tx.find(p) for p in ("AmtDtls/TxAmt/Amt", "Amt", "AmtDtls/InstdAmt/Amt"))
                 if a is not None and (a.text or "").strip()),
                amount.get("Ccy", "") if amount is not None and len(details) == 1 else "",
            ),
            party_name=_text(tx, f"RltdPties/{side}/Nm", f"RltdPties/{side}/Pty/Nm"),
            party_id=_text(
                tx, f"RltdPties/{side}/Id/OrgId/Othr/Id", f"RltdPties/{side}/Pty/Id/OrgId/Othr/Id",
                f"RltdPties/{side}/Id/PrvtId/Othr/Id", f"RltdPties/{side}/Pty/Id/PrvtId/Othr/Id",
            ),
            purpose=" ".join(u.text.strip() for u in tx.iterfind("RmtInf/Ustrd") if u.text and u.text.strip())
            or _text(tx, "RmtInf/Strd/CdtrRefInf/Ref"),
            return_reason=_text(tx, "RtrInf/Rsn/Cd", "RtrInf/Rsn/Prtry", "RtrInf/AddtlInf"),
        )
        for tx in details
    ]  # fmt: skip
    if not details:  # an entry the bank gives no transaction details of: one transaction, from the entry
        transactions = [
            Transaction(
                line=lines[entry], end_to_end_id="", bank_reference=_text(entry, "AcctSvcrRef"),
                amount=_text(entry, "Amt"), currency=amount.get("Ccy", "") if amount is not None else "",
                party_name="", party_id="", purpose=_text(entry, "AddtlNtryInf"), return_reason="",
            )
        ]  # fmt: skip
    return Entry(
        line=lines[entry],
        debit=debit,
        reversal=reversal,
        status=_text(entry, "Sts/Cd", "Sts"),
        booking_date=_text(entry, "BookgDt/Dt")
        or _text(entry, "BookgDt/DtTm")[:10]
        or _text(entry, "ValDt/Dt"),
        returning=not debit
        and (
            reversal
            or _text(entry, "BkTxCd/Domn/Fmly/SubFmlyCd") in RETURN_SUBFAMILIES
            or any(tx.find("RtrInf") is not None for tx in details)
        ),
        transactions=transactions,
    )
