"""Distribution runs for the operator, under ``/operator/distribution/``: every CMO's runs, filtered by CMO,
status, area and year, with the totals of what is shown, and each run's page as its CMO's staff see it, to
read (its CMO's staff calculate and approve it). The same filters are on ``/api/distribution-runs/``."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import HttpResponse
from django.shortcuts import render

from distribution.filters import RunFilter
from distribution.models import RunStatus
from distribution.run_access import get_run_for_user, runs_visible_to
from distribution.views.runs import run_context
from registers.models import CMO, Area
from udp.accounts.decorators import AuthedRequest, operator_required


@operator_required
def runs(request: AuthedRequest) -> HttpResponse:
    chosen = RunFilter(
        request.GET, queryset=runs_visible_to(request.user).order_by("-period_start", "cmo__short_name", "area__item", "-pk")
    )  # fmt: skip
    rows = chosen.qs if chosen.is_valid() else runs_visible_to(request.user).none()
    totals = rows.aggregate(
        runs=Count("pk"),
        awaiting=Count("pk", filter=Q(status=RunStatus.CALCULATED)),
        pool=Sum("pool_tiyn", filter=Q(status=RunStatus.APPROVED)),
        deducted=Sum("costs_tiyn", filter=Q(status=RunStatus.APPROVED)),
        funds=Sum("funds_tiyn", filter=Q(status=RunStatus.APPROVED)),
    )
    totals["deducted"] = (totals["deducted"] or 0) + (totals.pop("funds") or 0)
    context = {
        "page": Paginator(rows, 25).get_page(request.GET.get("page")),
        "search": chosen,
        "totals": totals,
        "cmos": CMO.objects.order_by("short_name"),
        "areas": Area.objects.order_by("item"),
        "statuses": RunStatus.choices,
    }
    return render(request, "distribution/runs/operator_list.html", context)


@operator_required
def run_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    run = get_run_for_user(request.user, pk)
    return render(request, "distribution/runs/detail.html", run_context(request, run))
