"""``manage.py bench match --json`` (registered with :mod:`udp.core.benches`): matching a month of usage on
a synthetic world (:mod:`distribution.bench.world`), against the bare set-based floor of the same work.

Builds the world (``--works``, ``--holders``, ``--lines``), rebuilds the registers' keys
(:func:`distribution.matching.refresh_work_keys`, timed apart as ``index_seconds``: it follows the registers,
not the usage), then matches the month as the Celery workers would: ``--workers`` threads (2 by default),
each with its own database connection, take the chunks of :func:`distribution.matching.chunks` in turn
and run :func:`distribution.matching.match_chunk` (the body of the task ``distribution.match_chunk``); it prints
one JSON line: ``lines``, ``seconds`` (gathering the distinct keys and all stages), ``lines_per_s``,
``peak_rss_mb``, ``match_rate`` (lines matched to their true recording among the lines of something
registered), ``precision`` (of the lines matched, those matched to their true recording), ``floor_seconds``
(one ``SELECT DISTINCT`` of the month's keys hash-joined to the ISRC index of the registers, with the same
``work_mem`` as matching) and
``ratio_to_floor``; beside them, ``floor_written_seconds`` (the floor's statement writing its keys into an
ordinary table with no index: what recording the keys costs at the least), ``ratio_to_floor_written`` and
``floor_keys`` (as many as the keys matching writes, for one CMO's licence). Stage 4 (fuzzy) runs with
``--fuzzy``. The world is removed afterwards unless ``--keep``.
"""

from __future__ import annotations

import json
import resource
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, connections, transaction

from distribution import matching
from distribution.bench import profile
from distribution.bench.world import World, build_world, drop_world
from udp.core.benches import Bench


def add_arguments(parser: Any) -> None:
    parser.add_argument("--works", type=int, default=20_000)
    parser.add_argument("--holders", type=int, default=3_000)
    parser.add_argument("--lines", type=int, default=50_000)
    parser.add_argument("--chunk", type=int, default=matching.CHUNK, help="distinct keys per chunk")
    parser.add_argument("--workers", type=int, default=2, help="chunks matched at once (as Celery workers)")
    parser.add_argument("--fuzzy", action="store_true", help="run stage 4 (fuzzy) as well")
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    parser.add_argument("--keep", action="store_true", help="keep the world")
    parser.add_argument(
        "--profile", action="store_true", help="print each slow statement's seconds to stderr"
    )


def run(options: dict[str, Any], command: Any) -> None:
    MatchBench(stdout=command.stdout, stderr=command.stderr).match(options)


BENCH = Bench(name="match", help="matching a month of usage on a synthetic world, against a hash-join floor",
              add_arguments=add_arguments, run=run)  # fmt: skip


#: The floor: the month's distinct keys, each with the registered recording of its ISRC (a hash join).
FLOOR_KEYS = """
    SELECT k.licence_id, k.isrc, k.iswc, k.title, k.artist, w.id AS recording_id
      FROM (SELECT DISTINCT l.licence_id, l.isrc, l.iswc, l.title, l.artist
              FROM licensing_usage_line l WHERE l.period = %s) AS k
      LEFT JOIN registers_work w ON w.isrc = k.isrc
"""


def floor_seconds(world: World) -> float:
    """One scan of the month's lines to their distinct keys, hash-joined to the registers' ISRCs."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_mergejoin = off")
        cursor.execute(f"SET LOCAL work_mem = '{matching.WORK_MEM}'")
        started = time.perf_counter()
        cursor.execute(f"SELECT count(f.recording_id) FROM ({FLOOR_KEYS}) AS f", [world.period])
        cursor.fetchone()
        return time.perf_counter() - started


#: The floor's keys with the ISRC each matched, written: the least any matching that records its result does.
FLOOR_WRITTEN = f"""
    INSERT INTO bench_floor_key (licence_id, isrc, iswc, title, artist, recording_id)
    {FLOOR_KEYS}
"""


def floor_written_seconds(world: World) -> tuple[float, int]:
    """The floor's statement with its rows written (:data:`FLOOR_WRITTEN`) into an ordinary table with no
    index, rolled back: not the issue's floor, but what recording the distinct keys costs at the least, which
    matching cannot do without (the review queue, the holders' claims and the runs read the keys). Returns
    the seconds and the rows written."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_mergejoin = off")
        cursor.execute(f"SET LOCAL work_mem = '{matching.WORK_MEM}'")
        cursor.execute(
            "CREATE TABLE bench_floor_key (licence_id bigint, isrc varchar(12), iswc varchar(15), "
            "title varchar(300), artist varchar(300), recording_id bigint)"
        )
        started = time.perf_counter()
        cursor.execute(FLOOR_WRITTEN, [world.period])
        seconds = time.perf_counter() - started
        rows = cursor.rowcount
        transaction.set_rollback(True)
    return seconds, rows


def score(world: World) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FILTER (WHERE t.recording_id IS NOT NULL),
                   count(*) FILTER (WHERE k.status = 'matched'),
                   count(*) FILTER (WHERE k.status = 'matched' AND k.recording_id = t.recording_id),
                   count(*) FILTER (WHERE k.status = 'review'),
                   count(*) FILTER (WHERE k.status = 'matched' AND k.stage = 1),
                   count(*) FILTER (WHERE k.status = 'matched' AND k.stage = 3),
                   count(*) FILTER (WHERE k.status = 'matched' AND k.stage = 4)
              FROM licensing_usage_line l
              JOIN bench_world_truth t ON t.report_id = l.report_id AND t.line_no = l.line_no
              LEFT JOIN distribution_usagekey k
                ON k.cmo_id = %s AND k.period = l.period AND k.isrc = l.isrc AND k.iswc = l.iswc
               AND k.title = l.title AND k.artist = l.artist
             WHERE l.report_id = %s
            """,
            [world.cmo_id, world.report_id],
        )
        row = cursor.fetchone()
        names = ("known", "matched", "correct", "review", "by_identifier", "by_key", "by_fuzzy")
        counts = dict(zip(names, map(int, row), strict=True))
        cursor.execute("SELECT count(*) FROM distribution_usagekey WHERE cmo_id = %s", [world.cmo_id])
        counts["keys"] = int(cursor.fetchone()[0])
    return counts


def match_chunks(
    world: World, chunks: list[tuple[int, int]], *, fuzzy: bool, workers: int, stream: Any = None
) -> None:
    """The chunks on ``workers`` threads at once, each thread with its own connection (as many workers)."""

    def one(chunk: tuple[int, int]) -> None:
        try:
            with profile.statements(stream):
                matching.match_chunk(world.period, *chunk, fuzzy=fuzzy)
        finally:
            connections.close_all()

    if workers <= 1 or connection.in_atomic_block:  # a transaction the other connections cannot see
        for lo, hi in chunks:
            matching.match_chunk(world.period, lo, hi, fuzzy=fuzzy)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(one, chunks))


class MatchBench(BaseCommand):
    def match(self, options: dict[str, Any]) -> None:
        started = time.perf_counter()
        world = build_world(
            works=options["works"], holders=options["holders"], lines=options["lines"],
            cmo_short=f"B{uuid.uuid4().hex[:8].upper()}",
        )  # fmt: skip
        world_seconds = time.perf_counter() - started
        stream = sys.stderr if options["profile"] else None
        try:
            started = time.perf_counter()
            matching.refresh_work_keys()
            index_seconds = time.perf_counter() - started
            started = time.perf_counter()
            with profile.statements(stream):
                matching.prepare_period(world.period)
                prepare_seconds = time.perf_counter() - started
                chunks = matching.chunks(world.period, options["chunk"])
                match_chunks(world, chunks, fuzzy=options["fuzzy"], workers=options["workers"], stream=stream)
            seconds = time.perf_counter() - started
            matching.finish_period(world.period)
            floor = min(floor_seconds(world) for _ in range(2))
            written, floor_keys = min(floor_written_seconds(world) for _ in range(2))
            counts = score(world)
        finally:
            if not options["keep"]:
                drop_world(world)
        figures = {
            "lines": world.lines,
            "works": world.works,
            "holders": world.holders,
            "seconds": round(seconds, 3),
            "lines_per_s": round(world.lines / seconds),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "match_rate": round(counts["correct"] / max(counts["known"], 1), 4),
            "precision": round(counts["correct"] / max(counts["matched"], 1), 5),
            "floor_seconds": round(floor, 3),
            "ratio_to_floor": round(seconds / floor, 2),
            "floor_written_seconds": round(written, 3),
            "ratio_to_floor_written": round(seconds / written, 2),
            "floor_keys": floor_keys,
            "chunks": len(chunks),
            "workers": options["workers"],
            "prepare_seconds": round(prepare_seconds, 3),
            "fuzzy": bool(options["fuzzy"]),
            "index_seconds": round(index_seconds, 3),
            "world_seconds": round(world_seconds, 3),
            **counts,
        }
        if options["json"]:
            self.stdout.write(json.dumps(figures))
        else:
            for name, value in figures.items():
                self.stdout.write(f"{name}: {value}")
