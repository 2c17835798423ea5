"""Importing works in a test: a file run straight through the importer (as the worker runs it), or
uploaded through the page. Use with the ``media_in_tmp`` fixture (``registers/tests/conftest.py``)."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from registers.importing import run_import
from registers.models import ImportBatch

CWR_NAME = "CW250001TST_000.V21"


def import_file(
    user: Any, content: str | bytes, fmt: str = "csv", *, policy: str = "keep_good", name: str = ""
) -> ImportBatch:
    """Import ``content`` as ``user`` uploaded it, under ``policy``; the batch as the import left it."""
    name = name or (CWR_NAME if fmt == "cwr" else f"works.{fmt}")
    data = content.encode() if isinstance(content, str) else content
    batch = ImportBatch.objects.create(
        format=fmt,
        policy=policy,
        filename=name,
        uploaded_by=user,
        cmo_id=getattr(user, "cmo_id", None),
        file=ContentFile(data, name=name),
    )
    result = run_import(batch.pk)
    assert result is not None
    return result


def import_cwr(
    user: Any, content: str | bytes, *, policy: str = "keep_good", name: str = CWR_NAME
) -> ImportBatch:
    return import_file(user, content, "cwr", policy=policy, name=name)


def upload(client: Client, name: str, content: bytes, policy: str = "keep_good") -> Any:
    """Post a file to the upload page (the import itself waits for the worker)."""
    return client.post(
        reverse("imports:upload"), {"file": SimpleUploadedFile(name, content), "policy": policy}
    )
