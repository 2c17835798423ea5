"""Imports that always end, stay bounded, read encodings right, store uploads under generated names and
link only parties the importer may see. Files go in through the upload page (or the API) and are
imported by the Celery task itself, as a worker runs it."""

from __future__ import annotations

import re
import time
import tracemalloc
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import translation

from registers.models import ImportBatch, IPIName, Work, WorkContributor
from registers.tasks import import_works
from registers.tests.imports import upload
from tests import DATA
from tests import factories as f

HEADER = "work_ref,title,contributor_name,party_id,ipi_name_number,role,pr_share\n"
STORED_NAME = re.compile(r"^imports/\d{4}/\d{2}/[0-9a-f]{32}\.(csv|xlsx|V21)$")
REAL_CWR = DATA / "cwr" / "CW220001DMP_000.V21"

pytestmark = pytest.mark.usefixtures("media_in_tmp", "english")


def upload_and_run(user: Any, name: str, content: bytes, policy: str = "keep_good") -> ImportBatch:
    """Upload through the page, then run the Celery task as the worker would."""
    response = upload(f.signed_in(user), name, content, policy)
    assert response.status_code == 302, response.content[:2000]
    batch = ImportBatch.objects.latest("pk")
    import_works(batch.pk)
    batch.refresh_from_db()
    return batch


def first_problem(batch: ImportBatch) -> dict[str, Any]:
    return f.problems_of(batch)[0]


# -- 1. every import ends ---------------------------------------------------------------------------


def test_a_garbage_cwr_file_ends_refused_naming_the_line(personas: Any) -> None:
    garbage = bytes(range(256)) * 40 + b"HDR\x00\x98\xff" * 100

    batch = upload_and_run(personas.cmo_staff, "CW250001XXX_000.V21", garbage)

    assert (batch.status, batch.refused_whole_file) == ("refused", True)
    assert batch.finished_at is not None
    problem = first_problem(batch)
    assert problem["line"] == 1 and "NUL byte" in problem["reason"], problem


def test_a_nul_byte_in_a_csv_cell_ends_the_import_refused_with_its_line(personas: Any) -> None:
    csv = (HEADER + "A1,Good,Writer One,,,CA,100\nA2,Bad\x00title,Writer Two,,,CA,100\n").encode()

    batch = upload_and_run(personas.cmo_staff, "works.csv", csv)

    assert batch.status == "refused" and batch.finished_at is not None
    assert (first_problem(batch)["line"], first_problem(batch)["code"]) == (3, "nul_byte")
    assert not Work.objects.filter(submitter_ref="A1").exists()  # a file that is not text is refused whole


def test_a_batch_left_running_by_a_dead_worker_is_ended_as_interrupted_when_the_task_comes_again(
    personas: Any,
) -> None:
    f.signed_in(personas.cmo_staff).post(
        reverse("imports:upload"),
        {"file": SimpleUploadedFile("w.csv", HEADER.encode()), "policy": "keep_good"},
    )
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(
        status="running", lines_done=1200, lines_total=5000
    )  # the worker died here

    import_works(batch.pk)  # Celery delivers the task again (acks late, reject on worker lost)

    batch.refresh_from_db()
    assert (batch.status, batch.failure_code) == ("failed", "interrupted")
    assert "after line 1200" in batch.failure_reason and "Upload the file again" in batch.failure_reason
    page = f.signed_in(personas.cmo_staff).get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert "after line 1200" in page and 'http-equiv="refresh"' not in page


def test_a_batch_whose_worker_is_alive_is_left_running(personas: Any) -> None:
    from registers.importing.lifecycle import LOCK_SPACE, sweep

    f.signed_in(personas.cmo_staff).post(
        reverse("imports:upload"),
        {"file": SimpleUploadedFile("w.csv", HEADER.encode()), "policy": "keep_good"},
    )
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(status="running")
    params = connection.get_connection_params()
    with psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"}) as worker:
        worker.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_SPACE, batch.pk])  # a live worker's lock

        assert import_works(batch.pk) is None
        assert sweep() == 0

    batch.refresh_from_db()
    assert batch.status == "running"
    assert sweep() == 1  # its worker is gone now
    batch.refresh_from_db()
    assert batch.failure_code == "interrupted"


def test_a_crash_ends_the_batch_failed_with_a_reason_in_the_readers_language(personas: Any) -> None:
    f.signed_in(personas.cmo_staff).post(
        reverse("imports:upload"),
        {"file": SimpleUploadedFile("w.csv", HEADER.encode()), "policy": "keep_good"},
    )
    batch = ImportBatch.objects.get()
    batch.file.storage.delete(str(batch.file.name))  # the stored file is gone: reading it fails

    assert import_works(batch.pk) == "failed"

    batch.refresh_from_db()
    assert (batch.failure_code, batch.failure_params) == ("crashed", {"e": "FileNotFoundError"})
    assert batch.failure_reason == "The import failed: FileNotFoundError"
    with translation.override("ru"):
        assert "FileNotFoundError" in batch.failure_reason and "The import failed" not in batch.failure_reason


# -- 2. problems kept within bounds --------------------------------------------------------------------


def test_fifty_thousand_bad_lines_keep_2000_reasons_exact_counts_and_a_small_paginated_page(
    personas: Any,
) -> None:
    lines = "".join(f"R{i},,Writer {i},,,XX,100\n" for i in range(50_000))  # no title, unknown role
    data = (HEADER + lines).encode()

    tracemalloc.start()
    started = time.monotonic()
    batch = upload_and_run(personas.cmo_staff, "bad.csv", data)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert batch.status == "refused" and batch.lines_total == 50_001
    assert batch.problem_counts == {"no_title": 50_000, "unknown_role": 50_000}
    assert (batch.errors_count, batch.problems.count()) == (100_000, 2000)
    assert peak < 40 * 1024 * 1024, f"{peak / 1e6:.1f} MB for a {len(data) / 1e6:.1f} MB file"
    assert time.monotonic() - started < 120
    client = f.signed_in(personas.cmo_staff)
    page = client.get(reverse("imports:detail", args=[batch.pk]))
    assert len(page.content) < 150_000
    text = page.content.decode()
    assert "50000" in text and "Only the first 2000 problems are listed" in text
    assert "page=2" in text
    second = client.get(reverse("imports:detail", args=[batch.pk]) + "?page=2").content.decode()
    assert "Line" in second and "R50" in second or "A work needs a title." in second
    download = client.get(reverse("imports:problems_csv", args=[batch.pk]))
    assert download.streaming
    rows = f.streamed(download).decode("utf-8-sig").splitlines()
    assert rows[0] == "line,record,field,reason" and len(rows) == 2001


# -- 3. encodings, binary files and huge fields -----------------------------------------------------------


def test_a_windows_1252_csv_is_read_as_such_never_as_mojibake(personas: Any) -> None:
    data = (HEADER + "C1,Café Jürgen,Jürgen Müller,,,CA,100\n").encode("cp1252")

    batch = upload_and_run(personas.cmo_staff, "latin.csv", data)

    assert batch.status == "done", f.problems_of(batch)
    assert Work.objects.get(submitter_ref="C1").title == "Café Jürgen"
    assert batch.encoding == "windows-1252"
    assert any(p["code"] == "legacy_encoding" and p["level"] == "note" for p in f.problems_of(batch))


def test_a_windows_1251_csv_from_a_russian_excel_is_read_as_cyrillic(personas: Any) -> None:
    data = (HEADER + "R1,Песня о Родине,Иван Петров,,,CA,100\n").encode("cp1251")

    batch = upload_and_run(personas.cmo_staff, "ru.csv", data)

    assert batch.status == "done", f.problems_of(batch)
    assert Work.objects.get(submitter_ref="R1").title == "Песня о Родине"


def test_a_utf16_csv_with_a_byte_order_mark_is_read(personas: Any) -> None:
    data = (HEADER + "U1,Менің елім,Айгүл Серікова,,,CA,100\n").encode("utf-16")

    batch = upload_and_run(personas.cmo_staff, "u16.csv", data)

    assert (batch.status, batch.encoding) == ("done", "UTF-16"), f.problems_of(batch)
    assert Work.objects.get(submitter_ref="U1").title == "Менің елім"


def test_a_byte_that_is_no_text_is_refused_naming_its_line_and_the_byte(personas: Any) -> None:
    data = HEADER.encode() + b"B1,Good,Writer,,,CA,100\nB2,Bad\x98title,Writer,,,CA,100\n"

    batch = upload_and_run(personas.cmo_staff, "binary.csv", data)

    assert (batch.status, batch.refused_whole_file) == ("refused", True)
    problem = first_problem(batch)
    assert problem["line"] == 3 and problem["reason"].startswith("Byte 0x98 is not valid UTF-8"), problem
    page = f.signed_in(personas.cmo_staff).get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert "refused as a whole" in page and "Byte 0x98 is not valid UTF-8" in page


def test_a_legacy_file_that_could_be_either_code_page_is_refused_as_ambiguous(personas: Any) -> None:
    data = (HEADER + "A1,À,Writer,,,CA,100\n").encode("cp1252")  # "А" in windows-1251, "À" in windows-1252

    batch = upload_and_run(personas.cmo_staff, "which.csv", data)

    assert batch.status == "refused"
    assert first_problem(batch)["code"] == "ambiguous_encoding"
    assert "windows-1251 / windows-1252" in first_problem(batch)["reason"]


def test_a_field_longer_than_the_csv_limit_refuses_the_file_naming_the_line(personas: Any) -> None:
    data = (HEADER + "H1,Good,Writer,,,CA,100\nH2," + "x" * 200_000 + ",Writer,,,CA,100\n").encode()

    batch = upload_and_run(personas.cmo_staff, "huge.csv", data)

    assert (batch.status, batch.refused_whole_file) == ("refused", True)
    problem = first_problem(batch)
    assert problem["line"] == 3 and "A field longer than 131072 characters" in problem["reason"], problem


def test_a_long_title_is_a_bad_line_and_the_good_lines_are_kept(personas: Any) -> None:
    data = (HEADER + "L1,Good,Writer,,,CA,100\nL2," + "y" * 5000 + ",Writer,,,CA,100\n").encode()

    batch = upload_and_run(personas.cmo_staff, "long.csv", data)

    assert (batch.status, batch.works_created) == ("partial", 1)
    problem = first_problem(batch)
    assert (problem["line"], problem["field"]) == (3, "title")
    assert problem["reason"] == "The field is longer than 2000 characters."
    page = f.signed_in(personas.cmo_staff).get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert "each good work was imported; a work with a bad row" in page


def test_a_cwr_file_with_a_byte_outside_ascii_and_no_declared_character_set_is_refused(personas: Any) -> None:
    lines = REAL_CWR.read_bytes().split(b"\n")
    lines[2] = lines[2][:19] + b"CAF\xc9" + lines[2][23:]  # "CAFÉ" in ISO-8859-1, the HDR names no set

    batch = upload_and_run(personas.cmo_staff, "CW250001ENC_000.V21", b"\n".join(lines))

    assert batch.status == "refused"
    problem = first_problem(batch)
    assert problem["line"] == 3 and problem["code"] == "bad_byte_cwr", problem
    assert not Work.objects.exists()


# -- 5. uploads stored under generated names --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../x.csv", "x.csv"),
        ("Ә" * 296 + ".csv", "Ә" * 115 + "….csv"),
    ],
)
def test_an_upload_is_stored_under_a_generated_name_and_its_own_name_kept_for_display(
    personas: Any, name: str, shown: str
) -> None:
    batch = upload_and_run(personas.cmo_staff, name, (HEADER + "N1,Named,Writer,,,CA,100\n").encode())

    assert STORED_NAME.match(str(batch.file.name)), batch.file.name
    assert batch.filename == shown
    assert batch.status == "done", f.problems_of(batch)
    assert Path(batch.file.path).is_file() and Path(settings.MEDIA_ROOT) in Path(batch.file.path).parents


def test_a_cwr_acknowledgement_is_stored_under_a_generated_name(personas: Any) -> None:
    batch = upload_and_run(personas.cmo_staff, "../" + "C" * 250 + ".V21", REAL_CWR.read_bytes())

    assert re.match(r"^imports/ack/\d{4}/\d{2}/[0-9a-f]{32}\.V21$", str(batch.ack_file.name)), (
        batch.ack_file.name
    )
    response = f.signed_in(personas.cmo_staff).get(reverse("imports:ack", args=[batch.pk]))
    assert response.status_code == 200 and "ACK_" in response["Content-Disposition"]


# -- 6. only parties the importer may see are linked -----------------------------------------------------


@pytest.fixture
def pending_party(personas: Any) -> Any:
    """A second holder's party, not yet verified: visible to itself, its CMO and the operator only."""
    party = f.make_person(name_lat="Pending Secret Name", verified=False)
    f.make_account("pending@example.kz", "holder", party=party)
    IPIName.objects.create(party=party, name_number=f.make_ipi())
    return party


@pytest.mark.parametrize("name", ["", "Some Name"])
def test_an_ipi_of_a_party_the_importer_may_not_see_is_a_bad_line_never_a_link(
    personas: Any, pending_party: Any, name: str
) -> None:
    ipi = pending_party.ipi_names.get().name_number
    data = (HEADER + f"P1,Public song,{name},,{ipi},CA,100\n").encode()

    batch = upload_and_run(personas.holder, "ipi.csv", data)

    assert not WorkContributor.objects.filter(party=pending_party).exists()
    assert batch.status == "refused"
    problem = first_problem(batch)
    assert (problem["line"], problem["field"], problem["code"]) == (2, "ipi_name_number", "ipi_not_visible")
    assert "Pending Secret Name" not in problem["reason"]


def test_an_ipi_of_a_visible_party_is_linked(personas: Any) -> None:
    ipi = f.make_ipi()
    IPIName.objects.create(party=personas.other_party, name_number=ipi)  # verified: in the public register

    # the other holder's CMO registers a work of its member, found by the member's IPI name number
    batch = upload_and_run(
        personas.other_cmo_staff, "ipi.csv", (HEADER + f"V1,Duet,,,{ipi},CA,100\n").encode()
    )

    assert batch.status == "done", f.problems_of(batch)
    assert WorkContributor.objects.filter(party=personas.other_party, work__submitter_ref="V1").exists()


def test_the_cmo_that_registered_a_pending_party_may_link_it_by_ipi(personas: Any) -> None:
    party = f.make_person(verified=False, registered_by_cmo=personas.cmo)
    ipi = f.make_ipi()
    IPIName.objects.create(party=party, name_number=ipi)

    batch = upload_and_run(
        personas.cmo_staff, "ipi.csv", (HEADER + f"K1,Member song,,,{ipi},CA,100\n").encode()
    )

    assert batch.status == "done", f.problems_of(batch)
    assert WorkContributor.objects.filter(party=party, work__submitter_ref="K1").exists()
