"""Every CSV and XLSX file the platform writes goes through this module, so no cell can run.

A spreadsheet program treats a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, after its
own trimming, a tab or a carriage return) as a formula: a work title such as ``=HYPERLINK(…)`` or
``=cmd|' /C calc'!A0`` entered by one account would run on the computer of whoever opens an export.
The rule is OWASP's (CSV injection): such a value is written with a single quote in front. The
full-width forms of those characters are included, since some spreadsheet programs read them as the
ASCII ones.

- CSV: :func:`csv_cell` prefixes the quote; :func:`csv_lines` and :func:`csv_bytes` write whole files.
- XLSX: :func:`xlsx_cell` writes every value as a string cell (never a formula) and marks the dangerous
  ones with the ``quotePrefix`` style, so that editing the cell keeps it text; :func:`xlsx_bytes`
  writes a whole workbook, streamed row by row (openpyxl's write-only mode).
- Reading our own files back (imports): :func:`unquote` removes the quote this module added.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

#: A cell starting with one of these is read as a formula by some spreadsheet program.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
QUOTE = "'"
BOM = "\ufeff"  # so that Excel reads a CSV as UTF-8


def text(value: Any) -> str:
    """A value as the text of a cell: ``None`` is empty."""
    return "" if value is None else str(value)


def is_dangerous(value: str) -> bool:
    return value.startswith(FORMULA_TRIGGERS)


def csv_cell(value: Any) -> str:
    """The value as a CSV cell that no spreadsheet program runs."""
    cell: str = text(value)
    return QUOTE + cell if is_dangerous(cell) else cell


def unquote(value: str) -> str:
    """Undo :func:`csv_cell` for a cell read from a file (a quote followed by a trigger)."""
    return value[1:] if value.startswith(QUOTE) and is_dangerous(value[1:]) else value


class _Line:
    """A file-like object whose ``write`` returns what it was given (for streaming csv.writer)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]], *, bom: bool = True) -> Iterator[str]:
    """A CSV file line by line (for a ``StreamingHttpResponse``), every cell neutralised."""
    writer = csv.writer(_Line())
    if bom:
        yield BOM
    yield writer.writerow([csv_cell(v) for v in header])
    for row in rows:
        yield writer.writerow([csv_cell(v) for v in row])


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A whole CSV file, UTF-8 with a byte-order mark, every cell neutralised."""
    return "".join(csv_lines(header, rows)).encode("utf-8")


def xlsx_cell(sheet: Any, value: Any, *, bold: bool = False) -> Any:
    """A write-only cell holding ``value`` as text, never a formula."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    value = text(value)
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl would otherwise make a formula of a value starting with "="
    if is_dangerous(value):
        cell.quotePrefix = True
    if bold:
        cell.font = Font(bold=True)
    return cell


def xlsx_bytes(
    header: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str = "Sheet1", min_width: int = 12
) -> bytes:
    """A workbook of one sheet (bold header, frozen first row), every cell a string."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    for i, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(min_width, len(name) + 2)
    sheet.freeze_panes = "A2"
    sheet.append([xlsx_cell(sheet, name, bold=True) for name in header])
    for row in rows:
        sheet.append([xlsx_cell(sheet, v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
