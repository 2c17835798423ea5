"""What is wrong with a usage report, as a code and its parameters, rendered in the reader's language; counted
by code for the whole file, the first :data:`MAX_STORED` kept (as :mod:`registers.importing.problems` does for
imports of works, whose whole-file codes this module reuses)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from registers.importing import problems as import_problems

MAX_STORED = import_problems.MAX_STORED
MAX_VALUE = import_problems.MAX_VALUE

MESSAGES: dict[str, Any] = {
    # the file as a whole
    "empty_file": _("The file is empty."),
    "missing_columns": _("Columns missing from the header: %(c)s."),
    "unknown_columns": _("Columns the template does not have: %(c)s."),
    "not_what_named": _("The file is named .%(ext)s but its content is %(found)s."),
    "not_xlsx": _("The file is not an XLSX workbook."),
    "not_json": _("The JSON cannot be read: %(e)s"),
    "csv_malformed": _("The CSV cannot be read here: %(e)s"),
    "too_big": _("The file is larger than %(mb)s MB."),
    "no_lines": _("The report has no usage lines."),
    # encodings and bytes (the text checks of the imports of works)
    "bad_byte": import_problems.MESSAGES["bad_byte"],
    "ambiguous_encoding": import_problems.MESSAGES["ambiguous_encoding"],
    "truncated_character": import_problems.MESSAGES["truncated_character"],
    "nul_byte": import_problems.MESSAGES["nul_byte"],
    "control_character": import_problems.MESSAGES["control_character"],
    # a line
    "wrong_column_count": _("The line has %(n)s columns; the header has %(expected)s."),
    "bad_isrc": _("“%(v)s” is not a valid ISRC (e.g. KZA012500001)."),
    "bad_iswc": _("“%(v)s” is not a valid ISWC (e.g. T-034.524.680-1)."),
    "no_recording": _("The line names no recording: give an ISRC, or a title and an artist."),
    "plays_not_number": _("The number of plays is a whole number, not “%(v)s”."),
    "plays_not_positive": _("The number of plays must be above zero, not %(v)s."),
    "duration_bad": _("A duration is seconds (e.g. 215) or ISO 8601 (PT3M35S), not “%(v)s”."),
    "played_at_bad": _("The time played is written YYYY-MM-DD HH:MM, not “%(v)s”."),
    "outside_period": _("Played on %(day)s, outside the report's period %(start)s – %(end)s."),
    "field_too_long": _("The field %(f)s is longer than %(limit)s characters."),
    "not_an_object": _("Each line is an object with named fields."),
    # DSR
    "dsr_no_head": _("A DSR file starts with a HEAD record."),
    "dsr_no_foot": _("The file ends without a FOOT record: it is cut short."),
    "dsr_after_foot": _("Records after the FOOT record."),
    "dsr_foot_count": _("The FOOT record says %(given)s lines in the file, but %(counted)s were counted."),
    "dsr_unknown_record": _("Unknown or unsupported record type “%(kind)s”."),
    "dsr_record_length": _("A %(kind)s record has at least %(low)s cells, this one %(n)s."),
    "dsr_unknown_resource": _("The SU record names resource “%(ref)s”, not described in block %(block)s."),
    "dsr_unknown_summary": _("The SU record names summary record “%(ref)s”, not given before."),
    "dsr_profile": _(
        "Profile “%(p)s” is not supported; send the basic audio or the radio broadcast profile."
    ),
    "dsr_head_dates": _("The HEAD record's usage dates are not dates: “%(v)s”."),
    # the end
    "file_refused": _("Nothing was kept: the file was refused because %(n)s lines are bad (all or nothing)."),
    "crashed": _("The report could not be read: %(e)s"),
    "interrupted": _(
        "Reading stopped after line %(line)s (the background worker stopped). Send the file again."
    ),
    "duplicate": _("The same file was already sent as report no. %(id)s."),
}


@dataclass
class Problem:
    line: int
    code: str
    params: dict[str, Any] = field(default_factory=dict)


def clip(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_VALUE:
        return value[: MAX_VALUE - 1] + "…"
    return value


def render(code: str, params: dict[str, Any] | None) -> str:
    message = MESSAGES.get(code)
    if message is None:
        return import_problems.render(code, params)
    text = str(message)
    if params:
        try:
            return text % params
        except (KeyError, TypeError, ValueError):
            return text
    return text


class ProblemLog:
    """Every problem counted by code; the first :data:`MAX_STORED` kept; bad lines counted once each."""

    def __init__(self, limit: int = MAX_STORED) -> None:
        self.limit = limit
        self.kept: list[Problem] = []
        self.counts: Counter[str] = Counter()

    def add(self, line: int, code: str, **params: Any) -> None:
        self.counts[code] += 1
        if len(self.kept) < self.limit:
            self.kept.append(Problem(line, code, {k: clip(v) for k, v in params.items()}))

    @property
    def total(self) -> int:
        return sum(self.counts.values())
