"""Celery: the daily invoices."""

from __future__ import annotations

from celery import shared_task

from licensing import invoicing


@shared_task(name="licensing.issue_invoices_due")
def issue_invoices_due() -> int:
    """Idempotent: each licence period that has begun gets its invoice once."""
    return invoicing.issue_invoices_due()
