"""Bulk import and export of works: upload, my batches, a batch's result, templates, exports."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from registers import access, tabular
from registers.models import ImportBatch, ImportFormat, ImportPolicy, ImportStatus
from udp.accounts.decorators import role_required

importer_required = role_required("is_cmo_staff", "is_operator", "is_holder")

EXTENSIONS = {
    "csv": ImportFormat.CSV,
    "xlsx": ImportFormat.XLSX,
    "cwr": ImportFormat.CWR,
    "v21": ImportFormat.CWR,
    "v22": ImportFormat.CWR,
}
MAX_UPLOAD = 20 * 1024 * 1024


def detect_format(filename: str) -> str | None:
    return EXTENSIONS.get(filename.rsplit(".", 1)[-1].lower()) if "." in filename else None


def batches_visible_to(user: Any) -> QuerySet[ImportBatch]:
    """My uploads; CMO staff also see their CMO's; the operator sees all."""
    if user.is_operator:
        return ImportBatch.objects.all()
    if user.is_cmo_staff:
        return ImportBatch.objects.filter(cmo_id=user.cmo_id)
    return ImportBatch.objects.filter(uploaded_by=user)


def get_batch_for_user(user: Any, pk: int) -> ImportBatch:
    try:
        return batches_visible_to(user).get(pk=pk)
    except ImportBatch.DoesNotExist:
        raise Http404 from None


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
def batch_list(request: HttpRequest) -> HttpResponse:
    batches = batches_visible_to(request.user).select_related("uploaded_by")[:100]
    return render(request, "registers/imports/list.html", {"batches": batches})


@importer_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batch = start_import(request.user, form.cleaned_data["file"], form.cleaned_data["policy"])
        return redirect("imports:detail", pk=batch.pk)
    return render(request, "registers/imports/upload.html", {"form": form, "columns": tabular.COLUMNS})


def start_import(user: Any, upload: Any, policy: str) -> ImportBatch:
    """Record the upload and queue its import once the batch is committed."""
    from registers.tasks import import_works

    with transaction.atomic():
        batch = ImportBatch.objects.create(
            format=detect_format(upload.name),
            policy=policy,
            file=upload,
            filename=upload.name[:255],
            uploaded_by=user,
            cmo_id=user.cmo_id if user.is_cmo_staff else None,
        )
        transaction.on_commit(lambda: import_works.delay(batch.pk))
    return batch


@importer_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_batch_for_user(request.user, pk)
    running = batch.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)
    errors = [e for e in batch.errors if e.get("level", "error") == "error"]
    notes = [e for e in batch.errors if e.get("level") == "note"]
    return render(
        request,
        "registers/imports/detail.html",
        {"batch": batch, "running": running, "errors": errors, "notes": notes},
    )


@importer_required
def ack(request: HttpRequest, pk: int) -> FileResponse:
    batch = get_batch_for_user(request.user, pk)
    if not batch.ack_file:
        raise Http404
    return FileResponse(
        batch.ack_file.open("rb"),
        as_attachment=True,
        filename=batch.ack_file.name.rsplit("/", 1)[-1],
        content_type="text/plain",
    )


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "cwr": "text/plain; charset=utf-8",
}


def _download(content: bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@importer_required
def template(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    rows = tabular.EXAMPLE
    content = tabular.write_xlsx(rows) if fmt == "xlsx" else tabular.write_csv(rows)
    return _download(content, fmt, f"works-template.{fmt}")


@importer_required
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404
    works = access.works_editable_by(request.user)
    stamp = timezone.localdate().strftime("%Y%m%d")
    if fmt == "cwr":
        from registers.cwr.writer import works_for_export, write_works

        text = write_works(works_for_export(works.filter(kind="musical")))
        return _download(text.encode("utf-8"), fmt, f"CW{stamp[2:4]}0001UDP_000.V21")
    rows = tabular.export_rows(works)
    content = tabular.write_xlsx(rows) if fmt == "xlsx" else tabular.write_csv(rows)
    return _download(content, fmt, f"works-{stamp}.{fmt}")
