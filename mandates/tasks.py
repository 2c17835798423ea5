"""Celery: the daily run that lets due withdrawals take effect and tells the parties of overdue obligations."""

from __future__ import annotations

from celery import shared_task

from mandates import withdrawing


@shared_task(name="mandates.apply_withdrawals")  # type: ignore[untyped-decorator]
def apply_withdrawals() -> dict[str, int]:
    """Idempotent: a withdrawal takes effect once, an overdue obligation is told once."""
    return {
        "applied": withdrawing.apply_due_withdrawals(),
        "overdue_told": withdrawing.notify_overdue_obligations(),
    }
