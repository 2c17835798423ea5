"""An approved run in the ledger: one transaction, written set-based from the run's payees.

===============================  ==========================================================  ==========
account                          what                                                        party
===============================  ==========================================================  ==========
Dr remuneration payable          the pool (the run's area, usage from the period's start)    —
                                 (the holders' legs name the run by the transaction's source)
Cr holders payable               each payee to be paid: net less tax                         the holder
Cr tax payable                   each payee's tax withheld (:mod:`distribution.tax`)          the holder
Cr undistributed                 held by a conflict: each holder's part of each work; with   holder/work
                                 no holder on record: each work's part
Cr CMO deduction income          the deduction for costs                                     —
Cr special funds                 the deduction for special funds                             —
===============================  ==========================================================  ==========

The database checks that it balances (the pool is the payees' gross: gross − costs − funds = net =
payable + tax). A run is posted once: :func:`post_run` finds the posting already there, and the ledger's
unique index on (source, run) refuses a second even in a race. A correction (:func:`reverse_run`) is a
reversing transaction, once per run, refused when it would leave a holder owing back money already paid.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction

from distribution.engine import RunError
from distribution.models import (
    DemandStatus,
    ForeignRun,
    ForeignRunStatus,
    RemittedPayee,
    RemunerationClaimLine,
    Run,
    RunStatus,
    Unidentified,
)
from distribution.tax import withhold
from licensing import ledger
from licensing.models import SourceKind, Transaction
from udp.audit import audited
from udp.core import clock


def _parts(route: str, *, per_holder: bool) -> str:
    """SQL: the net of the run's payees of ``route`` split over the works of their allocations by the works'
    gross, by largest remainder (ties by work), so each payee's parts sum to its net: columns ``party_id``,
    ``work_id``, ``part``. ``per_holder``: one payee per holder (its allocations are the holder's); otherwise the
    one payee with no holder (its allocations have none)."""
    payee = (
        "p.party_id = a.party_id"
        if per_holder
        else "p.party_id IS NULL AND p.work_id IS NULL AND a.party_id IS NULL"
    )
    return f"""
SELECT w.party_id, w.work_id,
       w.base + CASE WHEN row_number() OVER (PARTITION BY w.party_id ORDER BY w.rem DESC, w.work_id)
                          <= w.net - (sum(w.base) OVER (PARTITION BY w.party_id))::bigint THEN 1 ELSE 0 END AS part
  FROM (SELECT a.party_id, a.work_id, p.net_tiyn AS net,
               div(sum(a.gross_tiyn)::numeric * p.net_tiyn, p.gross_tiyn)::bigint AS base,
               mod(sum(a.gross_tiyn)::numeric * p.net_tiyn, p.gross_tiyn) AS rem
          FROM distribution_allocation a
          JOIN distribution_payee p ON p.run_id = a.run_id AND p.route = a.route AND {payee}
         WHERE a.run_id = %(run)s AND a.route = '{route}' AND p.gross_tiyn > 0
         GROUP BY a.party_id, a.work_id, p.net_tiyn, p.gross_tiyn) w
"""


#: The net of the run's payee for the works with no holder on record, split over those works: each work's part,
#: kept under the work in the ledger until a holder claims it (:mod:`distribution.remuneration`).
KEPT_PARTS = _parts("no_holder", per_holder=False)
#: The net of each holder's payee of money held by a conflict, split over the works it was held for: kept under
#: the holder and the work in the ledger, so that once the conflict is settled the work's held money goes to the
#: holders then on record, by their shares (:mod:`distribution.remuneration`).
HELD_PARTS = _parts("held_conflict", per_holder=True)

LEGS = f"""
SELECT %(tx)s AS transaction_id, %(account_remuneration_payable)s AS account_id, %(pool)s::bigint AS amount_tiyn,
       NULL::bigint AS licence_id, %(area)s::bigint AS area_id, %(start)s::date AS usage_start,
       NULL::bigint AS party_id, NULL::bigint AS work_id
UNION ALL
SELECT %(tx)s, %(account_holders_payable)s, -w.payable_tiyn, NULL, NULL, NULL, w.party_id, NULL
  FROM distribution_withholding w WHERE w.run_id = %(run)s
UNION ALL
SELECT %(tx)s, %(account_tax_payable)s, -w.tax_tiyn, NULL, NULL, NULL, w.party_id, NULL
  FROM distribution_withholding w WHERE w.run_id = %(run)s
UNION ALL
SELECT %(tx)s, %(account_undistributed)s, -p.net_tiyn, NULL, NULL, NULL, p.party_id, NULL
  FROM distribution_payee p
 WHERE p.run_id = %(run)s AND p.route NOT IN ('payable', 'held_conflict') AND p.party_id IS NOT NULL
UNION ALL
SELECT %(tx)s, %(account_undistributed)s, -h.part, NULL, NULL, NULL, h.party_id, h.work_id
  FROM ({HELD_PARTS}) h
UNION ALL
SELECT %(tx)s, %(account_undistributed)s, -k.part, NULL, NULL, NULL, NULL, k.work_id
  FROM ({KEPT_PARTS}) k
UNION ALL
SELECT %(tx)s, %(account_cmo_deduction_income)s, -%(costs)s::bigint, NULL, %(area)s, %(start)s, NULL, NULL
UNION ALL
SELECT %(tx)s, %(account_special_funds)s, -%(funds)s::bigint, NULL, %(area)s, %(start)s, NULL, NULL
"""

ACCOUNTS = (
    ledger.REMUNERATION, ledger.HOLDERS_PAYABLE, ledger.TAX_PAYABLE, ledger.UNDISTRIBUTED,
    ledger.DEDUCTION_INCOME, ledger.SPECIAL_FUNDS,
)  # fmt: skip


def run_posting(run: Run) -> Transaction | None:
    return Transaction.objects.filter(source_kind=SourceKind.RUN, source_id=run.pk).first()


def post_run(run: Run, *, by: Any) -> Transaction:
    """Post the approved ``run`` (once): the tax of each payee, then the one transaction above. Runs inside
    the caller's transaction (:func:`distribution.runs.approve_run`)."""
    existing = run_posting(run)
    if existing is not None:
        return existing
    if run.status != RunStatus.APPROVED:
        raise RunError("not_approved")
    today = clock.today()
    withhold(run, today)
    return ledger.post_select(
        run.cmo, today, "distribution_run",
        {"run": run.pk, "area": run.area.item, "start": run.period_start.isoformat(),
         "end": run.period_end.isoformat()},
        (SourceKind.RUN, run.pk), by,
        select=LEGS,
        params={"run": run.pk, "pool": run.pool_tiyn, "area": run.area_id, "start": run.period_start,
                "costs": run.costs_tiyn, "funds": run.funds_tiyn},
        accounts=ACCOUNTS,
    )  # fmt: skip


OVERDRAWN = """
SELECT e.party_id FROM licensing_entry e
  JOIN licensing_transaction t ON t.id = e.transaction_id
 WHERE t.cmo_id = %(cmo)s AND e.account_id = %(account)s
   AND e.party_id IN (SELECT party_id FROM licensing_entry WHERE transaction_id = %(tx)s AND account_id = %(account)s)
 GROUP BY e.party_id
HAVING -sum(e.amount_tiyn) < -(SELECT coalesce(sum(x.amount_tiyn), 0) FROM licensing_entry x
                               WHERE x.transaction_id = %(tx)s AND x.account_id = %(account)s AND x.party_id = e.party_id)
 LIMIT 1
"""


def blocking_claim(run: Run) -> int | None:
    """A claim of money ``run`` kept that waits for an answer or was accepted (its number), which stops the
    run being reversed; ``None`` when there is none."""
    return (
        RemunerationClaimLine.objects.filter(
            run=run, claim__status__in=[DemandStatus.PENDING, DemandStatus.ACCEPTED]
        )
        .values_list("claim_id", flat=True)
        .first()
    )


def paid_party(run: Run, posting: Transaction | None = None) -> int | None:
    """A holder some of whose money of ``run`` was already sent to the bank (what the holder is owed now is
    less than what the run gave them), which stops the run being reversed; ``None`` when there is none."""
    posting = posting or run_posting(run)
    if posting is None:
        return None
    ids = ledger.account_ids(ledger.HOLDERS_PAYABLE)
    with connection.cursor() as cursor:
        cursor.execute(
            OVERDRAWN, {"cmo": run.cmo_id, "account": ids[ledger.HOLDERS_PAYABLE], "tx": posting.pk}
        )
        row = cursor.fetchone()
    return int(row[0]) if row is not None else None


def remitted_abroad(run: Run) -> RemittedPayee | None:
    """A payee of ``run`` whose money went to a foreign society in an approved annual run (a remittance
    approved is money sent), which stops the run being reversed; ``None`` when there is none."""
    return (
        RemittedPayee.objects.filter(payee__run=run, remittance__run__status=ForeignRunStatus.APPROVED)
        .select_related("remittance__society", "remittance__run")
        .order_by("pk")
        .first()
    )


def reversal_blocked(run: Run, posting: Transaction | None = None) -> RunError | None:
    """What stops ``run`` being reversed now, as :func:`reverse_run` would refuse it (a claim of its kept
    money, money already sent to a holder's bank, or to a foreign society); ``None`` when nothing does."""
    claim = blocking_claim(run)
    if claim is not None:
        return RunError("claimed", claim=claim)
    remitted = remitted_abroad(run)
    if remitted is not None:
        return RunError(
            "remitted", society=remitted.remittance.society.short_name, year=remitted.remittance.run.year
        )
    party = paid_party(run, posting)
    if party is not None:
        return RunError("already_paid", party=party)
    return None


def reverse_run(run: Run, *, by: Any, reason: str = "") -> Transaction:
    """Correct ``run``'s posting by a reversing transaction (once), and cancel the run: what it gave is
    taken back, so nothing of it is claimable, remitted abroad or shown as a statement any more, money it
    released from the three-year store is kept there again, and the period may be run anew. Refused when a
    holder's money of the run was already sent to the bank (what they are owed now is less than what the
    run gave them), or when a holder has claimed money the run kept (a claim pending or accepted: the money
    is theirs or being decided). ``reason``: why, kept with the correction in the ledger."""
    with transaction.atomic(), audited(by, reason or None):
        run = Run.objects.select_for_update().get(pk=run.pk)
        posting = run_posting(run)
        if posting is None:
            raise RunError("not_posted")
        if Transaction.objects.filter(source_kind=SourceKind.RUN_REVERSAL, source_id=run.pk).exists():
            raise RunError("already_reversed")
        blocked = reversal_blocked(run, posting)
        if blocked is not None:
            raise blocked
        correction = ledger.reverse(
            posting, by=by, source=(SourceKind.RUN_REVERSAL, run.pk),
            memo=("run_reversal", {"run": run.pk, **({"reason": reason} if reason else {})}),
        )  # fmt: skip
        run.status = RunStatus.CANCELLED
        run.save(update_fields=["status"])
        Unidentified.objects.filter(released_in=run).update(released_in=None)
        _recalculate_foreign_runs(run)
        return correction


def _recalculate_foreign_runs(run: Run) -> None:
    """An annual run for foreign societies calculated (not approved) with money of the cancelled ``run``:
    calculated again without it, at the rates it had; one left with nothing to remit (or that cannot be
    calculated again) is removed, to be started anew."""
    from distribution.foreign import start_foreign_run

    foreign_runs = ForeignRun.objects.filter(
        status=ForeignRunStatus.CALCULATED, remittances__payees__payee__run=run
    ).distinct()
    for foreign_run in foreign_runs:
        rates = dict(foreign_run.remittances.values_list("currency", "rate"))
        try:
            start_foreign_run(foreign_run.cmo, foreign_run.year, by=foreign_run.started_by, rates=rates)
        except RunError:
            foreign_run.delete()
