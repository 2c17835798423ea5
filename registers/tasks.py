"""Background jobs of the registers: imports of works."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="registers.import_works")
def import_works(batch_id: int) -> str | None:
    """Import the batch ``batch_id``. Idempotent: a batch already running or finished is left alone."""
    from registers.importing import run_import

    batch = run_import(batch_id)
    return batch.status if batch is not None else None
