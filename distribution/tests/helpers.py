"""Usage for the matching tests: a report of a licence and its lines, written as the ingest writes them
(straight into ``licensing_usage_line``), and works registered through the registers' own action."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import connection

from licensing.models import Licence, UsageReport
from registers.models import EmbodiedWork, Work
from tests import factories as f

JANUARY = dt.date(2026, 1, 1)
FEBRUARY = dt.date(2026, 2, 1)


def report(
    licence: Licence, *, status: str = "accepted", period: dt.date = JANUARY, **fields: Any
) -> UsageReport:
    return UsageReport.objects.create(
        licence=licence, period_start=period, period_end=period + dt.timedelta(days=27), format="csv",
        file=f"usage/test-{f.next_serial()}.csv", sha256="0" * 64, policy="keep_good", status=status,
        submitted_by=licence.created_by, **fields,
    )  # fmt: skip


def lines(usage: UsageReport, rows: Sequence[dict[str, Any]], *, period: dt.date = JANUARY) -> None:
    """Each row: isrc, iswc, title, artist, plays, duration_s, played_at (missing ones blank)."""
    with connection.cursor() as cursor:
        for n, row in enumerate(rows, start=1):
            cursor.execute(
                "INSERT INTO licensing_usage_line (report_id, licence_id, period, line_no, played_at, isrc, "
                "iswc, title, artist, plays, duration_s, source_ref) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, '')",
                [usage.pk, usage.licence_id, period, n, row.get("played_at"), row.get("isrc", ""), row.get("iswc", ""),
                 row.get("title", ""), row.get("artist", ""), row.get("plays", 1), row.get("duration_s")],
            )  # fmt: skip


def recording(
    personas: Any, title: str, *, performer: Any = None, isrc: str | None = None, by: Any = None
) -> Work:
    return f.make_work(
        by or personas.holder, (performer or personas.holder_party, "PER", {"RR": Decimal("100")}),
        title=title, kind="recording", isrc=isrc,
    )  # fmt: skip


def song(personas: Any, title: str, *, writer: Any = None, iswc: str | None = None) -> Work:
    return f.make_work(
        personas.holder,
        (writer or personas.holder_party, "CA", {"PR": Decimal("100")}),
        title=title,
        iswc=iswc,
    )


def embody(rec: Work, work: Work) -> None:
    EmbodiedWork.objects.create(recording=rec, work=work)
