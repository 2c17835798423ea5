"""A CMO brings in its whole membership: mandates signed on paper, listed in a CSV or XLSX file, with a
ZIP of their scanned copies.

Columns (a header row names them; order is free):

==============  =========================================================================
holder          required: the holder's IPI name number, IIN, BIN, or ``#`` and the register id
areas           required: items of Art. 43.3, separated by ``;`` or ``,`` (``1;7``)
concluded_on    required: the day the paper was signed, YYYY-MM-DD
valid_from      the day the mandate is in force from, YYYY-MM-DD (default: concluded_on)
paper_number    the number written on the paper contract
scan            required: the name of the scanned copy in the ZIP (PDF, JPEG or PNG)
==============  =========================================================================

Each line is entered on its own (:func:`mandates.paper.enter_paper_mandate`, one transaction each): the
good lines are entered, and every bad line is reported with its number and what is wrong. A file the
platform cannot read is refused whole.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from mandates.actions import MandateRefused
from mandates.paper import SCAN_MAX_BYTES, enter_paper_mandate
from mandates.request_forms import find_holder
from registers.importing import textfile
from registers.models import Area
from udp.accounts import roles
from udp.accounts.models import User
from udp.core.spreadsheets import csv_bytes

COLUMNS = ("holder", "areas", "concluded_on", "valid_from", "paper_number", "scan")
REQUIRED = ("holder", "areas", "concluded_on", "scan")
#: At most this many lines in one file; the rest is a second file.
MAX_LINES = 5000
#: A workbook or a ZIP that unpacks to more than this is refused (a zip bomb).
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024


class Unreadable(Exception):
    """The file cannot be read at all; nothing is entered."""


@dataclass
class LineResult:
    line: int
    holder: str
    contract: str = ""
    errors: list[str] = field(default_factory=list)
    conflict: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class BulkResult:
    lines: list[LineResult] = field(default_factory=list)

    @property
    def entered(self) -> int:
        return sum(1 for line in self.lines if line.ok)

    @property
    def refused(self) -> list[LineResult]:
        return [line for line in self.lines if not line.ok]

    def error_csv(self) -> bytes:
        """The bad lines with what is wrong, for the CMO to correct and send again."""
        return csv_bytes(
            ["line", "holder", "errors", "conflict"],
            ([r.line, r.holder, " | ".join(r.errors), r.conflict or ""] for r in self.refused),
        )


def _rows_csv(data: bytes) -> Iterator[tuple[int, list[str]]]:
    fh = io.BytesIO(data)
    try:
        encoding = textfile.detect(fh, "csv")
    except textfile.NotText as exc:
        raise Unreadable(_("The file is not readable text (line %(line)s).") % {"line": exc.line}) from None
    first = next(textfile.lines(fh, encoding), "")
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(textfile.lines(fh, encoding), delimiter=delimiter)
    try:
        for number, values in enumerate(reader, start=1):
            yield number, [v.strip() for v in values]
    except csv.Error:
        raise Unreadable(_("The CSV file is malformed.")) from None


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


def _rows_xlsx(data: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise Unreadable(_("The workbook is too large."))
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Unreadable:
        raise
    except Exception:  # openpyxl and zipfile raise many kinds of error for a file that is not a workbook
        raise Unreadable(_("The file is not an XLSX workbook.")) from None
    try:
        for number, values in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
            yield number, [_cell(v) for v in values]
    finally:
        book.close()


def read_lines(data: bytes, name: str) -> Iterator[tuple[int, dict[str, str]]]:
    """Each line of the list as (its number, its cells by column); the header row names the columns."""
    rows = _rows_xlsx(data) if name.lower().endswith(".xlsx") else _rows_csv(data)
    header: list[str] | None = None
    for number, values in rows:
        if header is None:
            header = [v.strip().lower().lstrip("\ufeff") for v in values]
            missing = [c for c in REQUIRED if c not in header]
            if missing:
                raise Unreadable(
                    _("The header lacks the column(s) %(columns)s.") % {"columns": ", ".join(missing)}
                )
            continue
        if not any(values):
            continue
        if number > MAX_LINES + 1:
            raise Unreadable(_("The file has more than %(n)s lines; send it in parts.") % {"n": MAX_LINES})
        yield number, {column: (values[i] if i < len(values) else "") for i, column in enumerate(header)}


def _date(row: dict[str, str], column: str, errors: list[str]) -> dt.date | None:
    value = row.get(column, "")
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors.append(
            _("%(column)s: not a date (YYYY-MM-DD): %(value)s") % {"column": column, "value": value[:40]}
        )
        return None


def _areas(value: str, errors: list[str]) -> list[Area]:
    items = [part.strip() for part in value.replace(",", ";").split(";") if part.strip()]
    if not items or not all(item.isascii() and item.isdigit() and len(item) < 4 for item in items):
        errors.append(_("areas: list the items of Art. 43.3, e.g. 1;7"))
        return []
    areas = list(Area.objects.filter(item__in=[int(i) for i in items], in_force=True))
    if len(areas) != len(set(items)):
        errors.append(
            _("areas: an item is not an area of collective management in force: %(value)s") % {"value": value}
        )
    return areas


def _scan(archive: zipfile.ZipFile | None, name: str, errors: list[str]) -> ContentFile[bytes] | None:
    if archive is None:
        errors.append(_("scan: send the ZIP of scanned copies with the list"))
        return None
    try:
        info = archive.getinfo(name)
    except KeyError:
        errors.append(_("scan: the ZIP has no file named %(name)s") % {"name": name[:100]})
        return None
    if info.file_size > SCAN_MAX_BYTES:
        errors.append(_("scan: %(name)s is larger than 10 MB") % {"name": name[:100]})
        return None
    with archive.open(info) as member:
        return ContentFile(member.read(SCAN_MAX_BYTES + 1), name=name.rsplit("/", 1)[-1])


def _enter(by: User, number: int, row: dict[str, str], archive: zipfile.ZipFile | None) -> LineResult:
    result = LineResult(line=number, holder=row.get("holder", "")[:40])
    errors = result.errors
    holder = find_holder(row.get("holder", ""))
    if holder is None:
        errors.append(_("holder: no rightsholder in the register has this identifier"))
    areas = _areas(row.get("areas", ""), errors)
    concluded_on = _date(row, "concluded_on", errors)
    if concluded_on is None and not errors:
        errors.append(_("concluded_on: required"))
    valid_from = _date(row, "valid_from", errors) or concluded_on
    scan = _scan(archive, row.get("scan", ""), errors) if row.get("scan") else None
    if not row.get("scan"):
        errors.append(_("scan: required"))
    if errors or holder is None or concluded_on is None or valid_from is None or scan is None:
        return result
    try:
        entered = enter_paper_mandate(
            by=by, holder=holder, areas=areas, concluded_on=concluded_on, valid_from=valid_from, scan=scan,
            paper_number=row.get("paper_number", ""),
        )  # fmt: skip
    except MandateRefused as refused:
        errors.extend(refused.messages)
        result.conflict = refused.conflict.pk if refused.conflict else None
    except ValidationError as error:
        errors.extend(error.messages)
    else:
        result.contract = entered.contract.number
    return result


def enter_membership(
    *, by: User, listing: IO[bytes], listing_name: str, scans: IO[bytes] | None
) -> BulkResult:
    """Enter every good line of ``listing`` (CSV or XLSX) with its scan from the ZIP ``scans``."""
    if not roles.is_cmo_staff(by):
        raise PermissionError(_("only a CMO's staff enter its paper mandates"))
    data = listing.read()
    archive: zipfile.ZipFile | None = None
    if scans is not None:
        try:
            archive = zipfile.ZipFile(scans)
        except zipfile.BadZipFile:
            raise Unreadable(_("The scanned copies must come as a ZIP file.")) from None
        if sum(i.file_size for i in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise Unreadable(_("The ZIP of scanned copies is too large."))
    result = BulkResult()
    try:
        for number, row in read_lines(data, listing_name):
            result.lines.append(_enter(by, number, row, archive))
    finally:
        if archive is not None:
            archive.close()
    return result
