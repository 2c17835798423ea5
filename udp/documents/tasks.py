"""Background jobs of the documents module."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="documents.sweep_orphans")
def sweep_orphans() -> int:
    """Delete the PDFs a rolled-back transaction left behind (older than a day); returns how many."""
    from udp.documents.sweep import sweep_orphan_pdfs

    return len(sweep_orphan_pdfs())
