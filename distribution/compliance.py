"""The platform's checks that distributions happen on time and deductions stay under the cap, each breach a
flag with its evidence (:class:`~distribution.models.ComplianceFlag`), listed with the CMO's other missed
deadlines (:func:`accreditation.publishing.flags`: its dashboard, the authorized body's workspace, the
evidence for revoking on ground 5, Art. 46 duties).

- **Quarterly** (Art. 46.1 (3), A46.1.3-quarterly: "distribute and at least once a quarter pay the collected
  amounts … to Kazakhstani owners"). For each quarter a CMO collected money for, in an area, an approved run
  covering that quarter's use is due by the **last day of the following quarter**: the law asks for a payment
  in every quarter, so the money of one quarter must be out before the next one ends (a run needs the
  quarter's usage reports, due after it ends). Checked once that day has passed; a run approved later marks
  the flag done on its day of approval, late.
- **Annual for foreign societies** (Art. 46.1 (3), A46.1.3-annual-foreign: money for rights that came in
  through reciprocal agreements paid to the societies "at least once a year"). For each year whose approved
  runs owe money to foreign societies, a CMO's approved annual run for that year is due by **30 June** of the
  year after: it starts on 1 April (:data:`distribution.foreign.FOREIGN_RUN_FROM`), once the fourth quarter
  is distributed, and a quarter is left for its rates and approval.
- **Late money** (Art. 46.1 (3), A46.1.3-quarterly): money collected for a period after that period's run was
  approved (an old invoice paid late) goes into the next run of the CMO and area
  (:func:`distribution.runs.late_money`); what was received in a quarter is due in an approved run by the
  **last day of the following quarter**, as the quarter's own money is. The flag is done on the day a check
  finds it taken.
- **Yearly** (Art. 46.1 (2), A46.1.2-cap20: costs and special funds "shall not exceed twenty percent of the
  total amount of remuneration collected"). For each ended year, a CMO's deductions over all its approved
  runs of that year's use (costs and special funds) against what it collected for that year's use. Each run
  is capped by the database, but runs over the same money (a month and its quarter, a pool given by hand)
  can pass the cap together.

:func:`check` runs them all (the Celery beat task ``distribution.check_compliance``, daily: idempotent, so a missed
day or a moved clock is caught up); it writes a flag once per CMO, area, breach and period, and brings its
evidence up to date while the breach lasts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from distribution.models import (
    Breach,
    ComplianceFlag,
    ForeignRun,
    ForeignRunStatus,
    Payee,
    Route,
    Run,
    RunStatus,
)
from distribution.quarters import quarter_of
from licensing.collections import collections
from registers.models import Area
from udp.audit import audited
from udp.core import clock
from udp.core.params import Localized, localized
from udp.money import from_tiyn

#: The cap of Art. 46.1 (2): deductions at most a fifth of what was collected.
CAP_PERCENT = Decimal(20)


def quarter_deadline(quarter_end: dt.date) -> dt.date:
    """The day by which a quarter's money must be distributed: the last day of the following quarter."""
    return quarter_of(quarter_end + dt.timedelta(days=1))[1]


def _approved_on(run: Run) -> dt.date:
    assert run.approved_at is not None
    return timezone.localdate(run.approved_at)


def _save(cmo_id: int, area_id: int | None, code: str, start: dt.date, end: dt.date, due: dt.date,
          done: dt.date | None, evidence: dict[str, Any], day: dt.date) -> bool:  # fmt: skip
    """Write or bring up to date the flag; True when it is new."""
    key: dict[str, Any] = {"cmo_id": cmo_id, "area_id": area_id, "code": code, "period_start": start}
    _, created = ComplianceFlag.objects.update_or_create(
        **key,
        defaults={"period_end": end, "due_on": due, "done_on": done, "evidence": evidence},
        create_defaults={"period_end": end, "due_on": due, "done_on": done, "evidence": evidence, "found_on": day},
    )  # fmt: skip
    return created


def check_quarters(day: dt.date) -> int:
    """Flag each CMO and area whose collected money of a quarter had no approved run by its deadline."""
    areas = {area.item: area.pk for area in Area.objects.all()}
    collected: dict[tuple[int, int, dt.date], int] = defaultdict(int)
    for row in collections():
        start, end = quarter_of(row.usage_start)
        if quarter_deadline(end) < day and row.area_item in areas:
            collected[(row.cmo_id, areas[row.area_item], start)] += int(row.amount_tiyn)
    runs: dict[tuple[int, int], list[Run]] = defaultdict(list)
    for run in Run.objects.exclude(status=RunStatus.CANCELLED).order_by("pk"):
        runs[(run.cmo_id, run.area_id)].append(run)
    found = 0
    for (cmo_id, area_id, start), amount in sorted(collected.items()):
        end = quarter_of(start)[1]
        due = quarter_deadline(end)
        covering = [r for r in runs[(cmo_id, area_id)] if r.period_start <= end and r.period_end >= start]
        approved = sorted(_approved_on(r) for r in covering if r.status == RunStatus.APPROVED)
        if amount <= 0 or (approved and approved[0] <= due):
            continue
        evidence = {
            "collected_tiyn": amount,
            "approved_runs": [r.pk for r in covering if r.status == RunStatus.APPROVED],
            "waiting_runs": [r.pk for r in covering if r.status == RunStatus.CALCULATED],
        }
        done = approved[0] if approved else None
        found += _save(cmo_id, area_id, Breach.QUARTERLY_RUN_MISSING, start, end, due, done, evidence, day)
    return found


def check_years(day: dt.date) -> int:
    """Flag each CMO whose deductions over its approved runs of an ended year passed a fifth of what it
    collected for that year."""
    collected: dict[tuple[int, int], int] = defaultdict(int)
    for row in collections():
        if row.usage_start.year < day.year:
            collected[(row.cmo_id, row.usage_start.year)] += int(row.amount_tiyn)
    deducted: dict[tuple[int, int], list[Run]] = defaultdict(list)
    for run in Run.objects.filter(status=RunStatus.APPROVED, period_start__year__lt=day.year).order_by("pk"):
        deducted[(run.cmo_id, run.period_start.year)].append(run)
    found = 0
    for (cmo_id, year), year_runs in sorted(deducted.items()):
        costs = sum(r.costs_tiyn for r in year_runs)
        funds = sum(r.funds_tiyn for r in year_runs)
        total = collected.get((cmo_id, year), 0)
        if (costs + funds) * 100 <= total * CAP_PERCENT:
            continue
        percent = Decimal(100 * (costs + funds)) / total if total > 0 else None
        evidence = {
            "collected_tiyn": total, "costs_tiyn": costs, "funds_tiyn": funds,
            "percent": f"{percent:.2f}" if percent is not None else None, "runs": [r.pk for r in year_runs],
        }  # fmt: skip
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        found += _save(cmo_id, None, Breach.DEDUCTIONS_OVER_CAP, first, last, last, None, evidence, day)
    return found


def foreign_deadline(year: int) -> dt.date:
    """The day by which a year's money for foreign societies must be in an approved annual run."""
    return dt.date(year + 1, 6, 30)


def check_foreign_years(day: dt.date) -> int:
    """Flag each CMO whose approved runs of a year owe money to foreign societies and that had no approved
    annual run for that year by its deadline."""
    owed: dict[tuple[int, int], int] = defaultdict(int)
    rows = (
        Payee.objects.filter(run__status=RunStatus.APPROVED, route=Route.FOREIGN, society__isnull=False)
        .values_list("run__cmo_id", "run__period_end__year")
        .annotate(net=Sum("net_tiyn"))
    )
    for cmo_id, year, net in rows:
        if foreign_deadline(year) < day and net:
            owed[(cmo_id, year)] += int(net)
    found = 0
    for (cmo_id, year), amount in sorted(owed.items()):
        run = ForeignRun.objects.filter(cmo_id=cmo_id, year=year).first()
        approved = (
            timezone.localdate(run.approved_at)
            if run is not None and run.status == ForeignRunStatus.APPROVED and run.approved_at
            else None
        )
        due = foreign_deadline(year)
        if approved is not None and approved <= due:
            continue
        evidence = {
            "owed_tiyn": amount,
            "waiting_run": run.pk if run is not None and approved is None else None,
        }
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        found += _save(cmo_id, None, Breach.FOREIGN_RUN_MISSING, first, last, due, approved, evidence, day)
    return found


def check_late(day: dt.date) -> int:
    """Flag each CMO and area with money collected for a period after that period's run was approved (a late
    payment of an old invoice), received in a quarter, that no approved run took by the end of the following
    quarter; mark done, on ``day``, an open flag whose money an approved run has taken since."""
    from distribution.runs import late_money

    areas = Area.objects.in_bulk()
    pairs = (
        Run.objects.filter(status=RunStatus.APPROVED, period_end__lt=day)
        .values_list("cmo_id", "area_id")
        .distinct()
    )
    received: dict[int, list[Any]] = {}
    waiting: dict[tuple[int, int, dt.date], dict[str, Any]] = {}
    for cmo_id, area_id in sorted(set(pairs)):
        if cmo_id not in received:
            received[cmo_id] = collections(cmo_id=cmo_id)
        for row in late_money(cmo_id, areas[area_id], received=received[cmo_id], approved=True):
            start, end = quarter_of(row.received_on)
            if quarter_deadline(end) >= day:
                continue
            entry = waiting.setdefault((cmo_id, area_id, start), {"late_tiyn": 0, "licences": set()})
            entry["late_tiyn"] += int(row.amount_tiyn)
            entry["licences"].add(row.licence_id)
    found = 0
    for (cmo_id, area_id, start), entry in sorted(waiting.items()):
        end = quarter_of(start)[1]
        evidence = {"late_tiyn": entry["late_tiyn"], "licences": sorted(entry["licences"])}
        found += _save(cmo_id, area_id, Breach.LATE_MONEY_WAITING, start, end, quarter_deadline(end), None,
                       evidence, day)  # fmt: skip
    for flag in ComplianceFlag.objects.filter(code=Breach.LATE_MONEY_WAITING, done_on__isnull=True):
        if (flag.cmo_id, flag.area_id, flag.period_start) not in waiting:
            flag.done_on = day
            flag.save(update_fields=["done_on"])
    return found


def check(day: dt.date | None = None) -> dict[str, int]:
    """The four checks as of ``day`` (today): the number of new flags of each."""
    day = day or clock.today()
    with transaction.atomic(), audited(None):
        return {
            "quarterly": check_quarters(day), "cap20": check_years(day), "foreign": check_foreign_years(day),
            "late": check_late(day),
        }  # fmt: skip


# --- as the CMO's missed deadlines (accreditation.publishing) ------------------------------------------


def _money(tiyn: Any) -> str:
    """Tenge as the reader's language writes an amount (30 000,00 in Kazakh and Russian, 30,000.00 in English)."""
    return str(localized(f"{from_tiyn(int(tiyn or 0)):.2f}"))


def _quarterly_text(params: dict[str, Any]) -> str:
    return _(
        "The %(collected)s tenge collected for use in %(start)s – %(end)s (area %(area)s) were not distributed "
        "by an approved run by the end of the following quarter (Art. 46.1 (3))"
    ) % Localized({**params, "collected": _money(params.get("collected_tiyn"))})


def _cap_text(params: dict[str, Any]) -> str:
    return _(
        "Deductions of the runs for %(year)s: %(costs)s tenge for costs and %(funds)s tenge for special funds, "
        "%(percent)s %% of the %(collected)s tenge collected: above 20 %% (Art. 46.1 (2))"
    ) % Localized(
        {
            **params,
            "costs": _money(params.get("costs_tiyn")),
            "funds": _money(params.get("funds_tiyn")),
            "collected": _money(params.get("collected_tiyn")),
            "percent": params.get("percent") or "—",
        }
    )


def _foreign_text(params: dict[str, Any]) -> str:
    return _(
        "The %(owed)s tenge owed to foreign societies by the runs of %(year)s were not in an approved annual run "
        "for them by 30 June of the year after (Art. 46.1 (3))"
    ) % Localized({**params, "owed": _money(params.get("owed_tiyn"))})


def _late_text(params: dict[str, Any]) -> str:
    return _(
        "The %(late)s tenge received in %(start)s – %(end)s (area %(area)s) for periods whose runs were approved "
        "before were not distributed by an approved run by the end of the following quarter (Art. 46.1 (3))"
    ) % Localized({**params, "late": _money(params.get("late_tiyn"))})


TEXTS: dict[str, Callable[[dict[str, Any]], str]] = {
    Breach.QUARTERLY_RUN_MISSING.value: _quarterly_text,
    Breach.DEDUCTIONS_OVER_CAP.value: _cap_text,
    Breach.FOREIGN_RUN_MISSING.value: _foreign_text,
    Breach.LATE_MONEY_WAITING.value: _late_text,
}


def publishing_flags(cmo_ids: list[int] | None, day: dt.date) -> list[Any]:
    """The flags found up to ``day``, as :class:`accreditation.publishing.Flag` rows."""
    from accreditation.publishing import Flag

    rows = ComplianceFlag.objects.select_related("cmo", "area").filter(found_on__lte=day).order_by("pk")
    if cmo_ids is not None:
        rows = rows.filter(cmo_id__in=cmo_ids)
    flags = []
    for row in rows:
        link, action = _action(row)
        params = {
            **row.evidence,
            "start": row.period_start.isoformat(),
            "end": row.period_end.isoformat(),
            "year": row.period_start.year,
            "area": row.area.item if row.area else "",
        }
        flags.append(
            Flag(row.cmo_id, row.cmo.short_name, row.code, row.due_on, row.done_on, link, params, action)
        )
    return flags


def _action(row: ComplianceFlag) -> tuple[str, str]:
    """Where the CMO's staff put a quarter not distributed right (the link and what it says): the run waiting
    for a second person's approval, or the run to start, its area and quarter chosen. Nothing for the
    deductions of a year, which no step of the platform undoes."""
    if row.code == Breach.FOREIGN_RUN_MISSING and row.done_on is None:
        waiting_run = row.evidence.get("waiting_run")
        if waiting_run:
            return reverse("distribution_cmo:foreign_run", args=[waiting_run]), _("Approve the waiting run")
        return reverse("distribution_cmo:foreign_runs"), _("Start the year's run for foreign societies")
    if row.code == Breach.LATE_MONEY_WAITING and row.done_on is None:
        return reverse("distribution_cmo:runs"), _("Run the last quarter: it takes the late money")
    if row.code != Breach.QUARTERLY_RUN_MISSING or row.done_on is not None or row.area_id is None:
        return "", ""
    waiting = row.evidence.get("waiting_runs") or []
    if waiting:
        return reverse("distribution_cmo:run", args=[max(waiting)]), _("Approve the waiting run")
    number = (row.period_start.month - 1) // 3 + 1
    query = urlencode({"area": row.area_id, "quarter": f"{row.period_start.year}-{number}"})
    return f"{reverse('distribution_cmo:run_start')}?{query}", _("Start the quarter's run")


def register() -> None:
    """List the flags with the CMO's missed deadlines, and as evidence for revocation on ground 5."""
    from accreditation import evidence, publishing

    publishing.add_flag_source(publishing_flags, TEXTS)
    for code, text in TEXTS.items():
        evidence.describe_with(f"publication_{code}", _evidence_describer(text))


def _evidence_describer(text: Callable[[dict[str, Any]], str]) -> Callable[[dict[str, Any]], str]:
    def describe(params: dict[str, Any]) -> str:
        return f"{text(params)} ({localized(params.get('due', ''))} / {localized(params.get('done') or '—')})"

    return describe
