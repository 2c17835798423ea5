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
    when there is something to name."""
    decoder = codecs.getincrementaldecoder(encoding.codec)("strict")
    try:
        for chunk in textfile.chunks(fh, encoding.skip):
            if textfile.CONTROL.search(decoder.decode(chunk)) is not None:
                break
        else:
            decoder.decode(b"", final=True)
            return
    except UnicodeDecodeError:
        pass
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


class CsvReader(Reader):
    def __init__(self, fh: IO[bytes], checker: LineChecker, encoding: textfile.Encoding) -> None:
        self.fh, self.checker, self.encoding = fh, checker, encoding

    def rows(self) -> Iterator[str]:
        csv.field_size_limit(CSV_FIELD_LIMIT)
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
    """

    def __init__(self, fh: IO[bytes], checker: LineChecker, encoding: textfile.Encoding) -> None:
        self.fh, self.checker, self.encoding = fh, checker, encoding
        self.profile = ""

    def _clean(self, resource: tuple[str, str, str, str, str], summary: str) -> tuple[str, str] | None:
        return _clean_parts(self.checker, resource, summary)

    def rows(self) -> Iterator[str]:  # noqa: C901 - one record type a branch
        stream = text_stream(self.fh, self.encoding)
        check, log = self.checker.check, self.checker.log
        summaries: dict[str, str] = {}
        block = ""
        resources: dict[str, tuple[str, str, str, str, str]] = {}
        footed = 0
        line = 0
        clean: dict[tuple[tuple[str, str, str, str, str], str], tuple[str, str] | None] = {}
        prefix = f"{self.checker.prefix}{self.checker.default_period}\t"
        try:
            for raw in stream:
                line += 1
                self.line = line
                cells = raw.rstrip("\r\n").split("\t")
                kind = cells[0]
                base = kind[:4]
                if footed:
                    if raw.strip():
                        raise FileRefused(line, "dsr_after_foot")
                    continue
                if line == 1:
                    if kind != "HEAD" or len(cells) < HEAD["min"]:
                        raise FileRefused(1, "dsr_no_head")
                    self.profile = cells[HEAD["profile"]]
                    if self.profile not in PROFILES:
                        raise FileRefused(1, "dsr_profile", p=self.profile)
                    continue
                if base in USAGE:
                    spec = USAGE[base]
                    if len(cells) < spec["min"]:
                        log.add(line, "dsr_record_length", kind=kind, low=spec["min"], n=len(cells))
                        self.checker.bad += 1
                        continue
                    if cells[1] != block:
                        log.add(line, "dsr_unknown_resource", ref=cells[spec["resource"]], block=cells[1])
                        self.checker.bad += 1
                        continue
                    ref = cells[spec["resource"]].split("|", 1)[0]
                    resource = resources.get(ref)
                    if resource is None:
                        log.add(line, "dsr_unknown_resource", ref=ref, block=block)
                        self.checker.bad += 1
                        continue
                    summary = summaries.get(cells[spec["summary"]])
                    if summary is None:
                        log.add(line, "dsr_unknown_summary", ref=cells[spec["summary"]])
                        self.checker.bad += 1
                        continue
                    plays = cells[spec["plays"]]
                    key = (resource, summary)
                    if key in clean:
                        parts = clean[key]
                    else:
                        if len(clean) >= CLEAN_CACHE:
                            clean.clear()
                        parts = clean[key] = self._clean(resource, summary)
                    # the common case: a resource and summary known good, a plain count in range
                    if (
                        parts is not None
                        and plays.isascii()
                        and plays.isdecimal()
                        and 0 < int(plays) <= 2_000_000_000
                    ):
                        self.checker.good += 1
                        yield f"{prefix}{line}\t\\N\t{parts[0]}\t{int(plays)}\t{parts[1]}\n"
                        continue
                    isrc, title, artist, duration, iswc = resource
                    text = check(
                        line, isrc=isrc, iswc=iswc, title=title, artist=artist, plays=plays,
                        duration=duration, source=summary,
                    )  # fmt: skip
                    if text is not None:
                        yield text
                elif base in RESOURCE:
                    spec = RESOURCE[base]
                    if len(cells) < spec["min"]:
                        log.add(line, "dsr_record_length", kind=kind, low=spec["min"], n=len(cells))
                        continue
                    if cells[1] != block:
                        block, resources = cells[1], {}
                    resources[cells[spec["ref"]]] = (
                        cells[spec["isrc"]].split("|", 1)[0],
                        cells[spec["title"]],
                        cells[spec["artist"]].split("|", 1)[0],
                        cells[spec["duration"]],
                        cells[spec["iswc"]].split("|", 1)[0] if "iswc" in spec else "",
                    )
                elif base in RELEASE:
                    if len(cells) > 1 and cells[1] != block:
                        block, resources = cells[1], {}
                elif base in SUMMARY:
                    spec = SUMMARY[base]
                    if len(cells) < spec["min"]:
                        log.add(line, "dsr_record_length", kind=kind, low=spec["min"], n=len(cells))
                        continue
                    summaries[cells[1]] = cells[spec["source"]]
                elif kind == "FOOT":
                    given = cells[1].strip() if len(cells) > 1 else ""
                    if not given.isdecimal() or int(given) != line:
                        raise FileRefused(line, "dsr_foot_count", given=given or "—", counted=line)
                    footed = line
                elif not raw.strip():
                    continue
                else:
                    log.add(line, "dsr_unknown_record", kind=kind[:20])
            if not footed:
                raise FileRefused(line + 1, "dsr_no_foot")
        finally:
            stream.detach()


#: Distinct (resource, summary) pairs whose checked cells are remembered at a time.
CLEAN_CACHE = 100_000
#: The checker that checks cached cells (of the report being read), its problems thrown away.
_SCRATCH: dict[tuple[Any, Any], LineChecker] = {}


def _clean_parts(
    checker: LineChecker, resource: tuple[str, str, str, str, str], summary: str
) -> tuple[str, str] | None:
    """The COPY text cells of a usage line that come from its resource and summary (before and after the
    count), or ``None`` if they name any problem: such lines are checked one by one."""
    scratch = _SCRATCH.get((checker.start, checker.end))
    if scratch is None:
        _SCRATCH.clear()
        scratch = _SCRATCH[(checker.start, checker.end)] = LineChecker(
            0, 0, checker.start, checker.end, ProblemLog()
        )
    scratch.log.kept.clear()
    scratch.log.counts.clear()
    isrc, title, artist, duration, iswc = resource
    text = scratch.check(0, isrc=isrc, iswc=iswc, title=title, artist=artist, plays="1", duration=duration,
                         source=summary)  # fmt: skip
    if text is None:
        return None
    cells = text[:-1].split(
        "\t"
    )  # report, licence, period, line, played_at, isrc, iswc, title, artist, 1, s, src
    return "\t".join(cells[5:9]), "\t".join(cells[10:])


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
