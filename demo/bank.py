"""The demo's bank: the statement (ISO 20022 camt.053.001.02) a bank would send of a CMO's account, so the demo
imports what a CMO would upload. Outside the platform, like the bank itself; only the demo uses it."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field

from udp.money import from_tiyn

CAMT_053 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"


@dataclass(frozen=True)
class Entry:
    booked_on: dt.date
    credit: bool
    #: (end-to-end reference, amount in tiyn) of each transaction; empty for a charge
    transactions: Sequence[tuple[str, int]] = ()
    amount_tiyn: int = 0  # an entry with no transactions (a charge)
    family: tuple[str, str] = ("ICDT", "DMCT")
    return_reason: str = ""
    purpose: str = ""
    payer: tuple[str, str] = field(default=("", ""))  # name, BIN


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrib)
    if text is not None:
        element.text = text
    return element


def statement(iban: str, number: str, created: dt.datetime, entries: Sequence[Entry]) -> bytes:
    document = ET.Element("Document", {"xmlns": CAMT_053})
    message = _sub(document, "BkToCstmrStmt")
    header = _sub(message, "GrpHdr")
    _sub(header, "MsgId", number)
    _sub(header, "CreDtTm", created.isoformat())
    block = _sub(message, "Stmt")
    _sub(block, "Id", number)
    _sub(block, "CreDtTm", created.isoformat())
    account = _sub(block, "Acct")
    _sub(_sub(account, "Id"), "IBAN", iban)
    _sub(account, "Ccy", "KZT")
    for item in entries:
        total = sum(amount for _, amount in item.transactions) or item.amount_tiyn
        entry = _sub(block, "Ntry")
        _sub(entry, "Amt", str(from_tiyn(total)), Ccy="KZT")
        _sub(entry, "CdtDbtInd", "CRDT" if item.credit else "DBIT")
        _sub(entry, "Sts", "BOOK")
        _sub(_sub(entry, "BookgDt"), "Dt", item.booked_on.isoformat())
        _sub(_sub(entry, "ValDt"), "Dt", item.booked_on.isoformat())
        domain = _sub(_sub(entry, "BkTxCd"), "Domn")
        _sub(domain, "Cd", "PMNT")
        family = _sub(domain, "Fmly")
        _sub(family, "Cd", item.family[0])
        _sub(family, "SubFmlyCd", item.family[1])
        if not item.transactions:
            continue
        details = _sub(entry, "NtryDtls")
        for reference, amount in item.transactions:
            tx = _sub(details, "TxDtls")
            _sub(_sub(tx, "Refs"), "EndToEndId", reference)
            _sub(_sub(_sub(tx, "AmtDtls"), "TxAmt"), "Amt", str(from_tiyn(amount)), Ccy="KZT")
            if item.payer[0]:
                debtor = _sub(_sub(tx, "RltdPties"), "Dbtr")
                _sub(debtor, "Nm", item.payer[0])
                if item.payer[1]:
                    _sub(_sub(_sub(_sub(debtor, "Id"), "OrgId"), "Othr"), "Id", item.payer[1])
            if item.purpose:
                _sub(_sub(tx, "RmtInf"), "Ustrd", item.purpose)
            if item.return_reason:
                _sub(_sub(_sub(tx, "RtrInf"), "Rsn"), "Cd", item.return_reason)
    ET.indent(document)
    return bytes(ET.tostring(document, encoding="UTF-8", xml_declaration=True)) + b"\n"
