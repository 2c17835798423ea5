"""Bulk import and export of works: upload, my batches, a batch's result, templates, exports."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from registers import access, tabular
from registers.importing import ack_filename
from registers.importing.problems import ERROR, MAX_STORED
from registers.importing.problems import render as render_problem
from registers.importing.uploads import (
    MAX_UPLOAD,
    batches_visible_to,
    detect_format,
    get_batch_for_user,
    start_import,
)
from registers.models import ImportBatch, ImportPolicy, ImportProblem
from udp.accounts.decorators import AuthedRequest, role_required
from udp.core import spreadsheets
from udp.core.pagination import fetch_window, page_number

importer_required = role_required("is_cmo_staff", "is_operator", "is_holder")

#: Problems shown on one page of a batch's report.
PROBLEMS_PER_PAGE = 100
#: The bad lines CSV: its errors (notes are on the page), the reason in the reader's language.
PROBLEM_COLUMNS = ["line", "record", "field", "reason"]

__all__ = ["batches_visible_to", "detect_format", "get_batch_for_user", "start_import"]


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File (CSV, XLSX or CWR 2.1/2.2: .V21, .V22)"))
    policy = forms.ChoiceField(
        label=_("If some lines are bad"),
        choices=ImportPolicy.choices,
        initial=ImportPolicy.KEEP_GOOD,
        widget=forms.RadioSelect,
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if detect_format(upload.name) is None:
            raise forms.ValidationError(_("Upload a .csv, .xlsx or CWR file (.V21, .V22)."))
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


@importer_required
def batch_list(request: AuthedRequest) -> HttpResponse:
    batches = batches_visible_to(request.user).select_related("uploaded_by")[:100]
    return render(request, "registers/imports/list.html", {"batches": batches})


@importer_required
@require_http_methods(["GET", "POST"])
def upload(request: AuthedRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batch = start_import(request.user, form.cleaned_data["file"], form.cleaned_data["policy"])
        return redirect("imports:detail", pk=batch.pk)
    return render(request, "registers/imports/upload.html", {"form": form, "columns": tabular.COLUMNS})


def problem_kinds(batch: ImportBatch) -> list[dict[str, Any]]:
    """Each kind of problem of a batch with its count (of all, kept or not) and one kept example."""
    examples = {
        p.code: p
        for p in ImportProblem.objects.filter(batch=batch).order_by("code", "line", "id").distinct("code")
    }
    kinds = []
    for code, count in sorted(batch.problem_counts.items(), key=lambda item: (-item[1], item[0])):
        example = examples.get(code)
        kinds.append(
            {
                "code": code,
                "count": count,
                "level": example.level if example else "",
                "example": example.reason if example else render_problem(code, {}),
            }
        )
    return kinds


@importer_required
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    batch = get_batch_for_user(request.user, pk)
    window = fetch_window(batch.problems.all(), page_number(request.GET.get("page")), PROBLEMS_PER_PAGE)
    return render(
        request,
        "registers/imports/detail.html",
        {
            "batch": batch,
            "running": batch.running,
            "problems": window,
            "kinds": problem_kinds(batch),
            "max_stored": MAX_STORED,
        },
    )


def progress_data(batch: ImportBatch) -> dict[str, Any]:
    """How far a batch is, for its page's progress bar and the API (texts in the reader's language)."""
    return {
        "status": batch.status,
        "status_label": str(batch.get_status_display()),
        "running": batch.running,
        "stage": batch.stage,
        "stage_label": str(batch.get_stage_display()),
        "lines_done": batch.lines_done,
        "lines_total": batch.lines_total,
        "percent": batch.percent,
        "text": batch.progress_text,
    }


@importer_required
def progress(request: AuthedRequest, pk: int) -> JsonResponse:
    response = JsonResponse(progress_data(get_batch_for_user(request.user, pk)))
    response["Cache-Control"] = "no-store"
    return response


def problem_rows(problems: QuerySet[ImportProblem]) -> Iterator[list[Any]]:
    for p in problems.iterator(chunk_size=500):
        yield [p.line, p.record, p.field, p.reason]


def problems_csv_response(batch: ImportBatch) -> StreamingHttpResponse:
    """The bad lines of a batch (its kept errors) as CSV, streamed, every cell neutralised."""
    response = StreamingHttpResponse(
        spreadsheets.csv_lines(PROBLEM_COLUMNS, problem_rows(batch.problems.filter(level=ERROR))),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-problems.csv"'
    return response


@importer_required
def problems_csv(request: AuthedRequest, pk: int) -> StreamingHttpResponse:
    return problems_csv_response(get_batch_for_user(request.user, pk))


def ack_response(batch: ImportBatch) -> FileResponse:
    if not batch.ack_file:
        raise Http404
    return FileResponse(
        batch.ack_file.open("rb"),
        as_attachment=True,
        filename=ack_filename(batch.filename),
        content_type="text/plain",
    )


@importer_required
def ack(request: AuthedRequest, pk: int) -> FileResponse:
    return ack_response(get_batch_for_user(request.user, pk))


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "cwr": "text/plain; charset=utf-8",
}


def _download(content: Any, fmt: str, filename: str) -> HttpResponse | StreamingHttpResponse:
    response: HttpResponse | StreamingHttpResponse
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    else:
        response = StreamingHttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@importer_required
def template(request: AuthedRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    rows = tabular.EXAMPLE
    content = tabular.write_xlsx(rows) if fmt == "xlsx" else tabular.write_csv(rows)
    return _download(content, fmt, f"works-template.{fmt}")


def works_export(user: Any, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """The works ``user`` may edit as CSV (streamed), XLSX or CWR; spreadsheet cells never run."""
    if fmt not in CONTENT_TYPES:
        raise Http404
    works = access.works_editable_by(user)
    stamp = timezone.localdate().strftime("%Y%m%d")
    if fmt == "cwr":
        from registers.cwr.writer import works_for_export, write_works

        text = write_works(works_for_export(works.filter(kind="musical")))
        return _download(text.encode("utf-8"), fmt, f"CW{stamp[2:4]}0001UDP_000.V21")
    rows = tabular.export_rows(works)
    content = tabular.write_xlsx(rows) if fmt == "xlsx" else tabular.csv_stream(rows)
    return _download(content, fmt, f"works-{stamp}.{fmt}")


@importer_required
def export(request: AuthedRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    return works_export(request.user, fmt)
