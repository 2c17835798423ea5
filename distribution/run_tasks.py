"""Background jobs of the run pages: calculating a requested run, telling holders their statement is ready.

Loaded by :mod:`distribution.apps` so that a worker knows them (the app's ``tasks`` module holds matching's and
the scheduled runs' jobs)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="distribution.calculate_run", acks_late=True, reject_on_worker_lost=True)
def calculate_run(request_id: int) -> str | None:
    """Calculate the requested run ``request_id``. Idempotent: a request done is left alone."""
    from distribution.calculating import calculate_requested

    request = calculate_requested(request_id)
    return request.status if request is not None else None


@shared_task(name="distribution.tell_holders")
def tell_holders(run_id: int) -> int:
    """Tell each holder with a statement in the approved run ``run_id`` that it is ready. Idempotent."""
    from distribution.notices import tell_holders_statements_ready

    return tell_holders_statements_ready(run_id)


@shared_task(name="distribution.tell_holders_withdrawn")
def tell_holders_withdrawn(run_id: int) -> int:
    """Tell each holder with a statement in the corrected run ``run_id`` that it is withdrawn. Idempotent."""
    from distribution.notices import tell_holders_statements_withdrawn

    return tell_holders_statements_withdrawn(run_id)


@shared_task(name="distribution.resend_stale_requests")
def resend_stale_requests() -> list[int]:
    """Hourly: requests whose worker or message was lost sent again (or, taken too often, failed and the
    staff told)."""
    from distribution.calculating import resend_stale

    return resend_stale()


@shared_task(name="distribution.read_payout_statement", acks_late=True, reject_on_worker_lost=True)
def read_payout_statement(statement_id: int) -> str | None:
    """Read the received bank statement ``statement_id``. Idempotent: a statement read is left alone."""
    from distribution.payouts.actions import read_statement

    statement = read_statement(statement_id)
    return statement.status if statement is not None else None


@shared_task(name="distribution.resend_waiting_statements")
def resend_waiting_statements() -> list[int]:
    """Every ten minutes: bank statements received and not read (a worker or a message lost) sent again."""
    from distribution.payouts.actions import resend_waiting_statements as resend

    return resend()


@shared_task(name="distribution.write_payment_file", acks_late=True, reject_on_worker_lost=True)
def write_payment_file(batch_id: int) -> str | None:
    """Write the file of the reserved payment batch ``batch_id``. Idempotent: a file written is left alone."""
    from distribution.payouts.actions import write_batch

    batch = write_batch(batch_id)
    return batch.status if batch is not None else None


@shared_task(name="distribution.resend_unfinished_batches")
def resend_unfinished_batches() -> list[int]:
    """Every ten minutes: payment batches reserved and their file not written (a worker or a message lost)
    sent again."""
    from distribution.payouts.actions import resend_unfinished_batches as resend

    return resend()
