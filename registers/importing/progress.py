"""How far a running import is, for its page and the API: lines read of the file's lines, and the stage.

The file's lines are counted before it is read (CSV and CWR: its line breaks; XLSX: the sheet's
declared size, when the workbook gives one). While works are written, progress is saved every
:data:`EVERY` works, never per line, by one UPDATE of the batch row. Under the keep-good policy each
work commits on its own, so the UPDATE commits at once. Under all-or-nothing the whole file is one
transaction; an UPDATE in it would be seen by nobody until the end (and would hold the batch row), so
progress goes through a database connection of its own, opened for the run and closed after it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any

from django.db import DatabaseError, connection

from registers.models import ImportBatch, ImportFormat, ImportStage

logger = logging.getLogger(__name__)

#: Progress is saved every this many works.
EVERY = 100
CHUNK = 1024 * 1024


def count_lines(fh: IO[bytes], fmt: str) -> int:
    """The lines of a CSV or CWR file (0 for a workbook); ``fh`` is left at its start."""
    if fmt == ImportFormat.XLSX:
        return 0
    lines, last = 0, b""
    fh.seek(0)
    while chunk := fh.read(CHUNK):
        lines += chunk.count(b"\n")
        last = chunk[-1:]
    fh.seek(0)
    return lines + (1 if last not in (b"", b"\n") else 0)


class Progress:
    """Saves a batch's stage and lines read; :meth:`detached` while the import holds a transaction."""

    def __init__(self, batch: ImportBatch, report: Callable[[dict[str, Any]], None] | None = None) -> None:
        self.batch_id = batch.pk
        self.report = report  # also told each time progress is saved (the command prints it)
        self.lines_total = 0
        self._own: Any = None  # the connection of its own, while detached
        self._detached = False

    def stage(self, stage: str, *, lines_done: int = 0, lines_total: int | None = None) -> None:
        if lines_total is not None:
            self.lines_total = lines_total
        self._save(stage=stage, lines_done=lines_done)

    def works(self, seen: int, lines_done: int, *, created: int, updated: int) -> None:
        """After each work: saved every :data:`EVERY` works."""
        if seen % EVERY == 0:
            self._save(
                stage=ImportStage.WRITING, lines_done=lines_done, works_created=created, works_updated=updated
            )

    @contextmanager
    def detached(self) -> Iterator[None]:
        """While the import runs in one transaction, progress is saved through a connection of its own."""
        self._detached = True
        try:
            yield
        finally:
            self._detached = False
            if self._own is not None:
                try:
                    self._own.close()
                except DatabaseError:
                    pass
                self._own = None

    def _save(self, **fields: Any) -> None:
        fields["lines_total"] = max(self.lines_total, fields["lines_done"])
        if not self._detached:
            ImportBatch.objects.filter(pk=self.batch_id).update(**fields)
        else:
            try:
                self._save_apart(fields)
            except DatabaseError:  # progress is a courtesy: the import goes on without it
                logger.warning("import batch %s: progress not saved", self.batch_id, exc_info=True)
        if self.report is not None:
            self.report(fields)

    def _save_apart(self, fields: dict[str, Any]) -> None:
        if self._own is None:
            self._own = connection.get_new_connection(connection.get_connection_params())
            self._own.autocommit = True
        table = ImportBatch._meta.db_table
        columns = ", ".join(f'"{name}" = %s' for name in fields)  # plain fields: column = name
        with self._own.cursor() as cursor:
            cursor.execute(
                f'UPDATE "{table}" SET {columns} WHERE "id" = %s', [*fields.values(), self.batch_id]
            )
