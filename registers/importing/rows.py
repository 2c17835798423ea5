"""What a file says about works, before it touches the register: one :class:`WorkRow` per work
(a CWR transaction, or the rows of one ``work_ref`` in a template), each with its own problems.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

ERROR = "error"
NOTE = "note"


@dataclass
class Problem:
    """A bad (or noteworthy) line: its number in the file, record type, field and the reason."""

    line: int
    record: str
    reason: str
    field: str = ""
    level: str = ERROR

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "record": self.record,
            "field": self.field,
            "reason": self.reason,
            "level": self.level,
        }


@dataclass
class ContributorRow:
    line: int
    record: str
    role: str
    name: str = ""
    person: bool = True
    ipi_name_number: str = ""
    ipi_base_number: str = ""
    party_id: int | None = None
    file_key: str = ""  #: the file's own id for this party (CWR interested party number)
    unknown: bool = False
    shares: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class RecordingRow:
    line: int
    isrc: str
    title: str = ""
    released_on: dt.date | None = None
    duration: dt.timedelta | None = None


@dataclass
class WorkRow:
    line: int
    record: str
    title: str = ""
    ref: str = ""
    work_id: int | None = None
    kind: str = "musical"
    revision: bool = False
    alternate_titles: list[str] = field(default_factory=list)
    iswc: str = ""
    isrc: str = ""
    language: str = ""
    creation_year: int | None = None
    disclosed_on: dt.date | None = None
    duration: dt.timedelta | None = None
    contributors: list[ContributorRow] = field(default_factory=list)
    recordings: list[RecordingRow] = field(default_factory=list)
    performers: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    group_id: int = 0
    transaction_seq: int = 0
    transaction_type: str = ""

    @property
    def bad(self) -> bool:
        return any(p.level == ERROR for p in self.problems)

    def error(self, line: int, record: str, reason: str, field: str = "") -> None:
        self.problems.append(Problem(line, record, reason, field))

    def note(self, line: int, record: str, reason: str, field: str = "") -> None:
        self.problems.append(Problem(line, record, reason, field, level=NOTE))


@dataclass
class ParsedFile:
    works: list[WorkRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  #: about the file, not one work
    lines_total: int = 0
    header: dict[str, str] = field(default_factory=dict)

    @property
    def file_errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == ERROR]
