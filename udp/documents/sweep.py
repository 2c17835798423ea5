"""PDFs left behind by a transaction that rolled back.

A document's PDF is written to storage inside the transaction that issues it; if that transaction (or
the caller's, around it) rolls back, the row is gone and the file stays. :func:`sweep_orphan_pdfs` finds
files under ``documents/`` that no ``IssuedDocument`` names and that are older than a grace period (so
a transaction still running keeps its file) and deletes them. The daily task ``documents.sweep_orphans``
runs it; ``manage.py sweep_documents --dry-run`` lists what it would delete.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.core.files.storage import Storage, default_storage
from django.utils import timezone

from udp.documents.models import IssuedDocument

ROOT = "documents"
GRACE = dt.timedelta(days=1)


def _files(storage: Storage, folder: str) -> Iterator[str]:
    if not storage.exists(folder):
        return
    folders, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _files(storage, f"{folder}/{sub}")


def orphan_pdfs(*, grace: dt.timedelta = GRACE, storage: Storage | None = None) -> list[str]:
    """The stored PDFs no document names, last written more than ``grace`` ago."""
    storage = storage or default_storage
    named = set(IssuedDocument.objects.values_list("file", flat=True))
    cutoff = timezone.now() - grace
    return sorted(
        path
        for path in _files(storage, ROOT)
        if path not in named and storage.get_modified_time(path) < cutoff
    )


def sweep_orphan_pdfs(*, dry_run: bool = False, grace: dt.timedelta = GRACE) -> list[str]:
    """Delete (or, with ``dry_run``, only list) the orphan PDFs; returns their paths."""
    found = orphan_pdfs(grace=grace)
    if not dry_run:
        for path in found:
            default_storage.delete(path)
    return found
