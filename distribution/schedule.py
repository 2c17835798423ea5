"""What Celery beat starts on its own: after a quarter ends, the domestic run of each CMO for each area it
collected for (Art. 46.1 (3): Kazakhstani holders paid at least once a quarter), left calculated for the
CMO's staff to approve (a second person always approves; the platform never does).

- :func:`~distribution.quarters.quarter_of` and :func:`~distribution.quarters.last_ended_quarter` — calendar
  quarters (usage periods of runs).
- :func:`collecting` — the CMOs and areas that collected money for usage in a period
  (:func:`licensing.collections.collections`).
- :func:`releasing` — the CMOs and areas with money kept for want of use that is due for release (Art. 44.5:
  three years after its receipt, by the general meeting's rule).
- :func:`late` — the CMOs and areas with money collected for an earlier period after its run, not yet
  taken by a later run.
- :func:`start_quarterly_runs` — for the last ended quarter, one run request per CMO and area that collected
  for it, has kept money due for release or late money waiting, and has no run of that quarter yet
  (:func:`distribution.calculating.queue_request`: the run page shows
  it calculating, then calculated or why not, as for a request of the staff); idempotent (a run already there,
  calculated or approved, or a request the platform made already, is left as it is), so the daily beat entry
  catches up after a missed day or a moved clock.

Runs the platform starts are started by :func:`scheduler_account`, an account nobody can sign in with. Their
deductions are those of the CMO's last approved run for the area (none before the first), so nobody approves
one as it is (:func:`started_by_platform`): a member of staff calculates it again, checking the deductions,
and another approves it, as for any run (two people look at the money before it moves).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from distribution.models import Run, RunRequest, RunStatus
from distribution.quarters import last_ended_quarter
from licensing.collections import collections
from registers.models import CMO, Area
from udp.accounts.models import Role, User
from udp.core import clock

#: The account that starts the runs Celery beat starts (inactive, no password: nobody signs in with it).
SCHEDULER_EMAIL = "distribution-scheduler@udp.invalid"


def collecting(start: dt.date, end: dt.date, *, cmo_id: int | None = None) -> dict[tuple[int, int], int]:
    """(CMO, area item) → what it collected for usage in ``start``–``end``, in tiyn (received so far)."""
    totals: dict[tuple[int, int], int] = {}
    for row in collections(cmo_id=cmo_id):
        if start <= row.usage_start <= end:
            key = (row.cmo_id, row.area_item)
            totals[key] = totals.get(key, 0) + int(row.amount_tiyn)
    return {key: amount for key, amount in totals.items() if amount > 0}


def releasing(day: dt.date) -> set[tuple[int, int]]:
    """(CMO, area item) with money kept for want of use that is due for release on ``day`` (three years after
    its receipt, under a rule of the CMO's general meeting; :func:`distribution.runs.release_due`): the
    quarter's run releases it over the quarter's use even when the CMO collected nothing for the quarter."""
    from distribution.models import Unidentified
    from distribution.runs import release_due

    pairs = (
        Unidentified.objects.filter(released_in__isnull=True, found_in__status=RunStatus.APPROVED)
        .values_list("cmo_id", "area_id")
        .distinct()
    )
    cmos: dict[int, CMO] = {}
    areas = Area.objects.in_bulk()
    due: set[tuple[int, int]] = set()
    for cmo_id, area_id in pairs:
        cmo = cmos.setdefault(cmo_id, CMO.objects.get(pk=cmo_id))
        if release_due(cmo, areas[area_id], day).exists():
            due.add((cmo_id, areas[area_id].item))
    return due


def late(start: dt.date, end: dt.date) -> set[tuple[int, int]]:
    """(CMO, area item) with money collected for an earlier period after that period's run was approved, that
    no run has taken yet (:func:`distribution.runs.late_money`): the run of ``start``–``end`` takes it as late
    money even when the CMO collected nothing for that quarter (a licensee paying the last quarter's invoices
    late, and not yet this quarter's)."""
    from distribution.models import SourceKind
    from distribution.runs import late_money

    pairs = (
        Run.objects.filter(status=RunStatus.APPROVED, period_end__lt=start)
        .exclude(sources__kind=SourceKind.GIVEN)
        .values_list("cmo_id", "area_id")
        .distinct()
    )
    areas = Area.objects.in_bulk()
    received: dict[int, list[Any]] = {}
    due: set[tuple[int, int]] = set()
    for cmo_id, area_id in pairs:
        if cmo_id not in received:
            received[cmo_id] = collections(cmo_id=cmo_id)
        if late_money(cmo_id, areas[area_id], start=start, received=received[cmo_id]):
            due.add((cmo_id, areas[area_id].item))
    return due


def started_by_platform(user: Any) -> bool:
    """Whether a run was started (last calculated) by the platform's scheduler, not by a person."""
    return getattr(user, "email", None) == SCHEDULER_EMAIL


def scheduler_account() -> User:
    user, _ = User.objects.get_or_create(
        email=SCHEDULER_EMAIL, defaults={"role": Role.OPERATOR, "is_active": False}
    )
    if user.has_usable_password():
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def deductions_of(cmo_id: int, area_id: int) -> tuple[Decimal, Decimal]:
    """The costs and special funds percentages of the CMO's last approved run for the area (0 and 0)."""
    last = (
        Run.objects.filter(cmo_id=cmo_id, area_id=area_id, status=RunStatus.APPROVED)
        .order_by("-period_end", "-pk")
        .values_list("costs_percent", "funds_percent")
        .first()
    )
    return last if last is not None else (Decimal("0"), Decimal("0"))


def start_quarterly_runs(day: dt.date | None = None) -> int:
    """Send one run task per CMO and area that collected for the last ended quarter, has money due for release
    or late money waiting (:func:`releasing`, :func:`late`), and has no run of it.
    Returns the number of tasks sent."""
    from distribution.calculating import queue_request

    day = day or clock.today()
    start, end = last_ended_quarter(day)
    areas = {area.item: area for area in Area.objects.all()}
    by = scheduler_account()
    existing = set(
        Run.objects.filter(period_start=start, period_end=end)
        .exclude(status=RunStatus.CANCELLED)
        .values_list("cmo_id", "area_id")
    )
    # asked once: a request of the platform's that could not be calculated is left for the CMO's staff to see
    # on the run page and ask again, not asked again every day
    existing |= set(
        RunRequest.objects.filter(period_start=start, period_end=end, requested_by=by).values_list(
            "cmo_id", "area_id"
        )
    )
    due = sorted(
        (cmo_id, areas[item].pk)
        for cmo_id, item in set(collecting(start, end)) | releasing(day) | late(start, end)
        if item in areas and (cmo_id, areas[item].pk) not in existing
    )
    cmos = CMO.objects.in_bulk([cmo_id for cmo_id, _area in due])
    by_pk = {area.pk: area for area in areas.values()}
    for cmo_id, area_id in due:
        costs, funds = deductions_of(cmo_id, area_id)
        queue_request(
            cmos[cmo_id], by_pk[area_id], start, end, costs_percent=costs, funds_percent=funds, by=by
        )
    return len(due)
