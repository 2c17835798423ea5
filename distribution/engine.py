"""The distribution engine: a pool of money and how much each work was used → each holder's money, exact to
the tiyn, set-based (two ``INSERT … SELECT`` whatever the number of works and holders).

1. The pool is split over the works by their use, with the largest-remainder method: each work gets the
   whole tiyn of ``pool × use / total use`` and the tiyn left over go one each to the largest remainders
   (ties by work id), so the works' amounts sum to the pool. Use of a work in the public domain on the first
   day of the period counts for nothing (Art. 29): its money goes to the other works.
2. Each work's amount is split over its holders by their agreed shares (:mod:`registers.shares`) of the
   area's right type (the first of :data:`~registers.public_selectors.AREA_RIGHT_TYPES` the work has shares
   of), again by largest remainder within the work. A work with no holder on record keeps its money as one
   payee of its own; a work held by an open conflict (:func:`registers.conflicts.held_by_conflict`) is
   allocated but held, to nobody until the operator decides.
3. The deductions (costs and special funds, Art. 46.1 (2), together at most a fifth of the pool) are taken
   from each payee pro rata to its gross, by largest remainder over the payees, so they sum exactly; then
   each payee's deduction is split between costs and special funds the same way.

Nothing depends on a holder's citizenship or residence. The same run calculated again replaces its rows
(:func:`calculate` is idempotent) until it is approved.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection

from distribution.models import Allocation, Payee, Run
from registers.conflicts import held_by_conflict
from registers.public_selectors import AREA_RIGHT_TYPES

ALLOCATE = """
WITH w AS (
    SELECT rw.work_id, rw.units
      FROM distribution_runweight rw JOIN registers_work wk ON wk.id = rw.work_id
     WHERE rw.run_id = %(run)s AND (wk.protection_ends_on IS NULL OR wk.protection_ends_on >= %(start)s)
), total AS (
    SELECT sum(units)::numeric AS units FROM w
), work_base AS (
    SELECT w.work_id, w.units, floor(%(pool)s::numeric * w.units / total.units) AS base,
           mod(%(pool)s::numeric * w.units, total.units) AS rem
      FROM w, total
), work_amount AS (
    SELECT work_id, units,
           base + CASE WHEN row_number() OVER (ORDER BY rem DESC, work_id)
                            <= %(pool)s - sum(base) OVER () THEN 1 ELSE 0 END AS amount
      FROM work_base
), right_type AS (
    SELECT DISTINCT ON (s.work_id) s.work_id, s.right_type
      FROM registers_share s JOIN work_amount a ON a.work_id = s.work_id
     WHERE s.right_type = ANY(%(types)s)
     ORDER BY s.work_id, array_position(%(types)s, s.right_type::text)
), holder_share AS (
    SELECT a.work_id, a.units, a.amount, c.party_id, rt.right_type, sum(s.percent) AS percent
      FROM work_amount a
      JOIN right_type rt ON rt.work_id = a.work_id
      JOIN registers_share s ON s.work_id = a.work_id AND s.right_type = rt.right_type
      JOIN registers_workcontributor c ON c.id = s.contributor_id
     GROUP BY a.work_id, a.units, a.amount, c.party_id, rt.right_type
), holder_base AS (
    SELECT *, floor(amount * percent / 100) AS base, mod(amount * percent, 100) AS rem FROM holder_share
), holder_amount AS (
    SELECT work_id, units, party_id, right_type, percent,
           base + CASE WHEN row_number() OVER (PARTITION BY work_id ORDER BY rem DESC, party_id)
                            <= amount - sum(base) OVER (PARTITION BY work_id) THEN 1 ELSE 0 END AS gross
      FROM holder_base
)
INSERT INTO distribution_allocation (run_id, work_id, party_id, right_type, percent, units, gross_tiyn, route)
SELECT %(run)s, work_id, party_id, right_type, percent, units, gross,
       CASE WHEN work_id = ANY(%(held)s) THEN 'held_conflict' ELSE 'payable' END
  FROM holder_amount
UNION ALL
SELECT %(run)s, a.work_id, NULL, '', 100, a.units, a.amount, 'no_holder'
  FROM work_amount a WHERE NOT EXISTS (SELECT 1 FROM right_type rt WHERE rt.work_id = a.work_id)
"""

PAYEES = """
WITH payee AS (
    SELECT party_id, CASE WHEN party_id IS NULL THEN work_id END AS work_id, route, sum(gross_tiyn) AS gross
      FROM distribution_allocation WHERE run_id = %(run)s
     GROUP BY 1, 2, 3
), deduction_base AS (
    SELECT *, floor(gross::numeric * %(deducted)s / %(pool)s) AS base, mod(gross::numeric * %(deducted)s, %(pool)s) AS rem
      FROM payee
), deduction AS (
    SELECT party_id, work_id, route, gross,
           base + CASE WHEN row_number() OVER (ORDER BY rem DESC, party_id NULLS LAST, work_id, route)
                            <= %(deducted)s - sum(base) OVER () THEN 1 ELSE 0 END AS deducted
      FROM deduction_base
), costs_base AS (
    SELECT *, floor(deducted::numeric * %(costs)s / nullif(%(deducted)s, 0)) AS base,
           mod(deducted::numeric * %(costs)s, nullif(%(deducted)s, 0)) AS rem
      FROM deduction
), costs AS (
    SELECT party_id, work_id, route, gross, deducted,
           coalesce(base, 0) + CASE WHEN row_number() OVER (ORDER BY rem DESC NULLS LAST, party_id NULLS LAST, work_id, route)
                            <= %(costs)s - coalesce(sum(base) OVER (), 0) THEN 1 ELSE 0 END AS costs
      FROM costs_base
)
INSERT INTO distribution_payee (run_id, party_id, work_id, route, gross_tiyn, costs_tiyn, funds_tiyn, net_tiyn)
SELECT %(run)s, party_id, work_id, route, gross, costs, deducted - costs, gross - deducted FROM costs
"""


class RunError(Exception):
    """A run that cannot be calculated or approved: ``code`` and ``params`` say why (rendered in the
    reader's language by :mod:`distribution.actions`)."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def deduction(pool_tiyn: int, percent: Decimal) -> int:
    """``percent`` of the pool in whole tiyn, rounded half up once."""
    return int((Decimal(pool_tiyn) * Decimal(percent) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def calculate(run: Run) -> Run:
    """Write the run's allocations and payees (replacing any from an earlier calculation). The caller holds
    the run locked (:func:`distribution.runs.start_run`)."""
    pool = run.pool_tiyn
    percent = run.costs_percent + run.funds_percent
    if percent > 20:
        raise RunError("cap20", percent=percent, pool=pool)
    # the total deducted is rounded once (never past a fifth of the pool), then split between costs and funds
    deducted = min(deduction(pool, percent), pool // 5)
    costs = min(deduction(pool, run.costs_percent), deducted)
    funds = deducted - costs
    Allocation.objects.filter(run=run).delete()
    Payee.objects.filter(run=run).delete()
    work_ids = list(run.weights.values_list("work_id", flat=True))
    held = sorted(held_by_conflict(work_ids, run.area)) if work_ids else []
    types = list(AREA_RIGHT_TYPES.get(run.area.item, ()))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(rw.units) FILTER (WHERE wk.protection_ends_on < %s), 0), "
            "count(*) FILTER (WHERE wk.protection_ends_on IS NULL OR wk.protection_ends_on >= %s) "
            "FROM distribution_runweight rw JOIN registers_work wk ON wk.id = rw.work_id WHERE rw.run_id = %s",
            [run.period_start, run.period_start, run.pk],
        )
        excluded, eligible = cursor.fetchone()
        if not eligible:
            raise RunError("no_usage")
        params: dict[str, Any] = {
            "run": run.pk,
            "pool": pool,
            "start": run.period_start,
            "types": types,
            "held": held,
        }
        cursor.execute(ALLOCATE, params)
        cursor.execute(PAYEES, {"run": run.pk, "pool": pool, "deducted": costs + funds, "costs": costs})
    run.costs_tiyn, run.funds_tiyn, run.excluded_units = costs, funds, int(excluded)
    return run
