"""The works template for bulk import and export, as CSV or XLSX.

One row per contributor; the rows of one work share its ``work_ref`` (the submitter's own work
number) and the work's columns are read from its first row. Contributors are identified by their
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
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from registers.importing.rows import ContributorRow, ParsedFile, Problem, WorkRow
from registers.models import Role, Work, WorkKind
from registers.models.works import PUBLISHER_ROLES
from udp import identifiers

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
def read_csv(data: bytes) -> ParsedFile:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1251")
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    return read_rows(enumerate(reader, start=1))


def read_xlsx(data: bytes) -> ParsedFile:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except Exception:  # openpyxl raises many kinds of error for a file that is not a workbook
        return ParsedFile(problems=[Problem(1, ROW, _("The file is not an XLSX workbook."))])
    rows = ([_cell(v) for v in values] for values in sheet.iter_rows(values_only=True))
    return read_rows(enumerate(rows, start=1))


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


def read_rows(numbered: Iterable[tuple[int, list[str]]]) -> ParsedFile:
    numbered = iter(numbered)
    parsed = ParsedFile()
    try:
        header = next(numbered)[1]
    except StopIteration:
        parsed.problems.append(Problem(1, ROW, _("The file is empty.")))
        return parsed
    names = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        parsed.problems.append(
            Problem(1, ROW, _("Columns missing from the header: %(c)s.") % {"c": ", ".join(missing)})
        )
        return parsed
    works: dict[str, WorkRow] = {}
    lines = 1
    for line, values in numbered:
        lines = line
        row = {
            name: (values[i].strip() if i < len(values) and values[i] else "") for i, name in enumerate(names)
        }
        if not any(row.values()):
            continue
        ref = row.get("work_ref", "")
        if not ref:
            parsed.problems.append(Problem(line, ROW, _("The work_ref is empty."), "work_ref"))
            continue
        work = works.get(ref)
        if work is None:
            work = works[ref] = _work(line, ref, row)
        _contributor(work, line, row)
    parsed.works = list(works.values())
    parsed.lines_total = lines
    return parsed


def _work(line: int, ref: str, row: dict[str, str]) -> WorkRow:
    work = WorkRow(
        line=line, record=ROW, ref=ref, title=row.get("title", ""), language=row.get("language", "").lower()
    )
    work.alternate_titles = [t.strip() for t in row.get("alternate_titles", "").split("|") if t.strip()]
    if not work.title:
        work.error(line, ROW, _("A work needs a title."), "title")
    kind = row.get("kind", "").lower() or WorkKind.MUSICAL
    if kind not in WorkKind.values:
        work.error(line, ROW, _("Unknown kind “%(k)s”.") % {"k": kind}, "kind")
    work.kind = kind
    for name, validate in (("iswc", identifiers.validate_iswc), ("isrc", identifiers.validate_isrc)):
        if row.get(name):
            try:
                setattr(work, name, validate(row[name]))
            except ValidationError as exc:
                work.error(line, ROW, " ".join(exc.messages), name)
    if row.get("work_id"):
        work.work_id = _int(work, line, "work_id", row["work_id"])
    if row.get("creation_year"):
        work.creation_year = _int(work, line, "creation_year", row["creation_year"])
    if row.get("disclosed_on"):
        try:
            work.disclosed_on = dt.date.fromisoformat(row["disclosed_on"][:10])
        except ValueError:
            work.error(line, ROW, _("A date is written YYYY-MM-DD."), "disclosed_on")
    return work


def _int(work: WorkRow, line: int, name: str, value: str) -> int | None:
    if value.isdigit():
        return int(value)
    work.error(line, ROW, _("A whole number is expected, not “%(v)s”.") % {"v": value}, name)
    return None


def _contributor(work: WorkRow, line: int, row: dict[str, str]) -> None:
    identified = any(row.get(c) for c in ("contributor_name", "party_id", "ipi_name_number"))
    role = row.get("role", "").upper()
    if not identified:
        if role or any(row.get(c) for c in SHARE_COLUMNS):
            work.error(
                line,
                ROW,
                _("A contributor needs a name, a register id or an IPI name number."),
                "contributor_name",
            )
        return
    if role not in Role.values:
        work.error(
            line, ROW, _("Unknown role “%(r)s”; use a CISAC code such as CA, C, A, E.") % {"r": role}, "role"
        )
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
                work.error(line, ROW, " ".join(exc.messages), name)
    for column, right in SHARE_COLUMNS.items():
        value = row.get(column, "").replace(",", ".").rstrip("%").strip()
        if not value:
            continue
        try:
            percent = Decimal(value).quantize(Decimal("0.01"))
        except InvalidOperation:
            work.error(
                line, ROW, _("A share is a number such as 50 or 33.33, not “%(v)s”.") % {"v": value}, column
            )
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


def write_csv(rows: Iterable[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_xlsx(rows: Iterable[dict[str, str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "works"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row.get(c, "") for c in COLUMNS])
    for i, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(1, i).column_letter].width = max(12, len(column) + 2)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
