"""Background jobs of the registers: imports of works, and the checks that find conflicts."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings


@shared_task(
    name="registers.import_works",
    soft_time_limit=settings.IMPORT_TIME_LIMIT,
    time_limit=settings.IMPORT_TIME_LIMIT + 120,
)
def import_works(batch_id: int) -> str | None:
    """Import the batch ``batch_id``. Idempotent: a batch already running or finished is left alone,
    and a batch left running by a worker that died is ended as interrupted."""
    from registers.importing import run_import

    batch = run_import(batch_id)
    return batch.status if batch is not None else None


@shared_task(name="registers.sweep_imports")
def sweep_imports() -> int:
    """End the imports whose worker died; send again the ones whose task was lost."""
    from registers.importing.lifecycle import sweep

    return sweep()


@shared_task(name="registers.detect_conflicts")
def detect_conflicts() -> int:
    """Run every conflict check over the registers; returns how many conflicts it opened. Idempotent:
    a conflict already open is found again, not opened twice."""
    from registers.conflicts import detect_conflicts as run_checks

    return len(run_checks())
