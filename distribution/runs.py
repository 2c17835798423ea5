"""Starting, calculating and approving distribution runs: every write in one transaction, under a lock per
CMO, area and period, with its audit context.

- :func:`start_run` makes the run for a CMO, area and period (the pool: what the CMO collected for that area
  and usage period, :func:`licensing.collections.collections`) with the use of each work, and calculates it.
  Started again for the same CMO, area and period, it is the same run, calculated afresh while it awaits
  approval: nobody's money is counted twice.
- :func:`approve_run`: a second person approves it before money moves (Art. 46.1 (2): the board's control).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext, gettext_lazy

from distribution import engine, partitions
from distribution.engine import RunError
from distribution.models import Payee, ReleaseRule, Run, RunSource, RunStatus, SourceKind, Unidentified
from distribution.payouts.posting import post_run
from licensing.collections import Collection, collections
from registers.models import CMO, Area
from udp.audit import MESSAGES, Reason, audited
from udp.core import clock

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


def _usage_by_licence_sql(
    cmo: CMO, area: Area, start: dt.date, end: dt.date, basis: str
) -> tuple[str, list[Any]]:
    from distribution.matching import matched_usage_sql

    if basis not in ("plays", "duration_s"):
        raise ValueError(basis)
    inner, params = matched_usage_sql(start, end)
    column = "m.recording_id" if area.item in BY_RECORDING else "m.work_id"
    sql = f"""
        SELECT m.licence_id, {column} AS work_id, sum(m.{basis})::bigint AS units FROM ({inner}) m
          JOIN licensing_licence li ON li.id = m.licence_id
         WHERE li.cmo_id = %s AND {column} IS NOT NULL
           AND EXISTS (SELECT 1 FROM licensing_licenceline ll WHERE ll.licence_id = li.id AND ll.area_id = %s)
         GROUP BY 1, 2 HAVING sum(m.{basis}) > 0
    """
    return sql, [*params, cmo.pk, area.pk]


def usage_by_licence(
    cmo: CMO, area: Area, start: dt.date, end: dt.date, *, basis: str = "plays"
) -> dict[tuple[int, int], int]:
    """Like :func:`usage_weights`, per (licence, work): each licence's money follows its own use."""
    sql, params = _usage_by_licence_sql(cmo, area, start, end, basis)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(int(licence), int(work)): int(units) for licence, work, units in cursor.fetchall()}


def three_years_after(day: dt.date) -> dt.date:
    """The day three years after ``day`` (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + 3)
    except ValueError:
        return day.replace(year=day.year + 3, day=28)


def release_due(cmo: CMO, area: Area, today: dt.date) -> QuerySet[Unidentified]:
    """Money of ``cmo`` in ``area`` with no use, received three years or more before ``today`` and not yet
    released, found by an approved run: released when the general meeting has set its rule (Art. 44.5)."""
    if not ReleaseRule.objects.filter(cmo=cmo, decided_on__lte=today).exists():
        return Unidentified.objects.none()
    if (today.month, today.day) == (2, 29):
        latest = today.replace(year=today.year - 3, day=28)
    else:
        latest = today.replace(year=today.year - 3)
    if (today.month, today.day) == (2, 28) and calendar.isleap(today.year - 3):
        latest = latest.replace(day=29)  # received on 29 February: due on 28 February three years on
    return Unidentified.objects.filter(
        cmo=cmo,
        area=area,
        received_on__lte=latest,
        released_in__isnull=True,
        found_in__status=RunStatus.APPROVED,
    )


def _eligible_licences(run: Run) -> set[int]:
    weights = partitions.partition_name("distribution_runweight", run.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT rw.licence_id FROM {weights} rw JOIN registers_work wk ON wk.id = rw.work_id "
            "WHERE rw.run_id = %s AND rw.licence_id IS NOT NULL "
            "AND (wk.protection_ends_on IS NULL OR wk.protection_ends_on >= %s)",
            [run.pk, run.period_start],
        )
        return {row[0] for row in cursor.fetchall()}


def start_run(
    cmo: CMO,
    area: Area,
    start: dt.date,
    end: dt.date,
    *,
    by: Any,
    weights: Mapping[int, int] | None = None,
    costs_percent: Decimal = Decimal("0"),
    funds_percent: Decimal = Decimal("0"),
    pool_tiyn: int | None = None,
) -> Run:
    """The run of ``cmo`` for ``area`` and ``start``–``end``, calculated.

    With ``weights`` (work → use), the pool (``pool_tiyn``, or all the CMO collected for the area and period)
    is spread over them as one. Without, each licence's collections for the area and period are spread over
    that licence's own matched use (:func:`usage_by_licence`); a licence's money with no use to spread it
    over is kept by its date of receipt (:class:`~distribution.models.Unidentified`), and money kept three
    years is released into the run by the general meeting's rule (:func:`release_due`).
    """
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
        if run is None:
            run = Run(cmo=cmo, area=area, period_start=start, period_end=end, started_by=by, pool_tiyn=0)
        run.costs_percent, run.funds_percent, run.started_by = costs_percent, funds_percent, by
        run.pool_tiyn = run.costs_tiyn = run.funds_tiyn = 0
        run.save()
        with connection.cursor() as cursor:
            weights_table, attach = partitions.open_partition(cursor, "distribution_runweight", run.pk)
        RunSource.objects.filter(run=run).delete()
        Unidentified.objects.filter(found_in=run).delete()
        Unidentified.objects.filter(released_in=run).update(released_in=None)
        if weights is not None:
            pool = pool_of(cmo, area, start, end) if pool_tiyn is None else pool_tiyn
            if pool <= 0:
                raise RunError("empty_pool")
            _write_weights(
                run, weights_table, attach, ((None, work, units) for work, units in weights.items())
            )
            _count(weights_table)
            RunSource.objects.create(run=run, kind=SourceKind.GIVEN, pool_tiyn=pool)
        else:
            pool = _sources_from_usage(run, weights_table)
        run.pool_tiyn = pool
        run.save()
        if pool > 0:
            engine.calculate(run)
        if attach:
            # last, just before the commit: attaching a partition waits for another run's attaching to commit
            with connection.cursor() as cursor:
                partitions.attach(cursor, "distribution_runweight", run.pk)
        run.calculated_at = clock.now()
        run.save()
    return run


def _write_weights(run: Run, table: str, new: bool, weights: Iterable[tuple[int | None, int, int]]) -> None:
    """``weights``: (licence or none, work, use) rows, written into the run's partition ``table`` with COPY in
    its text format, many rows a write (``:d``: numbers only). A ``new`` partition, not attached yet, takes its
    ids from the partitioned table's sequence while it is written; an attached one is written through the
    partitioned table."""
    rows: list[str] = []
    with connection.cursor() as cursor:
        if new:
            ids = partitions.next_ids(cursor, "distribution_runweight")
            cursor.execute(f"ALTER TABLE {table} ALTER id SET DEFAULT nextval('{ids}'::regclass)")
        raw = cursor.cursor  # psycopg's own cursor: COPY
        target = table if new else "distribution_runweight"
        with raw.copy(f"COPY {target} (run_id, licence_id, work_id, units) FROM STDIN") as copy:
            for licence, work, units in weights:
                if units > 0:
                    given = "\\N" if licence is None else f"{licence:d}"
                    rows.append(f"{run.pk:d}\t{given}\t{work:d}\t{units:d}\n")
                    if len(rows) == 10_000:
                        copy.write("".join(rows))
                        rows.clear()
            if rows:
                copy.write("".join(rows))
        if new:
            # attached, it takes its ids from the partitioned table's identity
            cursor.execute(f"ALTER TABLE {table} ALTER id DROP DEFAULT")


def _count(table: str) -> None:
    """Count the run's use, just written into its partition ``table``, for the planner."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")


def _sources_from_usage(run: Run, table: str) -> int:
    """Write the run's use per licence (into its partition ``table``) and its sources; keep money with no use;
    return the pool."""
    cmo, area = run.cmo, run.area
    sql, params = _usage_by_licence_sql(cmo, area, run.period_start, run.period_end, "plays")
    with connection.cursor() as cursor:  # one INSERT … SELECT, whatever the number of works
        ids = partitions.next_ids(cursor, "distribution_runweight")
        cursor.execute(
            f"INSERT INTO {table} (id, run_id, licence_id, work_id, units) "
            f"SELECT nextval(%s::regclass), %s, u.licence_id, u.work_id, u.units FROM ({sql}) u",
            [ids, run.pk, *params],
        )
    _count(table)
    used = _eligible_licences(run)
    pools: dict[int, int] = {}
    kept: list[Unidentified] = []
    area_collections = [c for c in collections(cmo_id=cmo.pk) if c.area_item == area.item]
    # the period's own money, less what another run took of it already (as late money, while this period's
    # run was cancelled and not yet run again)
    received = _less_taken(
        run, run.period_start, run.period_end,
        [c for c in area_collections if run.period_start <= c.usage_start <= run.period_end], latest_first=True,
    )  # fmt: skip
    for c in received:
        if c.licence_id in used:
            pools[c.licence_id] = pools.get(c.licence_id, 0) + c.amount_tiyn
        else:
            kept.append(_kept(run, c))
    Unidentified.objects.bulk_create([k for k in _merged(kept) if k.amount_tiyn > 0])
    RunSource.objects.bulk_create(
        RunSource(run=run, kind=SourceKind.COLLECTED, licence_id=licence, pool_tiyn=amount)
        for licence, amount in sorted(pools.items())
        if amount > 0
    )
    # money collected for an earlier period after its run took that period's money: spread over this run's
    # use of the same licence (kept, by its date of receipt, when the licence has none here)
    late_pool, late_kept = 0, []
    for (start, end), rows in _late(run, area_collections).items():
        late: dict[int, int] = {}
        for c in rows:
            if c.licence_id in used:
                late[c.licence_id] = late.get(c.licence_id, 0) + c.amount_tiyn
            else:
                late_kept.append(_kept(run, c))
        RunSource.objects.bulk_create(
            RunSource(run=run, kind=SourceKind.LATE, licence_id=licence, pool_tiyn=amount, origin_start=start,
                      origin_end=end)
            for licence, amount in sorted(late.items())
            if amount > 0
        )  # fmt: skip
        late_pool += sum(amount for amount in late.values() if amount > 0)
    Unidentified.objects.bulk_create([k for k in _merged(late_kept) if k.amount_tiyn > 0])
    kept += late_kept
    released = release_due(cmo, area, clock.today())
    released_tiyn = sum(released.values_list("amount_tiyn", flat=True))
    if released_tiyn and used:
        released.update(released_in=run)
        RunSource.objects.create(run=run, kind=SourceKind.RELEASED, pool_tiyn=released_tiyn)
    else:
        released_tiyn = 0
    pool = sum(amount for amount in pools.values() if amount > 0) + released_tiyn + late_pool
    if pool <= 0 and not kept:
        raise RunError("empty_pool")
    return pool


def _kept(run: Run, c: Collection) -> Unidentified:
    return Unidentified(
        cmo=run.cmo, area=run.area, licence_id=c.licence_id, usage_start=c.usage_start, received_on=c.received_on,
        amount_tiyn=c.amount_tiyn, found_in=run,
    )  # fmt: skip


def _taken(run: Run, start: dt.date, end: dt.date, *, approved: bool = False) -> dict[int, int]:
    """Per licence, what the runs other than ``run`` (not cancelled; ``approved``: approved only) took of the
    money collected for use in ``start``–``end``: the pool of that period's own run, the late money of later
    runs, and what any of them kept for want of use."""
    taken: dict[int, int] = {}
    others = (
        Run.objects.exclude(pk=run.pk).exclude(status=RunStatus.CANCELLED).filter(cmo=run.cmo, area=run.area)
    )
    if approved:
        others = others.filter(status=RunStatus.APPROVED)
    sources = RunSource.objects.filter(run__in=others, licence__isnull=False).filter(
        Q(kind=SourceKind.COLLECTED, run__period_start=start, run__period_end=end)
        | Q(kind=SourceKind.LATE, origin_start=start, origin_end=end)
    )
    for licence, amount in sources.values_list("licence_id", "pool_tiyn"):
        taken[licence] = taken.get(licence, 0) + amount
    kept = Unidentified.objects.filter(
        found_in__in=others, licence__isnull=False, usage_start__gte=start, usage_start__lte=end
    )
    for licence, amount in kept.values_list("licence_id", "amount_tiyn"):
        taken[licence] = taken.get(licence, 0) + amount
    return taken


def _less_taken(
    run: Run,
    start: dt.date,
    end: dt.date,
    received: list[Collection],
    *,
    latest_first: bool,
    approved: bool = False,
) -> list[Collection]:
    """``received`` (collections for use in ``start``–``end``) less what other runs took of each licence's
    money (:func:`_taken`): what is left for ``run``. Taken from the earliest receipts first when the other
    runs are the period's own and earlier ones (they took what had come in by then), from the latest when
    ``run`` is the period's own run, run again (the others took what came in after it)."""
    taken = _taken(run, start, end, approved=approved)
    left: list[Collection] = []
    for c in sorted(received, key=lambda c: (c.received_on, c.usage_start), reverse=latest_first):
        take = min(taken.get(c.licence_id, 0), c.amount_tiyn)
        if take:
            taken[c.licence_id] -= take
        if c.amount_tiyn - take > 0:
            left.append(replace(c, amount_tiyn=c.amount_tiyn - take))
    return sorted(left, key=lambda c: (c.usage_start, c.received_on, c.licence_id))


def _late(
    run: Run, area_collections: list[Collection], *, approved: bool = False
) -> dict[tuple[dt.date, dt.date], list[Collection]]:
    """For each approved earlier run of the CMO and area (its pool taken per licence), the money collected for
    its period that no run (``approved``: no approved run) took yet: collected after it was calculated. A run
    whose pool was given by hand (not per licence) has none."""
    earlier = (
        Run.objects.filter(
            cmo=run.cmo, area=run.area, status=RunStatus.APPROVED, period_end__lt=run.period_start
        )
        .exclude(sources__kind=SourceKind.GIVEN)
        .order_by("period_start", "pk")
    )
    late: dict[tuple[dt.date, dt.date], list[Collection]] = {}
    for origin in earlier:
        start, end = origin.period_start, origin.period_end
        rows = _less_taken(
            run,
            start,
            end,
            [c for c in area_collections if start <= c.usage_start <= end],
            latest_first=False,
            approved=approved,
        )
        if rows:
            late[(start, end)] = rows
    return late


def late_money(
    cmo_id: int,
    area: Area,
    *,
    start: dt.date = dt.date.max,
    received: list[Collection] | None = None,
    approved: bool = False,
) -> list[Collection]:
    """The late money a run of the CMO and area from ``start`` would take (:func:`_late`), each with its date of
    receipt: collected for an earlier period after that period's run was approved, and taken by no run yet
    (``approved``: by no approved run). ``received``: the CMO's collections, when the caller has them already."""
    probe = Run(cmo_id=cmo_id, area=area, period_start=start, period_end=start)
    received = collections(cmo_id=cmo_id) if received is None else received
    area_collections = [c for c in received if c.area_item == area.item]
    return [c for rows in _late(probe, area_collections, approved=approved).values() for c in rows]


def _merged(kept: list[Unidentified]) -> list[Unidentified]:
    """One row per licence, usage period and date of receipt (collections split by accounting month)."""
    rows: dict[tuple[int, dt.date, dt.date], Unidentified] = {}
    for row in kept:
        key = (row.licence_id, row.usage_start, row.received_on)
        if key in rows:
            rows[key].amount_tiyn += row.amount_tiyn
        else:
            rows[key] = row
    return list(rows.values())


def record_release_rule(cmo: CMO, *, decided_on: dt.date, meeting_reference: str, by: Any) -> ReleaseRule:
    """The CMO's admin records the general meeting's decision on money with no use after three years."""
    from udp.accounts import roles

    if not (roles.is_cmo_admin(by) and by.cmo_id == cmo.pk):
        raise PermissionError(gettext("the CMO's admin records its general meeting's decisions"))
    if not meeting_reference.strip():
        raise ValidationError({"meeting_reference": gettext("Name the minutes of the general meeting.")})
    if decided_on > clock.today():
        raise ValidationError({"decided_on": gettext("The decision cannot be dated in the future.")})
    with transaction.atomic(), audited(by):
        rule, _created = ReleaseRule.objects.get_or_create(
            cmo=cmo, decided_on=decided_on,
            defaults={"meeting_reference": meeting_reference.strip(), "recorded_by": by},
        )  # fmt: skip
    return rule


def approve_run(run: Run, *, by: Any) -> Run:
    """Approve a calculated run: by another person than the one who started it. A run the platform started
    (:func:`distribution.schedule.scheduler_account`) is first calculated again by a member of staff, who so
    checks its deductions: two people, not one, look at the money before it moves."""
    from distribution.schedule import started_by_platform

    with transaction.atomic(), audited(by, Reason("distribution_run_approved")):
        run = Run.objects.select_for_update().select_related("started_by").get(pk=run.pk)
        if run.status != RunStatus.CALCULATED:
            raise RunError("not_awaiting_approval")
        if started_by_platform(run.started_by):
            raise RunError("platform_started")
        if run.started_by_id == getattr(by, "pk", None):
            raise RunError("same_person")
        run.status, run.approved_by, run.approved_at = RunStatus.APPROVED, by, clock.now()
        run.save(update_fields=["status", "approved_by", "approved_at"])
        post_run(run, by=by)
    return run


def route_totals(run: Run) -> list[dict[str, Any]]:
    """The run's money per route (paid, held by a conflict, kept, abroad …): payees, gross, deductions, net."""
    return [
        dict(row)
        for row in Payee.objects.filter(run=run)
        .values("route")
        .annotate(payees=Count("id"), gross=Sum("gross_tiyn"), costs=Sum("costs_tiyn"), funds=Sum("funds_tiyn"),
                  net=Sum("net_tiyn"))
        .order_by("route")
    ]  # fmt: skip


def pool_parts(run: Run) -> dict[str, int]:
    """What the run's pool is made of, in tiyn: collected for its period, collected late for an earlier one,
    released after three years, or given by hand."""
    parts = {kind.value: 0 for kind in SourceKind}
    for kind, amount in (
        RunSource.objects.filter(run=run).values_list("kind").annotate(total=Sum("pool_tiyn"))
    ):
        parts[kind] = int(amount or 0)
    return parts
