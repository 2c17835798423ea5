"""Distribution runs for a CMO's staff, under ``/cmo/distribution/runs/``: the list, starting a quarter's run,
following its calculation, the run with its deductions, payees and works, recalculating while it awaits
approval, and approval by another member of staff (Art. 44.5, 46.1 (2))."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from distribution import calculating
from distribution.actions import run_error_message
from distribution.forms import DeductionsForm, RunForm
from distribution.models import Allocation, RequestStatus, Route, Run, Statement
from distribution.run_access import (
    get_request_for_user,
    get_run_for_user,
    payees_of,
    requests_visible_to,
    runs_editable_by,
    runs_visible_to,
)
from distribution.runs import pool_parts, route_totals
from distribution.schedule import started_by_platform
from udp.accounts import roles
from udp.accounts.decorators import AuthedRequest, role_required
from udp.core import clock

staff_required = role_required("is_cmo_staff")


@staff_required
def runs(request: AuthedRequest) -> HttpResponse:
    page = Paginator(
        runs_visible_to(request.user).order_by("-period_start", "area__item", "-pk"), 25
    ).get_page(request.GET.get("page"))
    pending = requests_visible_to(request.user).filter(
        status__in=[RequestStatus.QUEUED, RequestStatus.CALCULATING]
    )
    return render(request, "distribution/runs/list.html", {"page": page, "pending": pending.order_by("-pk")})


@staff_required
def start(request: AuthedRequest) -> HttpResponse:
    cmo = request.user.cmo
    assert cmo is not None
    areas = calculating.areas_of(cmo)
    # a link may choose the area and quarter (a missed quarter's flag does)
    chosen = {name: request.GET[name] for name in ("area", "quarter") if request.GET.get(name)}
    form = RunForm(request.POST or None, areas=areas, today=clock.today(), initial=chosen)
    if request.method == "POST" and form.is_valid():
        begin, end = form.period()
        try:
            asked = calculating.request_run(
                cmo, form.cleaned_data["area"], begin, end, costs_percent=form.cleaned_data["costs_percent"],
                funds_percent=form.cleaned_data["funds_percent"], by=request.user,
            )  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("distribution_cmo:run_request", asked.pk)
    return render(
        request, "distribution/runs/start.html", {"form": form, "areas": areas},
        status=400 if form.errors else 200,
    )  # fmt: skip


@staff_required
def request_progress(request: AuthedRequest, pk: int) -> HttpResponse:
    asked = get_request_for_user(request.user, pk)
    if asked.status == RequestStatus.DONE and asked.run_id is not None:
        return redirect("distribution_cmo:run", asked.run_id)
    error = run_error_message(asked.error_code, asked.error_params) if asked.error_code else ""
    return render(request, "distribution/runs/progress.html", {"asked": asked, "error": error})


@staff_required
def run_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    run = get_run_for_user(request.user, pk)
    return render(request, "distribution/runs/detail.html", run_context(request, run))


def run_context(request: AuthedRequest, run: Run) -> dict[str, Any]:
    """What the run's page shows ``request.user`` (its CMO's staff, who act on it, or the operator, who reads)."""
    q = request.GET.get("q", "").strip()[:100]
    routes = [{**row, "label": Route(row["route"]).label} for row in route_totals(run)]
    payees = Paginator(payees_of(run, q), 25).get_page(request.GET.get("page"))
    works = Paginator(
        Allocation.objects.filter(run=run)
        .select_related("work", "party")
        .order_by("-gross_tiyn", "work_id", "pk"),
        25,
    ).get_page(request.GET.get("works_page"))
    may, why_not = calculating.may_approve(run, request.user)
    may_correct = calculating.may_correct(run, request.user)
    correction_blocked = calculating.correction_blocked(run) if may_correct else ""
    statements = dict(Statement.objects.filter(run=run).values_list("party_id", "pk"))
    pending = requests_visible_to(request.user).filter(
        cmo_id=run.cmo_id, area_id=run.area_id, period_start=run.period_start, period_end=run.period_end,
        status__in=[RequestStatus.QUEUED, RequestStatus.CALCULATING],
    ).first()  # fmt: skip
    context = {
        "run": run, "routes": routes, "payees": payees, "works": works, "q": q, "may_approve": may,
        "why_not": why_not, "statements": statements, "pending": pending, "may_correct": may_correct,
        "correction_blocked": correction_blocked,
        "recalculate": DeductionsForm(initial={"costs_percent": run.costs_percent, "funds_percent": run.funds_percent}),
        "parts": pool_parts(run), "by_platform": started_by_platform(run.started_by),
        "deducted": run.costs_tiyn + run.funds_tiyn, "distributed": run.pool_tiyn - run.costs_tiyn - run.funds_tiyn,
        "may_recalculate": runs_editable_by(request.user).filter(pk=run.pk).exists(),
        "runs_url": reverse("distribution_cmo:runs" if roles.is_cmo_staff(request.user) else "distribution_operator:runs"),
    }  # fmt: skip
    return context


@staff_required
@require_POST
def recalculate(request: AuthedRequest, pk: int) -> HttpResponse:
    run = get_run_for_user(request.user, pk, write=True)
    form = DeductionsForm(request.POST)
    if form.is_valid():
        try:
            asked = calculating.request_run(
                run.cmo, run.area, run.period_start, run.period_end, by=request.user,
                costs_percent=form.cleaned_data["costs_percent"], funds_percent=form.cleaned_data["funds_percent"],
            )  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("distribution_cmo:run_request", asked.pk)
    return render(request, "distribution/runs/recalculate.html", {"run": run, "form": form}, status=400)


@staff_required
@require_POST
def approve(request: AuthedRequest, pk: int) -> HttpResponse:
    run = get_run_for_user(request.user, pk, write=True)
    try:
        calculating.approve(run, by=request.user)
    except ValidationError as exc:
        return render(
            request, "distribution/runs/refused.html", {"run": run, "errors": exc.messages}, status=400
        )
    return redirect("distribution_cmo:run", run.pk)


@staff_required
@require_POST
def correct(request: AuthedRequest, pk: int) -> HttpResponse:
    run = get_run_for_user(request.user, pk, write=True)
    if not calculating.may_correct(run, request.user):
        raise PermissionDenied
    try:
        calculating.correct(run, by=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        title = _("The run was not corrected")
        context = {"run": run, "errors": exc.messages, "title": title}
        return render(request, "distribution/runs/refused.html", context, status=400)
    messages.success(request, _("The run is corrected: it is cancelled and its holders are told."))
    return redirect("distribution_cmo:run", run.pk)
