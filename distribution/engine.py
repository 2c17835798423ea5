"""The distribution engine: a pool of money and how much each work was used → each holder's money, exact to
the tiyn, set-based (a few statements whatever the number of works and holders, in stages through temporary
tables of the run's transaction, ``dist_work`` and ``dist_holder``, into the run's own partition of the
allocations, then its payees).

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
   represent is not paid by it (the money is kept), nor is a holder for use of a work after the day the
   holder withdrew it from the CMO's management (Art. 46.2): withdrawn before the period, the holder's
   money for the work is all ``withdrawn``; withdrawn during it, the holder's money is split in two by
   :data:`WITHDRAWALS` (the use from the day on, each licence's by the dates of its lines, is the
   withdrawn part; the rest is paid as before).
5. The deductions (costs and special funds, Art. 46.1 (2), together at most a fifth of the pool) are taken
   from each payee pro rata to its gross, by largest remainder over the payees, so they sum exactly; then
   each payee's deduction is split between costs and special funds the same way.

Nothing depends on a holder's citizenship or residence. The same run calculated again replaces its rows
(:func:`calculate` is idempotent) until it is approved.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import connection

from distribution import partitions
from distribution.models import Run
from licensing.phonograms import split_on
from registers.conflicts import held_works_sql
from registers.public_selectors import AREA_RIGHT_TYPES
from registers.who_manages import accredited_on

#: Areas whose money is split between the phonogram producers' and the performers' sides (Art. 39.2).
PHONOGRAM_AREAS = frozenset({5})
#: CISAC TIS codes of Kazakhstan and of the World: a work's declared collection shares for either (CWR SPT/SWT,
#: Kazakhstan first) are the shares for Kazakhstan.
KAZAKHSTAN_TIS = 398
WORLD_TIS = 2136

#: Integer arithmetic for a run: ``bigint`` while every product a split forms stays below 2⁶³ (any pool a
#: CMO collects in a quarter), ``numeric`` beyond; the quotient and remainder are exact either way.
BIGINT_LIMIT = 2**62


#: The frame of a largest-remainder window: its whole partition, so that the order the remainders are ranked in
#: (``row_number``) and the sum of the whole parts (``sum``) are one window, computed in one pass over one sort.
WHOLE = "ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING"


def _div(a: str, b: str, divisor: str, wide: bool) -> str:
    """SQL: the whole part of ``a × b / divisor`` (all non-negative)."""
    return f"div(({a})::numeric * ({b}), {divisor})::bigint" if wide else f"(({a}) * ({b}) / ({divisor}))"


def _mod(a: str, b: str, divisor: str, wide: bool) -> str:
    """SQL: the remainder of ``a × b / divisor``."""
    return f"mod(({a})::numeric * ({b}), {divisor})::bigint" if wide else f"mod(({a}) * ({b}), {divisor})"


def work_amounts_sql(wide: bool, weights: str, one_pool: bool = False) -> str:
    """Stage 1: each work's use and money (``dist_work``), and, in area 5, each side's part of it, from the
    run's use in its partition ``weights`` (:mod:`distribution.partitions`). ``one_pool``:
    the run has one source for all its use (given, or released money alone), split over the works at once;
    otherwise each source's pool is split over the use of its licence (or all the use) and summed per work."""
    if one_pool:
        work_amount = f"""
WITH w AS (
    SELECT rw.work_id, sum(rw.units)::bigint AS units
      FROM {weights} rw
     WHERE rw.run_id = %(run)s
       AND NOT EXISTS (SELECT 1 FROM registers_work wk WHERE wk.id = rw.work_id AND wk.protection_ends_on < %(start)s)
     GROUP BY rw.work_id
), based AS (
    SELECT work_id, units, {_div("%(pool)s", "units", "total", wide)} AS base, {_mod("%(pool)s", "units", "total", wide)} AS rem
      FROM (SELECT *, (sum(units) OVER ())::bigint AS total FROM w) t
), work_amount AS (
    SELECT work_id, units,
           base + CASE WHEN row_number() OVER w <= %(pool)s - (sum(base) OVER w)::bigint THEN 1 ELSE 0 END AS amount
      FROM based
    WINDOW w AS (ORDER BY rem DESC, work_id {WHOLE})"""
    else:
        work_amount = f"""
WITH w AS (
    SELECT rw.licence_id, rw.work_id, rw.units
      FROM {weights} rw
     WHERE rw.run_id = %(run)s
       AND NOT EXISTS (SELECT 1 FROM registers_work wk WHERE wk.id = rw.work_id AND wk.protection_ends_on < %(start)s)
), spread AS (
    SELECT s.id AS source_id, s.pool_tiyn AS pool, w.work_id, sum(w.units)::bigint AS units
      FROM distribution_runsource s JOIN w ON s.licence_id IS NULL OR w.licence_id = s.licence_id
     WHERE s.run_id = %(run)s
     GROUP BY s.id, s.pool_tiyn, w.work_id
), based AS (
    SELECT source_id, pool, work_id, {_div("pool", "units", "total", wide)} AS base, {_mod("pool", "units", "total", wide)} AS rem
      FROM (SELECT *, (sum(units) OVER (PARTITION BY source_id))::bigint AS total FROM spread) t
), amounts AS (
    SELECT work_id,
           base + CASE WHEN row_number() OVER w <= pool - (sum(base) OVER w)::bigint THEN 1 ELSE 0 END AS amount
      FROM based
    WINDOW w AS (PARTITION BY source_id ORDER BY rem DESC, work_id {WHOLE})
), work_amount AS (
    SELECT a.work_id, u.units, a.amount
      FROM (SELECT work_id, sum(amount)::bigint AS amount FROM amounts GROUP BY work_id) a
      JOIN (SELECT work_id, sum(units)::bigint AS units FROM w GROUP BY work_id) u ON u.work_id = a.work_id"""
    return f"""
CREATE TEMPORARY TABLE dist_work ON COMMIT DROP AS{work_amount}
), sided AS (
    SELECT *, {_div("amount", "%(first)s", "10000", wide)} AS b1, {_mod("amount", "%(first)s", "10000", wide)} AS r1,
           {_div("amount", "(10000 - %(first)s)", "10000", wide)} AS b2,
           {_mod("amount", "(10000 - %(first)s)", "10000", wide)} AS r2
      FROM work_amount
)
-- two sides at most, whose percents make 100: one tiyn at most is left over, to the larger remainder
-- (the first side on a tie)
SELECT work_id, units, amount,
       b1 + CASE WHEN amount - b1 - b2 > 0 AND r1 >= r2 THEN 1 ELSE 0 END AS amount1,
       b2 + CASE WHEN amount - b1 - b2 > 0 AND r1 < r2 THEN 1 ELSE 0 END AS amount2
  FROM sided
"""


def holders_sql(wide: bool, single_type: bool, phonogram: bool, territory: bool = True) -> str:
    """Stage 2: each work's (each side's) money split over its holders (``dist_holder``). ``territory``: some
    of the run's works declare collection shares for Kazakhstan (or the World) in their CWR territory records."""
    if phonogram:
        side = "CASE WHEN c.role = 'PRD' THEN 'producers' ELSE 'performers' END"
        amount = "CASE WHEN c.role = 'PRD' THEN a.amount1 ELSE a.amount2 END"
    else:
        side, amount = "''", "a.amount1"
    right_type = ""
    if single_type:
        # one right type: a work's shares of it are its shares, no per-work choice to make
        ownership_from = (
            "dist_work a JOIN registers_share s ON s.work_id = a.work_id AND s.right_type = %(type)s"
        )
        territory_types = (
            "SELECT t.work_id, %(type)s::text AS right_type FROM registers_territoryshare t "
            "JOIN dist_work a ON a.work_id = t.work_id WHERE t.included AND t.tis = ANY(%(kz_tis)s) "
            "AND EXISTS (SELECT 1 FROM registers_share s WHERE s.work_id = t.work_id AND s.right_type = %(type)s) "
            "GROUP BY t.work_id"
        )
    else:
        # the first of the area's types the work has shares of
        right_type = (
            "SELECT s.work_id, (%(types)s::text[])[min(array_position(%(types)s, s.right_type::text))] AS right_type "
            "FROM registers_share s JOIN dist_work a ON a.work_id = s.work_id "
            "WHERE s.right_type = ANY(%(types)s) GROUP BY s.work_id"
        )
        ownership_from = (
            "dist_work a JOIN right_type rt ON rt.work_id = a.work_id "
            "JOIN registers_share s ON s.work_id = a.work_id AND s.right_type = rt.right_type"
        )
        territory_types = "SELECT work_id, right_type FROM right_type"
    ownership = f"""
    -- a holder's shares of a work (of one side) summed; the work's use and money are the same on each row
    SELECT a.work_id, {side} AS side, c.party_id, s.right_type, max(a.units) AS units, max({amount}) AS amount,
           'ownership' AS basis, sum((s.percent * 100)::bigint)::bigint AS share
      FROM {ownership_from}
      JOIN registers_workcontributor c ON c.id = s.contributor_id"""
    grouped = """
     GROUP BY 1, 2, 3, 4"""
    head = "" if single_type else f"right_type AS MATERIALIZED ({right_type}), "
    if not territory:
        # none of the run's works declares collection shares for Kazakhstan: the agreed ownership shares
        holder_share = f"{head}holder_share AS ({ownership}{grouped}"
    else:
        holder_share = f"""{head}rt AS MATERIALIZED ({territory_types}
), kz_territory AS (
    SELECT DISTINCT ON (t.contributor_id) t.work_id, t.contributor_id, rt.right_type,
           CASE rt.right_type WHEN 'PR' THEN t.pr_collection WHEN 'MR' THEN t.mr_collection
                              WHEN 'SR' THEN t.sr_collection ELSE 0 END AS percent
      FROM registers_territoryshare t JOIN rt ON rt.work_id = t.work_id
     WHERE t.included AND t.tis = ANY(%(kz_tis)s)
       AND NOT EXISTS (SELECT 1 FROM registers_territoryshare x
                        WHERE x.contributor_id = t.contributor_id AND NOT x.included AND x.tis = %(kz)s)
     ORDER BY t.contributor_id, array_position(%(kz_tis)s, t.tis::integer), t.sequence
), territory_work AS (
    SELECT work_id FROM kz_territory GROUP BY work_id HAVING sum(percent) = 100
), holder_share AS ({ownership}
     WHERE NOT EXISTS (SELECT 1 FROM territory_work tw WHERE tw.work_id = a.work_id){grouped}
    UNION ALL
    SELECT a.work_id, {side}, c.party_id, t.right_type, max(a.units), max({amount}), 'territory',
           sum((t.percent * 100)::bigint)::bigint
      FROM dist_work a
      JOIN territory_work tw ON tw.work_id = a.work_id
      JOIN kz_territory t ON t.work_id = a.work_id
      JOIN registers_workcontributor c ON c.id = t.contributor_id
     WHERE t.percent > 0{grouped}"""
    return f"""
CREATE TEMPORARY TABLE dist_holder ON COMMIT DROP AS
WITH {holder_share}
), holder_base AS (
    -- percents have two decimals: in hundredths of a percent (``share``) they are whole numbers
    SELECT *, {_div("amount", "share", "whole", wide)} AS base, {_mod("amount", "share", "whole", wide)} AS rem
      FROM (SELECT *, (sum(share) OVER (PARTITION BY work_id, side))::bigint AS whole FROM holder_share) h
)
SELECT work_id, units, side, party_id, right_type, basis, (share / 100.0)::numeric(5, 2) AS percent,
       base + CASE WHEN row_number() OVER w <= amount - (sum(base) OVER w)::bigint THEN 1 ELSE 0 END AS gross
  FROM holder_base
WINDOW w AS (PARTITION BY work_id, side ORDER BY rem DESC, party_id {WHOLE})
"""


#: A holder's money for a work, in two where the holder withdrew the work during the period (``dist_withdrawal``):
#: the part for the use from that day on (``later``) by largest remainder of the two (of equal remainders, the
#: tiyn goes to the part paid: the fraction has 35 decimals, its product is rounded to 20 first), and the rest.
SPLIT_HOLDERS = """(
    SELECT h.work_id, h.party_id, h.right_type, h.side, h.basis, h.percent, p.units, p.gross, p.later
      FROM dist_holder h
      LEFT JOIN dist_withdrawal x ON x.work_id = h.work_id AND x.party_id = h.party_id
     CROSS JOIN LATERAL (
           SELECT false AS later, h.units - coalesce(x.later_units, 0) AS units,
                  h.gross - coalesce(ceil(round(h.gross * x.fraction, 20) - 0.5)::bigint, 0) AS gross
           UNION ALL
           SELECT true, x.later_units, ceil(round(h.gross * x.fraction, 20) - 0.5)::bigint
            WHERE x.work_id IS NOT NULL) p
     WHERE x.work_id IS NULL OR p.gross > 0 OR p.units > 0)"""


def allocations_sql(table: str, sides: int, split: bool = False) -> str:
    """Stage 3: the allocations, written into the run's own table (``table``: its partition of
    ``distribution_allocation``, see :mod:`distribution.partitions`): each holder's money by the route its path and
    the registers give it, and each work's (side's: ``sides``, one or two) money with no holder on record.
    ``split``: some holders withdrew a work during the period (:data:`WITHDRAWALS`), their money for it is in
    two rows. Their ids come from the partitioned table's sequence."""
    no_holder = "".join(NO_HOLDER.format(n=n) for n in range(1, sides + 1))
    holders, later = (SPLIT_HOLDERS, " OR h.later") if split else ("dist_holder", "")
    return f"""
INSERT INTO {table}
       (id, run_id, work_id, party_id, right_type, side, basis, percent, units, gross_tiyn, route, path, society_id)
SELECT nextval(%(ids)s::regclass), %(run)s, a.*
  FROM (
WITH held AS ({held_works_sql("%(area)s")}
), withdrawn AS (
    SELECT DISTINCT x.work_id, m.holder_id AS party_id
      FROM registers_mandateexclusion x JOIN registers_mandate m ON m.id = x.mandate_id
      JOIN dist_work a ON a.work_id = x.work_id
     WHERE m.cmo_id = %(cmo)s AND m.area_id = %(area)s AND x.from_date <= %(start)s
)
SELECT h.work_id, h.party_id, h.right_type, h.side, h.basis, h.percent, h.units, h.gross AS gross_tiyn,
       CASE WHEN wd.party_id IS NOT NULL{later} THEN 'withdrawn'
            WHEN hd.work_id IS NOT NULL THEN 'held_conflict'
            WHEN p.path IN ('mandate', 'extended') THEN 'payable'
            WHEN p.path = 'reciprocal' THEN 'foreign'
            ELSE 'not_represented' END AS route,
       coalesce(p.path, '') AS path, p.society_id
  FROM {holders} h
  LEFT JOIN distribution_runpath p ON p.run_id = %(run)s AND p.party_id = h.party_id
  LEFT JOIN withdrawn wd ON wd.work_id = h.work_id AND wd.party_id = h.party_id
  LEFT JOIN (SELECT DISTINCT work_id FROM held) hd ON hd.work_id = h.work_id
{no_holder}
) a
"""


#: A work's side with no holder on record keeps the side's money, one anti-join per side (each against that
#: side's holders only).
NO_HOLDER = """
UNION ALL
SELECT a.work_id, NULL, '', %(side{n})s::text, '', 100, a.units, a.amount{n}, 'no_holder', '', NULL
  FROM dist_work a
 WHERE NOT EXISTS (SELECT 1 FROM dist_holder h WHERE h.work_id = a.work_id AND h.side = %(side{n})s::text)"""


#: The works holders withdrew from the run's CMO during the period (Art. 46.2), with the part of each one's
#: money that pays for the use from that day on: each source's pool spread over its use (a licence's money
#: over that licence's use, money of no licence over all of it, as :func:`work_amounts_sql` spreads it)
#: gives the money of the work's use from the day on against all of the work's money. The use from the day on
#: is read from the licence's counted lines matched to the work, each dated by its play (a line with no
#: time of play by its month's first day); use given with no dates (no licence) is taken as even over the
#: period's days. ``{column}``: the keys' work or recording, as the run's use names them.
WITHDRAWALS = """
CREATE TEMPORARY TABLE dist_withdrawal ON COMMIT DROP AS
WITH x AS (
    SELECT x.work_id, m.holder_id AS party_id, min(x.from_date) AS from_date
      FROM registers_mandateexclusion x JOIN registers_mandate m ON m.id = x.mandate_id
     WHERE m.cmo_id = %(cmo)s AND m.area_id = %(area)s AND x.from_date > %(start)s AND x.from_date <= %(end)s
       AND x.work_id IN (SELECT work_id FROM dist_work)
     GROUP BY x.work_id, m.holder_id
), dates AS (
    SELECT DISTINCT work_id, from_date FROM x
), used AS (
    SELECT rw.licence_id, rw.work_id, rw.units
      FROM {weights} rw
     WHERE rw.run_id = %(run)s
       AND NOT EXISTS (SELECT 1 FROM registers_work wk WHERE wk.id = rw.work_id AND wk.protection_ends_on < %(start)s)
), spread AS (
    SELECT s.licence_id, s.pool_tiyn::numeric(60, 35) AS pool,
           (SELECT sum(u.units) FROM used u WHERE s.licence_id IS NULL OR u.licence_id = s.licence_id) AS total
      FROM distribution_runsource s WHERE s.run_id = %(run)s
), later AS (
    SELECT l.licence_id, k.{column} AS work_id, d.from_date, sum(l.plays) AS units
      FROM distribution_usagekey k
      JOIN dates d ON d.work_id = k.{column}
      JOIN licensing_usage_line l
        ON l.period = k.period AND l.isrc = k.isrc AND l.iswc = k.iswc AND l.title = k.title AND l.artist = k.artist
      JOIN licensing_usagereport r ON r.id = l.report_id AND r.status = ANY(%(counted)s)
      JOIN licensing_licence li ON li.id = l.licence_id AND li.cmo_id = k.cmo_id
     WHERE k.cmo_id = %(cmo)s AND k.status = 'matched' AND k.period BETWEEN %(first_month)s AND %(end)s
       AND l.period BETWEEN %(first_month)s AND %(end)s
       AND coalesce((l.played_at AT TIME ZONE %(tz)s)::date, l.period) >= d.from_date
     GROUP BY 1, 2, 3
), dated AS (
    SELECT u.licence_id, u.work_id, d.from_date, u.units,
           CASE WHEN u.licence_id IS NULL
                THEN u.units * (%(end)s::date - d.from_date + 1)::numeric(60, 35) / (%(end)s::date - %(start)s::date + 1)
                ELSE least(coalesce(lt.units, 0), u.units) END AS later
      FROM used u JOIN dates d ON d.work_id = u.work_id
      LEFT JOIN later lt ON lt.licence_id = u.licence_id AND lt.work_id = u.work_id AND lt.from_date = d.from_date
), money AS (
    SELECT d.work_id, d.from_date, sum(s.pool * d.later / s.total) AS later, sum(s.pool * d.units / s.total) AS whole
      FROM dated d JOIN spread s ON s.licence_id IS NULL OR s.licence_id = d.licence_id
     WHERE s.total > 0
     GROUP BY 1, 2
), use AS (
    SELECT work_id, from_date, ceil(round(sum(later), 20) - 0.5)::bigint AS later_units FROM dated GROUP BY 1, 2
)
SELECT x.work_id, x.party_id, u.later_units,
       CASE WHEN m.whole > 0 THEN m.later / m.whole ELSE 0 END AS fraction
  FROM x
  JOIN use u ON u.work_id = x.work_id AND u.from_date = x.from_date
  JOIN money m ON m.work_id = x.work_id AND m.from_date = x.from_date
"""

#: Each holder's path to the run's CMO in the run's area on some day of the period (Art. 46-1): its own
#: mandate to the CMO; else, with no mandate in the area to anyone, a foreign society's reciprocal
#: agreement with the CMO; else, where the CMO's accreditation in the area is in force, extended
#: collective management. A holder with none of them is not the CMO's to pay (``not_represented``). The
#: holders are those the run's works' money reaches (``dist_holder``).
PATHS = """
WITH parties AS (
    SELECT DISTINCT party_id FROM dist_holder
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


def payees_sql(wide: bool, table: str) -> str:
    """The payees and their deductions, from the run's allocations (``table``): each holder's money by route,
    and the money of the works with no holder on record as one payee (each work's part of it is its
    allocations', :mod:`distribution.remuneration`). A remainder is below the pool (or the total deducted), a
    number of tiyn. The tiyn left over after the whole parts are counted once (not by a window over every
    payee), then go one each to the largest remainders."""
    return f"""
INSERT INTO distribution_payee
       (run_id, party_id, work_id, route, path, society_id, gross_tiyn, costs_tiyn, funds_tiyn, net_tiyn)
WITH payee AS (
    SELECT party_id, NULL::bigint AS work_id, route, max(path) AS path, max(society_id) AS society_id,
           sum(gross_tiyn)::bigint AS gross
      FROM {table} WHERE party_id IS NOT NULL
     GROUP BY party_id, route
    UNION ALL
    -- the works with no holder on record: one route, one payee (no grouping to sort or hash)
    SELECT NULL, NULL, 'no_holder', '', NULL, sum(gross_tiyn)::bigint
      FROM {table} WHERE party_id IS NULL
    HAVING count(*) > 0
), deduction_base AS MATERIALIZED (
    SELECT *, {_div("gross", "%(deducted)s", "%(pool)s", wide)} AS base, {_mod("gross", "%(deducted)s", "%(pool)s", wide)} AS rem
      FROM payee
), deduction_left AS (
    SELECT (%(deducted)s - coalesce(sum(base), 0))::bigint AS n FROM deduction_base
), deduction AS (
    SELECT party_id, work_id, route, path, society_id, gross,
           base + CASE WHEN row_number() OVER (ORDER BY rem DESC, party_id NULLS LAST, work_id, route)
                            <= (SELECT n FROM deduction_left) THEN 1 ELSE 0 END AS deducted
      FROM deduction_base
), costs_base AS MATERIALIZED (
    SELECT *, CASE WHEN %(deducted)s > 0 THEN {_div("deducted", "%(costs)s", "%(deducted)s", wide)} ELSE 0 END AS base,
           CASE WHEN %(deducted)s > 0 THEN {_mod("deducted", "%(costs)s", "%(deducted)s", wide)} ELSE 0 END AS rem
      FROM deduction
), costs_left AS (
    SELECT (%(costs)s - coalesce(sum(base), 0))::bigint AS n FROM costs_base
), costs AS (
    SELECT party_id, work_id, route, path, society_id, gross, deducted,
           base + CASE WHEN row_number() OVER (ORDER BY rem DESC, party_id NULLS LAST, work_id, route)
                            <= (SELECT n FROM costs_left) THEN 1 ELSE 0 END AS costs
      FROM costs_base
)
SELECT %(run)s, party_id, work_id, route, path, society_id, gross, costs, deducted - costs, gross - deducted
  FROM costs
"""


def _withdrawals(cursor: Any, run: Run, weights: str, params: dict[str, Any]) -> bool:
    """Whether a holder withdrew one of the run's works from its CMO during the period; if so, what part of
    the holder's money pays for the use from that day on, in ``dist_withdrawal`` (:data:`WITHDRAWALS`)."""
    from distribution.matching import COUNTED_REPORTS
    from distribution.runs import BY_RECORDING

    cursor.execute(
        "SELECT EXISTS (SELECT 1 FROM registers_mandateexclusion x "
        "JOIN registers_mandate m ON m.id = x.mandate_id JOIN dist_work a ON a.work_id = x.work_id "
        "WHERE m.cmo_id = %(cmo)s AND m.area_id = %(area)s AND x.from_date > %(start)s AND x.from_date <= %(end)s)",
        params,
    )
    if not cursor.fetchone()[0]:
        return False
    column = "recording_id" if run.area.item in BY_RECORDING else "work_id"
    cursor.execute(
        WITHDRAWALS.format(weights=weights, column=column),
        {**params, "counted": list(COUNTED_REPORTS), "first_month": run.period_start.replace(day=1),
         "tz": settings.TIME_ZONE},
    )  # fmt: skip
    return True


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
    # an earlier calculation's rows, one statement each (not fetched first to cascade): only a run awaiting
    # approval is calculated again, and its payees have no withholding or remittance yet (approval makes them)
    with connection.cursor() as cursor:
        for table in ("distribution_payee", "distribution_runpath"):
            cursor.execute(f"DELETE FROM {table} WHERE run_id = %s", [run.pk])
        allocations, attach = partitions.open_partition(cursor, "distribution_allocation", run.pk)
    # the run's use, read from its partition whether or not it is attached yet (:func:`distribution.runs.start_run`)
    weights = partitions.partition_name("distribution_runweight", run.pk)
    types = list(AREA_RIGHT_TYPES.get(run.area.item, ()))
    run.accredited = any(
        accredited_on(run.cmo_id, run.area_id, day) for day in (run.period_start, run.period_end)
    )
    phonogram = run.area.item in PHONOGRAM_AREAS
    sides: tuple[str, str | None]
    if phonogram:
        split = split_on(run.period_start)
        run.producers_percent = split.producers_percent
        # the producers' side first, in hundredths of a percent (two decimals: a whole number)
        first, sides = int(split.producers_percent * 100), ("producers", "performers")
    else:
        run.producers_percent = None
        first, sides = 10000, ("", None)
    with connection.cursor() as cursor:
        # the use names works by number with no database key behind it (its rows are many): one join checks it
        cursor.execute(
            "SELECT coalesce(sum(rw.units) FILTER (WHERE wk.protection_ends_on < %s), 0), "
            "count(*) FILTER (WHERE wk.id IS NOT NULL AND "
            "(wk.protection_ends_on IS NULL OR wk.protection_ends_on >= %s)), "
            "count(*) FILTER (WHERE wk.id IS NULL), coalesce(sum(rw.units), 0) "
            f"FROM {weights} rw LEFT JOIN registers_work wk ON wk.id = rw.work_id WHERE rw.run_id = %s",
            [run.period_start, run.period_start, run.pk],
        )
        excluded, eligible, unknown, units = cursor.fetchone()
        if unknown:
            raise ValueError(f"the use given to run {run.pk} names {unknown} works not in the registers")
        if not eligible:
            raise RunError("no_usage")
        # the largest products the splits form: the pool times the use, or times a share in hundredths
        wide = pool * max(int(units), 10**5) >= BIGINT_LIMIT
        params: dict[str, Any] = {
            "run": run.pk,
            "cmo": run.cmo_id,
            "area": run.area_id,
            "pool": pool,
            "start": run.period_start,
            "end": run.period_end,
            "types": types,
            "type": types[0] if len(types) == 1 else None,
            "accredited": run.accredited,
            "first": first,
            "side1": sides[0],
            "side2": sides[1],
            "kz": KAZAKHSTAN_TIS,
            "kz_tis": [KAZAKHSTAN_TIS, WORLD_TIS],
        }
        cursor.execute("SET LOCAL work_mem = '512MB'")
        # compiling these statements' expressions costs seconds and saves less than it costs: run them interpreted
        cursor.execute("SET LOCAL jit = off")
        # the groupings here are by keys in the order the next window wants, or of millions of groups each wide
        # with its aggregates: sorted they take less time and memory than hashed (measured on the bench world)
        cursor.execute("SET LOCAL enable_hashagg = off")
        # the planner needs the run's fresh rows counted, or it probes the registers once per work
        cursor.execute("ANALYZE distribution_runsource")
        cursor.execute("DROP TABLE IF EXISTS dist_work, dist_holder, dist_allocation, dist_withdrawal")
        # the window functions' row counts cannot be estimated: without this the planner loops per row
        cursor.execute("SET LOCAL enable_nestloop = off")
        cursor.execute(
            "SELECT count(*) = 1 AND bool_and(licence_id IS NULL) FROM distribution_runsource WHERE run_id = %s",
            [run.pk],
        )
        cursor.execute(work_amounts_sql(wide, weights, one_pool=bool(cursor.fetchone()[0])), params)
        cursor.execute("ANALYZE dist_work")
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM registers_territoryshare t JOIN dist_work a ON a.work_id = t.work_id "
            "WHERE t.included AND t.tis = ANY(%(kz_tis)s))",
            params,
        )
        territory = bool(cursor.fetchone()[0])
        cursor.execute(holders_sql(wide, len(types) == 1, phonogram, territory), params)
        cursor.execute("ANALYZE dist_holder")
        # the paths are read once, by a hash join (no nested loop here): their row count needs no ANALYZE
        cursor.execute(PATHS, params)
        withdrawals = _withdrawals(cursor, run, weights, params)
        ids = partitions.next_ids(cursor, "distribution_allocation")
        cursor.execute(
            allocations_sql(allocations, 2 if phonogram else 1, withdrawals), {**params, "ids": ids}
        )
        cursor.execute("SET LOCAL enable_nestloop = on")
        # the payees are the allocations grouped by holder and route: far fewer groups than rows, in no order the
        # deductions' windows want (they rank by remainder), so hashed
        cursor.execute("SET LOCAL enable_hashagg = on")
        deducted_total = costs + funds
        cursor.execute(
            payees_sql(pool * max(deducted_total, 1) >= BIGINT_LIMIT, allocations),
            {"run": run.pk, "pool": pool, "deducted": deducted_total, "costs": costs},
        )
        if attach:
            partitions.attach(cursor, "distribution_allocation", run.pk)
        cursor.execute("DROP TABLE IF EXISTS dist_work, dist_holder, dist_withdrawal")
    run.costs_tiyn, run.funds_tiyn, run.excluded_units = costs, funds, int(excluded)
    return run
