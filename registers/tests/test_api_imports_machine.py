"""A machine client imports through the API with a key: upload, follow the progress, fetch the ACK and the
bad lines; staff of another CMO reach none of it, and anonymous callers are refused."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from rest_framework.test import APIClient

from registers.importing import progress
from registers.importing.lifecycle import run
from registers.models import ImportBatch, Work
from registers.tasks import import_works
from tests import DATA
from tests import factories as f
from udp.accounts.actions import issue_api_key
from udp.accounts.scopes import Scope
from udp.notices.models import Notice

REAL_CWR = DATA / "cwr" / "CW220001DMP_000.V21"  # from django-music-publisher, see test_cwr.py
CSV = (
    b"work_ref,title,contributor_name,role,pr_share\n"
    b"M-1,Good song,Writer One,CA,100\n"
    b"M-2,Bad song,Writer Two,CA,90\n"
    b"M-3,Another good song,Writer Three,CA,100\n"
)

pytestmark = pytest.mark.usefixtures("media_in_tmp", "english", "fresh_cache")


def machine(user: Any, *scopes: Scope) -> APIClient:
    _row, key = issue_api_key(
        by=user, name="Back office", scopes=list(scopes or (Scope.REGISTERS_READ, Scope.IMPORTS_WRITE))
    )
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def upload(client: APIClient, name: str, data: bytes, policy: str = "keep_good") -> Any:
    return client.post(
        "/api/imports/", {"file": SimpleUploadedFile(name, data), "policy": policy}, format="multipart"
    )


def test_a_back_office_imports_cwr_follows_its_progress_and_fetches_the_ack(
    personas: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = machine(personas.cmo_staff)
    with django_capture_on_commit_callbacks() as queued:
        response = upload(client, "CW220001DMP_000.V21", REAL_CWR.read_bytes())
    assert response.status_code == 201, response.content
    queued_batch = response.json()
    assert (queued_batch["status"], queued_batch["running"], queued_batch["stage"]) == (
        "queued",
        True,
        "queued",
    )
    assert (queued_batch["lines_done"], queued_batch["percent"], queued_batch["ack_url"]) == (0, 0, None)
    assert len(queued) == 1  # the task, sent once the batch is committed

    import_works(queued_batch["id"])

    batch = client.get(f"/api/imports/{queued_batch['id']}/").json()
    assert (batch["status"], batch["running"], batch["stage"], batch["percent"]) == (
        "done",
        False,
        "done",
        100,
    )
    assert batch["lines_done"] == batch["lines_total"] == 22
    assert batch["progress_text"] == "22 of 22 lines — finished"
    ack = client.get(batch["ack_url"])
    assert ack.status_code == 200
    assert f.streamed(ack).startswith(b"HDR")
    assert Work.objects.get(iswc="T1234567894").registered_by_cmo == personas.cmo


def test_progress_is_readable_while_the_import_runs_and_the_bad_lines_come_as_csv(
    personas: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(progress, "EVERY", 1)
    client = machine(personas.cmo_staff)
    batch_id = upload(client, "works.csv", CSV).json()["id"]
    seen: list[tuple[str, int, int]] = []

    def poll(_fields: dict[str, Any]) -> None:  # a client polling while the worker writes
        answer = client.get(f"/api/imports/{batch_id}/").json()
        seen.append((answer["stage"], answer["lines_done"], answer["lines_total"]))

    run(batch_id, report=poll)

    assert [stage for stage, _done, _total in seen][:3] == ["reading", "checking", "writing"]
    writing = [(done, total) for stage, done, total in seen if stage == "writing" and done]
    assert writing and all(total == 4 for _done, total in writing)  # the header and three lines
    assert [done for done, _total in writing] == sorted(done for done, _total in writing)
    batch = client.get(f"/api/imports/{batch_id}/").json()
    assert (batch["status"], batch["works_created"], batch["works_rejected"]) == ("partial", 2, 1)
    report = client.get(batch["errors_csv_url"])
    rows = list(csv.reader(io.StringIO(f.streamed(report).decode("utf-8-sig"))))
    assert rows[0] == ["line", "record", "field", "reason"]
    assert rows[1][0] == "3" and "sum to 90.00" in rows[1][3]
    assert len(rows) == 1 + ImportBatch.objects.get(pk=batch_id).problems.filter(level="error").count()


def test_the_uploader_is_told_when_the_import_ends(
    personas: Any, django_capture_on_commit_callbacks: Any
) -> None:
    batch_id = upload(machine(personas.cmo_staff), "works.csv", CSV).json()["id"]

    with django_capture_on_commit_callbacks(execute=True):
        import_works(batch_id)

    notice = Notice.objects.get(recipient=personas.cmo_staff)
    assert (notice.code, notice.link) == ("import_partial", f"/imports/{batch_id}/")
    assert notice.params == {"id": batch_id, "name": "works.csv", "created": 2, "updated": 0, "rejected": 1}


def test_staff_of_another_cmo_reach_neither_the_batch_nor_its_ack_nor_its_bad_lines(personas: Any) -> None:
    batch_id = upload(machine(personas.cmo_staff), "CW220001DMP_000.V21", REAL_CWR.read_bytes()).json()["id"]
    import_works(batch_id)
    assert ImportBatch.objects.get(pk=batch_id).ack_file
    other = machine(personas.other_cmo_staff)

    for path in ("", "ack/", "problems/", "problems-csv/"):
        assert other.get(f"/api/imports/{batch_id}/{path}").status_code == 404, path
    assert batch_id not in [b["id"] for b in other.get("/api/imports/").json()["results"]]
    anonymous = APIClient()
    for path in ("", f"{batch_id}/", f"{batch_id}/ack/", f"{batch_id}/problems-csv/"):
        assert anonymous.get(f"/api/imports/{path}").status_code in (401, 403), path
    assert upload(anonymous, "works.csv", CSV).status_code in (401, 403)


def test_a_key_without_the_imports_scope_cannot_upload(personas: Any) -> None:
    reader = machine(personas.cmo_staff, Scope.REGISTERS_READ)

    assert upload(reader, "works.csv", CSV).status_code == 403
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_all_or_nothing_import_shows_its_progress_outside_its_own_transaction(
    personas: Any, monkeypatch: Any
) -> None:
    """The whole file is one transaction; its progress is committed apart, so others see it as it goes."""
    monkeypatch.setattr(progress, "EVERY", 1)
    batch_id = upload(machine(personas.cmo_staff), "works.csv", CSV, "all_or_nothing").json()["id"]
    outside = connection.get_new_connection(connection.get_connection_params())
    outside.autocommit = True
    seen: list[tuple[str, int]] = []

    def look(fields: dict[str, Any]) -> None:
        with outside.cursor() as cursor:
            cursor.execute("SELECT stage, lines_done FROM registers_importbatch WHERE id = %s", [batch_id])
            seen.append(cursor.fetchone())
            cursor.execute("SELECT count(*) FROM registers_work WHERE submitter_ref LIKE 'M-%%'")
            seen.append(("works visible", cursor.fetchone()[0]))

    try:
        run(batch_id, report=look)
    finally:
        outside.close()

    assert ("writing", 3) in seen and ("writing", 4) in seen  # seen by another connection while it ran
    assert ("works visible", 0) in seen and not any(n for label, n in seen if label == "works visible")
    assert ImportBatch.objects.get(pk=batch_id).status == "refused"
