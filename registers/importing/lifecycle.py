"""The life of an import batch: queued → running → done, partial, refused or failed, always.

- :func:`run` claims a queued batch, imports it and, whatever happens (a bad file, a crash, the time
  limit, the worker being stopped), ends it in ``finally`` with its counts, kept problems and, for a
  failure, a reason stored as a code and parameters (rendered in the reader's language).
- While a batch runs, its worker holds a PostgreSQL advisory lock (session level). A worker that dies
  loses its connection and so its lock: the next delivery of the task (Celery acknowledges late and
  redelivers a task whose worker was lost) or the periodic :func:`sweep` finds the batch running with
  nobody holding its lock, and marks it failed as interrupted, saying how far it got. With the
  ``keep_good`` policy the works imported up to there stay (progress is saved as it goes); importing
  the file again finishes it, since works are found again by ISWC, ISRC or work number and updated.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import tempfile
from collections.abc import Callable
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files import File
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from registers.importing import (
    CONFLICT,
    CREATED,
    DUPLICATE,
    PROPOSED,
    UPDATED,
    Importer,
    WorkResult,
    ack_filename,
    parse_file,
)
from registers.importing.problems import NOTE, Problem, ProblemLog
from registers.importing.progress import Progress, count_lines
from registers.importing.rows import ParsedFile
from registers.models import ImportBatch, ImportFormat, ImportPolicy, ImportProblem, ImportStage, ImportStatus

logger = logging.getLogger(__name__)

#: First key of the advisory locks held by running imports (the second is the batch id).
LOCK_SPACE = 7041


class _Refused(Exception):
    """Raised inside the all-or-nothing transaction to roll the whole file back."""


# -- the lock -------------------------------------------------------------------------------------
def _key(batch_id: int) -> list[int]:
    return [LOCK_SPACE, batch_id & 0x7FFFFFFF]


def try_lock(batch_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", _key(batch_id))
        return bool(cursor.fetchone()[0])


def unlock(batch_id: int) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", _key(batch_id))
    except DatabaseError:  # the connection is gone, and the lock with it
        logger.warning("could not release the lock of import batch %s", batch_id)


# -- claiming and sweeping ---------------------------------------------------------------------------
def claim(batch_id: int) -> ImportBatch | None:
    """Lock and mark a queued batch as running. ``None`` if it is gone, finished, or running in a live
    worker; a batch left running by a dead worker is ended as interrupted (and ``None`` returned)."""
    if not try_lock(batch_id):
        return None
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.select_for_update().filter(pk=batch_id).first()
            if batch is not None and batch.status == ImportStatus.RUNNING:
                _interrupted(batch)
                batch = None
            elif batch is not None and batch.status == ImportStatus.QUEUED:
                batch.status = ImportStatus.RUNNING
                batch.started_at = timezone.now()
                batch.save(update_fields=["status", "started_at"])
                return batch
    except BaseException:
        unlock(batch_id)
        raise
    unlock(batch_id)
    return None


def _interrupted(batch: ImportBatch) -> None:
    batch.status = ImportStatus.FAILED
    batch.stage = ImportStage.DONE
    batch.failure_code = "interrupted"
    batch.failure_params = {"line": batch.lines_done}
    batch.finished_at = timezone.now()
    batch.save(update_fields=["status", "stage", "failure_code", "failure_params", "finished_at"])
    tell_uploader(batch)


def tell_uploader(batch: ImportBatch) -> None:
    """The uploader's notice (and e-mail) that the import has ended, and how."""
    from udp.notices.actions import notify

    params = {
        "id": batch.pk,
        "name": batch.filename,
        "created": batch.works_created,
        "updated": batch.works_updated,
        "rejected": batch.works_rejected,
    }
    notify(batch.uploaded_by, f"import_{batch.status}", params, link=f"/imports/{batch.pk}/")


def sweep(*, resend_after: dt.timedelta = dt.timedelta(minutes=30)) -> int:
    """End the running batches whose worker is gone; send again the tasks of batches queued for long
    (a message lost on the way). Returns how many batches were ended."""
    from registers.tasks import import_works

    ended = 0
    for pk in ImportBatch.objects.filter(status=ImportStatus.RUNNING).values_list("pk", flat=True):
        if not try_lock(pk):
            continue  # its worker is alive
        try:
            with transaction.atomic():
                batch = ImportBatch.objects.select_for_update().get(pk=pk)
                if batch.status == ImportStatus.RUNNING:
                    _interrupted(batch)
                    ended += 1
        finally:
            unlock(pk)
    stale = ImportBatch.objects.filter(
        status=ImportStatus.QUEUED, created_at__lt=timezone.now() - resend_after
    ).values_list("pk", flat=True)
    for pk in stale:
        import_works.delay(pk)
    return ended


# -- running -----------------------------------------------------------------------------------------
def run(batch_id: int, *, report: Callable[[dict[str, Any]], None] | None = None) -> ImportBatch | None:
    """Import a queued batch; ``report`` is told its progress each time it is saved."""
    batch = claim(batch_id)
    if batch is None:
        return None
    job = Job(batch, report)
    try:
        job.run()
    except SoftTimeLimitExceeded:
        job.fail("time_limit", {"minutes": settings.IMPORT_TIME_LIMIT // 60, "line": job.line})
    except Exception as exc:
        logger.exception("import batch %s failed", batch.pk)
        job.fail("crashed", {"e": exc.__class__.__name__})
    except BaseException:  # the worker is being stopped: end the batch, then let it stop
        job.fail("interrupted", {"line": job.line})
        raise
    finally:
        job.finish()
        unlock(batch.pk)
        try:
            batch.refresh_from_db()
            tell_uploader(batch)
        except Exception:  # the batch has ended all the same; only its notice is missing
            logger.exception("import batch %s: the uploader could not be told", batch.pk)
    return batch


class Job:
    """One run of a batch: reads the file, writes the works, counts, and always finishes the batch."""

    def __init__(self, batch: ImportBatch, report: Callable[[dict[str, Any]], None] | None = None) -> None:
        self.batch = batch
        self.parsed = ParsedFile()
        self.log: ProblemLog = self.parsed.log
        self.created = self.updated = self.rejected = 0
        self.proposed = self.unchanged = self.conflicts = 0
        self.refused = False  # all or nothing, and something was bad
        self.failure: tuple[str, dict[str, Any]] | None = None
        self.ack: Any = None
        self.progress = Progress(batch, report)

    @property
    def line(self) -> int:
        return self.parsed.lines_total

    @property
    def all_or_nothing(self) -> bool:
        return self.batch.policy == ImportPolicy.ALL_OR_NOTHING

    def run(self) -> None:
        if self.batch.format == ImportFormat.CWR:
            from registers.cwr.ack import AckLog

            self.ack = AckLog()
        progress = self.progress
        with self.batch.file.open("rb") as fh:
            progress.stage(ImportStage.READING)
            lines = count_lines(fh, self.batch.format)
            progress.stage(ImportStage.CHECKING, lines_total=lines)
            self.parsed = parse_file(self.batch.format, fh)
            self.log = self.parsed.log
            progress.stage(ImportStage.WRITING, lines_total=lines or self.parsed.lines_expected)
            importer = Importer(self.batch)
            if self.all_or_nothing:
                try:
                    with progress.detached(), transaction.atomic():
                        for row in self.parsed.works:
                            self.take(importer.one(row))
                        if self.bad:
                            raise _Refused
                except _Refused:
                    self.refused = True
            else:
                for row in self.parsed.works:
                    self.take(importer.one(row))
        if self.ack is not None:
            progress.stage(ImportStage.ACKNOWLEDGING, lines_done=self.line)
            self.write_ack()

    @property
    def works_seen(self) -> int:
        return self.created + self.updated + self.rejected + self.proposed + self.unchanged + self.conflicts

    @property
    def bad(self) -> bool:
        return bool(self.parsed.errors or self.rejected or self.conflicts)

    def take(self, result: WorkResult) -> None:
        result.row.report_to(self.log)
        if result.outcome == CREATED:
            self.created += 1
        elif result.outcome == UPDATED:
            self.updated += 1
        elif result.outcome == PROPOSED:
            self.proposed += 1
        elif result.outcome == DUPLICATE:
            self.unchanged += 1
        elif result.outcome == CONFLICT:
            self.conflicts += 1
        else:
            self.rejected += 1
        if self.ack is not None:
            self.ack.add(result)
        self.progress.works(self.works_seen, self.line, created=self.created, updated=self.updated)

    def write_ack(self) -> None:
        with tempfile.TemporaryFile() as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            self.ack.render(text, refused=self.refused)
            text.flush()
            raw.seek(0)
            self.batch.ack_file.save(ack_filename(self.batch.filename), File(raw), save=False)
            text.detach()
        self.ack.close()

    def fail(self, code: str, params: dict[str, Any]) -> None:
        self.failure = (code, params)

    def status(self) -> str:
        if self.failure is not None:
            return ImportStatus.FAILED
        if self.parsed.refused:
            return ImportStatus.REFUSED
        if not self.log.errors and not self.conflicts:
            return ImportStatus.DONE
        if self.all_or_nothing or not (self.created or self.updated or self.proposed):
            return ImportStatus.REFUSED
        return ImportStatus.PARTIAL

    def finish(self) -> None:
        """Save the outcome; if even that fails, save at least that the import failed."""
        batch = self.batch
        try:
            if self.failure is not None and self.all_or_nothing:
                self.created = self.updated = self.proposed = 0  # the transaction was rolled back
            if self.refused:
                good = self.created + self.updated + self.proposed
                self.rejected += good
                self.created = self.updated = self.proposed = 0
                if good:
                    self.log.add(Problem(0, "", "file_refused", {"n": good}, level=NOTE))
            kept = [ImportProblem.from_problem(batch, p.as_dict()) for p in self.log.kept]
            batch.status = self.status()
            batch.lines_total = batch.lines_done = self.line
            batch.stage = ImportStage.DONE
            batch.works_created, batch.works_updated = self.created, self.updated
            batch.works_proposed, batch.works_rejected = self.proposed, self.rejected
            batch.works_unchanged, batch.works_in_conflict = self.unchanged, self.conflicts
            batch.errors_count, batch.notes_count = self.log.errors, self.log.notes
            batch.problem_counts = dict(self.log.counts)
            batch.refused_whole_file = self.parsed.refused
            batch.encoding = self.parsed.encoding
            if self.failure is not None:
                batch.failure_code, batch.failure_params = self.failure[0], self.failure[1]
            batch.finished_at = timezone.now()
            with transaction.atomic():
                ImportProblem.objects.bulk_create(kept, batch_size=500)
                batch.save()
        except Exception:
            logger.exception("import batch %s: the outcome could not be saved", batch.pk)
            self._save_failure()

    def _save_failure(self) -> None:
        try:
            ImportBatch.objects.filter(pk=self.batch.pk).update(
                status=ImportStatus.FAILED,
                stage=ImportStage.DONE,
                failure_code="crashed",
                failure_params={"e": "outcome not saved"},
                finished_at=timezone.now(),
            )
        except DatabaseError:  # the database is gone: the sweep ends the batch once the lock is free
            logger.exception("import batch %s could not be marked as failed", self.batch.pk)
