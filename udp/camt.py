"""What banks send of an account: ISO 20022 bank-to-customer cash management messages, ``camt.053``
(statement), ``camt.052`` (intraday report) and ``camt.054`` (debit/credit notification), versions 001.02 to
001.13, read into :class:`Entry` rows with the line each was found on.

The platform reads a CMO's account twice: the money users paid in (:mod:`licensing.payments`, the credits) and
the transfers of its payment files (:mod:`distribution.payouts.formats`, the debits and the credits that
return them). Both take the same file as the bank sends it; each keeps its own entries and counts the rest.

Elements are found by their local names, so every version's namespace reads alike. Given the CMO's accounts on
record, a message with a block of another account (``Acct/Id/IBAN``) is refused: a wrong file uploaded records
nothing. A document type or an
entity declaration refuses the file (a bank's message has none), so nothing is expanded or fetched.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import IO, Any
from xml.parsers import expat

from django.utils.translation import gettext_lazy as _

#: the largest statement read: a national CMO's payment file of 300 000 transfers comes back as about 200 MB
MAX_BYTES = 512 * 2**20
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
    "other_account": _(
        "The statement is of the account %(account)s, which is none of the CMO's accounts on record: nothing in it "
        "is read."
    ),
}


@dataclass(frozen=True, slots=True)
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
    #: the transaction carries return information (``RtrInf``)
    return_information: bool


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


#: what an element under an entry or a transaction holds: its text (several, for a repeated element) and its
#: attributes, by its path below the entry or the transaction (``AmtDtls/TxAmt/Amt``)
Fields = dict[str, tuple[str, dict[str, str]]]


def _get(fields: Fields, *paths: str) -> str:
    """The text of the first of ``paths`` that has any."""
    for path in paths:
        found = fields.get(path)
        if found is not None and found[0]:
            return found[0]
    return ""


AMOUNTS = ("AmtDtls/TxAmt/Amt", "Amt", "AmtDtls/InstdAmt/Amt")
#: the account a statement, report or notification is of, below its block
ACCOUNT = ["Acct", "Id", "IBAN"]
PARTY_IDS = ("Id/OrgId/Othr/Id", "Pty/Id/OrgId/Othr/Id", "Id/PrvtId/Othr/Id", "Pty/Id/PrvtId/Othr/Id")


class _Reader:
    """Reads the file as it comes (expat), keeping of each entry and each transaction only the text and the
    attributes of its elements by their paths, and letting each go once read: a statement of hundreds of
    thousands of transfers reads in little memory."""

    def __init__(self, accounts: frozenset[str] = frozenset()) -> None:
        self.accounts = accounts
        self.parser = expat.ParserCreate(namespace_separator="}")
        self.parser.buffer_text = True
        self.path: list[str] = []
        self.texts: list[list[str]] = []
        self.entries: list[Entry] = []
        self.message_line = 0
        self.entry: Fields | None = None
        self.entry_at = (0, 0)  # depth, line
        self.tx: Fields | None = None
        self.tx_at = (0, 0)
        self.transactions: list[Transaction] = []
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.data
        self.parser.StartDoctypeDeclHandler = self.refuse
        self.parser.EntityDeclHandler = self.refuse

    @staticmethod
    def refuse(*args: Any) -> None:
        raise _Declaration

    def data(self, text: str) -> None:
        self.texts[-1].append(text)

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        name = _local(tag)
        self.path.append(name)
        self.texts.append([])
        depth = len(self.path)
        if depth == 1 and name != "Document":
            raise Refused(1, "not_camt", found=name[:80])
        if depth == 2:
            if name not in BLOCKS:
                raise Refused(1, "not_camt", found=f"Document/{name}"[:80])
            self.message_line = self.parser.CurrentLineNumber
        if name == "Ntry" and self.entry is None and self.path[-2] in BLOCKS.values():
            self.entry, self.entry_at, self.transactions = {}, (depth, self.parser.CurrentLineNumber), []
        elif name == "TxDtls" and self.entry is not None and self.path[-2] == "NtryDtls":
            self.tx, self.tx_at = {}, (depth, self.parser.CurrentLineNumber)
        self._keep(attrs=attrs)

    def _keep(self, *, attrs: dict[str, str] | None = None, text: str | None = None) -> None:
        """Keep an element's attributes (when it starts) or text (when it ends) in its entry's or transaction's
        fields."""
        fields, (depth, _) = (self.tx, self.tx_at) if self.tx is not None else (self.entry, self.entry_at)
        if fields is None or len(self.path) <= depth:
            return
        key = "/".join(self.path[depth:])
        if attrs is not None:
            fields[key] = ("", attrs) if key not in fields else fields[key]
        elif text:
            before, attributes = fields.get(key, ("", {}))
            fields[key] = (f"{before} {text}" if before else text, attributes)

    def end(self, tag: str) -> None:
        text = "".join(self.texts.pop()).strip()
        self._keep(text=text)
        depth = len(self.path)
        if self.accounts and depth == 6 and self.path[2] in BLOCKS.values() and self.path[3:] == ACCOUNT:
            iban = "".join(text.split()).upper()
            if iban and iban not in self.accounts:
                raise Refused(self.parser.CurrentLineNumber, "other_account", account=iban[:34])
        if self.tx is not None and depth == self.tx_at[0]:
            assert self.entry is not None
            self.transactions.append(self._transaction(self.tx, self.tx_at[1], self.entry))
            self.tx = None
        elif self.entry is not None and depth == self.entry_at[0]:
            self.entries.append(self._entry(self.entry, self.entry_at[1], self.transactions))
            self.entry, self.transactions = None, []
        self.path.pop()

    def read(self, fh: IO[bytes]) -> list[Entry]:
        try:
            self.parser.ParseFile(fh)
        except expat.ExpatError as exc:
            raise Refused(exc.lineno, "xml_syntax", column=exc.offset + 1) from None
        except _Declaration:
            raise Refused(1, "xml_declarations") from None
        if not self.message_line:
            raise Refused(1, "not_camt", found="Document")
        if not self.entries:
            raise Refused(self.message_line, "no_entries")
        return self.entries

    @staticmethod
    def _transaction(tx: Fields, line: int, entry: Fields) -> Transaction:
        side = "RltdPties/" + ("Cdtr" if _get(entry, "CdtDbtInd") == "DBIT" else "Dbtr")
        reference = _get(tx, "Refs/EndToEndId")
        amount = next((tx[p] for p in AMOUNTS if p in tx and tx[p][0]), ("", {}))
        return Transaction(
            line=line,
            end_to_end_id="" if reference.upper() == "NOTPROVIDED" else reference,
            bank_reference=_get(tx, "Refs/AcctSvcrRef") or _get(entry, "AcctSvcrRef"),
            amount=amount[0],
            currency=amount[1].get("Ccy", ""),
            party_name=_get(tx, f"{side}/Nm", f"{side}/Pty/Nm"),
            party_id=_get(tx, *(f"{side}/{p}" for p in PARTY_IDS)),
            purpose=_get(tx, "RmtInf/Ustrd", "RmtInf/Strd/CdtrRefInf/Ref"),
            return_reason=_get(tx, "RtrInf/Rsn/Cd", "RtrInf/Rsn/Prtry", "RtrInf/AddtlInf"),
            return_information=any(key.startswith("RtrInf") for key in tx),
        )

    @staticmethod
    def _entry(entry: Fields, line: int, transactions: list[Transaction]) -> Entry:
        debit = _get(entry, "CdtDbtInd") == "DBIT"
        reversal = _get(entry, "RvslInd").lower() in ("true", "1")
        own = entry.get("Amt", ("", {}))
        if len(transactions) == 1 and not transactions[0].amount:  # the entry's amount is its one transfer's
            transactions = [replace(transactions[0], amount=own[0], currency=own[1].get("Ccy", ""))]
        if (
            not transactions
        ):  # an entry the bank gives no transaction details of: one transaction, from the entry
            transactions = [
                Transaction(
                    line=line, end_to_end_id="", bank_reference=_get(entry, "AcctSvcrRef"), amount=own[0],
                    currency=own[1].get("Ccy", ""), party_name="", party_id="", purpose=_get(entry, "AddtlNtryInf"),
                    return_reason="", return_information=False,
                )
            ]  # fmt: skip
        return Entry(
            line=line,
            debit=debit,
            reversal=reversal,
            status=_get(entry, "Sts/Cd", "Sts"),
            booking_date=_get(entry, "BookgDt/Dt")
            or _get(entry, "BookgDt/DtTm")[:10]
            or _get(entry, "ValDt/Dt"),
            returning=not debit
            and (
                reversal
                or _get(entry, "BkTxCd/Domn/Fmly/SubFmlyCd") in RETURN_SUBFAMILIES
                or any(tx.return_information for tx in transactions)
            ),
            transactions=transactions,
        )


def read(data: bytes | IO[bytes], accounts: Iterable[str] = ()) -> list[Entry]:
    """Every entry of the message, in the file's order; :class:`Refused` when it is not one, or when
    ``accounts`` (the IBANs of the CMO's accounts on record; none: not checked) are given and a block of it is
    of another account."""
    ours = frozenset("".join(iban.split()).upper() for iban in accounts if iban)
    return _Reader(ours).read(io.BytesIO(data) if isinstance(data, bytes) else data)
