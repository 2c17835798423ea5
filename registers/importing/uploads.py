"""Taking an upload in (pages and API alike): its format, its name as data, the batch, the task.

The uploaded file is stored under a generated name (:func:`registers.models.imports.upload_path`);
the name the uploader gave is kept only for display, cleaned of paths and control characters and
cut to :data:`MAX_NAME`. No upload is refused for its name; only the extension says the format.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404

from registers.models import ImportBatch, ImportFormat, ImportPolicy

EXTENSIONS = {
    "csv": ImportFormat.CSV,
    "xlsx": ImportFormat.XLSX,
    "cwr": ImportFormat.CWR,
    "v21": ImportFormat.CWR,
    "v22": ImportFormat.CWR,
}
MAX_UPLOAD = 20 * 1024 * 1024
#: Displayed file names are cut to this many characters (the extension kept).
MAX_NAME = 120


def detect_format(filename: str) -> str | None:
    return EXTENSIONS.get(filename.rsplit(".", 1)[-1].lower()) if "." in filename else None


def display_name(filename: str) -> str:
    """The uploader's file name, fit to show: no directories, no control characters, at most
    :data:`MAX_NAME` characters with the extension kept."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".") or "upload"
    if len(name) <= MAX_NAME:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension) > 10:
        return name[: MAX_NAME - 1] + "…"
    return stem[: MAX_NAME - len(extension) - 2] + "…." + extension


def batches_visible_to(user: Any) -> QuerySet[ImportBatch]:
    """My uploads; CMO staff also see their CMO's; the operator sees all."""
    if user.is_operator:
        return ImportBatch.objects.all()
    if user.is_cmo_staff:
        return ImportBatch.objects.filter(cmo_id=user.cmo_id)
    return ImportBatch.objects.filter(uploaded_by=user)


def get_batch_for_user(user: Any, pk: Any) -> ImportBatch:
    try:
        return batches_visible_to(user).get(pk=pk)
    except (ImportBatch.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_import(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and (user.is_cmo_staff or user.is_operator or user.is_holder)
    )


def start_import(user: Any, upload: Any, policy: str, *, cmo: Any = None, queue: bool = True) -> ImportBatch:
    """Record the upload and queue its import once the batch is committed (the one way an import
    starts: the upload page, the API and ``manage.py import_works``).

    CMO staff import for their CMO; the operator may name the CMO a file is imported for (its staff
    then see the batch). ``queue=False`` leaves the running to the caller (the command runs it at once).
    """
    from registers.tasks import import_works

    fmt = detect_format(upload.name)
    if fmt is None:
        raise ValueError("not an importable file type")
    if policy not in ImportPolicy.values:
        raise ValueError(f"unknown policy {policy!r}")
    if cmo is not None and not user.is_operator:
        raise PermissionError("only the operator imports for a CMO it does not work for")
    with transaction.atomic():
        batch = ImportBatch(
            format=fmt,
            policy=policy,
            filename=display_name(upload.name),
            uploaded_by=user,
            cmo_id=user.cmo_id if user.is_cmo_staff else getattr(cmo, "pk", None),
        )
        batch.file.save(batch.filename, upload, save=False)  # stored under a generated name
        batch.save()
        if queue:
            transaction.on_commit(lambda: import_works.delay(batch.pk))
    return batch
