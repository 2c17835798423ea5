"""Background jobs of licensing: reading usage reports, the daily notice of overdue reports, the renewal and
end of agreements, the invoices of each period, the monitoring reconciliations."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from licensing import actions, invoicing, reconciling


@shared_task(name="licensing.end_or_renew")
def end_or_renew() -> dict[str, int]:
    """Idempotent: agreements past their term are renewed or ended once."""
    renewed, ended = actions.end_or_renew_due()
    return {"renewed": renewed, "ended": ended}


@shared_task(
    name="licensing.ingest_usage_report",
    soft_time_limit=settings.IMPORT_TIME_LIMIT,
    time_limit=settings.IMPORT_TIME_LIMIT + 120,
)
def ingest_usage_report(report_id: int) -> str | None:
    """Read the usage report ``report_id``. Idempotent: a report already read or being read is left alone."""
    from licensing.usage.ingest import run_report

    report = run_report(report_id)
    return report.status if report is not None else None


@shared_task(name="licensing.sweep_usage_reports")
def sweep_usage_reports() -> int:
    from licensing.usage.ingest import sweep

    return sweep()


@shared_task(name="licensing.notice_overdue_reports")
def notice_overdue_reports() -> int:
    """Tell once of each usage report overdue (A44.2-1-reports). Idempotent."""
    from licensing.usage.overdue import notice_overdue_reports as run

    return run()


@shared_task(name="licensing.issue_invoices_due")
def issue_invoices_due() -> int:
    """Idempotent: each licence period that has begun gets its invoice once."""
    return invoicing.issue_invoices_due()


@shared_task(name="licensing.reconcile_monitoring")
def reconcile_monitoring() -> int:
    """Idempotent: each closed period of a monitored licence is reconciled once."""
    return reconciling.reconcile_closed_periods()


@shared_task(name="licensing.read_bank_statement", acks_late=True, reject_on_worker_lost=True)
def read_bank_statement(statement_id: int) -> str | None:
    """Read the received bank statement ``statement_id``. Idempotent: a statement read is left alone."""
    from licensing.payments import read_bank_statement as read

    statement = read(statement_id)
    return statement.status if statement is not None else None


@shared_task(name="licensing.resend_waiting_bank_statements")
def resend_waiting_bank_statements() -> list[int]:
    """Every ten minutes: bank statements received and not read (a worker or a message lost) sent again."""
    from licensing.payments import resend_waiting_bank_statements as resend

    return resend()
