"""``manage.py bench distribute --json`` (registered with :mod:`udp.core.benches`): a real distribution run
(:func:`distribution.runs.start_run`) on the synthetic world of :mod:`distribution.bench.world`, against the
bare set-based floor of the same work.

Builds the world (``--works``, ``--holders``, ``--lines``: recordings, each with one performer holding 100 %
of the related rights, and a month of usage lines), takes each recording's use from the world's known truth
(the plays of the lines whose true recording it is: what a perfect matching would give, so the figure is the
run's alone, not the matching's; timed apart as ``weights_seconds``), then times one run of area 5 (related
rights follow recordings) for the month with a pool of ``--pool`` tiyn and 15 % + 5 % deductions. Prints one
JSON line: ``lines``, ``seconds`` (the run: its weights written, the allocations, the payees and their
deductions), ``lines_per_s``, ``peak_rss_mb``, ``sum_exact`` (the allocations and the payees' gross equal the
pool to the tiyn, each payee's net, costs and funds add up to its gross and the payees' sum to the pool, the
deductions sum to the run's), ``floor_seconds`` (one ``INSERT … SELECT`` of the run's own allocations, both
sides of each work's money, with window-function largest-remainder splits, into an ordinary table of the
allocations' shape without its indexes, on the run's own weights: :data:`FLOOR`), ``floor_rows`` (the rows
it wrote, as many as the run's allocations) and ``ratio_to_floor``. The world and the run are removed afterwards
unless ``--keep``.
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import sys
import time
import uuid
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from distribution.bench import profile
from distribution.bench.world import World, build_world, drop_world
from distribution.partitions import RUN_TABLES, partition_name
from udp.core.benches import Bench

#: The run's area: item 5 (related rights), whose money follows recordings.
AREA_ITEM = 5
COSTS = Decimal("15")
FUNDS = Decimal("5")


def add_arguments(parser: Any) -> None:
    parser.add_argument("--works", type=int, default=20_000)
    parser.add_argument("--holders", type=int, default=3_000)
    parser.add_argument("--lines", type=int, default=50_000)
    parser.add_argument("--pool", type=int, default=123_456_789_01, help="the pool, tiyn")
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    parser.add_argument("--keep", action="store_true", help="keep the world and the run")
    parser.add_argument(
        "--profile", action="store_true", help="print each slow statement's seconds to stderr"
    )


def run(options: dict[str, Any], command: Any) -> None:
    DistributeBench(stdout=command.stdout, stderr=command.stderr).distribute(options)


BENCH = Bench(name="distribute", help="a distribution run on a synthetic world, against an INSERT … SELECT floor",
              add_arguments=add_arguments, run=run)  # fmt: skip


def truth_weights(world: World) -> dict[int, int]:
    """Each recording's plays in the world's lines whose true recording it is."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.recording_id, sum(l.plays)::bigint
              FROM licensing_usage_line l
              JOIN bench_world_truth t ON t.report_id = l.report_id AND t.line_no = l.line_no
             WHERE l.report_id = %s AND l.period = %s AND t.recording_id IS NOT NULL
             GROUP BY 1
            """,
            [world.report_id, world.period],
        )
        return dict(cursor.fetchall())


#: The floor: the run's own allocations, in one ``INSERT … SELECT`` with no grouping, no paths, routes, conflicts
#: or withdrawals: the pool over the works by use, each work's money between the producers' and performers'
#: sides (Art. 39.2, half and half), each side over its holders by share, each a largest-remainder split with
#: window functions; a side with no holder keeps its money in a row of its own, as the run's does.
FLOOR = """
INSERT INTO bench_floor_allocation (run_id, work_id, party_id, right_type, side, percent, units, gross_tiyn, route)
WITH w AS (
    SELECT work_id, units, floor(%(pool)s::numeric * units / sum(units) OVER ()) AS base,
           mod(%(pool)s::numeric * units, sum(units) OVER ()) AS rem
      FROM distribution_runweight WHERE run_id = %(run)s
), work_amount AS (
    SELECT work_id, units, base + CASE WHEN row_number() OVER (ORDER BY rem DESC, work_id)
                                            <= %(pool)s - sum(base) OVER () THEN 1 ELSE 0 END AS amount
      FROM w
), side_amount AS MATERIALIZED (
    SELECT work_id, units, floor(amount / 2) + mod(amount, 2) AS producers, floor(amount / 2) AS performers
      FROM work_amount
), holder AS MATERIALIZED (
    SELECT a.work_id, a.units, c.party_id, s.right_type, s.percent, v.side, v.amount,
           floor(v.amount * s.percent / 100) AS base, mod(v.amount * s.percent, 100) AS rem
      FROM side_amount a
      JOIN registers_share s ON s.work_id = a.work_id AND s.right_type = 'RR'
      JOIN registers_workcontributor c ON c.id = s.contributor_id
     CROSS JOIN LATERAL (SELECT CASE WHEN c.role = 'PRD' THEN 'producers' ELSE 'performers' END AS side,
                                CASE WHEN c.role = 'PRD' THEN a.producers ELSE a.performers END AS amount) v
)
SELECT %(run)s, work_id, party_id, right_type, side, percent, units,
       base + CASE WHEN row_number() OVER (PARTITION BY work_id, side ORDER BY rem DESC, party_id)
                        <= amount - sum(base) OVER (PARTITION BY work_id, side) THEN 1 ELSE 0 END, 'payable'
  FROM holder
 UNION ALL
SELECT %(run)s, a.work_id, NULL, '', v.side, 100, a.units, v.amount, 'no_holder'
  FROM side_amount a
 CROSS JOIN LATERAL (VALUES ('producers', a.producers), ('performers', a.performers)) v(side, amount)
 WHERE NOT EXISTS (SELECT 1 FROM holder h WHERE h.work_id = a.work_id AND h.side = v.side)
"""


def floor_seconds(run_id: int, pool: int) -> tuple[float, int, int]:
    """One ``INSERT … SELECT`` of the run's allocations (:data:`FLOOR`) into an ordinary table of the
    allocations' shape with no index, rolled back. Returns the seconds, the sum written and the rows."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_floor_allocation AS "
            "SELECT run_id, work_id, party_id, right_type, side, percent, units, gross_tiyn, route "
            "FROM distribution_allocation WITH NO DATA"
        )
        started = time.perf_counter()
        cursor.execute(FLOOR, {"run": run_id, "pool": pool})
        seconds = time.perf_counter() - started
        cursor.execute("SELECT sum(gross_tiyn), count(*) FROM bench_floor_allocation")
        total, rows = cursor.fetchone()
        transaction.set_rollback(True)
    return seconds, int(total), int(rows)


def sums(run_id: int) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT (SELECT sum(gross_tiyn) FROM distribution_allocation WHERE run_id = %(run)s),
                   sum(gross_tiyn), sum(net_tiyn + costs_tiyn + funds_tiyn), sum(costs_tiyn), sum(funds_tiyn),
                   count(*), count(*) FILTER (WHERE net_tiyn + costs_tiyn + funds_tiyn <> gross_tiyn),
                   (SELECT count(*) FROM distribution_allocation WHERE run_id = %(run)s)
              FROM distribution_payee WHERE run_id = %(run)s
            """,
            {"run": run_id},
        )
        names = ("allocated", "gross", "net_and_deductions", "costs", "funds", "payees", "unbalanced",
                 "allocations")  # fmt: skip
        return dict(zip(names, (int(v or 0) for v in cursor.fetchone()), strict=True))


def drop_run(run_id: int) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        # the run's use and allocations are partitions of their own
        for table in RUN_TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS {partition_name(table, run_id)}")
        for table, column in (
            ("distribution_payee", "run_id"), ("distribution_runsource", "run_id"),
            ("distribution_runpath", "run_id"), ("distribution_unidentified", "found_in_id"),
        ):  # fmt: skip
            cursor.execute(f"DELETE FROM {table} WHERE {column} = %s", [run_id])
        cursor.execute("DELETE FROM distribution_run WHERE id = %s", [run_id])


class DistributeBench(BaseCommand):
    def distribute(self, options: dict[str, Any]) -> None:
        from distribution.runs import start_run
        from registers.models import CMO, Area
        from udp.accounts.models import User

        started = time.perf_counter()
        short = f"D{uuid.uuid4().hex[:8].upper()}"
        world = build_world(works=options["works"], holders=options["holders"], lines=options["lines"],
                            cmo_short=short)  # fmt: skip
        world_seconds = time.perf_counter() - started
        run_id = None
        pool = options["pool"]
        try:
            started = time.perf_counter()
            weights = truth_weights(world)
            weights_seconds = time.perf_counter() - started
            cmo, area = CMO.objects.get(pk=world.cmo_id), Area.objects.get(item=AREA_ITEM)
            staff = User.objects.get(email=f"bench-{short.lower()}@example.kz")
            end = (world.period + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
            started = time.perf_counter()
            with profile.statements(sys.stderr if options["profile"] else None):
                result = start_run(cmo, area, world.period, end, by=staff, weights=weights, costs_percent=COSTS,
                                   funds_percent=FUNDS, pool_tiyn=pool)  # fmt: skip
            seconds = time.perf_counter() - started
            run_id = result.pk
            del weights
            totals = sums(run_id)
            floors = [floor_seconds(run_id, pool) for _ in range(2)]
            floor = min(seconds for seconds, _, _ in floors)
        finally:
            if not options["keep"]:
                if run_id is not None:
                    drop_run(run_id)
                drop_world(world)
        sum_exact = (
            totals["allocated"] == totals["gross"] == totals["net_and_deductions"] == pool
            and totals["unbalanced"] == 0
            and (totals["costs"], totals["funds"]) == (result.costs_tiyn, result.funds_tiyn)
            and all(total == pool for _, total, _ in floors)
        )
        figures = {
            "lines": world.lines,
            "works": world.works,
            "holders": world.holders,
            "seconds": round(seconds, 3),
            "lines_per_s": round(world.lines / seconds),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "sum_exact": sum_exact,
            "floor_seconds": round(floor, 3),
            "ratio_to_floor": round(seconds / floor, 2),
            # the floor wrote the run's own rows: as many allocations, summing to the same pool
            "floor_rows": floors[0][2],
            "pool_tiyn": pool,
            "costs_tiyn": result.costs_tiyn,
            "funds_tiyn": result.funds_tiyn,
            "weights_from": "truth",
            "weights_seconds": round(weights_seconds, 3),
            "world_seconds": round(world_seconds, 3),
            **totals,
        }
        if options["json"]:
            self.stdout.write(json.dumps(figures))
        else:
            for name, value in figures.items():
                self.stdout.write(f"{name}: {value}")
