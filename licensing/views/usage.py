"""Pages of the usage reports: the user sends a report for a licence and follows it (its space); the CMO reads
its licences' reports and the overdue ones, the authorized body and the operator all of them."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from licensing.models import UsageReport, UsageStatus
from licensing.usage import template as usage_template
from licensing.usage.forms import UsageUploadForm
from licensing.usage.ingest import start_report
from licensing.usage.overdue import overdue_reports
from licensing.usage.problems import MAX_STORED
from licensing.usage.problems import render as render_problem
from licensing.usage_access import (
    get_licence_for_reporting,
    get_report_for_user,
    licences_reportable_by,
    reports_due_visible_to,
    reports_visible_to,
)
from udp.accounts.decorators import AuthedRequest, licensee_required, role_required
from udp.core import clock
from udp.core.spreadsheets import csv_bytes, xlsx_bytes

readers_required = role_required("is_licensee", "is_cmo_staff", "is_regulator", "is_operator")
officials_required = role_required("is_cmo_staff", "is_regulator", "is_operator")


def _reports(user: Any) -> Any:
    return reports_visible_to(user).select_related(
        "licence__contract", "licence__licensee__party", "licence__cmo"
    )


@licensee_required
def space_list(request: AuthedRequest) -> HttpResponse:
    licences = licences_reportable_by(request.user).select_related("contract", "cmo").order_by("pk")
    page = Paginator(_reports(request.user), 25).get_page(request.GET.get("page"))
    overdue = overdue_reports(among=reports_due_visible_to(request.user))
    return render(
        request,
        "licensing/usage/space_list.html",
        {"licences": licences, "reports": page, "overdue": overdue, "kinds": usage_template.KINDS},
    )


@licensee_required
def upload(request: AuthedRequest, licence_pk: int) -> HttpResponse:
    licence = get_licence_for_reporting(request.user, licence_pk)
    due = licence.reports_due.filter(received_at__isnull=True, period_start__lte=clock.today()).first()
    period = (due.period_start, due.period_end) if due is not None else None
    form = UsageUploadForm(request.POST or None, request.FILES or None, period=period)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report = start_report(
            request.user, licence, data["file"], period_start=data["period_start"], period_end=data["period_end"],
            policy=data["policy"],
        )  # fmt: skip
        return redirect("usage:detail", report.pk)
    return render(
        request,
        "licensing/usage/upload.html",
        {"form": form, "licence": licence, "kinds": usage_template.KINDS},
    )


def _problem_kinds(report: UsageReport) -> list[dict[str, Any]]:
    examples: dict[str, Any] = {}
    for problem in report.problems.order_by("line_no", "id"):
        examples.setdefault(problem.code, problem)
        if len(examples) == len(report.problem_counts or {}):
            break
    return [
        {"count": count, "example": examples[code].reason if code in examples else render_problem(code, {})}
        for code, count in sorted((report.problem_counts or {}).items(), key=lambda kv: -kv[1])
    ]


def _detail(request: AuthedRequest, pk: int, template: str) -> HttpResponse:
    report = get_report_for_user(request.user, pk)
    problems = Paginator(report.problems.order_by("line_no", "id"), 100).get_page(request.GET.get("page"))
    return render(
        request,
        template,
        {
            "report": report,
            "running": not report.ended,
            "problems": problems,
            "kinds": _problem_kinds(report),
            "max_stored": MAX_STORED,
            "truncated": sum((report.problem_counts or {}).values()) > MAX_STORED,
        },
    )


@readers_required
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, pk, "licensing/usage/detail.html")


def progress_data(report: UsageReport) -> dict[str, Any]:
    """How far a report is, for its page's progress bar (texts in the reader's language)."""
    if report.ended:
        text = str(report.get_status_display())
    elif report.lines_total:
        text = _("%(stage)s: line %(read)s of %(total)s") % {
            "stage": report.get_stage_display(), "read": report.lines_read, "total": report.lines_total,
        }  # fmt: skip
    else:
        text = str(report.get_stage_display())
    return {
        "status": report.status,
        "status_label": str(report.get_status_display()),
        "running": not report.ended,
        "stage": report.stage,
        "lines_read": report.lines_read,
        "lines_total": report.lines_total,
        "percent": report.percent,
        "text": text,
    }


@readers_required
def progress(request: AuthedRequest, pk: int) -> JsonResponse:
    response = JsonResponse(progress_data(get_report_for_user(request.user, pk)))
    response["Cache-Control"] = "no-store"
    return response


@licensee_required
def template_download(request: AuthedRequest, fmt: str) -> HttpResponse:
    kind = request.GET.get("kind", "playlist")
    if kind not in usage_template.KINDS:
        kind = "playlist"
    header, rows = usage_template.template_rows(kind)
    if fmt == "csv":
        response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            xlsx_bytes(header, rows, title=kind),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="usage-{kind}.{fmt}"'
    return response


@officials_required
def cmo_list(request: AuthedRequest) -> HttpResponse:
    reports = _reports(request.user)
    status = request.GET.get("status", "")
    if status in UsageStatus.values:
        reports = reports.filter(status=status)
    page = Paginator(reports, 25).get_page(request.GET.get("page"))
    overdue = overdue_reports(among=reports_due_visible_to(request.user)).select_related(
        "licence__licensee__party"
    )
    return render(
        request,
        "licensing/usage/cmo_list.html",
        {"reports": page, "overdue": overdue[:200], "statuses": UsageStatus.choices, "status": status},
    )


@officials_required
def cmo_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, pk, "licensing/usage/detail.html")
