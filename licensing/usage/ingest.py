"""The pipeline of a usage report: received → parsing → accepted, partial, refused or failed, always.

- :func:`start_report` stores the file unchanged under a generated name with its SHA-256 and size; the same
  file sent again for the same licence is a ``duplicate`` naming the earlier report (nothing is read).
- :func:`run_report` (the Celery task ``licensing.ingest_usage_report``, or called directly) claims the report
  under a PostgreSQL advisory lock, checks the file whole, then streams it: good lines become COPY text and
  go into an UNLOGGED staging table of the report's own (``COPY … FROM STDIN`` through psycopg 3, in chunks of
  :data:`CHUNK` lines), so memory stays flat whatever the size. Progress (stage, lines read) is saved every
  :data:`EVERY` lines through a connection of its own, so a page polling it sees it while the report's
  transaction is open.
- At the end, in the same transaction: keep the good lines (``keep_good``: ``partial`` when some were bad) or
  refuse the file (``all_or_nothing`` with a bad line, or a file refused whole: nothing kept); kept lines move
  set-based (``INSERT … SELECT``) into the table partitioned by month, a partition made for each month on
  demand; a report for the same licence and period already kept is ``replaced`` and its lines deleted; the
  report due for the period is marked received.
- A crash ends the report as ``failed`` in ``finally``; a worker that died leaves it ``parsing`` with nobody
  holding its lock, and :func:`sweep` (a periodic task) ends it as interrupted. The transaction rolled back,
  so nothing of it was kept: sending the file again is the way to finish it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from typing import IO, Any

from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.base import File
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from psycopg.copy import QueuedLibpqWriter

from licensing.models import Licence, ReportDue, UsageFormat, UsagePolicy, UsageProblem, UsageReport
from licensing.models.usage import KEPT, UsageStage, UsageStatus
from licensing.usage import dsr_fast, readers, setbased
from licensing.usage.problems import ProblemLog
from licensing.usage.rows import LineChecker
from registers.importing.uploads import display_name
from udp.audit import Reason, audited
from udp.core import clock

logger = logging.getLogger(__name__)

#: Text files (CSV, DSR) are read inside PostgreSQL when they can be (:mod:`.setbased`); else line by line.
FAST = True
#: Lines sent to COPY at a time.
CHUNK = 20_000
#: Progress is saved every this many lines read.
EVERY = 50_000
#: First key of the advisory locks held by running reports (the second is the report id).
LOCK_SPACE = 7042
EXTENSIONS = {"csv": UsageFormat.CSV, "xlsx": UsageFormat.XLSX, "json": UsageFormat.JSON, "tsv": UsageFormat.DSR,
              "dsr": UsageFormat.DSR, "txt": UsageFormat.DSR}  # fmt: skip
MAX_UPLOAD = 2 * 1024 * 1024 * 1024
STAGING = "licensing_usage_staging"
LINES = "licensing_usage_line"
#: Each month of lines is split by report into this many tables (hash partitions on ``report_id``), so that a
#: report's lines are found by pruning rather than by an index kept up row by row while they load.
HASH_PARTS = 16
COLUMNS = "report_id, licence_id, period, line_no, played_at, isrc, iswc, title, artist, plays, duration_s, source_ref"


def format_of(filename: str) -> str | None:
    return EXTENSIONS.get(filename.rsplit(".", 1)[-1].lower()) if "." in filename else None


def _digest(upload: IO[bytes]) -> tuple[str, int]:
    sha = hashlib.sha256()
    size = 0
    upload.seek(0)
    while chunk := upload.read(1 << 20):
        sha.update(chunk)
        size += len(chunk)
    upload.seek(0)
    return sha.hexdigest(), size


def report_due_for(licence: Licence, period_start: dt.date) -> ReportDue | None:
    return ReportDue.objects.filter(licence=licence, period_start=period_start).first()


def start_report(
    by: Any,
    licence: Licence,
    upload: Any,
    *,
    period_start: dt.date,
    period_end: dt.date,
    policy: str = UsagePolicy.KEEP_GOOD,
    fmt: str | None = None,
    queue: bool = True,
) -> UsageReport:
    """Store the upload unchanged and queue its reading (the one way a report starts: the page, the API and
    the bench). The caller has loaded ``licence`` through :mod:`licensing.usage_access` for writing."""
    from licensing.tasks import ingest_usage_report

    fmt = fmt or format_of(upload.name)
    if fmt not in UsageFormat.values:
        raise ValueError("not a usage report file type")
    if policy not in UsagePolicy.values:
        raise ValueError(f"unknown policy {policy!r}")
    if period_end < period_start:
        raise ValueError("the period ends before it starts")
    sha256, size = _digest(upload)
    with audited(by, Reason("usage_report_received")):
        report = UsageReport(
            licence=licence,
            report_due=report_due_for(licence, period_start),
            period_start=period_start,
            period_end=period_end,
            format=fmt,
            original_name=display_name(upload.name),
            sha256=sha256,
            size=size,
            policy=policy,
            submitted_by=by,
        )
        earlier = (
            UsageReport.objects.filter(licence=licence, sha256=sha256)
            .exclude(status__in=(UsageStatus.DUPLICATE, UsageStatus.FAILED))
            .order_by("submitted_at", "pk")
            .first()
        )
        if earlier is not None:
            report.status = UsageStatus.DUPLICATE
            report.stage = UsageStage.DONE
            report.duplicate_of = earlier
            report.failure_code, report.failure_params = "duplicate", {"id": earlier.pk}
            report.finished_at = timezone.now()
        report.file.save(report.original_name, File(upload, name=report.original_name), save=False)
        report.save()
        if earlier is None and queue:
            transaction.on_commit(lambda: ingest_usage_report.delay(report.pk))
    return report


# -- the lock ----------------------------------------------------------------------------------------------
def _key(report_id: int) -> list[int]:
    return [LOCK_SPACE, report_id & 0x7FFFFFFF]


def _try_lock(report_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", _key(report_id))
        return bool(cursor.fetchone()[0])


def _unlock(report_id: int) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", _key(report_id))
    except DatabaseError:
        logger.warning("could not release the lock of usage report %s", report_id)


def claim(report_id: int) -> UsageReport | None:
    """Mark a received report as being read; ``None`` if it is gone, ended, or read by a live worker (a
    report left ``parsing`` by a dead one is ended as interrupted)."""
    if not _try_lock(report_id):
        return None
    try:
        with transaction.atomic():
            report = UsageReport.objects.select_for_update().filter(pk=report_id).first()
            if report is not None and report.status == UsageStatus.PARSING:
                _interrupted(report)
            elif report is not None and report.status == UsageStatus.RECEIVED:
                report.status = UsageStatus.PARSING
                report.stage = UsageStage.CHECKING
                report.started_at = timezone.now()
                report.save(update_fields=["status", "stage", "started_at"])
                return report
    except BaseException:
        _unlock(report_id)
        raise
    _unlock(report_id)
    return None


def _interrupted(report: UsageReport) -> None:
    report.status = UsageStatus.FAILED
    report.stage = UsageStage.DONE
    report.failure_code, report.failure_params = "interrupted", {"line": report.lines_read}
    report.finished_at = timezone.now()
    report.save(update_fields=["status", "stage", "failure_code", "failure_params", "finished_at"])


def sweep() -> int:
    """End the reports whose worker died (``parsing`` with their lock free); queue again those left received."""
    from licensing.tasks import ingest_usage_report

    ended = 0
    for pk in UsageReport.objects.filter(status=UsageStatus.PARSING).values_list("pk", flat=True):
        if not _try_lock(pk):
            continue
        try:
            with transaction.atomic():
                report = UsageReport.objects.select_for_update().get(pk=pk)
                if report.status == UsageStatus.PARSING:
                    _interrupted(report)
                    ended += 1
        finally:
            _unlock(pk)
    stale = UsageReport.objects.filter(
        status=UsageStatus.RECEIVED, submitted_at__lt=timezone.now() - dt.timedelta(minutes=30)
    ).values_list("pk", flat=True)
    for pk in stale:
        ingest_usage_report.delay(pk)
    return ended


# -- progress ------------------------------------------------------------------------------------------------
class Progress:
    """Saves stage and lines read through a connection of its own (the report's transaction is open)."""

    def __init__(self, report_id: int, report: Callable[[dict[str, Any]], None] | None = None) -> None:
        self.report_id = report_id
        self.report = report
        self._own: Any = None

    def save(self, **fields: Any) -> None:
        try:
            if self._own is None:
                self._own = connection.get_new_connection(connection.get_connection_params())
                self._own.autocommit = True
            columns = ", ".join(f'"{name}" = %s' for name in fields)
            with self._own.cursor() as cursor:
                cursor.execute(
                    f'UPDATE "{UsageReport._meta.db_table}" SET {columns} WHERE "id" = %s',
                    [*fields.values(), self.report_id],
                )
        except DatabaseError:  # progress is a courtesy
            logger.warning("usage report %s: progress not saved", self.report_id, exc_info=True)
        if self.report is not None:
            self.report(fields)

    def close(self) -> None:
        if self._own is not None:
            try:
                self._own.close()
            except DatabaseError:
                pass
            self._own = None


# -- running -------------------------------------------------------------------------------------------------
class _Refuse(Exception):
    pass


def run_report(
    report_id: int, *, report: Callable[[dict[str, Any]], None] | None = None
) -> UsageReport | None:
    """Read a received report to its end; ``report`` is told the progress each time it is saved."""
    usage = claim(report_id)
    if usage is None:
        return None
    job = Job(usage, report)
    try:
        job.run()
    except SoftTimeLimitExceeded:
        job.failure = ("interrupted", {"line": job.line})
    except Exception as exc:
        logger.exception("usage report %s failed", usage.pk)
        job.failure = ("crashed", {"e": exc.__class__.__name__})
    except BaseException:
        job.failure = ("interrupted", {"line": job.line})
        raise
    finally:
        job.progress.close()
        job.finish()
        _unlock(usage.pk)
    usage.refresh_from_db()
    return usage


class Job:
    def __init__(self, usage: UsageReport, report: Callable[[dict[str, Any]], None] | None = None) -> None:
        self.usage = usage
        self.log = ProblemLog()
        self.checker = LineChecker(usage.pk, usage.licence_id, usage.period_start, usage.period_end, self.log)
        self.reader: readers.Reader | None = None
        self.progress = Progress(usage.pk, report)
        self.refused: readers.FileRefused | None = None
        self.failure: tuple[str, dict[str, Any]] | None = None
        self.outcome = ""
        self.encoding = ""
        self.kept = 0
        self.fast_lines = 0
        self.replaced: int | None = None
        self.lone_cr = False
        self.total = 0

    @property
    def line(self) -> int:
        return self.reader.line if self.reader is not None else self.fast_lines

    def run(self) -> None:
        usage = self.usage
        with usage.file.open("rb") as fh:
            try:
                readers.check_kind(fh, usage.format, usage.original_name.rsplit(".", 1)[-1].lower())
                encoding = None
                if usage.format in (UsageFormat.CSV, UsageFormat.DSR):
                    encoding = readers.check_text(fh)
                    self.encoding = encoding.name
                if usage.format == UsageFormat.DSR:
                    total, self.lone_cr = dsr_fast.scan(fh)
                else:
                    total = _count_lines(fh) if usage.format != UsageFormat.XLSX else 0
                self.total = total
                self.progress.save(stage=UsageStage.READING, lines_total=total)
                if (
                    encoding is not None
                    and FAST
                    and usage.format == UsageFormat.CSV
                    and setbased.usable(encoding)
                    and self._set_based(fh, encoding, total)
                ):
                    return
                if usage.format == UsageFormat.DSR and encoding is not None and self._fast_dsr(fh, encoding):
                    return
                self.reader = readers.reader_for(usage.format, fh, self.checker, encoding)
                if usage.format == UsageFormat.DSR:
                    self._copy_direct()
                    return
                with transaction.atomic():
                    table = _staging_table(usage.pk)
                    self._copy(table)
                    self._finish_lines(table)
            except readers.FileRefused as refused:
                self.refused = refused
                self.log.add(refused.line, refused.code, **refused.params)
                self.outcome = UsageStatus.REFUSED

    def _set_based(self, fh: IO[bytes], encoding: Any, total: int) -> bool:
        """Read the file inside PostgreSQL (:mod:`.setbased`); ``False`` if it must be read line by line."""
        usage = self.usage
        fast = setbased.SetBased(usage, fh, encoding, self.log, total)
        try:
            with transaction.atomic():
                if usage.format == UsageFormat.CSV:
                    fast.load_csv()
                else:
                    fast.load_dsr()
                self.fast_lines = fast.line
                self.progress.save(stage=UsageStage.CHECKING, lines_read=fast.line)
                fast.check()
                self.checker.good, self.checker.bad = fast.good, fast.bad_lines
                select, params = fast.select_good()
                self._keep(fast.months(), select, params)
                fast.drop()
        except setbased.Fallback:
            logger.info("usage report %s: read line by line", usage.pk)
            self.fast_lines = 0
            self.log.kept.clear()
            self.log.counts.clear()
            self.checker.good = self.checker.bad = 0
            return False
        return True

    def _fast_dsr(self, fh: IO[bytes], encoding: Any) -> bool:
        """Read a DSR file a chunk at a time in columns (:mod:`.dsr_fast`); ``False`` if it must be read line by
        line (nothing of the attempt is kept)."""
        if not (FAST and dsr_fast.usable(encoding)) or self.lone_cr:
            return False
        self.reader = dsr_fast.FastDsrReader(fh, self.checker, encoding)
        try:
            self._copy_direct()
        except dsr_fast.Unsuitable:
            logger.info("usage report %s: DSR read line by line", self.usage.pk)
            self.log.kept.clear()
            self.log.counts.clear()
            self.checker.good = self.checker.bad = 0
            self.outcome = ""
            self.reader = None
            return False
        return True

    def _copy(self, table: str) -> None:
        assert self.reader is not None
        reader = self.reader
        next_save = EVERY
        with connection.cursor() as cursor:
            raw = cursor.cursor
            # written from a thread of its own, so that PostgreSQL takes in one batch while the next is read
            with raw.copy(f"COPY {table} ({COLUMNS}) FROM STDIN", writer=QueuedLibpqWriter(raw)) as copy:
                for text in reader.batches(CHUNK):
                    copy.write(text)
                    if reader.line >= next_save:
                        next_save = reader.line + EVERY
                        self.progress.save(
                            lines_read=reader.line, lines_good=self.checker.good, lines_bad=self.checker.bad
                        )

    def _copy_direct(self) -> None:
        """DSR lines have no time of play: all go to the period's first month. They are streamed as COPY text
        into the lines table (that month's partition), in a savepoint undone if the file is refused."""
        month = self.usage.period_start.replace(day=1)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    with connection.cursor() as cursor:
                        ensure_partition(cursor, month)
                        table = report_partition(cursor, month, self.usage.pk)
                    self._copy(table)  # the report's own partition: no routing per row
                    self._keep([], None, [])
                    if self.outcome == UsageStatus.REFUSED:
                        raise _Refuse
            except _Refuse:
                pass

    def _finish_lines(self, table: str) -> None:
        """In the report's transaction: refuse (drop the staging table) or keep the lines, replacing an earlier report."""
        usage = self.usage
        good, bad = self.checker.good, self.checker.bad
        if good == 0 or (bad and usage.policy == UsagePolicy.ALL_OR_NOTHING):
            self.outcome = UsageStatus.REFUSED
            if good:
                self.log.add(0, "file_refused", n=bad)
            _drop(table)
            return
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT DISTINCT period FROM {table}")
            months = [row[0] for row in cursor.fetchall()]
        self._keep(months, f"SELECT {COLUMNS} FROM {table}", [])
        _drop(table)

    def _keep(self, months: list[dt.date], select: str | None, params: list[Any]) -> None:
        """Keep the good lines (a SELECT in the staging table's columns, or ``None`` when they were copied in
        already), replacing an earlier report."""
        usage = self.usage
        good, bad = self.checker.good, self.checker.bad
        if good == 0 or (bad and usage.policy == UsagePolicy.ALL_OR_NOTHING):
            self.outcome = UsageStatus.REFUSED
            if good:
                self.log.add(0, "file_refused", n=bad)
            return
        self.progress.save(stage=UsageStage.SAVING, lines_read=self.line, lines_good=good, lines_bad=bad)
        with connection.cursor() as cursor:
            # in the months' order, as every report takes their locks: two reports reaching the same new months
            # never each hold one the other waits for
            for month in sorted(months):
                ensure_partition(cursor, month)
            earlier = (
                UsageReport.objects.select_for_update()
                .filter(
                    licence_id=usage.licence_id,
                    period_start=usage.period_start,
                    period_end=usage.period_end,
                    status__in=KEPT,
                )  # fmt: skip
                .exclude(pk=usage.pk)
                .first()
            )
            if earlier is not None:
                # the report's months, and its part of each (the lines are split by report)
                cursor.execute(
                    f"DELETE FROM {LINES} WHERE report_id = %s AND period >= %s AND period <= %s",
                    [earlier.pk, earlier.period_start.replace(day=1), earlier.period_end],
                )
                earlier.status = UsageStatus.REPLACED
                earlier.save(update_fields=["status"])
                self.replaced = earlier.pk
            if select is None:
                self.kept = good
            else:
                cursor.execute(f"INSERT INTO {LINES} ({COLUMNS}) {select}", params)
                self.kept = cursor.rowcount
        self.outcome = UsageStatus.PARTIAL if bad else UsageStatus.ACCEPTED
        if usage.report_due_id is not None:
            ReportDue.objects.filter(pk=usage.report_due_id, received_at__isnull=True).update(
                received_at=clock.now()
            )

    def finish(self) -> None:
        usage = self.usage
        try:
            status = UsageStatus.FAILED if self.failure is not None else (self.outcome or UsageStatus.FAILED)
            with audited(usage.submitted_by, Reason("usage_report_read")):
                UsageProblem.objects.bulk_create(
                    [UsageProblem(report=usage, line_no=max(p.line, 0), code=p.code[:40], params=p.params)
                     for p in self.log.kept],
                    batch_size=1000,
                )  # fmt: skip
                fields: dict[str, Any] = {
                    "status": status,
                    "stage": UsageStage.DONE,
                    "lines_read": self.line,
                    # counted before reading (a workbook's rows only as read); saved here as well, for the
                    # progress's own connection cannot see a report its caller has not committed yet
                    "lines_total": max(self.total, self.line),
                    "lines_good": self.checker.good if status in KEPT else 0,
                    "lines_bad": self.checker.bad,
                    "problem_counts": dict(self.log.counts),
                    "encoding": self.encoding,
                    "finished_at": timezone.now(),
                    "replaces_id": self.replaced,
                }
                if self.failure is not None:
                    fields["failure_code"], fields["failure_params"] = self.failure
                elif self.refused is not None:
                    fields["failure_code"], fields["failure_params"] = self.refused.code, self.refused.params
                UsageReport.objects.filter(pk=usage.pk).update(**fields)
        except Exception:
            logger.exception("usage report %s: the outcome could not be saved", usage.pk)
            try:
                UsageReport.objects.filter(pk=usage.pk).update(
                    status=UsageStatus.FAILED, stage=UsageStage.DONE, failure_code="crashed",
                    failure_params={"e": "outcome not saved"}, finished_at=timezone.now(),
                )  # fmt: skip
            except DatabaseError:
                logger.exception("usage report %s could not be marked as failed", usage.pk)
        self._tell()

    def _tell(self) -> None:
        try:
            from licensing.usage.notices import tell_submitter

            usage = UsageReport.objects.get(pk=self.usage.pk)
            tell_submitter(usage)
        except Exception:
            logger.exception("usage report %s: the submitter could not be told", self.usage.pk)


def _count_lines(fh: IO[bytes]) -> int:
    lines, last = 0, b""
    fh.seek(0)
    while chunk := fh.read(1 << 20):
        lines += chunk.count(b"\n")
        last = chunk[-1:]
    fh.seek(0)
    return lines + (1 if last not in (b"", b"\n") else 0)


def _staging_table(report_id: int) -> str:
    """An UNLOGGED table of the report's own, shaped like the staging table (dropped at the end)."""
    table = f"{STAGING}_{int(report_id)}"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"CREATE UNLOGGED TABLE {table} (LIKE {STAGING} INCLUDING DEFAULTS)")
    return table


def _drop(table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")


def partition_name(month: dt.date) -> str:
    return f"{LINES}_{month:%Y%m}"


def ensure_partition(cursor: Any, month: dt.date) -> None:
    """The month's partition of the usage lines, made on first use (one lock per month against a race)."""
    month = month.replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_SPACE + 1, month.year * 100 + month.month])
    name = partition_name(month)
    cursor.execute("SELECT to_regclass(%s)", [name])
    if cursor.fetchone()[0] is None:
        cursor.execute(
            f"CREATE TABLE {name} PARTITION OF {LINES} "
            f"FOR VALUES FROM ('{month.isoformat()}') TO ('{following.isoformat()}') PARTITION BY HASH (report_id)"
        )
        for part in range(HASH_PARTS):
            cursor.execute(
                f"CREATE TABLE {name}_{part:02d} PARTITION OF {name} "
                f"FOR VALUES WITH (MODULUS {HASH_PARTS}, REMAINDER {part})"
            )


def report_partition(cursor: Any, month: dt.date, report_id: int) -> str:
    """The table that holds a report's lines of a month (the month's partition must exist)."""
    name = partition_name(month)
    cursor.execute(
        "SELECT part FROM generate_series(0, %s - 1) AS part "
        "WHERE satisfies_hash_partition(%s::regclass, %s, part, %s::bigint)",
        [HASH_PARTS, name, HASH_PARTS, report_id],
    )
    return f"{name}_{cursor.fetchone()[0]:02d}"


def lines_of(report: UsageReport) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {LINES} WHERE report_id = %s", [report.pk])
        return int(cursor.fetchone()[0])
