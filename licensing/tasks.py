"""Celery: monitoring reconciliations of closed report periods."""

from __future__ import annotations

from celery import shared_task

from licensing import reconciling


@shared_task(name="licensing.reconcile_monitoring")
def reconcile_monitoring() -> int:
    """Idempotent: each closed period of a monitored licence is reconciled once."""
    return reconciling.reconcile_closed_periods()
