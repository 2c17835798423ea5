"""A CMO's staff calculate and approve distribution runs from the pages and the API.

- :func:`request_run` records the request (what a staff member asked: area, period, deductions) and sends it
  to a Celery worker (``distribution.calculate_run``, :func:`calculate_requested`); the page says the run is
  calculating until the worker is done. The worker calculates the run (:func:`distribution.runs.start_run`:
  each licence's collections over that licence's own matched use) and tells the CMO's other staff that the run
  awaits their approval. Asked again for the same area and period, it is the same run calculated afresh until approved.
- :func:`approve` lets another member of the same CMO's staff approve it (Art. 46.1 (2)): the statements are
  published (:func:`distribution.statements.publish_statements`) and each holder is told.
- :func:`correct` lets the CMO's administrator reverse an approved run before any of its money is sent
  (:func:`distribution.payouts.posting.reverse_run`), saying why: the run is cancelled, the CMO's other staff
  are told, its holders are told their statement is withdrawn, and the period may be run anew.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from distribution import matching, runs
from distribution.actions import run_error_message
from distribution.engine import RunError
from distribution.models import RequestStatus, Run, RunRequest, RunStatus
from distribution.schedule import started_by_platform
from registers.models import CMO, Area
from udp.accounts import roles
from udp.accounts.models import User
from udp.audit import audited
from udp.core import clock
from udp.core.params import short_day

#: Costs and special funds together: at most a fifth of the total collected (Art. 46.1 (2)).
CAP_PERCENT = Decimal("20")


def areas_of(cmo: CMO) -> list[Area]:
    """The areas a CMO distributes in: those it is registered (and accredited) for."""
    return list(cmo.areas.order_by("item"))


def _must_be_staff_of(by: Any, cmo_id: int) -> None:
    if not (roles.is_cmo_staff(by) and by.cmo_id == cmo_id):
        raise PermissionError(_("only the CMO's own staff calculate and approve its runs"))


def request_run(
    cmo: CMO,
    area: Area,
    start: dt.date,
    end: dt.date,
    *,
    costs_percent: Decimal,
    funds_percent: Decimal,
    by: User,
) -> RunRequest:
    """Ask a worker to calculate the run of ``cmo`` for ``area`` and ``start``–``end``. Refused with a
    reason (``ValidationError``) when it cannot be calculated: the area is not the CMO's, the deductions pass
    20 %, the run is approved already. A request for the same run still waiting is given back."""
    _must_be_staff_of(by, cmo.pk)
    if not cmo.areas.filter(pk=area.pk).exists():
        raise ValidationError({"area": _("Your CMO does not manage this area.")})
    if end < start:
        raise ValidationError(run_error_message("period_order"))
    if end >= clock.today():
        # its collections and reports are not all in, and an approved run would close the period for good
        raise ValidationError(run_error_message("period_not_ended", {"end": short_day(end)}))
    if costs_percent < 0 or funds_percent < 0:
        raise ValidationError(run_error_message("negative_deduction"))
    if costs_percent + funds_percent > CAP_PERCENT:
        raise ValidationError(run_error_message("cap20", {"percent": costs_percent + funds_percent}))
    approved = Run.objects.filter(
        cmo=cmo, area=area, period_start=start, period_end=end, status=RunStatus.APPROVED
    ).exists()
    if approved:
        raise ValidationError(run_error_message("already_approved"))
    return queue_request(
        cmo, area, start, end, costs_percent=costs_percent, funds_percent=funds_percent, by=by
    )


def queue_request(
    cmo: CMO,
    area: Area,
    start: dt.date,
    end: dt.date,
    *,
    costs_percent: Decimal,
    funds_percent: Decimal,
    by: User,
) -> RunRequest:
    """Record the request and send it to a worker once the transaction commits (a request for the same run still
    waiting is given back). :func:`request_run` checks a staff member's request first; the quarterly schedule
    (:mod:`distribution.schedule`) asks in the platform's own name, so its runs show as calculating the same way."""
    with audited(by):
        waiting = (
            RunRequest.objects.select_for_update()
            .filter(cmo=cmo, area=area, period_start=start, period_end=end, status=RequestStatus.QUEUED)
            .first()
        )
        if waiting is not None:
            return waiting
        request = RunRequest.objects.create(
            cmo=cmo, area=area, period_start=start, period_end=end, costs_percent=costs_percent,
            funds_percent=funds_percent, requested_by=by,
        )  # fmt: skip
        transaction.on_commit(lambda: _send(request.pk))
    return request


def _send(pk: int) -> None:
    from distribution.run_tasks import calculate_run

    calculate_run.delay(pk)


def _claim(pk: int) -> RunRequest | None:
    """Mark a waiting request as calculating; ``None`` if another worker has it or it is done."""
    with transaction.atomic():
        request = (
            RunRequest.objects.select_for_update(skip_locked=True)
            .select_related("cmo", "area", "requested_by")
            .filter(pk=pk, status__in=[RequestStatus.QUEUED, RequestStatus.CALCULATING])
            .first()
        )
        if request is None:
            return None
        request.status, request.started_at = RequestStatus.CALCULATING, timezone.now()
        request.attempts += 1
        request.save(update_fields=["status", "started_at", "attempts"])
    return request


#: A request waiting this long was never taken (its message lost); one calculating this long lost its worker.
STALE_QUEUED = dt.timedelta(minutes=30)
STALE_CALCULATING = dt.timedelta(hours=2)
#: Times a request is taken before a lost worker counts as a failure (the staff are told, and may ask again).
ATTEMPTS = 3


def resend_stale(now: dt.datetime | None = None) -> list[int]:
    """The requests whose worker was lost (calculating for :data:`STALE_CALCULATING`) or whose message was
    (waiting for :data:`STALE_QUEUED`), sent to a worker again; one taken :data:`ATTEMPTS` times already is
    failed with the reason ``interrupted`` instead, and the staff who asked are told. Returns the ids sent."""
    now = now or timezone.now()
    stale = Q(status=RequestStatus.QUEUED, created_at__lt=now - STALE_QUEUED) | Q(
        status=RequestStatus.CALCULATING, started_at__lt=now - STALE_CALCULATING
    )
    sent: list[int] = []
    with transaction.atomic():
        for request in RunRequest.objects.select_for_update(skip_locked=True).filter(stale).order_by("pk"):
            if request.attempts >= ATTEMPTS:
                request.status, request.finished_at = RequestStatus.FAILED, now
                request.error_code, request.error_params = "interrupted", {"attempts": request.attempts}
                request.save(update_fields=["status", "finished_at", "error_code", "error_params"])
                transaction.on_commit(partial(_tell_failed, request))
                continue
            sent.append(request.pk)
            transaction.on_commit(partial(_send, request.pk))
    return sent


def _tell_failed(request: RunRequest) -> None:
    from distribution.notices import tell_staff_run_not_calculated

    tell_staff_run_not_calculated(request)


def calculate_requested(pk: int) -> RunRequest | None:
    """The worker's step: calculate the requested run. Idempotent: a request done is left alone, and one
    calculated twice (a worker died after calculating) is the same run calculated afresh."""
    request = _claim(pk)
    if request is None:
        return None
    start, end = request.period_start, request.period_end
    # the months whose counted reports changed since they were matched are matched first, so the run reads
    # the use of every report accepted so far
    matching.match_due(matching.months(start, end))
    try:
        with transaction.atomic():
            run = runs.start_run(
                request.cmo, request.area, start, end, by=request.requested_by,
                costs_percent=request.costs_percent, funds_percent=request.funds_percent,
            )  # fmt: skip
            request.status, request.run, request.finished_at = RequestStatus.DONE, run, timezone.now()
            request.save(update_fields=["status", "run", "finished_at"])
            transaction.on_commit(lambda: _tell_staff(run))
    except RunError as exc:
        params = {k: str(v) for k, v in exc.params.items()}
        RunRequest.objects.filter(pk=pk).update(
            status=RequestStatus.FAILED, error_code=exc.code, error_params=params, finished_at=timezone.now()
        )
        request.refresh_from_db()
    return request


def _tell_staff(run: Run) -> None:
    from distribution.notices import tell_staff_run_awaits_approval

    tell_staff_run_awaits_approval(run)


def approve(run: Run, *, by: User) -> Run:
    """Another member of the CMO's staff approves ``run``: its statements are published and each holder is
    told. Refused (``ValidationError``) for the person who started it and for a run not awaiting approval."""
    from distribution.statements import publish_statements

    _must_be_staff_of(by, run.cmo_id)
    try:
        with transaction.atomic():
            run = runs.approve_run(run, by=by)
            with audited(by):
                publish_statements(run)
            transaction.on_commit(lambda: _tell_holders(run.pk))
    except RunError as exc:
        raise ValidationError(run_error_message(exc.code, exc.params)) from exc
    return run


def _tell_holders(run_id: int) -> None:
    from distribution.run_tasks import tell_holders

    tell_holders.delay(run_id)


def may_approve(run: Run, user: Any) -> tuple[bool, str]:
    """Whether ``user`` may approve ``run`` now, and if not, why (for the page to say)."""
    if run.status != RunStatus.CALCULATED:
        return False, run_error_message("not_awaiting_approval")
    if not (roles.is_cmo_staff(user) and user.cmo_id == run.cmo_id):
        return False, _("Only the CMO's own staff approve its runs.")
    if started_by_platform(run.started_by):
        return False, run_error_message("platform_started")
    if run.started_by_id == user.pk:
        return False, run_error_message("same_person")
    return True, ""


def correct(run: Run, *, by: User, reason: str) -> Run:
    """The CMO's administrator corrects the approved ``run``: its posting is reversed and the run cancelled
    (:func:`distribution.payouts.posting.reverse_run`), with ``reason`` kept in the ledger; the CMO's other
    staff are told, and its holders that their statement is withdrawn. Refused (``ValidationError``) without
    a reason, for anyone else, and when the run's money was sent or claimed."""
    from distribution.payouts.posting import reverse_run

    if not (roles.is_cmo_admin(by) and by.cmo_id == run.cmo_id):
        raise PermissionError(_("only the CMO's administrator corrects its runs"))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the run is corrected.")})
    try:
        with transaction.atomic():
            reverse_run(run, by=by, reason=reason.strip())
            from distribution.notices import tell_staff_run_corrected

            tell_staff_run_corrected(run, by=by, reason=reason.strip())  # stored with the correction
            transaction.on_commit(lambda: _tell_holders_withdrawn(run.pk))
    except RunError as exc:
        raise ValidationError(run_error_message(exc.code, exc.params)) from exc
    run.refresh_from_db()
    return run


def _tell_holders_withdrawn(run_id: int) -> None:
    from distribution.run_tasks import tell_holders_withdrawn

    tell_holders_withdrawn.delay(run_id)


def may_correct(run: Run, user: Any) -> bool:
    """Whether ``user`` may ask to correct ``run`` (the page offers the form; the ledger may still refuse)."""
    return run.status == RunStatus.APPROVED and roles.is_cmo_admin(user) and user.cmo_id == run.cmo_id


def correction_blocked(run: Run) -> str:
    """Why ``run`` cannot be corrected now, as far as one look tells (a claim of its kept money waiting for
    an answer or accepted, or money of it already sent to a holder's bank), for the page to say instead of
    offering the form; empty when nothing does."""
    from distribution.payouts.posting import reversal_blocked

    blocked = reversal_blocked(run)
    return run_error_message(blocked.code, blocked.params) if blocked is not None else ""
