"""The works template for bulk import and export, as CSV or XLSX.

One row per contributor; the rows of one work share its ``work_ref`` (the submitter's own work
number), follow each other, and the work's columns are read from its first row. Cells this module
wrote with a leading quote (formula neutralisation, :mod:`udp.core.spreadsheets`) read back as written. Contributors are identified by their
register id (``party_id``) or IPI name number, or created from the name: confidential data (IIN,
addresses, bank details) is never asked for and never exported. Shares are percentages with up to
two decimals; for each right type they sum to 100 within a work.

Columns:

========================  ==================================================================
work_ref                  required; groups the rows of one work (your own work number)
work_id                   the register's id of a work to update (as exported); else blank
kind                      musical (default), recording, performance, audiovisual, literary, fine_art
title                     required on the work's first row
alternate_titles          separated by ``|``
iswc, isrc                ISWC for musical works, ISRC for recordings
language                  ISO 639 code (kk, ru, en…)
creation_year             four digits
disclosed_on              date of lawful disclosure, YYYY-MM-DD
contributor_name          name of a new contributor (Kazakh, Russian or Latin script)
party_id                  register id of an existing author or rightsholder
ipi_name_number           11 digits
ipi_base_number           I-123456789-3
role                      CISAC code: CA C A AR AD TR SA SR E SE AM PA AQ ES, or PER PRD DIR ART
pr_share mr_share sr_share rr_share    percentages (performing, mechanical, sync, related rights)
========================  ==================================================================
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from registers.importing import textfile
from registers.importing.rows import NOTE, ContributorRow, ParsedFile, Problem, WorkRow
from registers.models import Role, Work, WorkKind
from registers.models.works import PUBLISHER_ROLES
from udp import identifiers
from udp.core import spreadsheets
from udp.core.text import is_ascii_digits

COLUMNS = [
    "work_ref",
    "work_id",
    "kind",
    "title",
    "alternate_titles",
    "iswc",
    "isrc",
    "language",
    "creation_year",
    "disclosed_on",
    "contributor_name",
    "party_id",
    "ipi_name_number",
    "ipi_base_number",
    "role",
    "pr_share",
    "mr_share",
    "sr_share",
    "rr_share",
]
REQUIRED = ("work_ref", "title")
SHARE_COLUMNS = {"pr_share": "PR", "mr_share": "MR", "sr_share": "SR", "rr_share": "RR"}
ENTITY_ROLES = PUBLISHER_ROLES | {"PRD"}
ROW = "ROW"
EXAMPLE = [
    {
        "work_ref": "W-001",
        "kind": "musical",
        "title": "Менің Қазақстаным",
        "alternate_titles": "Meniñ Qazaqstanym|My Kazakhstan",
        "iswc": "",
        "language": "kk",
        "creation_year": "1956",
        "contributor_name": "Шәмші Қалдаяқов",
        "role": "C",
        "pr_share": "50",
        "mr_share": "50",
    },
    {
        "work_ref": "W-001",
        "contributor_name": "Жұмекен Нәжімеденов",
        "role": "A",
        "pr_share": "50",
        "mr_share": "50",
    },
]


# -- reading -------------------------------------------------------------------------------------
#: A cell longer than this is a bad line (the longest register field, a title, has 500 characters).
MAX_FIELD = 2000
#: A workbook that unpacks to more than this is refused (a zip bomb would fill the worker's memory).
MAX_XLSX_UNPACKED_MB = 200
CONTROL_IN_CELL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read_csv(source: bytes | IO[bytes]) -> ParsedFile:
    """A CSV file. The whole file is checked first (encoding, control characters, CSV syntax): a file
    that fails is refused whole, its first bad line named. Then its rows are read once, as a stream."""
    fh = io.BytesIO(source) if isinstance(source, bytes) else source
    parsed = ParsedFile()
    try:
        encoding = textfile.detect(fh, "csv")
    except textfile.NotText as exc:
        return parsed.refuse(exc.line, ROW, exc.code, exc.params)
    first = next(textfile.lines(fh, encoding), "")
    delimiter = max(",;\t", key=first.count)
    broken = _csv_syntax(fh, encoding, delimiter)
    if broken is not None:
        return parsed.refuse(*broken)
    parsed.encoding = encoding.name
    if encoding.guessed:
        parsed.problem(1, ROW, "legacy_encoding", {"name": encoding.name}, level=NOTE)
    reader = csv.reader(textfile.lines(fh, encoding), delimiter=delimiter)
    parsed.works = read_rows(parsed, _records(reader))
    return parsed


def _records(reader: Any) -> Iterator[tuple[int, list[str]]]:
    """Each record with the number of the line it starts on (a quoted cell may span lines)."""
    while True:
        start = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        yield start, values


def _csv_syntax(
    fh: IO[bytes], encoding: textfile.Encoding, delimiter: str
) -> tuple[int, str, str, dict[str, Any]] | None:
    """The first line the csv module cannot read, as (line, record, code, params); else ``None``."""
    reader = csv.reader(textfile.lines(fh, encoding), delimiter=delimiter)
    try:
        for _values in reader:
            pass
    except csv.Error as exc:
        if "field limit" in str(exc):
            return reader.line_num, ROW, "csv_field_limit", {"limit": csv.field_size_limit()}
        return reader.line_num, ROW, "csv_malformed", {"e": str(exc)}
    return None


def read_xlsx(source: bytes | IO[bytes]) -> ParsedFile:
    """The first sheet of a workbook, row by row (openpyxl's read-only mode); a file that is not a
    workbook, or unpacks to more than :data:`MAX_XLSX_UNPACKED_MB`, is refused whole."""
    from openpyxl import load_workbook

    fh = io.BytesIO(source) if isinstance(source, bytes) else source
    parsed = ParsedFile()
    try:
        with zipfile.ZipFile(fh) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_XLSX_UNPACKED_MB * 1024 * 1024:
            return parsed.refuse(1, ROW, "xlsx_too_big", {"mb": MAX_XLSX_UNPACKED_MB})
        fh.seek(0)
        book = load_workbook(fh, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        parsed.lines_expected = sheet.max_row or 0  # the sheet's declared size, not counted
    except Exception:  # openpyxl and zipfile raise many kinds of error for a file that is not a workbook
        return parsed.refuse(1, ROW, "not_xlsx")
    parsed.works = read_rows(parsed, _sheet_rows(parsed, book, sheet))
    return parsed


def _sheet_rows(parsed: ParsedFile, book: Any, sheet: Any) -> Iterator[tuple[int, list[str]]]:
    line = 0
    try:
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):  # noqa: B007
            yield line, [_cell(v) for v in values]
    except Exception:  # a damaged sheet: report where reading stopped
        parsed.problem(line + 1, ROW, "not_xlsx")
    finally:
        book.close()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(parsed: ParsedFile, numbered: Iterable[tuple[int, list[str]]]) -> Iterator[WorkRow]:
    """Rows into works: a work is the consecutive rows sharing one ``work_ref``. A generator: each
    work is given as soon as its rows end, so a file of any length is read in bounded memory."""
    numbered = iter(numbered)
    try:
        header = next(numbered)[1]
    except StopIteration:
        parsed.refuse(1, ROW, "empty_file")
        return
    parsed.lines_total = 1
    names = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        parsed.refuse(1, ROW, "missing_columns", {"c": ", ".join(missing)})
        return
    work: WorkRow | None = None
    for line, values in numbered:
        parsed.lines_total = line
        row = {
            name: (spreadsheets.unquote(values[i].strip()) if i < len(values) and values[i] else "")
            for i, name in enumerate(names)
        }
        if not any(row.values()):
            continue
        cell_problems = _cell_problems(line, row)
        ref = row.get("work_ref", "")
        if not ref:
            parsed.problem(line, ROW, "no_work_ref", field="work_ref")
            for problem in cell_problems:
                parsed.log.add(problem)
            continue
        if work is None or work.ref != ref:
            if work is not None:
                yield work
            work = WorkRow(line=line, record=ROW, ref=ref)
            for problem in cell_problems:
                work.add(problem)
            _work(work, row)
        else:
            for problem in cell_problems:
                work.add(problem)
        _contributor(work, line, row)
    if work is not None:
        yield work


def _cell_problems(line: int, row: dict[str, str]) -> list[Problem]:
    problems = []
    for name, value in row.items():
        if len(value) > MAX_FIELD:
            problems.append(Problem(line, ROW, "field_too_long", {"limit": MAX_FIELD}, name))
            row[name] = value[:MAX_FIELD]
        if match := CONTROL_IN_CELL.search(row[name]):
            problems.append(
                Problem(line, ROW, "control_in_cell", {"char": f"U+{ord(match.group()):04X}"}, name)
            )
            row[name] = CONTROL_IN_CELL.sub("", row[name])
    return problems


def _work(work: WorkRow, row: dict[str, str]) -> None:
    """The work's columns, from its first row."""
    line = work.line
    work.title = row.get("title", "")
    work.language = row.get("language", "").lower()
    work.alternate_titles = [t.strip() for t in row.get("alternate_titles", "").split("|") if t.strip()]
    if not work.title:
        work.error(line, ROW, "no_title", field="title")
    kind = row.get("kind", "").lower() or WorkKind.MUSICAL
    if kind not in WorkKind.values:
        work.error(line, ROW, "unknown_kind", {"k": kind}, "kind")
    work.kind = kind
    for name, validate in (("iswc", identifiers.validate_iswc), ("isrc", identifiers.validate_isrc)):
        if row.get(name):
            try:
                setattr(work, name, validate(row[name]))
            except ValidationError as exc:
                work.invalid(line, ROW, exc, name)
    if row.get("work_id"):
        work.work_id = _int(work, line, "work_id", row["work_id"])
    if row.get("creation_year"):
        work.creation_year = _int(work, line, "creation_year", row["creation_year"])
    if row.get("disclosed_on"):
        try:
            work.disclosed_on = dt.date.fromisoformat(row["disclosed_on"][:10])
        except ValueError:
            work.error(line, ROW, "date_format", field="disclosed_on")


def _int(work: WorkRow, line: int, name: str, value: str) -> int | None:
    if is_ascii_digits(value) and len(value) <= 9:
        return int(value)
    work.error(line, ROW, "not_whole_number", {"v": value}, name)
    return None


def _contributor(work: WorkRow, line: int, row: dict[str, str]) -> None:
    identified = any(row.get(c) for c in ("contributor_name", "party_id", "ipi_name_number"))
    role = row.get("role", "").upper()
    if not identified:
        if role or any(row.get(c) for c in SHARE_COLUMNS):
            work.error(line, ROW, "contributor_unidentified", field="contributor_name")
        return
    if role not in Role.values:
        work.error(line, ROW, "unknown_role", {"r": role}, "role")
        return
    c = ContributorRow(
        line=line,
        record=ROW,
        role=role,
        name=row.get("contributor_name", ""),
        person=role not in ENTITY_ROLES,
    )
    if row.get("party_id"):
        c.party_id = _int(work, line, "party_id", row["party_id"])
    for name, validate in (
        ("ipi_name_number", identifiers.validate_ipi_name_number),
        ("ipi_base_number", identifiers.validate_ipi_base_number),
    ):
        if row.get(name):
            try:
                setattr(c, name, validate(row[name].zfill(11) if name == "ipi_name_number" else row[name]))
            except ValidationError as exc:
                work.invalid(line, ROW, exc, name)
    for column, right in SHARE_COLUMNS.items():
        value = row.get(column, "").replace(",", ".").rstrip("%").strip()
        if not value:
            continue
        try:
            percent = Decimal(value).quantize(Decimal("0.01"))
        except InvalidOperation:
            work.error(line, ROW, "share_format", {"v": value}, column)
            continue
        if percent:
            c.shares[right] = percent
    work.contributors.append(c)


# -- writing -------------------------------------------------------------------------------------
def export_rows(works: QuerySet[Work]) -> Iterator[dict[str, str]]:
    from registers.cwr.writer import works_for_export

    for work in works_for_export(works):
        base = {
            "work_ref": work.submitter_ref or f"UDP{work.pk}",
            "work_id": str(work.pk),
            "kind": work.kind,
            "title": work.title,
            "alternate_titles": "|".join(t.title for t in work.titles.all()),
            "iswc": work.iswc or "",
            "isrc": work.isrc or "",
            "language": work.language,
            "creation_year": str(work.creation_year or ""),
            "disclosed_on": work.disclosed_on.isoformat() if work.disclosed_on else "",
        }
        contributors = list(work.contributors.all())
        if not contributors:
            yield base
        for c in contributors:
            ipis = list(c.party.ipi_names.all())
            row = {
                **base,
                "contributor_name": c.credited_as or c.party.name,
                "party_id": str(c.party_id),
                "ipi_name_number": ipis[0].name_number if ipis else "",
                "ipi_base_number": c.party.ipi_base_number,
                "role": c.role,
            }
            by_right = {s.right_type: s.percent for s in c.shares.all()}
            for column, right in SHARE_COLUMNS.items():
                row[column] = str(by_right[right]) if right in by_right else ""
            yield row


def _cells(rows: Iterable[dict[str, str]]) -> Iterator[list[str]]:
    return ([row.get(c, "") for c in COLUMNS] for row in rows)


def write_csv(rows: Iterable[dict[str, str]]) -> bytes:
    """The template as CSV; formula-like cells are neutralised (:mod:`udp.core.spreadsheets`)."""
    return spreadsheets.csv_bytes(COLUMNS, _cells(rows))


def csv_stream(rows: Iterable[dict[str, str]]) -> Iterator[str]:
    """The template as CSV, line by line, for a streamed download."""
    return spreadsheets.csv_lines(COLUMNS, _cells(rows))


def write_xlsx(rows: Iterable[dict[str, str]]) -> bytes:
    """The template as XLSX: every cell a string, never a formula."""
    return spreadsheets.xlsx_bytes(COLUMNS, _cells(rows), title="works")
