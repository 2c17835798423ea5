"""The figures behind the operator's console and the authorized body's overview, drawn as charts.

Every figure is one aggregate query over the whole table (never a query per row shown), so a page's
query count does not grow with the number of CMOs, areas, weeks or accounts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from registers.models import CMO, Area, ImportBatch, Mandate, Party, Work, WorkContributor
from registers.models.claims import Conflict, ConflictStatus, Proposal, ProposalStatus
from registers.models.contracts import MandateStatus
from registers.models.imports import ImportStatus
from udp.accounts.models import SELF_SIGNUP_ROLES, Moderation, User
from udp.core import clock
from udp.core.charts import Chart, Series, bar_chart, line_chart

WEEKS = 12
#: A week under a chart's axis: 14.09 (Kazakh, Russian), Sep 14 (English).
TICK_FORMAT = {"en": "M j"}


def week_starts(today: dt.date, weeks: int = WEEKS) -> list[dt.date]:
    """The Mondays of the last ``weeks`` weeks, this one included, oldest first."""
    monday = today - dt.timedelta(days=today.weekday())
    return [monday - dt.timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def per_week(queryset: QuerySet[Any], field: str, weeks: list[dt.date]) -> list[int]:
    """How many rows of ``queryset`` fall in each week (by ``field``, a datetime), in one query."""
    start = timezone.make_aware(dt.datetime.combine(weeks[0], dt.time.min))
    rows = (
        queryset.filter(**{f"{field}__gte": start})
        .annotate(week=TruncWeek(field, output_field=DateTimeField()))
        .order_by()
        .values("week")
        .annotate(n=Count("pk"))
    )
    counts = {timezone.localtime(row["week"]).date(): row["n"] for row in rows}
    return [counts.get(week, 0) for week in weeks]


def activity_chart(today: dt.date | None = None) -> Chart:
    """Self sign-ups and imports of works per week, over the last twelve weeks (two queries)."""
    weeks = week_starts(today or clock.today())
    signups = per_week(User.objects.filter(role__in=SELF_SIGNUP_ROLES), "date_joined", weeks)
    imports = per_week(ImportBatch.objects.all(), "created_at", weeks)
    return line_chart(
        _("Sign-ups and imports per week"),
        labels=[date_format(week, "MONTH_DAY_FORMAT") for week in weeks],
        tick_labels=[date_format(week, TICK_FORMAT.get(get_language() or "", "d.m")) for week in weeks],
        series=[Series(_("Sign-ups"), signups), Series(_("Imports of works"), imports)],
        tick_every=4,
    )


def queues_chart(today: dt.date | None = None) -> Chart:
    """What waits for someone: applications, proposals, conflicts, imports running or failed (four queries)."""
    since = timezone.make_aware(dt.datetime.combine(week_starts(today or clock.today())[0], dt.time.min))
    pending = User.objects.filter(moderation=Moderation.PENDING, role__in=SELF_SIGNUP_ROLES).count()
    proposals = Proposal.objects.filter(status=ProposalStatus.OPEN).count()
    conflicts = Conflict.objects.filter(status=ConflictStatus.OPEN).count()
    imports = ImportBatch.objects.aggregate(
        running=Count("pk", filter=Q(status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING])),
        failed=Count("pk", filter=Q(status=ImportStatus.FAILED, created_at__gte=since)),
    )
    labels = [
        _("Accounts awaiting moderation"),
        _("Proposals awaiting answers"),
        _("Open conflicts"),
        _("Imports queued or running"),
        _("Imports failed in the last 12 weeks"),
    ]
    values = [pending, proposals, conflicts, imports["running"], imports["failed"]]
    return bar_chart(_("Queues"), labels=labels, series=[Series(_("How many"), values)])


def _count(queryset: QuerySet[Any]) -> Subquery:
    """``SELECT count(*)`` of ``queryset`` as a correlated subquery (one value per outer row)."""
    return Subquery(
        queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
        output_field=IntegerField(),
    )


def cmos_with_figures() -> QuerySet[CMO]:
    """Every CMO with ``members`` and ``works``, as :func:`registers.access.member_parties` counts them
    (an active mandate to it, or entered by it) and the members' works, in one query."""
    mandate = Mandate.objects.filter(status=MandateStatus.ACTIVE, holder=OuterRef("pk"))
    members = Party.objects.filter(
        Q(registered_by_cmo=OuterRef("pk")) | Exists(mandate.filter(cmo=OuterRef(OuterRef("pk"))))
    )
    member_contributes = WorkContributor.objects.filter(work=OuterRef("pk")).filter(
        Q(party__registered_by_cmo=OuterRef(OuterRef("pk")))
        | Exists(
            Mandate.objects.filter(
                status=MandateStatus.ACTIVE,
                holder=OuterRef("party_id"),
                cmo=OuterRef(OuterRef(OuterRef("pk"))),
            )
        )
    )
    works = Work.objects.filter(Q(registered_by_cmo=OuterRef("pk")) | Exists(member_contributes))
    return CMO.objects.annotate(members=_count(members), works=_count(works)).order_by("short_name")


@dataclass
class AreaFigures:
    area: Area
    members: int
    works: int


def area_figures() -> list[AreaFigures]:
    """Per area in force: holders with an active mandate there, and their works (three queries)."""
    active = Mandate.objects.filter(status=MandateStatus.ACTIVE)
    members = dict(
        active.order_by()
        .values("area_id")
        .annotate(n=Count("holder_id", distinct=True))
        .values_list("area_id", "n")
    )
    works = dict(
        WorkContributor.objects.filter(party__mandates__status=MandateStatus.ACTIVE)
        .order_by()
        .values("party__mandates__area_id")
        .annotate(n=Count("work_id", distinct=True))
        .values_list("party__mandates__area_id", "n")
    )
    return [
        AreaFigures(area, members.get(area.pk, 0), works.get(area.pk, 0))
        for area in Area.objects.filter(in_force=True).order_by("item")
    ]


def regulator_charts(cmos: list[Any]) -> dict[str, Chart]:
    """Members and works per CMO (from ``cmos``, already counted) and per area of collective management."""
    areas = area_figures()
    per_cmo = bar_chart(
        _("Members and their works per CMO"),
        labels=[row.short_name for row in cmos],
        series=[Series(_("Holders it acts for"), [r.members for r in cmos]),
                Series(_("Their registered works"), [r.works for r in cmos])],
    )  # fmt: skip
    per_area = bar_chart(
        _("Members and their works per area of collective management"),
        labels=[str(row.area) for row in areas],
        series=[Series(_("Holders with a mandate in force"), [r.members for r in areas]),
                Series(_("Their works"), [r.works for r in areas])],
    )  # fmt: skip
    return {"per_cmo": per_cmo, "per_area": per_area}
