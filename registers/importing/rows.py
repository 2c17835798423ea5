"""What a file says about works, before it touches the register: one :class:`WorkRow` per work
(a CWR transaction, or the rows of one ``work_ref`` in a template), each with its own problems.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from registers.importing.problems import ERROR, MAX_PER_WORK, NOTE, Problem, ProblemLog, from_validation

__all__ = ["ERROR", "NOTE", "ContributorRow", "ParsedFile", "Problem", "RecordingRow", "WorkRow"]


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
    #: the agreed shares (sum to exactly 100 % per right over the work once settled)
    shares: dict[str, Decimal] = field(default_factory=dict)
    #: the shares as the file declared them, where the agreed ones differ (registers.shares)
    declared: dict[str, Decimal] = field(default_factory=dict)
    #: CWR: SPU/SWR (controlled by the submitter) rather than OPU/OWR
    controlled: bool = False
    #: CWR: the publisher chain's sequence number (SPU/OPU)
    publisher_seq: int = 0
    #: CWR SPT/SWT: territories of collection (``registers.actions.TerritoryInput``); None: not given
    territories: list[Any] | None = None
    #: CWR PWR: (publisher interested party number, publisher sequence, submitter's and society's
    #: agreement numbers) of the publishers representing this writer; None: not given
    publisher_refs: list[tuple[str, int, str, str]] | None = None
    #: CWR SPU/SWR: the CISAC code of the society the party is affiliated with, per right (pr, mr, sr)
    societies: dict[str, str] = field(default_factory=dict)


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
    #: text, or ``registers.actions.TitleInput`` with the title type and language (CWR ALT)
    alternate_titles: list[Any] = field(default_factory=list)
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
    #: problems beyond MAX_PER_WORK, counted by (code, level) but not kept
    overflow: Counter[tuple[str, str]] = field(default_factory=Counter)
    has_error: bool = False

    @property
    def bad(self) -> bool:
        return self.has_error

    def add(self, problem: Problem) -> None:
        if problem.level == ERROR:
            self.has_error = True
        if len(self.problems) < MAX_PER_WORK:
            self.problems.append(problem)
        else:
            self.overflow[(problem.code, problem.level)] += 1

    def error(
        self, line: int, record: str, code: str, params: dict[str, Any] | None = None, field: str = ""
    ) -> None:
        self.add(Problem(line, record, code, params or {}, field))

    def note(
        self, line: int, record: str, code: str, params: dict[str, Any] | None = None, field: str = ""
    ) -> None:
        self.add(Problem(line, record, code, params or {}, field, level=NOTE))

    def invalid(self, line: int, record: str, exc: Any, field: str = "") -> None:
        """The messages of a validator's ``ValidationError``."""
        for problem in from_validation(exc, line, record, field):
            self.add(problem)

    def report_to(self, log: ProblemLog) -> None:
        log.extend(self.problems)
        for (code, level), n in self.overflow.items():
            log.count(code, level, n)


@dataclass
class ParsedFile:
    """What a reader found: the works (a list, or a stream read once), problems about the file (not
    one work: they go to ``log`` as they are found), the number of lines and the CWR header."""

    works: Iterable[WorkRow] = field(default_factory=list)
    log: ProblemLog = field(default_factory=ProblemLog)
    lines_total: int = 0
    #: the lines the reader expects, when it knows before reading them (a workbook's declared size)
    lines_expected: int = 0
    header: dict[str, str] = field(default_factory=dict)
    #: the whole file was refused before any line was read as a work (encoding, structure)
    refused: bool = False
    #: errors about the file itself (not one work): a file with any is never "done"
    errors: int = 0
    #: the encoding a text file was read in
    encoding: str = ""

    def problem(
        self,
        line: int,
        record: str,
        code: str,
        params: dict[str, Any] | None = None,
        field: str = "",
        *,
        level: str = ERROR,
    ) -> None:
        self.log.add(Problem(line, record, code, params or {}, field, level=level))
        if level == ERROR:
            self.errors += 1

    def refuse(self, line: int, record: str, code: str, params: dict[str, Any] | None = None) -> ParsedFile:
        self.problem(line, record, code, params)
        self.refused = True
        self.works = []
        return self

    @property
    def file_errors(self) -> list[Problem]:
        """The errors about the file itself, among those kept (for tests and the ACK)."""
        return [p for p in self.log.kept if p.level == ERROR]
