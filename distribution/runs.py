"""Starting, calculating and approving distribution runs: every write in one transaction, under a lock per
CMO, area and period, with its audit context.

- :func:`start_run` makes the run for a CMO, area and period (the pool: what the CMO collected for that area
  and usage period, :func:`licensing.collections.collections`) with the use of each work, and calculates it.
  Started again for the same CMO, area and period, it is the same run, calculated afresh while it awaits
  approval: nobody's money is counted twice.
- :func:`approve_run`: a second person approves it before money moves (Art. 46.1 (2): the board's control).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from distribution import engine
from distribution.engine import RunError
from distribution.models import Run, RunStatus, RunWeight
from distribution.payouts.posting import post_run
from licensing.collections import collections
from registers.models import CMO, Area
from udp.audit import MESSAGES, Reason, audited

#: First key of the advisory locks of runs (the second: CMO, area and period folded into one number).
LOCK_SPACE = 7043


def register_reasons() -> None:
    MESSAGES.update(
        {
            "distribution_run_calculated": gettext_lazy("Distribution run calculated"),
            "distribution_run_approved": gettext_lazy("Distribution run approved"),
        }
    )


def pool_of(cmo: CMO, area: Area, start: dt.date, end: dt.date) -> int:
    """What ``cmo`` collected for ``area`` for usage in ``start``–``end``, in tiyn."""
    return sum(
        c.amount_tiyn
        for c in collections(cmo_id=cmo.pk)
        if c.area_item == area.item and start <= c.usage_start <= end
    )


#: Areas whose money follows recordings (related rights); the others follow works.
BY_RECORDING = frozenset({5})


def usage_weights(
    cmo: CMO, area: Area, start: dt.date, end: dt.date, *, basis: str = "plays"
) -> dict[int, int]:
    """The matched use (:func:`distribution.matching.matched_usage_sql`) under ``cmo``'s licences for
    ``area``, per work (per recording for related rights), in plays or seconds (Art. 46.1 (3))."""
    from distribution.matching import matched_usage_sql

    if basis not in ("plays", "duration_s"):
        raise ValueError(basis)
    inner, params = matched_usage_sql(start, end)
    column = "m.recording_id" if area.item in BY_RECORDING else "m.work_id"
    sql = f"""
        SELECT {column}, sum(m.{basis})::bigint FROM ({inner}) m
          JOIN licensing_licence li ON li.id = m.licence_id
         WHERE li.cmo_id = %s AND {column} IS NOT NULL
           AND EXISTS (SELECT 1 FROM licensing_licenceline ll WHERE ll.licence_id = li.id AND ll.area_id = %s)
         GROUP BY 1 HAVING sum(m.{basis}) > 0
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, cmo.pk, area.pk])
        return {int(work): int(units) for work, units in cursor.fetchall()}


def _lock(cmo: CMO, area: Area, start: dt.date, end: dt.date) -> None:
    key = hash((cmo.pk, area.pk, start.toordinal(), end.toordinal())) & 0x7FFFFFFF
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_SPACE, key])


def start_run(
    cmo: CMO,
    area: Area,
    start: dt.date,
    end: dt.date,
    *,
    by: Any,
    weights: Mapping[int, int],
    costs_percent: Decimal = Decimal("0"),
    funds_percent: Decimal = Decimal("0"),
    pool_tiyn: int | None = None,
) -> Run:
    """The run of ``cmo`` for ``area`` and ``start``–``end``, calculated with ``weights`` (work → use)."""
    if end < start:
        raise RunError("period_order")
    if costs_percent < 0 or funds_percent < 0:
        raise RunError("negative_deduction")
    with transaction.atomic(), audited(by, Reason("distribution_run_calculated")):
        _lock(cmo, area, start, end)
        run = (
            Run.objects.select_for_update()
            .filter(cmo=cmo, area=area, period_start=start, period_end=end)
            .exclude(status=RunStatus.CANCELLED)
            .first()
        )
        if run is not None and run.status != RunStatus.CALCULATED:
            raise RunError("already_approved", run=run.pk)
        pool = pool_of(cmo, area, start, end) if pool_tiyn is None else pool_tiyn
        if pool <= 0:
            raise RunError("empty_pool")
        if run is None:
            run = Run(cmo=cmo, area=area, period_start=start, period_end=end, started_by=by, pool_tiyn=pool)
        run.pool_tiyn, run.costs_percent, run.funds_percent, run.started_by = (
            pool,
            costs_percent,
            funds_percent,
            by,
        )
        run.costs_tiyn = run.funds_tiyn = 0
        run.save()
        RunWeight.objects.filter(run=run).delete()
        RunWeight.objects.bulk_create(
            [
                RunWeight(run=run, work_id=work, units=units)
                for work, units in sorted(weights.items())
                if units > 0
            ],
            batch_size=5000,
        )
        engine.calculate(run)
        run.calculated_at = timezone.now()
        run.save()
    return run


def approve_run(run: Run, *, by: Any) -> Run:
    """Approve a calculated run: by another person than the one who started it."""
    with transaction.atomic(), audited(by, Reason("distribution_run_approved")):
        run = Run.objects.select_for_update().get(pk=run.pk)
        if run.status != RunStatus.CALCULATED:
            raise RunError("not_awaiting_approval")
        if run.started_by_id == getattr(by, "pk", None):
            raise RunError("same_person")
        run.status, run.approved_by, run.approved_at = RunStatus.APPROVED, by, timezone.now()
        run.save(update_fields=["status", "approved_by", "approved_at"])
        post_run(run, by=by)
    return run
