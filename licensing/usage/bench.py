"""``manage.py bench ingest --lines 5000000 --json`` (registered with :mod:`udp.core.benches`): how fast a
usage report goes in, against plain COPY.

Writes a DSR (default) or CSV file of ``--lines`` lines to a temporary folder, reads it through the real
pipeline (:func:`licensing.usage.ingest.start_report` and :func:`~licensing.usage.ingest.run_report`, run
here rather than by a worker), then COPYs the same file into an unindexed table in the same run, and prints
one JSON line: ``lines``, ``seconds``, ``lines_per_s``, ``copy_baseline_lines_per_s``, ``ratio_to_copy``,
``peak_rss_mb`` (this process's maximum resident size), with the report's outcome. The report and its lines
are deleted afterwards unless ``--keep``.
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from licensing.models import Licence, UsageProblem, UsageReport
from licensing.usage import dsr
from licensing.usage.ingest import LINES, partition_name, run_report, start_report
from licensing.usage.rows import COLUMNS
from licensing.usage_access import REPORTABLE
from udp.core.benches import Bench

YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
#: SU records per block in the generated DSR (each block: RE01, two AS02, these SU records).
PLAYS_PER_BLOCK = 8


def _isrc(n: int) -> str:
    return f"KZA01{26:02d}{n % 100000:05d}"


def write_csv(path: Path, lines: int, nonce: str = "") -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(COLUMNS) + "\n")
        buffer: list[str] = []
        for n in range(1, lines):
            month = n % 12 + 1
            buffer.append(
                f"2026-{month:02d}-{n % 28 + 1:02d} {n % 24:02d}:{n % 60:02d},{_isrc(n)},,Song {n % 5000},"
                f"Artist {n % 700},{n % 9 + 1},{120 + n % 200},Premises {nonce}\n"
            )
            if len(buffer) >= 10000:
                out.write("".join(buffer))
                buffer.clear()
        out.write("".join(buffer))


def write_dsr(path: Path, lines: int, nonce: str = "") -> None:
    """HEAD, a broadcast summary record, blocks (RE01, 2×AS02, SU05 records) to fill ``lines``, FOOT."""
    with path.open("w", encoding="utf-8", newline="") as out:
        written = 2
        out.write(dsr.head("RadioBroadcastProfile", YEAR[0].isoformat(), YEAR[1].isoformat()))
        out.write(dsr.summary("S1", broadcast=True, source=f"Radio Dala {nonce}".strip()))
        buffer: list[str] = []
        block = 0
        per_block = 3 + PLAYS_PER_BLOCK
        while written + per_block + 1 <= lines:
            block += 1
            b = f"B{block}"
            buffer.append(
                f"RE01.02\t{b}\tR1\tREL{block}\t\t\t\tArtist {block % 700}\t\tAlbum {block % 900}\n"
            )
            for r in (1, 2):
                n = block * 2 + r
                buffer.append(
                    f"AS02.03\t{b}\tA{r}\tRES{n}\t{_isrc(n)}\tSong {n % 5000}\t\tArtist {block % 700}\t\tPT3M{n % 60:02d}S"
                    "\tSoundRecording\t\t\t\t\t\t\t\t\t\t\ttrue\tfalse\t\n"
                )
            for p in range(PLAYS_PER_BLOCK):
                buffer.append(
                    f"SU05.01\t{b}\tS1\tT{block}-{p}\tA{p % 2 + 1}\ttrue\t{p % 5 + 1}\t\t\tBroadcast\n"
                )
            written += per_block
            if len(buffer) >= 20000:
                out.write("".join(buffer))
                buffer.clear()
        while written + 1 < lines:  # fill with RE records (read, not usage)
            block += 1
            buffer.append(f"RE01.02\tB{block}\tR1\tREL{block}\n")
            written += 1
        out.write("".join(buffer))
        out.write(dsr.foot(written + 1, block))


def add_arguments(ingest: Any) -> None:
    ingest.add_argument("--lines", type=int, default=100_000)
    ingest.add_argument("--format", choices=("dsr", "csv"), default="dsr")
    ingest.add_argument(
        "--licence",
        type=int,
        default=None,
        help="the licence to report for (default: the first in force)",
    )
    ingest.add_argument("--json", action="store_true", help="print one JSON line")
    ingest.add_argument("--keep", action="store_true", help="keep the report and its lines")


def run(options: dict[str, Any], command: Any) -> None:
    IngestBench(stdout=command.stdout, stderr=command.stderr).ingest(options)


BENCH = Bench(name="ingest", help="a usage report of N lines through the real pipeline, against plain COPY",
              add_arguments=add_arguments, run=run)  # fmt: skip


class IngestBench(BaseCommand):
    """The figures' writer (a command's ``stdout``) with the benchmark's steps."""

    def ingest(self, options: Any) -> None:
        lines = max(int(options["lines"]), 10)
        licences = Licence.objects.filter(status__in=REPORTABLE)
        licence = licences.filter(pk=options["licence"]).first() if options["licence"] else licences.first()
        if licence is None:
            raise CommandError(
                "No licence in force to report for: sign one (or load the demo), or pass --licence."
            )
        fmt = options["format"]
        nonce = uuid.uuid4().hex[:8]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / ("bench.tsv" if fmt == "dsr" else "bench.csv")
            (write_dsr if fmt == "dsr" else write_csv)(path, lines, nonce)
            file_lines = sum(1 for _ in path.open("rb"))
            started = time.perf_counter()
            with path.open("rb") as fh:
                report = start_report(
                    licence.created_by, licence, File(fh, name=path.name), period_start=YEAR[0], period_end=YEAR[1],
                    queue=False,
                )  # fmt: skip
            run_report(report.pk)
            seconds = time.perf_counter() - started
            report.refresh_from_db()
            baseline_seconds = self.copy_baseline(path, fmt)
        figures = {
            "lines": file_lines,
            "seconds": round(seconds, 3),
            "lines_per_s": round(file_lines / seconds),
            "copy_baseline_lines_per_s": round(file_lines / baseline_seconds),
            "ratio_to_copy": round(baseline_seconds / seconds, 3),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "format": fmt,
            "status": report.status,
            "usage_lines": report.lines_good,
            "bad_lines": report.lines_bad,
        }
        if not options["keep"]:
            self.forget(report)
        if options["json"]:
            self.stdout.write(json.dumps(figures))
        else:
            for key, value in figures.items():
                self.stdout.write(f"{key}: {value}")

    def copy_baseline(self, path: Path, fmt: str) -> float:
        """Plain COPY of the same file into an unindexed table (CSV: its columns; DSR: one cell a line)."""
        table = "bench_copy_baseline"
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            if fmt == "csv":
                cursor.execute(f"CREATE TABLE {table} ({', '.join(f'{c} text' for c in COLUMNS)})")
                sql = f"COPY {table} FROM STDIN (FORMAT csv, HEADER true)"
            else:
                cursor.execute(f"CREATE TABLE {table} (line text)")
                sql = f"COPY {table} FROM STDIN (FORMAT csv, DELIMITER E'\\x1f', QUOTE E'\\x01')"
            started = time.perf_counter()
            with transaction.atomic(), path.open("rb") as fh, cursor.cursor.copy(sql) as copy:
                while chunk := fh.read(1 << 20):
                    copy.write(chunk)
            seconds = time.perf_counter() - started
            cursor.execute(f"DROP TABLE {table}")
        return seconds

    def forget(self, report: UsageReport) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {LINES} WHERE report_id = %s", [report.pk])
            UsageProblem.objects.filter(report=report).delete()
            UsageReport.objects.filter(replaces=report).update(replaces=None)
            report.file.delete(save=False)
            UsageReport.objects.filter(pk=report.pk).delete()
        # the deleted lines' space made free again, so that the next run loads into the same table as this one
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {partition_name(report.period_start.replace(day=1))}")
