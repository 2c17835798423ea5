"""Posting to the ledger, closing months, and reading balances.

:func:`post` writes one balanced transaction (the database checks the balance again at commit). Nothing is
edited: :func:`reverse` posts the opposite legs as a new transaction that names the one it corrects. A month
the CMO has closed (:func:`close_period`) takes no more entries: a transaction dated in it is booked into the
first open month from today's on, marked as an adjustment, naming the original where there is one.

Posting and closing are serialised per CMO by an advisory lock (shared for posting, exclusive for closing),
so nothing slips into a month while it closes.

Balances (:func:`balances`) are one grouped query over the entries.

Postings of many legs (a distribution run: one leg per holder) are written set-based by
:func:`post_select`: the transaction row through the same rules as :func:`post`, its legs by one
``INSERT … SELECT`` the caller gives. The database checks the balance once per statement (see
:mod:`licensing.models.ledger`), and sources posted once only (a run, a payment file, a statement's
confirmations) are unique in the database too.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Sum
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from licensing.models import AccountingPeriod, Entry, LedgerAccount, Licence, SourceKind, Transaction
from registers.models import CMO, Area, Party
from udp.audit import audited
from udp.core import clock
from udp.money import to_tiyn

# Accounts of the chart (seeded by licensing/migrations/0003_ledger.py).
BANK = "bank"
RECEIVABLE = "receivable"
REMUNERATION = "remuneration_payable"
DEDUCTION_INCOME = "cmo_deduction_income"
UNALLOCATED = "unallocated_receipts"
# … and the distribution's (seeded by licensing/migrations/0006_ledger_distribution.py).
HOLDERS_PAYABLE = "holders_payable"
SPECIAL_FUNDS = "special_funds"
TAX_PAYABLE = "tax_payable"
UNDISTRIBUTED = "undistributed"
IN_TRANSIT = "payments_in_transit"
# … and the annual runs' for foreign societies (seeded by licensing/migrations/0010_societies_payable.py).
SOCIETIES_PAYABLE = "societies_payable"

#: What a memo code says, in the reader's language; its parameters fill it.
MEMOS: dict[str, Any] = {
    "invoice": _("Invoice %(number)s for %(start)s – %(end)s"),
    "invoice_cancelled": _("Invoice %(number)s cancelled"),
    "payment": _("Payment received on %(received)s for invoice %(number)s"),
    "receipt_unallocated": _("Receipt of %(received)s not yet allocated (%(reference)s)"),
    "allocation": _("Receipt of %(received)s allocated to invoice %(number)s"),
    "reversal": _("Reversal of transaction %(original)s"),
    "distribution_run": _("Distribution run %(run)s, area %(area)s, usage %(start)s – %(end)s"),
    "run_reversal": _("Correction: distribution run %(run)s reversed"),
    "payout_sent": _("Payment file %(number)s sent to the bank"),
    "payout_booked": _("Payments confirmed by the bank statement %(statement)s"),
    "remuneration_claim": _("Claim of remuneration %(claim)s accepted: kept money to be paid"),
    "payout_returned": _("Payments returned by the bank (statement %(statement)s): owed again"),
    "payout_came_back": _(
        "Payments the bank had booked came back to the account (statement %(statement)s): owed again"
    ),
    "payout_cancelled": _("Payment file %(number)s cancelled (%(reason)s): owed again"),
    "remittance_approved": _(
        "Remittance %(remittance)s to %(society)s for %(year)s approved: owed to the society"
    ),
    "remittance_paid": _("Remittance %(remittance)s to %(society)s paid on %(paid_on)s (%(reference)s)"),
    "remittance_returned": _(
        "Remittance %(remittance)s to %(society)s returned by the bank on %(returned_on)s (%(reference)s): "
        "owed again"
    ),
}


@dataclass(frozen=True)
class Leg:
    """One side of a posting: an account code and a signed amount in tenge (debit +, credit −)."""

    account: str
    amount: Decimal
    licence: Licence | None = None
    area: Area | None = None
    usage_start: dt.date | None = None
    party: Party | None = None


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def closed_months(cmo: CMO) -> set[dt.date]:
    return set(
        AccountingPeriod.objects.filter(cmo=cmo, closed_at__isnull=False).values_list("month", flat=True)
    )


def first_open_month(cmo: CMO, month: dt.date) -> dt.date:
    closed = closed_months(cmo)
    while month in closed:
        month = next_month(month)
    return month


def _lock(cmo: CMO, *, exclusive: bool) -> None:
    key = zlib.crc32(f"ledger:{cmo.pk}".encode())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s)" if exclusive else "SELECT pg_advisory_xact_lock_shared(%s)",
            [key],
        )


def _open_transaction(
    cmo: CMO,
    posted_on: dt.date,
    memo_code: str,
    memo_params: Mapping[str, Any],
    source: tuple[str, int | None],
    by: Any,
    adjusts: Transaction | None,
) -> Transaction:
    """The transaction row, in ``posted_on``'s month or, when that is closed, the first open month from
    today's (an adjustment). The caller holds the CMO's ledger lock and writes the legs."""
    if memo_code not in MEMOS:
        raise ValueError(f"unknown memo {memo_code}")
    period = month_of(posted_on)
    closed = closed_months(cmo)
    is_adjustment = period in closed
    if is_adjustment:
        period = max(period, month_of(clock.today()))
        while period in closed:
            period = next_month(period)
    return Transaction.objects.create(
        cmo=cmo, posted_on=posted_on, period=period, memo_code=memo_code, memo_params=dict(memo_params),
        source_kind=source[0], source_id=source[1], adjusts=adjusts, is_adjustment=is_adjustment,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )  # fmt: skip


def account_ids(*codes: str) -> dict[str, int]:
    """The accounts' ids by code (every code must be in the chart)."""
    found = dict(LedgerAccount.objects.filter(code__in=codes).values_list("code", "pk"))
    missing = set(codes) - set(found)
    if missing:
        raise ValueError(f"no such accounts: {sorted(missing)}")
    return found


def post(
    cmo: CMO,
    posted_on: dt.date,
    legs: Sequence[Leg],
    memo_code: str,
    memo_params: Mapping[str, Any],
    source: tuple[str, int | None],
    by: Any,
    *,
    adjusts: Transaction | None = None,
) -> Transaction:
    """One transaction of ``legs`` for ``cmo``, dated ``posted_on``. Its month is ``posted_on``'s, or, when
    that month is closed, the first open month from today's: an adjustment (naming ``adjusts``, the
    original, where there is one)."""
    if memo_code not in MEMOS:
        raise ValueError(f"unknown memo {memo_code}")
    amounts = [to_tiyn(leg.amount) for leg in legs]
    if len(legs) < 2 or sum(amounts) != 0 or any(a == 0 for a in amounts):
        raise ValueError(f"legs do not balance: {amounts}")
    accounts = account_ids(*{leg.account for leg in legs})
    with transaction.atomic():
        _lock(cmo, exclusive=False)
        tx = _open_transaction(cmo, posted_on, memo_code, memo_params, source, by, adjusts)
        Entry.objects.bulk_create(
            Entry(
                transaction=tx,
                account_id=accounts[leg.account],
                amount_tiyn=amount,
                licence=leg.licence,
                area=leg.area,
                usage_start=leg.usage_start,
                party=leg.party,
            )  # fmt: skip
            for leg, amount in zip(legs, amounts, strict=True)
        )
    return tx


#: The columns :func:`post_select`'s ``INSERT … SELECT`` fills, in this order.
ENTRY_COLUMNS = "transaction_id, account_id, amount_tiyn, licence_id, area_id, usage_start, party_id, work_id"


def post_select(
    cmo: CMO,
    posted_on: dt.date,
    memo_code: str,
    memo_params: Mapping[str, Any],
    source: tuple[str, int | None],
    by: Any,
    *,
    select: str,
    params: Mapping[str, Any],
    accounts: Iterable[str],
    adjusts: Transaction | None = None,
) -> Transaction:
    """One transaction whose legs one ``SELECT`` gives (columns :data:`ENTRY_COLUMNS`; ``%(tx)s`` is the new
    transaction, ``%(account_<code>)s`` each account of ``accounts``): set-based, whatever the number of
    legs. Rows with a zero amount are left out. The database refuses it unless the legs balance."""
    ids = account_ids(*accounts)
    with transaction.atomic():
        _lock(cmo, exclusive=False)
        tx = _open_transaction(cmo, posted_on, memo_code, memo_params, source, by, adjusts)
        values = {**params, "tx": tx.pk, **{f"account_{code}": pk for code, pk in ids.items()}}
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO licensing_entry ({ENTRY_COLUMNS}) "
                f"SELECT * FROM ({select}) legs WHERE legs.amount_tiyn <> 0",
                values,
            )
            if cursor.rowcount < 2:
                raise ValueError(f"a transaction needs two legs or more, the select gave {cursor.rowcount}")
    return tx


def legs_of(tx: Transaction) -> list[Leg]:
    return [
        Leg(e.account.code, Decimal(e.amount_tiyn) / 100, e.licence, e.area, e.usage_start, e.party)
        for e in tx.entries.select_related("account", "licence", "area", "party")
    ]


def reverse(
    tx: Transaction,
    *,
    by: Any,
    on: dt.date | None = None,
    source: tuple[str, int | None] | None = None,
    memo: tuple[str, Mapping[str, Any]] | None = None,
) -> Transaction:
    """A new transaction with ``tx``'s legs negated, naming ``tx``, dated ``on`` (today): one
    ``INSERT … SELECT``, however many legs ``tx`` has."""
    memo_code, memo_params = memo or ("reversal", {"original": tx.pk})
    return post_select(
        tx.cmo, on or clock.today(), memo_code, memo_params, source or (SourceKind.REVERSAL, tx.pk), by,
        select="SELECT %(tx)s AS transaction_id, account_id, -amount_tiyn AS amount_tiyn, licence_id, area_id, "
        "usage_start, party_id, work_id FROM licensing_entry WHERE transaction_id = %(original)s ORDER BY id",
        params={"original": tx.pk}, accounts=(), adjusts=tx,
    )  # fmt: skip


def close_period(cmo: CMO, month: dt.date, *, by: Any) -> AccountingPeriod:
    """Close ``cmo``'s accounting ``month`` (which must have ended): no more entries go into it."""
    month = month_of(month)
    if month >= month_of(clock.today()):
        raise ValidationError({"month": gettext("Only a month that has ended can be closed.")})
    with audited(by):
        _lock(cmo, exclusive=True)
        period, _created = AccountingPeriod.objects.select_for_update().get_or_create(cmo=cmo, month=month)
        if period.closed_at is not None:
            raise ValidationError({"month": gettext("This month is already closed.")})
        period.closed_at = clock.now()
        period.closed_by = by
        period.save(update_fields=["closed_at", "closed_by"])
    return period


def memo_text(tx: Transaction) -> str:
    """The memo of ``tx`` in the active language."""
    params = {
        key: date_format(dt.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        if isinstance(value, str) and len(value) == 10 and value[4:5] == "-"
        else value
        for key, value in tx.memo_params.items()
    }
    template = MEMOS.get(tx.memo_code)
    return str(template) % params if template is not None else tx.memo_code


GROUPS = {
    "account": "account__code",
    "licence": "licence_id",
    "area": "area__item",
    "period": "transaction__period",
    "usage_start": "usage_start",
    "party": "party_id",
}


def balances(
    cmo: CMO,
    *,
    by: Iterable[str] = ("account",),
    accounts: Iterable[str] | None = None,
    until: dt.date | None = None,
) -> list[dict[str, Any]]:
    """Balances of ``cmo``'s entries in tiyn (debit +), grouped by ``by`` (``account``, ``licence``,
    ``area``, ``period``, ``usage_start``, ``party``), in one grouped query; ``until``: months up to that one."""
    columns = [GROUPS[name] for name in by]
    entries = Entry.objects.filter(transaction__cmo=cmo)
    if accounts is not None:
        entries = entries.filter(account__code__in=list(accounts))
    if until is not None:
        entries = entries.filter(transaction__period__lte=until)
    rows = entries.values(*columns).annotate(balance=Sum("amount_tiyn")).order_by(*columns)
    names = dict(zip(columns, by, strict=True))
    return [{names.get(key, key): value for key, value in row.items()} for row in rows]
