"""The distribution engine: a pool of money and how much each work was used → each holder's money, exact to
the tiyn, set-based (three ``INSERT … SELECT`` whatever the number of works and holders).

1. The pool is split over the works by their use, with the largest-remainder method: each work gets the
   whole tiyn of ``pool × use / total use`` and the tiyn left over go one each to the largest remainders
   (ties by work id), so the works' amounts sum to the pool. Use of a work in the public domain on the first
   day of the period counts for nothing (Art. 29): its money goes to the other works.
2. Area 5's money is first split between the phonogram producers' and the performers' sides by the Art. 39.2
   agreement (:func:`licensing.phonograms.split_on`, half and half by default), by largest remainder.
3. Each work's amount (each side's, in area 5) is split over its holders by their shares of the area's right
   type (the first of :data:`~registers.public_selectors.AREA_RIGHT_TYPES` the work has shares of), again
   by largest remainder within the work: the collection shares the work declares for Kazakhstan (or the
   World) in its CWR territory records when they make a whole, the agreed ownership shares otherwise; each
   allocation says which (``basis``). A work (or side) with no holder on record keeps its money as a payee
   of its own; a work held by an open conflict (:func:`registers.conflicts.held_by_conflict`) is allocated
   but held, to nobody until the operator decides.
4. Each holder's money follows the holder's path to the CMO in the period (:data:`PATHS`, kept as
   :class:`~distribution.models.RunPath`): the holder's own mandate, or for a holder with no mandate in the
   area a foreign society's reciprocal agreement (the money goes to that society in its annual run), or
   the CMO's accreditation in force (extended collective management, Art. 46-1). A holder the CMO does not
   represent is not paid by it (the money is kept), nor is a holder who withdrew the work from the CMO's
   management before the period began (Art. 46.2).
5. The deductions (costs and special funds, Art. 46.1 (2), together at most a fifth of the pool) are taken
   from each payee pro rata to its gross, by largest remainder over the payees, so they sum exactly; then
   each payee's deduction is split between costs and special funds the same way.

Nothing depends on a holder's citizenship or residence. The same run calculated again replaces its rows
(:func:`calculate` is idempotent) until it is approved.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection

from distribution.models import Allocation, Payee, Run, RunPath
from licensing.phonograms import split_on
from registers.public_selectors import AREA_RIGHT_TYPES
from registers.who_manages import accredited_on

#: Areas whose money is split between the phonogram producers' and the performers' sides (Art. 39.2).
PHONOGRAM_AREAS = frozenset({5})
#: CISAC TIS codes of Kazakhstan and of the World: a work's declared collection shares for either (CWR SPT/SWT,
#: Kazakhstan first) are the shares for Kazakhstan.
KAZAKHSTAN_TIS = 398
WORLD_TIS = 2136

ALLOCATE = """
WITH w AS (
    SELECT rw.licence_id, rw.work_id, rw.units
      FROM distribution_runweight rw JOIN registers_work wk ON wk.id = rw.work_id
     WHERE rw.run_id = %(run)s AND (wk.protection_ends_on IS NULL OR wk.protection_ends_on >= %(start)s)
), spread AS (
    SELECT s.id AS source_id, s.pool_tiyn AS pool, w.work_id, sum(w.units) AS units
      FROM distribution_runsource s JOIN w ON s.licence_id IS NULL OR w.licence_id = s.licence_id
     WHERE s.run_id = %(run)s
     GROUP BY s.id, s.pool_tiyn, w.work_id
), source_base AS (
    SELECT source_id, pool, work_id,
           floor(pool::numeric * units / sum(units) OVER (PARTITION BY source_id)) AS base,
           mod(pool::numeric * units, sum(units) OVER (PARTITION BY source_id)) AS rem
      FROM spread
), source_amount AS (
    SELECT work_id,
           base + CASE WHEN row_number() OVER (PARTITION BY source_id ORDER BY rem DESC, work_id)
                            <= pool - sum(base) OVER (PARTITION BY source_id) THEN 1 ELSE 0 END AS amount
      FROM source_base
), work_amount AS (
    SELECT a.work_id, u.units, a.amount
      FROM (SELECT work_id, sum(amount) AS amount FROM source_amount GROUP BY work_id) a
      JOIN (SELECT work_id, sum(units) AS units FROM w GROUP BY work_id) u ON u.work_id = a.work_id
), side_base AS (
    SELECT a.work_id, a.units, a.amount, s.side, s.ord,
           floor(a.amount * s.percent / 100) AS base, mod(a.amount * s.percent, 100) AS rem
      FROM work_amount a
     CROSS JOIN unnest(%(sides)s::text[], %(side_percents)s::numeric[]) WITH ORDINALITY AS s(side, percent, ord)
), side_amount AS (
    SELECT work_id, units, side,
           base + CASE WHEN row_number() OVER (PARTITION BY work_id ORDER BY rem DESC, ord)
                            <= amount - sum(base) OVER (PARTITION BY work_id) THEN 1 ELSE 0 END AS amount
      FROM side_base
), right_type AS (
    SELECT DISTINCT ON (s.work_id) s.work_id, s.right_type
      FROM registers_share s JOIN work_amount a ON a.work_id = s.work_id
     WHERE s.right_type = ANY(%(types)s)
     ORDER BY s.work_id, array_position(%(types)s, s.right_type::text)
), kz_territory AS (
    SELECT DISTINCT ON (t.contributor_id) t.work_id, t.contributor_id, rt.right_type,
           CASE rt.right_type WHEN 'PR' THEN t.pr_collection WHEN 'MR' THEN t.mr_collection
                              WHEN 'SR' THEN t.sr_collection ELSE 0 END AS percent
      FROM registers_territoryshare t JOIN right_type rt ON rt.work_id = t.work_id
     WHERE t.included AND t.tis = ANY(%(kz_tis)s)
       AND NOT EXISTS (SELECT 1 FROM registers_territoryshare x
                        WHERE x.contributor_id = t.contributor_id AND NOT x.included AND x.tis = %(kz)s)
     ORDER BY t.contributor_id, array_position(%(kz_tis)s, t.tis::integer), t.sequence
), territory_work AS (
    SELECT work_id FROM kz_territory GROUP BY work_id HAVING sum(percent) = 100
), holder_share AS (
    SELECT a.work_id, a.units, a.side, a.amount, c.party_id, rt.right_type, 'ownership' AS basis,
           sum(s.percent) AS percent
      FROM side_amount a
      JOIN right_type rt ON rt.work_id = a.work_id
      JOIN registers_share s ON s.work_id = a.work_id AND s.right_type = rt.right_type
      JOIN registers_workcontributor c ON c.id = s.contributor_id
     WHERE NOT EXISTS (SELECT 1 FROM territory_work tw WHERE tw.work_id = a.work_id)
       AND (a.side = '' OR a.side = CASE WHEN c.role = 'PRD' THEN 'producers' ELSE 'performers' END)
     GROUP BY a.work_id, a.units, a.side, a.amount, c.party_id, rt.right_type
    UNION ALL
    SELECT a.work_id, a.units, a.side, a.amount, c.party_id, t.right_type, 'territory', sum(t.percent)
      FROM side_amount a
      JOIN territory_work tw ON tw.work_id = a.work_id
      JOIN kz_territory t ON t.work_id = a.work_id
      JOIN registers_workcontributor c ON c.id = t.contributor_id
     WHERE t.percent > 0
     GROUP BY a.work_id, a.units, a.side, a.amount, c.party_id, t.right_type
), holder_base AS (
    SELECT *, floor(amount * percent / side_percent) AS base, mod(amount * percent, side_percent) AS rem
      FROM (SELECT *, sum(percent) OVER (PARTITION BY work_id, side) AS side_percent FROM holder_share) h
), holder_amount AS (
    SELECT work_id, units, side, party_id, right_type, basis, percent,
           base + CASE WHEN row_number() OVER (PARTITION BY work_id, side ORDER BY rem DESC, party_id)
                            <= amount - sum(base) OVER (PARTITION BY work_id, side) THEN 1 ELSE 0 END AS gross
      FROM holder_base
), held AS (
    SELECT c.work_id FROM registers_conflict c
     WHERE c.status = 'open' AND c.work_id IS NOT NULL AND (c.area_id IS NULL OR c.area_id = %(area)s)
    UNION
    SELECT wc.work_id FROM registers_conflict c
      JOIN registers_conflict_parties cp ON cp.conflict_id = c.id
      JOIN registers_workcontributor wc ON wc.party_id = cp.party_id
     WHERE c.status = 'open' AND c.work_id IS NULL AND c.area_id = %(area)s AND c.kind = 'competing_holder_claims'
), withdrawn AS (
    SELECT DISTINCT x.work_id, m.holder_id AS party_id
      FROM registers_mandateexclusion x JOIN registers_mandate m ON m.id = x.mandate_id
      JOIN work_amount a ON a.work_id = x.work_id
     WHERE m.cmo_id = %(cmo)s AND m.area_id = %(area)s AND x.from_date <= %(start)s
)
INSERT INTO distribution_allocation
       (run_id, work_id, party_id, right_type, side, basis, percent, units, gross_tiyn, route, path, society_id)
SELECT %(run)s, h.work_id, h.party_id, h.right_type, h.side, h.basis, h.percent, h.units, h.gross,
       CASE WHEN wd.party_id IS NOT NULL THEN 'withdrawn'
            WHEN hd.work_id IS NOT NULL THEN 'held_conflict'
            WHEN p.path IN ('mandate', 'extended') THEN 'payable'
            WHEN p.path = 'reciprocal' THEN 'foreign'
            ELSE 'not_represented' END,
       coalesce(p.path, ''), p.society_id
  FROM holder_amount h
  LEFT JOIN distribution_runpath p ON p.run_id = %(run)s AND p.party_id = h.party_id
  LEFT JOIN withdrawn wd ON wd.work_id = h.work_id AND wd.party_id = h.party_id
  LEFT JOIN (SELECT DISTINCT work_id FROM held) hd ON hd.work_id = h.work_id
UNION ALL
SELECT %(run)s, a.work_id, NULL, '', a.side, '', 100, a.units, a.amount, 'no_holder', '', NULL
  FROM side_amount a
 WHERE NOT EXISTS (SELECT 1 FROM holder_share h WHERE h.work_id = a.work_id AND h.side = a.side)
"""

#: Each holder's path to the run's CMO in the run's area on some day of the period (Art. 46-1): its own
#: mandate to the CMO; else, with no mandate in the area to anyone, a foreign society's reciprocal
#: agreement with the CMO; else, where the CMO's accreditation in the area is in force, extended
#: collective management. A holder with none of them is not the CMO's to pay (``not_represented``).
PATHS = """
WITH parties AS (
    SELECT DISTINCT c.party_id
      FROM distribution_runweight rw JOIN registers_workcontributor c ON c.work_id = rw.work_id
     WHERE rw.run_id = %(run)s
), mandates AS (
    SELECT m.holder_id AS party_id, bool_or(m.cmo_id = %(cmo)s) AS here
      FROM registers_mandate m JOIN parties p ON p.party_id = m.holder_id
     WHERE m.area_id = %(area)s AND m.valid_from <= %(end)s
       AND ((m.status = 'active' AND m.ends_on IS NULL) OR m.ends_on > %(start)s)
     GROUP BY m.holder_id
), reciprocal AS (
    SELECT DISTINCT ON (sm.party_id) sm.party_id, sm.society_id
      FROM registers_societymembership sm JOIN parties p ON p.party_id = sm.party_id
      JOIN registers_reciprocalarea ra ON ra.society_id = sm.society_id AND ra.area_id = sm.area_id
     WHERE sm.area_id = %(area)s AND ra.cmo_id = %(cmo)s
       AND (sm.since IS NULL OR sm.since <= %(end)s) AND (sm.until IS NULL OR sm.until >= %(start)s)
       AND ra.valid_from <= %(end)s
       AND (ra.valid_until >= %(start)s OR (ra.valid_until IS NULL AND ra.status = 'active'))
     ORDER BY sm.party_id, sm.society_id
)
INSERT INTO distribution_runpath (run_id, party_id, path, society_id)
SELECT %(run)s, p.party_id,
       CASE WHEN m.here THEN 'mandate'
            WHEN m.party_id IS NULL AND r.party_id IS NOT NULL THEN 'reciprocal'
            WHEN m.party_id IS NULL AND %(accredited)s THEN 'extended'
            ELSE '' END,
       CASE WHEN m.party_id IS NULL THEN r.society_id END
  FROM parties p
  LEFT JOIN mandates m ON m.party_id = p.party_id
  LEFT JOIN reciprocal r ON r.party_id = p.party_id
"""

PAYEES = """
WITH payee AS (
    SELECT party_id, CASE WHEN party_id IS NULL THEN work_id END AS work_id, route,
           max(path) AS path, max(society_id) AS society_id, sum(gross_tiyn) AS gross
      FROM distribution_allocation WHERE run_id = %(run)s
     GROUP BY 1, 2, 3
), deduction_base AS (
    SELECT *, floor(gross::numeric * %(deducted)s / %(pool)s) AS base, mod(gross::numeric * %(deducted)s, %(pool)s) AS rem
      FROM payee
), deduction AS (
    SELECT party_id, work_id, route, path, society_id, gross,
           base + CASE WHEN row_number() OVER (ORDER BY rem DESC, party_id NULLS LAST, work_id, route)
                            <= %(deducted)s - sum(base) OVER () THEN 1 ELSE 0 END AS deducted
      FROM deduction_base
), costs_base AS (
    SELECT *, floor(deducted::numeric * %(costs)s / nullif(%(deducted)s, 0)) AS base,
           mod(deducted::numeric * %(costs)s, nullif(%(deducted)s, 0)) AS rem
      FROM deduction
), costs AS (
    SELECT party_id, work_id, route, path, society_id, gross, deducted,
           coalesce(base, 0) + CASE WHEN row_number() OVER (ORDER BY rem DESC NULLS LAST, party_id NULLS LAST, work_id, route)
                            <= %(costs)s - coalesce(sum(base) OVER (), 0) THEN 1 ELSE 0 END AS costs
      FROM costs_base
)
INSERT INTO distribution_payee
       (run_id, party_id, work_id, route, path, society_id, gross_tiyn, costs_tiyn, funds_tiyn, net_tiyn)
SELECT %(run)s, party_id, work_id, route, path, society_id, gross, costs, deducted - costs, gross - deducted
  FROM costs
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
    RunPath.objects.filter(run=run).delete()
    types = list(AREA_RIGHT_TYPES.get(run.area.item, ()))
    run.accredited = any(
        accredited_on(run.cmo_id, run.area_id, day) for day in (run.period_start, run.period_end)
    )
    if run.area.item in PHONOGRAM_AREAS:
        split = split_on(run.period_start)
        run.producers_percent = split.producers_percent
        sides, side_percents = (
            ["producers", "performers"],
            [split.producers_percent, split.performers_percent],
        )
    else:
        run.producers_percent = None
        sides, side_percents = [""], [Decimal(100)]
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
            "cmo": run.cmo_id,
            "area": run.area_id,
            "pool": pool,
            "start": run.period_start,
            "end": run.period_end,
            "types": types,
            "accredited": run.accredited,
            "sides": sides,
            "side_percents": side_percents,
            "kz": KAZAKHSTAN_TIS,
            "kz_tis": [KAZAKHSTAN_TIS, WORLD_TIS],
        }
        # the planner needs the run's fresh rows counted, or it probes the registers once per work
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("ANALYZE distribution_runweight, distribution_runsource")
        cursor.execute(PATHS, params)
        cursor.execute("ANALYZE distribution_runpath")
        # the window functions' row counts cannot be estimated: without this the planner loops per row
        cursor.execute("SET LOCAL enable_nestloop = off")
        cursor.execute(ALLOCATE, params)
        cursor.execute("SET LOCAL enable_nestloop = on")
        cursor.execute(PAYEES, {"run": run.pk, "pool": pool, "deducted": costs + funds, "costs": costs})
    run.costs_tiyn, run.funds_tiyn, run.excluded_units = costs, funds, int(excluded)
    return run
