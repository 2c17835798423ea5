"""``manage.py import_works``: the operator imports a file for a CMO through the same action as the pages."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from registers.importing.uploads import get_batch_for_user
from registers.models import ImportBatch, Work
from udp.notices.models import Notice

CSV = (
    b"work_ref,title,contributor_name,role,pr_share\n"
    b"C-1,Good song,Writer One,CA,100\n"
    b"C-2,Bad song,Writer Two,CA,90\n"
)


pytestmark = pytest.mark.usefixtures("media_in_tmp")


def works_file(tmp_path: Path, content: bytes = CSV, name: str = "catalogue.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def import_works(*args: str) -> str:
    out = io.StringIO()
    call_command("import_works", *args, stdout=out)
    return out.getvalue()


def test_the_operator_imports_a_file_for_a_cmo_and_its_staff_see_the_batch(
    personas: Any, tmp_path: Path
) -> None:
    output = import_works(
        str(works_file(tmp_path)), "--cmo", "kaz", "--policy", "keep-good", "--by", personas.operator.email
    )

    batch = ImportBatch.objects.get()
    assert (batch.status, batch.cmo, batch.uploaded_by) == ("partial", personas.cmo, personas.operator)
    assert (
        "0 lines — reading the file\n  0 of 3 lines — checking the file\n  0 of 3 lines — writing works"
        in output
    )
    assert "Imported with errors: 1 created, 0 updated, 0 proposed, 1 not imported" in output
    assert "line 3:" in output and "sum to 90.00" in output
    assert get_batch_for_user(personas.cmo_staff, batch.pk) == batch  # the CMO's staff follow it
    assert Work.objects.filter(submitter_ref="C-1").exists()
    assert Notice.objects.get(recipient=personas.operator).code == "import_partial"


def test_a_refused_file_exits_with_an_error(personas: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="refused"):
        import_works(str(works_file(tmp_path)), "--cmo", str(personas.cmo.pk), "--policy", "all-or-nothing")

    assert ImportBatch.objects.get().status == "refused"
    assert not Work.objects.filter(submitter_ref="C-1").exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--cmo", "KAZ", "--policy", "keep_everything"],
            "--policy must be one of: keep-good, all-or-nothing",
        ),
        (["--cmo", "NOPE", "--policy", "keep-good"], "no single CMO is 'NOPE'.*KAZ, QAZ"),
        (
            ["--cmo", "KAZ", "--policy", "keep-good", "--by", "staff@kaz.kz"],
            "staff@kaz.kz is not an operator",
        ),
    ],
)
def test_a_bad_argument_is_named_and_nothing_is_imported(
    personas: Any, tmp_path: Path, arguments: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        import_works(str(works_file(tmp_path)), *arguments)

    assert not ImportBatch.objects.exists()


def test_a_file_of_another_kind_is_refused_before_anything_is_stored(personas: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"\.csv, \.xlsx or CWR"):
        import_works(str(works_file(tmp_path, b"%PDF", "works.pdf")), "--cmo", "KAZ", "--policy", "keep-good")
    with pytest.raises(CommandError, match="no such file"):
        import_works(str(tmp_path / "missing.csv"), "--cmo", "KAZ", "--policy", "keep-good")

    assert not ImportBatch.objects.exists()
