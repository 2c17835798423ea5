"""Reading a usage report: the file is checked whole first (is it what its name says; encoding, NUL bytes and
control characters, as :mod:`registers.importing.textfile` checks imports of works), then read as a stream.

Each reader yields the good lines as COPY text (:class:`~licensing.usage.rows.LineChecker`) and names each bad
line in the log; :class:`FileRefused` means the file as a whole cannot be taken (nothing of it is kept).
Memory does not grow with the file: the template and DSR readers hold one line (and, for DSR, one block's
resources) at a time; XLSX is read in openpyxl's read-only mode. JSON comes from the API and is read whole,
within the upload limit.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import zipfile
from collections.abc import Iterator
from typing import IO, Any

from licensing.usage.problems import ProblemLog
from licensing.usage.rows import COLUMNS, REQUIRED, LineChecker
from registers.importing import textfile

CSV_FIELD_LIMIT = 100_000


class FileRefused(Exception):
    """The whole file is refused: ``code`` and ``params`` say why, ``line`` where."""

    def __init__(self, line: int, code: str, **params: Any) -> None:
        super().__init__(code)
        self.line = line
        self.code = code
        self.params = params


# -- what the file is ---------------------------------------------------------------------------------
def sniff(fh: IO[bytes]) -> str:
    """What the bytes are: ``zip``, ``json``, ``dsr``, ``text``, ``binary`` or ``empty``."""
    fh.seek(0)
    head = fh.read(4096)
    fh.seek(0)
    if not head:
        return "empty"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith((b"\xd0\xcf\x11\xe0", b"%PDF", b"\x1f\x8b")):
        return "binary"
    for mark, _codec, _name in textfile.BOMS:
        if head.startswith(mark):
            head = head[len(mark) :]
            break
    stripped = head.lstrip()
    if stripped[:1] in (b"{", b"["):
        return "json"
    if head.startswith(b"HEAD\t"):
        return "dsr"
    return "text"


FOUND = {
    "zip": "a ZIP archive (an XLSX workbook?)",
    "json": "JSON",
    "dsr": "a DSR flat file",
    "text": "text (CSV?)",
    "binary": "binary data",
}


def check_kind(fh: IO[bytes], fmt: str, extension: str) -> None:
    """Refuse a file whose content is not what its name (or the API call) says."""
    kind = sniff(fh)
    if kind == "empty":
        raise FileRefused(0, "empty_file")
    expected = {"csv": ("text",), "xlsx": ("zip",), "json": ("json",), "dsr": ("dsr",)}[fmt]
    if kind not in expected:
        raise FileRefused(0, "not_what_named", ext=extension or fmt, found=FOUND[kind])
    if fmt == "xlsx":
        try:
            with zipfile.ZipFile(fh) as archive:
                if "xl/workbook.xml" not in archive.namelist():
                    raise FileRefused(0, "not_what_named", ext=extension or fmt, found=FOUND["zip"])
        except zipfile.BadZipFile:
            raise FileRefused(0, "not_xlsx") from None
        finally:
            fh.seek(0)


def check_text(fh: IO[bytes]) -> textfile.Encoding:
    """The encoding of a text file, after refusing NUL bytes and control characters (with their line)."""
    try:
        if textfile.by_bom(fh) is None:
            textfile._refuse_nul(fh)
        encoding = textfile.detect_csv(fh)
        _refuse_controls(fh, encoding)
    except textfile.NotText as exc:
        raise FileRefused(exc.line, exc.code, **exc.params) from None
    fh.seek(0)
    return encoding


def _refuse_controls(fh: IO[bytes], encoding: textfile.Encoding) -> None:
    """Chunk by chunk (a file of millions of lines is not split into lines for this); lines are counted only
    when there is something to name. The text was decoded whole already (:func:`textfile.detect_csv`), except
    in a code page guessed by plausibility: its bytes that the code page leaves undefined are named here."""
    if encoding.guessed:
        for _text in textfile.decoded(fh, encoding, check_only=True):
            pass
    if textfile.has_control(fh, encoding):
        _name_controls(fh, encoding)


def _name_controls(fh: IO[bytes], encoding: textfile.Encoding) -> None:
    """The first bad byte or control character, with its line."""
    breaks = 0
    for text in textfile.decoded(fh, encoding):
        match = textfile.CONTROL.search(text)
        if match is not None:
            char = match.group()
            line = breaks + textfile.count_breaks(text[: match.start()]) + 1
            raise textfile.NotText(
                line, "nul_byte" if char == "\x00" else "control_character", char=f"U+{ord(char):04X}"
            )
        breaks += textfile.count_breaks(text)


def text_stream(fh: IO[bytes], encoding: textfile.Encoding) -> io.TextIOWrapper:
    fh.seek(encoding.skip)
    codec = codecs.lookup(encoding.codec).name
    return io.TextIOWrapper(fh, encoding=codec, newline="")


# -- the template: CSV and XLSX -------------------------------------------------------------------------
def _header(names: list[str], line: int) -> list[str]:
    header = [str(n or "").strip().lower().lstrip("\ufeff") for n in names]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise FileRefused(line, "missing_columns", c=", ".join(missing))
    unknown = [c for c in header if c and c not in COLUMNS]
    if unknown:
        raise FileRefused(line, "unknown_columns", c=", ".join(unknown))
    return header


class Reader:
    """Counts the lines read (``line``), for progress."""

    line = 0

    def rows(self) -> Iterator[str]:  # pragma: no cover - overridden
        raise NotImplementedError

    def batches(self, size: int = 20_000) -> Iterator[str]:
        """The COPY text of ``size`` good lines at a time (``line`` is read between them)."""
        buffer: list[str] = []
        for text in self.rows():
            buffer.append(text)
            if len(buffer) >= size:
                yield "".join(buffer)
                buffer.clear()
        if buffer:
            yield "".join(buffer)


class CsvReader(Reader):
    def __init__(self, fh: IO[bytes], checker: LineChecker, encoding: textfile.Encoding) -> None:
        self.fh, self.checker, self.encoding = fh, checker, encoding

    def rows(self) -> Iterator[str]:
        # the limit is the process's: it is put back for the other readers (registers' imports) after this file
        previous = csv.field_size_limit(CSV_FIELD_LIMIT)
        try:
            yield from self._rows()
        finally:
            csv.field_size_limit(previous)

    def _rows(self) -> Iterator[str]:
        self.fh.seek(self.encoding.skip)
        first_line = self.fh.read(4096).decode(self.encoding.codec, "ignore").split("\n", 1)[0]
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        stream = text_stream(self.fh, self.encoding)
        reader = csv.reader(stream, delimiter=delimiter)
        check = self.checker.check
        log = self.checker.log
        try:
            first = next(reader, None)
            if first is None:
                raise FileRefused(0, "empty_file")
            header = _header(first, 1)
            width = len(header)
            indexes = [(name, i) for i, name in enumerate(header) if name]
            for row in reader:
                line = reader.line_num
                self.line = line
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                if len(row) != width:
                    log.add(line, "wrong_column_count", n=len(row), expected=width)
                    self.checker.bad += 1
                    continue
                text = check(line, **{name: row[i] for name, i in indexes})
                if text is not None:
                    yield text
        except csv.Error as exc:
            raise FileRefused(reader.line_num, "csv_malformed", e=str(exc)) from None
        finally:
            stream.detach()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return str(value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat())
    return str(value)


class XlsxReader(Reader):
    def __init__(self, fh: IO[bytes], checker: LineChecker) -> None:
        self.fh, self.checker = fh, checker

    def rows(self) -> Iterator[str]:
        from openpyxl import load_workbook

        try:
            book = load_workbook(self.fh, read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a broken workbook
            raise FileRefused(0, "not_xlsx") from None
        try:
            sheet = book.worksheets[0]
            rows = sheet.iter_rows(values_only=True)
            first = next(rows, None)
            if first is None:
                raise FileRefused(0, "empty_file")
            header = _header([_cell(v) for v in first], 1)
            while header and not header[-1]:
                header.pop()
            width = len(header)
            indexes = [(name, i) for i, name in enumerate(header) if name]
            check, log = self.checker.check, self.checker.log
            for line, row in enumerate(rows, start=2):
                self.line = line
                values = [_cell(v) for v in row]
                while len(values) > width and not values[-1]:
                    values.pop()
                if not any(v.strip() for v in values):
                    continue
                if len(values) > width:
                    log.add(line, "wrong_column_count", n=len(values), expected=width)
                    self.checker.bad += 1
                    continue
                values += [""] * (width - len(values))
                text = check(line, **{name: values[i] for name, i in indexes})
                if text is not None:
                    yield text
        finally:
            book.close()


# -- JSON (the API) ---------------------------------------------------------------------------------------
class JsonReader(Reader):
    """``{"lines": [{"isrc": ..., "title": ..., "plays": ...}, ...]}`` or a bare list; line n is the n-th object."""

    def __init__(self, fh: IO[bytes], checker: LineChecker) -> None:
        self.fh, self.checker = fh, checker

    def rows(self) -> Iterator[str]:
        self.fh.seek(0)
        try:
            data = json.load(io.TextIOWrapper(self.fh, encoding="utf-8-sig"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise FileRefused(0, "not_json", e=str(exc)[:200]) from None
        lines = data.get("lines") if isinstance(data, dict) else data
        if not isinstance(lines, list) or not lines:
            raise FileRefused(0, "no_lines")
        check, log = self.checker.check, self.checker.log
        for number, item in enumerate(lines, start=1):
            self.line = number
            if not isinstance(item, dict):
                log.add(number, "not_an_object")
                self.checker.bad += 1
                continue
            unknown = [k for k in item if k not in COLUMNS]
            if unknown:
                log.add(number, "unknown_columns", c=", ".join(map(str, unknown))[:200])
                self.checker.bad += 1
                continue
            values = {k: ("" if v is None else str(v)) for k, v in item.items()}
            text = check(number, **values)
            if text is not None:
                yield text


# -- the DDEX DSR flat file ---------------------------------------------------------------------------------
#: Cells (0-based, the record type first) read from each record type of the DSR record type definitions,
#: by the record type without its version: the fewest cells it must have, and where each value is.
HEAD = {"min": 10, "profile": 2, "start": 8, "end": 9}
SUMMARY = {  # SY01 basic; SY02 ad-supported/interactive streaming; SY03 subscription; SY08 broadcast
    "SY01": {"min": 8, "source": 7},
    "SY02": {"min": 8, "source": 7},
    "SY03": {"min": 8, "source": 7},
    "SY08": {"min": 6, "source": 5},  # BroadcastOrChannel
}
RESOURCE = {  # AS01 basic sound recording; AS02 with the musical work
    "AS01": {"min": 11, "ref": 2, "isrc": 4, "title": 5, "artist": 7, "duration": 9},
    "AS02": {"min": 12, "ref": 2, "isrc": 4, "title": 5, "artist": 7, "duration": 9, "iswc": 11},
}
USAGE = {  # SU01 downloads (Usages); SU02 streams (NumberOfStreams); SU05 broadcasts (NumberOfBroadcasts)
    "SU01": {"min": 9, "summary": 2, "resource": 5, "plays": 8},
    "SU02": {"min": 8, "summary": 2, "resource": 5, "plays": 7},
    "SU05": {"min": 7, "summary": 2, "resource": 4, "plays": 6},
}
RELEASE = ("RE01", "RE02", "MW01")
PROFILES = ("BasicAudioProfile", "BasicAudioProfileSRB", "RadioBroadcastProfile", "BroadcastProfile")


class DsrReader(Reader):
    """HEAD, summary records (SY), blocks of release (RE), resource (AS) and usage (SU) records, FOOT.

    An SU record is one usage line: the resource it names (in its block) gives ISRC, title, artist,
    duration and ISWC; the summary record it names gives the station or service. The file must end with
    a FOOT record whose line count matches: otherwise it is cut short, and refused whole.

    A DSR file has millions of SU records and few resources: a resource's cells are checked once (with
    the summary it is used with) and each SU record costs a split, two look-ups and its count. The COPY
    text comes out a block of lines at a time (:meth:`batches`).
    """

    def __init__(self, fh: IO[bytes], checker: LineChecker, encoding: textfile.Encoding) -> None:
        self.fh, self.checker, self.encoding = fh, checker, encoding
        self.profile = ""

    def rows(self) -> Iterator[str]:
        for batch in self.batches():
            yield from batch.splitlines(keepends=True)

    def batches(self, size: int = 0) -> Iterator[str]:  # noqa: C901 - one record type a branch
        stream = text_stream(self.fh, self.encoding)
        checker = self.checker
        log = checker.log
        usage = {
            kind: (spec["min"], spec["summary"], spec["resource"], spec["plays"])
            for kind, spec in USAGE.items()
        }
        summaries: dict[str, str] = {}
        block = ""
        # ref → [the resource's cells, the checked COPY cells for the summary last used with it, that summary]
        resources: dict[str, list[Any]] = {}
        clean = _CleanCells(checker)
        footed = 0
        line = 0
        prefix = f"{checker.prefix}{checker.default_period}\t"
        try:
            while chunk := stream.readlines(1 << 20):
                out: list[str] = []
                good = bad = 0
                for raw in chunk:
                    line += 1
                    spec = usage.get(raw[:4])
                    if spec is not None and not footed and line > 1:
                        cells = raw.rstrip("\r\n").split("\t")
                        low, at_summary, at_resource, at_plays = spec
                        if len(cells) < low:
                            log.add(line, "dsr_record_length", kind=cells[0], low=low, n=len(cells))
                            bad += 1
                            continue
                        ref = cells[at_resource]
                        if cells[1] != block:
                            log.add(line, "dsr_unknown_resource", ref=ref, block=cells[1])
                            bad += 1
                            continue
                        if "|" in ref:
                            ref = ref.split("|", 1)[0]
                        entry = resources.get(ref)
                        if entry is None:
                            log.add(line, "dsr_unknown_resource", ref=ref, block=block)
                            bad += 1
                            continue
                        said = cells[at_summary]
                        if said == entry[2]:
                            parts = entry[1]
                        else:
                            summary = summaries.get(said)
                            if summary is None:
                                log.add(line, "dsr_unknown_summary", ref=said)
                                bad += 1
                                continue
                            parts = entry[1] = clean(entry[0], summary)
                            entry[2] = said
                        plays = cells[at_plays]
                        # the common case: a resource and summary known good, a plain count in range
                        if parts is not None and plays.isascii() and plays.isdecimal() and len(plays) <= 10:
                            count = int(plays)
                            if 0 < count <= 2_000_000_000:
                                good += 1
                                out.append(f"{prefix}{line}\t\\N\t{parts[0]}\t{count}\t{parts[1]}\n")
                                continue
                        isrc, title, artist, duration, iswc = entry[0]
                        checker.good, checker.bad = checker.good + good, checker.bad + bad
                        good = bad = 0
                        text = checker.check(
                            line, isrc=isrc, iswc=iswc, title=title, artist=artist, plays=plays,
                            duration=duration, source=summaries[said],
                        )  # fmt: skip
                        if text is not None:
                            out.append(text)
                        continue
                    cells = raw.rstrip("\r\n").split("\t")
                    kind = cells[0]
                    base = kind[:4]
                    if footed:
                        if raw.strip():
                            raise FileRefused(line, "dsr_after_foot")
                    elif line == 1:
                        if kind != "HEAD" or len(cells) < HEAD["min"]:
                            raise FileRefused(1, "dsr_no_head")
                        self.profile = cells[HEAD["profile"]]
                        if self.profile not in PROFILES:
                            raise FileRefused(1, "dsr_profile", p=self.profile)
                    elif base in RESOURCE:
                        rspec = RESOURCE[base]
                        if len(cells) < rspec["min"]:
                            log.add(line, "dsr_record_length", kind=kind, low=rspec["min"], n=len(cells))
                            continue
                        if cells[1] != block:
                            block, resources = cells[1], {}
                        cells_of = (
                            cells[rspec["isrc"]].split("|", 1)[0],
                            cells[rspec["title"]],
                            cells[rspec["artist"]].split("|", 1)[0],
                            cells[rspec["duration"]],
                            cells[rspec["iswc"]].split("|", 1)[0] if "iswc" in rspec else "",
                        )
                        resources[cells[rspec["ref"]]] = [cells_of, None, None]
                    elif base in RELEASE:
                        if len(cells) > 1 and cells[1] != block:
                            block, resources = cells[1], {}
                    elif base in SUMMARY:
                        sspec = SUMMARY[base]
                        if len(cells) < sspec["min"]:
                            log.add(line, "dsr_record_length", kind=kind, low=sspec["min"], n=len(cells))
                            continue
                        summaries[cells[1]] = cells[sspec["source"]]
                        for entry in resources.values():  # a summary given again: check afresh
                            entry[2] = None
                    elif kind == "FOOT":
                        given = cells[1].strip() if len(cells) > 1 else ""
                        if not given.isdecimal() or int(given) != line:
                            raise FileRefused(line, "dsr_foot_count", given=given or "—", counted=line)
                        footed = line
                    elif not raw.strip():
                        continue
                    else:
                        log.add(line, "dsr_unknown_record", kind=kind[:20])
                checker.good, checker.bad = checker.good + good, checker.bad + bad
                self.line = line
                if out:
                    yield "".join(out)
            self.line = line
            if not footed:
                raise FileRefused(line + 1, "dsr_no_foot")
        finally:
            stream.detach()


class _CleanCells:
    """The COPY text cells of a usage line that come from its resource and summary (before and after the
    count), or ``None`` if they name any problem (such lines are then checked one by one, and named).
    Remembered for the distinct resources of the report (a playlist names the same recordings again)."""

    LIMIT = 100_000

    def __init__(self, checker: LineChecker) -> None:
        self.cells = checker.recording_cells
        self.known: dict[tuple[tuple[str, str, str, str, str], str], tuple[str, str] | None] = {}

    def __call__(self, resource: tuple[str, str, str, str, str], summary: str) -> tuple[str, str] | None:
        key = (resource, summary)
        if key in self.known:
            return self.known[key]
        if len(self.known) >= self.LIMIT:
            self.known.clear()
        isrc, title, artist, duration, iswc = resource
        parts = self.known[key] = self.cells(
            isrc=isrc, iswc=iswc, title=title, artist=artist, duration=duration, source=summary
        )
        return parts


def reader_for(fmt: str, fh: IO[bytes], checker: LineChecker, encoding: textfile.Encoding | None) -> Reader:
    if fmt == "csv":
        assert encoding is not None
        return CsvReader(fh, checker, encoding)
    if fmt == "xlsx":
        return XlsxReader(fh, checker)
    if fmt == "json":
        return JsonReader(fh, checker)
    assert encoding is not None
    return DsrReader(fh, checker, encoding)


def empty_log() -> ProblemLog:
    return ProblemLog()
