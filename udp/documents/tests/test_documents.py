"""The documents machinery: kept as issued, verifiable, rendered from local files only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.checks import run_checks
from django.db import DatabaseError, transaction
from django.test import Client

from registers.documents import HOLDER_EXTRACT, issue_holder_extract
from tests import factories as f
from udp.documents import kinds
from udp.documents.models import IssuedDocument
from udp.documents.rendering import font_dir, local_only_fetcher


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def issued(personas: Any) -> IssuedDocument:
    return issue_holder_extract(personas.holder_party, by=personas.holder, language="en")


def test_an_issued_document_cannot_be_changed_or_deleted_even_in_sql(issued: IssuedDocument) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        IssuedDocument.objects.filter(pk=issued.pk).update(sha256="0" * 64)
    with pytest.raises(DatabaseError), transaction.atomic():
        IssuedDocument.objects.filter(pk=issued.pk).delete()

    assert IssuedDocument.objects.get(pk=issued.pk).sha256 == issued.sha256


def test_a_failed_issue_gives_its_number_back(personas: Any) -> None:
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        issue_holder_extract(personas.holder_party, by=personas.holder, language="en")
        raise Boom

    assert not IssuedDocument.objects.exists()
    document = issue_holder_extract(personas.holder_party, by=personas.holder, language="en")
    assert document.number == "EXH-0000001"


def test_the_pdf_goes_to_the_one_who_asked_and_the_operator_only(
    personas: Any, issued: IssuedDocument
) -> None:
    path = f"/documents/{issued.pk}/pdf/"

    own = f.login(Client(), personas.holder).get(path)
    assert own.status_code == 200 and b"".join(own.streaming_content).startswith(b"%PDF")
    assert f.login(Client(), personas.operator).get(path).status_code == 200
    for who in ("other_holder", "cmo_staff", "regulator"):
        assert f.login(Client(), getattr(personas, who)).get(path).status_code == 404, who
    assert Client().get(path).status_code == 404


def test_an_unknown_token_is_not_found(issued: IssuedDocument) -> None:
    assert Client().get("/verify/not-a-token/").status_code == 404
    assert Client().get(f"/verify/{issued.token[:-1]}/").status_code == 404


def test_rendering_fetches_nothing_but_data_uris_and_the_font_files(tmp_path: Any) -> None:
    fetcher = local_only_fetcher()
    for url in (
        "https://fonts.example.com/font.woff2",
        "http://127.0.0.1:8000/healthz",
        "file:///etc/passwd",
        (font_dir() / ".." / ".." / "passwd").as_uri(),
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    font = fetcher.fetch((font_dir() / "DejaVuSans.ttf").as_uri())
    assert font.read(4) == b"\x00\x01\x00\x00"  # a TrueType font
    font.close()
    data = fetcher.fetch("data:text/plain,ok")
    assert data.read() == b"ok"
    data.close()


def test_a_missing_font_folder_is_reported_by_the_system_checks(settings: Any, tmp_path: Any) -> None:
    assert not [m for m in run_checks() if m.id == "documents.W001"]
    settings.UDP_PDF_FONT_DIR = str(tmp_path)

    warnings = [m for m in run_checks() if m.id == "documents.W001"]

    assert warnings and "DejaVuSans.ttf" in warnings[0].msg


def test_a_kind_cannot_take_another_kinds_numbering_series() -> None:
    with pytest.raises(ValueError):
        kinds.register(
            kinds.DocumentKind(
                code="another", series=HOLDER_EXTRACT.series, title="x", template="x", version="1"
            )
        )
    assert kinds.register(HOLDER_EXTRACT) is HOLDER_EXTRACT  # declaring the same kind again is harmless


def test_the_kinds_are_found_at_start_up() -> None:
    codes = {kind.code for kind in kinds.all_kinds()}
    assert {"register_extract_work", "register_extract_holder"} <= codes
    for kind in kinds.all_kinds():
        assert Path(kind.template).suffix == ".html"


def test_a_pdf_left_by_a_rolled_back_issue_is_swept_after_a_day_and_the_rest_stay(personas: Any) -> None:
    import os
    import time

    from django.core.files.storage import default_storage
    from django.core.management import call_command

    from udp.documents.sweep import ROOT, _files
    from udp.documents.tasks import sweep_orphans

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        issue_holder_extract(personas.holder_party, by=personas.holder, language="en")
        raise Boom
    kept = issue_holder_extract(personas.holder_party, by=personas.holder, language="en")
    stored = list(_files(default_storage, ROOT))
    assert len(stored) == 2  # the rolled-back issue left its PDF
    orphan = next(path for path in stored if path != kept.file.name)
    # a fresh orphan may belong to a transaction still running: it stays until it is a day old
    assert sweep_orphans.apply().get() == 0
    two_days_ago = time.time() - 2 * 86400
    for path in stored:
        os.utime(default_storage.path(path), (two_days_ago, two_days_ago))
    call_command("sweep_documents", "--dry-run", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert default_storage.exists(orphan)
    assert sweep_orphans.apply().get() == 1
    assert kept.file.name is not None
    assert not default_storage.exists(orphan) and default_storage.exists(kept.file.name)
    kept.refresh_from_db()
    assert kept.file.read()[:4] == b"%PDF"


def test_machines_verify_a_document_by_its_token_as_people_do_on_the_page(
    personas: Any, issued: IssuedDocument
) -> None:
    """The API gives the page's public facts and whether the document still stands, and compares a copy (the
    PDF or its SHA-256); never the document, never a confidential fact; unknown tokens are not found."""
    from rest_framework.test import APIClient

    url = f"/api/documents/verify/{issued.token}/"
    answer = APIClient().get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 200
    facts = answer.json()
    assert facts["number"] == issued.number and facts["sha256"] == issued.sha256
    assert facts["kind"] == "register_extract_holder" and facts["issued_for"] == issued.public_label
    assert (facts["tells_standing"], facts["standing"]) == (False, None)  # an extract speaks of its day only
    assert personas.holder.email not in answer.content.decode()
    with issued.file.open("rb") as fh:
        copy = fh.read()
    client = APIClient()
    assert client.post(url, {"file": _upload(copy)}, format="multipart").json()["matches"] is True
    assert client.post(url, {"file": _upload(copy + b" ")}, format="multipart").json()["matches"] is False
    assert client.post(url, {"sha256": issued.sha256.upper()}, format="multipart").json()["matches"] is True
    refused = client.post(url, {"sha256": "abc"}, format="multipart", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400 and "64 hexadecimal characters" in refused.content.decode()
    assert client.get(f"/api/documents/verify/{issued.token[:-1]}/").status_code == 404


def _upload(content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("copy.pdf", content, content_type="application/pdf")
