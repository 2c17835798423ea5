"""Celery: licensing's daily work."""

from __future__ import annotations

from celery import shared_task

from licensing import actions


@shared_task(name="licensing.end_or_renew")
def end_or_renew() -> dict[str, int]:
    """Idempotent: agreements past their term are renewed or ended once."""
    renewed, ended = actions.end_or_renew_due()
    return {"renewed": renewed, "ended": ended}
