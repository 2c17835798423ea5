"""Reads of holders' money from the ledger: what each is owed, and, per run, what was paid and when.

:func:`paid_status` is what a holder's statement shows next to a run: the amount the run gave the holder
to be paid (net of tax; after any correction), how much of it the bank confirmed paid and on which day, how
much is on its way, and how much is still owed. Payments settle a holder's money oldest run first
(first in, first out), since a payment file pays a holder's whole balance across runs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, Count, Min, Q, Sum, Value, When

from distribution.models import LineStatus, PaymentBatch, PaymentLine, Run
from licensing import ledger
from licensing.models import Entry, SourceKind
from registers.models import CMO, Party


@dataclass(frozen=True)
class PaidStatus:
    run_id: int
    #: What the run gave the holder to be paid (net less tax), in tiyn.
    payable_tiyn: int
    #: Of it, paid: confirmed by the bank.
    paid_tiyn: int
    #: Of it, in a payment file the bank has not confirmed yet.
    in_transit_tiyn: int
    #: Of it, still owed (no bank details, returned, or not yet in a file): kept with no time limit.
    owed_tiyn: int
    #: The bank's day of the payment that paid it in full (``None`` until then).
    paid_on: dt.date | None


def owed(cmo: CMO) -> dict[int, int]:
    """Each holder's unpaid balance of *holders payable* at ``cmo`` (tiyn, positive), one grouped query."""
    rows = ledger.balances(cmo, by=("party",), accounts=[ledger.HOLDERS_PAYABLE])
    return {row["party"]: -row["balance"] for row in rows if row["party"] is not None and row["balance"] < 0}


#: A holder's primary account a transfer came back from, with none booked to it since: no file pays it.
RETURNED_ACCOUNT = """
    SELECT DISTINCT b.party_id FROM registers_bankaccount b
      JOIN distribution_paymentline r ON r.party_id = b.party_id AND r.status = 'returned'
                                     AND upper(r.iban) = upper(b.iban)
     WHERE b.is_primary AND b.party_id = ANY(%s)
       AND NOT EXISTS (SELECT 1 FROM distribution_paymentline k
                        WHERE k.party_id = b.party_id AND k.status = 'booked' AND upper(k.iban) = upper(b.iban)
                          AND k.id > r.id)
"""


def waiting_for_other_account(parties: list[int]) -> set[int]:
    """Of ``parties``, those whose primary account is one the bank returned a transfer from (and paid none
    since): they are paid once they give other bank details (:data:`distribution.payouts.actions.LINES`)."""
    if not parties:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(RETURNED_ACCOUNT, [parties])
        return {int(row[0]) for row in cursor.fetchall()}


def _statuses(party: Party, cmo: CMO) -> dict[tuple[str, int], PaidStatus]:
    """:class:`PaidStatus` of each run (``("run", id)``, after any correction) and each accepted claim of
    remuneration (``("claim", id)``) that gave ``party`` money at ``cmo``, oldest posting first."""
    accrued = (
        Entry.objects.filter(
            transaction__cmo=cmo,
            party=party,
            account__code=ledger.HOLDERS_PAYABLE,
            transaction__source_kind__in=[SourceKind.RUN, SourceKind.RUN_REVERSAL, SourceKind.REMUNERATION_CLAIM],
        )  # fmt: skip
        .annotate(kind=Case(When(transaction__source_kind=SourceKind.REMUNERATION_CLAIM, then=Value("claim")),
                            default=Value("run")))
        .values("kind", "transaction__source_id")
        .annotate(amount=Sum("amount_tiyn"), first=Min("transaction_id"))
        .order_by("first")
    )  # fmt: skip
    sources = [
        ((str(row["kind"]), int(row["transaction__source_id"] or 0)), -int(row["amount"]))
        for row in accrued
        if row["amount"]
    ]
    transfers = PaymentLine.objects.filter(batch__cmo=cmo, party=party)
    booked = list(
        transfers.filter(status=LineStatus.BOOKED)
        .order_by("settled_on", "id")
        .values_list("amount_tiyn", "settled_on")
    )
    in_transit = transfers.filter(status=LineStatus.SENT).aggregate(total=Sum("amount_tiyn"))["total"] or 0
    return dict(_first_in_first_out(sources, booked, in_transit))


def paid_statuses(party: Party, cmo: CMO) -> dict[int, PaidStatus]:
    """:class:`PaidStatus` of each of ``cmo``'s runs that gave ``party`` money, by run id (three queries)."""
    return {key[1]: status for key, status in _statuses(party, cmo).items() if key[0] == "run"}


def claim_paid_status(party: Party, cmo: CMO, claim_id: int) -> PaidStatus:
    """What an accepted claim of remuneration gave ``party`` to be paid, and how much of it the bank paid."""
    return _statuses(party, cmo).get(("claim", claim_id)) or PaidStatus(claim_id, 0, 0, 0, 0, None)


def _first_in_first_out(
    runs: list[tuple[tuple[str, int], int]], booked: list[tuple[int, dt.date | None]], in_transit: int
) -> list[tuple[tuple[str, int], PaidStatus]]:
    result = []
    payments = list(booked)
    for run, payable in runs:
        paid, paid_on = 0, None
        while paid < payable and payments:
            amount, day = payments[0]
            take = min(amount, payable - paid)
            paid += take
            paid_on = day
            payments[0] = (amount - take, day)
            if payments[0][0] == 0:
                payments.pop(0)
        transit = min(in_transit, payable - paid)
        in_transit -= transit
        status = PaidStatus(
            run_id=run[1], payable_tiyn=payable, paid_tiyn=paid, in_transit_tiyn=transit,
            owed_tiyn=payable - paid - transit, paid_on=paid_on if paid == payable and payable > 0 else None,
        )  # fmt: skip
        result.append((run, status))
    return result


def paid_status(party: Party, run: Run) -> PaidStatus:
    """What ``run`` gave ``party`` to be paid, and how much of it was paid, when (see the module)."""
    found = paid_statuses(party, run.cmo).get(run.pk)
    return found or PaidStatus(run.pk, 0, 0, 0, 0, None)


def batch_counts(batch: PaymentBatch) -> dict[str, int]:
    """How many of the batch's transfers are sent, booked and returned."""
    return batch.lines.aggregate(
        sent=Count("id", filter=Q(status=LineStatus.SENT)),
        booked=Count("id", filter=Q(status=LineStatus.BOOKED)),
        returned=Count("id", filter=Q(status=LineStatus.RETURNED)),
    )
