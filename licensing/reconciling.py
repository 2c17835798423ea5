"""Reconciliation of monitoring against the user's own report, per licence and report period.

For each recording: plays detected by the providers' counters, plays the user reported, the difference.
The user confirms or disputes each difference (with a reason). A recording detected at least
:data:`FLAG_MIN_PLAYS` plays and :data:`FLAG_MIN_PERCENT` % more than reported is under-reported: a flag the
CMO and the authorized body see with its evidence, the lines.

The reported plays come from :func:`reported_plays`, the one place that reads the usage lines, so this
module does not depend on how they are stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from licensing.models import (
    Detection,
    Licence,
    LineAnswer,
    MonitoredSite,
    Reconciliation,
    ReconciliationLine,
    ReconciliationStatus,
    ReportDue,
)
from udp.accounts.models import Moderation, User
from udp.accounts.roles import Actor
from udp.audit import Reason, audited
from udp.core import clock
from udp.notices.actions import notify

FLAG_MIN_PLAYS = 5
FLAG_MIN_PERCENT = 10


#: Where the usage lines may live (the partitioned table, or the name it was first given), first found wins.
USAGE_TABLES = ("licensing_usage_line", "licensing_usageline")
#: The statuses of a report whose lines count (a report replaced by a correction, or a duplicate, does not).
COUNTED_REPORTS = ("accepted", "partial")


def _exists(cursor: CursorWrapper, table: str) -> bool:
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
    row = cursor.fetchone()
    return bool(row and row[0])


def reported_plays(licence: Licence, period_start: dt.date, period_end: dt.date) -> dict[str, int]:
    """Plays per ISRC the user reported for the period: the usage lines (a table partitioned by month) of
    its counted reports, or nothing while that table does not exist."""
    with connection.cursor() as cursor:
        table = next((t for t in USAGE_TABLES if _exists(cursor, t)), None)
        if table is None:
            return {}
        where = ""
        params: dict[str, Any] = {"licence": licence.pk, "start": period_start, "end": period_end}
        if _exists(cursor, "licensing_usagereport"):
            # a licence's lines are those of its counted reports; a month's lines are split by report, so the
            # reports named as a value read only their parts of each month
            cursor.execute(
                "SELECT id FROM licensing_usagereport WHERE licence_id = %s AND status = ANY(%s)",
                [licence.pk, list(COUNTED_REPORTS)],
            )
            params["reports"] = [row[0] for row in cursor.fetchall()]
            where = " AND l.report_id = ANY(%(reports)s)"
        cursor.execute(
            f"""
            SELECT l.isrc, SUM(l.plays) FROM {table} l
             WHERE l.licence_id = %(licence)s AND l.period >= date_trunc('month', %(start)s::date)::date
               AND l.period <= %(end)s AND l.isrc IS NOT NULL AND l.isrc <> ''{where}
             GROUP BY l.isrc
            """,
            params,
        )
        return {isrc: int(plays or 0) for isrc, plays in cursor.fetchall()}


def detected_plays(licence: Licence, period_start: dt.date, period_end: dt.date) -> dict[str, int]:
    rows = (
        Detection.objects.filter(licence=licence, detected_at__date__range=(period_start, period_end))
        .values("isrc")
        .annotate(n=Count("pk"))
    )
    return {r["isrc"]: r["n"] for r in rows}


def is_under_report(detected: int, reported: int) -> bool:
    difference = detected - reported
    return difference >= FLAG_MIN_PLAYS and difference * 100 >= FLAG_MIN_PERCENT * reported


@dataclass(frozen=True)
class Figures:
    isrc: str
    detected: int
    reported: int

    @property
    def difference(self) -> int:
        return self.detected - self.reported


def compare(detected: Mapping[str, int], reported: Mapping[str, int]) -> list[Figures]:
    """Every recording either side names, detected against reported."""
    return [
        Figures(isrc, detected.get(isrc, 0), reported.get(isrc, 0)) for isrc in sorted({*detected, *reported})
    ]


def _notify_accounts(accounts: Iterable[User], code: str, params: dict[str, object], link: str) -> None:
    for account in accounts:
        notify(account, code, params, link=link)


def reconcile(
    licence: Licence, period_start: dt.date, period_end: dt.date, *, by: Actor | None = None
) -> Reconciliation:
    """Compute (or compute again, while the user has answered nothing) the period's reconciliation.
    Idempotent: once the user has answered a line, the reconciliation stays as answered."""
    reason = Reason("monitoring_reconciled", period=f"{period_start.isoformat()}–{period_end.isoformat()}")
    with audited(by, reason):
        row, created = Reconciliation.objects.select_for_update().get_or_create(
            licence=licence, period_start=period_start,
            defaults={"period_end": period_end, "computed_at": clock.now()},
        )  # fmt: skip
        if not created and row.lines.exclude(answer=LineAnswer.PENDING).exists():
            return row
        was_flagged = row.flagged
        figures = compare(
            detected_plays(licence, period_start, period_end),
            reported_plays(licence, period_start, period_end),
        )
        row.lines.all().delete()
        ReconciliationLine.objects.bulk_create(
            ReconciliationLine(
                reconciliation=row, isrc=f.isrc, detected=f.detected, reported=f.reported, difference=f.difference,
                flagged=is_under_report(f.detected, f.reported),
            )
            for f in figures
        )  # fmt: skip
        row.period_end = period_end
        row.computed_at = clock.now()
        row.detected = sum(f.detected for f in figures)
        row.reported = sum(f.reported for f in figures)
        row.recordings = len(figures)
        row.differing = sum(1 for f in figures if f.difference)
        row.flagged = any(is_under_report(f.detected, f.reported) for f in figures)
        row.status = ReconciliationStatus.OPEN if row.differing else ReconciliationStatus.CONFIRMED
        row.save()
        params: dict[str, object] = {
            "licence": licence.contract.number, "period_from": period_start.isoformat(),
            "period_to": period_end.isoformat(), "detected": row.detected, "reported": row.reported,
        }  # fmt: skip
        if created and row.differing:
            _notify_accounts(
                User.objects.filter(licensee_id=licence.licensee_id, is_active=True, moderation=Moderation.APPROVED),
                "reconciliation_ready", params, reverse("monitoring_space:detail", args=[row.pk]),
            )  # fmt: skip
        if row.flagged and not was_flagged:
            _notify_accounts(
                User.objects.filter(cmo_id=licence.cmo_id, is_active=True, moderation=Moderation.APPROVED),
                "reconciliation_flagged", params, reverse("monitoring_cmo:detail", args=[row.pk]),
            )  # fmt: skip
    return row


def answer_line(line: ReconciliationLine, *, by: User, confirm: bool, reason: str = "") -> ReconciliationLine:
    """The user confirms a difference, or disputes it with a reason; the reconciliation is confirmed once
    every difference is confirmed, disputed once every difference is answered and one is disputed."""
    if not (by.is_licensee and by.licensee_id == line.reconciliation.licence.licensee_id):
        raise PermissionError(_("only the user's own accounts answer a reconciliation"))
    if not confirm and not reason.strip():
        raise ValidationError({"reason": _("Say why you dispute this figure.")})
    if line.difference == 0:
        raise ValidationError(_("Nothing differs on this line."))
    with audited(by, reason.strip() or None):
        row = Reconciliation.objects.select_for_update().get(pk=line.reconciliation_id)
        locked = ReconciliationLine.objects.select_for_update().get(pk=line.pk)
        locked.answer = LineAnswer.CONFIRMED if confirm else LineAnswer.DISPUTED
        locked.reason = "" if confirm else reason.strip()
        locked.answered_by = by
        locked.answered_at = clock.now()
        locked.save(update_fields=["answer", "reason", "answered_by", "answered_at"])
        differing = row.lines.exclude(difference=0)
        if not differing.filter(answer=LineAnswer.PENDING).exists():
            disputed = differing.filter(answer=LineAnswer.DISPUTED).exists()
            row.status = ReconciliationStatus.DISPUTED if disputed else ReconciliationStatus.CONFIRMED
            row.save(update_fields=["status"])
    return locked


def reconcile_closed_periods(today: dt.date | None = None) -> int:
    """Every closed report period of a monitored licence without a reconciliation yet: reconciled once."""
    today = today or clock.today()
    done_already = Reconciliation.objects.filter(
        licence_id=OuterRef("licence_id"), period_start=OuterRef("period_start")
    )
    due = (
        ReportDue.objects.filter(period_end__lt=today)
        .filter(Exists(MonitoredSite.objects.filter(licence_id=OuterRef("licence_id"))))
        .exclude(Exists(done_already))
        .select_related("licence__contract")
        .order_by("period_start", "pk")
    )
    done = 0
    for period in due:
        reconcile(period.licence, period.period_start, period.period_end)
        done += 1
    return done
