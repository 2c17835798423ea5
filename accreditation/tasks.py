"""Celery: the daily run of accreditation sanctions (Art. 47-2, 47-3)."""

from __future__ import annotations

from celery import shared_task

from accreditation import sanctions


@shared_task(name="accreditation.apply_sanctions")
def apply_sanctions() -> dict[str, int]:
    """Idempotent: expired lines are terminated once, a late annual report drafts one suspension per line
    and year, a suspension's end is told once."""
    return sanctions.run_daily()
