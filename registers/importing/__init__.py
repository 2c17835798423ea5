"""Import works from a file (CSV/XLSX template or CWR) into the register, as an :class:`ImportBatch`.

The readers (:mod:`registers.tabular`, :mod:`registers.cwr.reader`) check the whole file first
(encoding, control characters, structure) and then give its works one at a time, as
:class:`~registers.importing.rows.WorkRow` objects carrying their own problems. This module writes
the good ones through :func:`registers.actions.register_work` / ``change_work`` / ``create_party``
(shares validated, derived fields refreshed, history context set), one savepoint per work.

What is kept or refused:

- a file that cannot be read (not text, not valid in its encoding, an ambiguous legacy encoding, a
  NUL byte, CSV syntax broken, not a workbook, no header) is refused whole, nothing imported, and the
  first bad line is named;
- otherwise the uploader's policy decides what a bad work does. ``keep_good``: the other works are
  imported and the bad ones reported (status *partial*); ``all_or_nothing``: the whole file runs in one
  transaction that is rolled back if anything is bad (status *refused*).

A batch always ends (:mod:`registers.importing.lifecycle`): done, partial, refused or failed, with
its counts and reasons, even when the import crashes; a worker that dies leaves a batch that the next
delivery of the task, or the periodic sweep, marks as interrupted. Problems are counted by code for
the whole file but only the first few thousand are kept (:class:`~registers.importing.problems.ProblemLog`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from registers import access
from registers.actions import ContributorInput, audited, change_work, create_party, register_work
from registers.importing.problems import Problem, from_validation
from registers.importing.rows import ContributorRow, ParsedFile, WorkRow
from registers.models import (
    EmbodiedWork,
    ImportBatch,
    ImportFormat,
    IPIName,
    Party,
    PartyKind,
    Work,
    WorkKind,
)
from udp.audit import Reason

logger = logging.getLogger(__name__)

#: The placeholder holding shares that a CWR file gives to an unknown (unnamed) interested party.
UNIDENTIFIED_NAME = "Unidentified rightsholder"

CREATED, UPDATED, REJECTED = "created", "updated", "rejected"
#: The change touches other parties' claims: it waits as a proposal for their answers (registers.claims).
PROPOSED = "proposed"
ROW_RECORD = "ROW"


@dataclass
class WorkResult:
    row: WorkRow
    outcome: str = REJECTED
    work: Work | None = None

    @property
    def accepted(self) -> bool:
        return self.outcome != REJECTED

    @property
    def problems(self) -> list[Problem]:
        return self.row.problems


def parse_file(fmt: str, source: bytes | IO[bytes]) -> ParsedFile:
    """The file's works as a stream (read once); ``source`` stays open until they are read."""
    if fmt == ImportFormat.CWR:
        from registers.cwr.reader import read

        return read(source)
    from registers import tabular

    return tabular.read_xlsx(source) if fmt == ImportFormat.XLSX else tabular.read_csv(source)


def run_import(batch_id: int) -> ImportBatch | None:
    """Import a queued batch once; a batch already running or finished is left alone."""
    from registers.importing.lifecycle import run

    return run(batch_id)


def ack_filename(name: str) -> str:
    stem = name.rsplit(".", 1)[0] or "import"
    return f"ACK_{stem}.V21"


class Importer:
    """Writes works to the register for one batch, under the uploader's rights."""

    def __init__(self, batch: ImportBatch) -> None:
        self.batch = batch
        self.user = batch.uploaded_by
        self.reason = Reason("import", name=batch.filename, id=batch.pk)  # read in each reader's language
        self.parties: dict[str, Party] = {}  # within one file, the same key is the same party
        self.added: list[str] = []  # keys of self.parties added by the work being written
        self.written: set[int] = set()  # works this batch wrote: a work_ref seen again is an error

    def one(self, row: WorkRow) -> WorkResult:
        result = WorkResult(row=row)
        if row.bad:
            return result
        self.added = []
        try:
            with transaction.atomic():
                try:
                    result.work, result.outcome = self.write(row, result)
                    _check_deferred_constraints()
                except BaseException:
                    for key in self.added:
                        self.parties.pop(key, None)
                    raise
        except ValidationError as exc:
            for problem in from_validation(exc, row.line, row.record):
                row.add(problem)
            result.outcome = REJECTED
        except _RowError as exc:
            row.add(exc.problem)
            result.outcome = REJECTED
        except DatabaseError as exc:
            row.error(row.line, row.record, "db_refused", {"e": str(exc).splitlines()[0]})
            result.outcome = REJECTED
        if result.work is not None and result.accepted:
            self.written.add(result.work.pk)
        else:
            result.work = None
        return result

    # -- works ----------------------------------------------------------------------------------
    def write(self, row: WorkRow, result: WorkResult) -> tuple[Work, str]:
        existing = self.find_existing(row)
        if existing is not None and existing.pk in self.written and row.record == ROW_RECORD:
            raise _RowError(row.line, row.record, "work_ref_again", {"ref": row.ref}, "work_ref")
        contributors = self.contributors(row, result)
        fields: dict[str, Any] = {
            "title": row.title,
            "language": row.language[:3],
            "iswc": row.iswc,
            "creation_year": row.creation_year,
            "disclosed_on": row.disclosed_on,
        }
        if row.kind in (WorkKind.RECORDING, WorkKind.PERFORMANCE):
            fields["isrc"] = row.isrc
        if row.duration is not None:
            fields["duration"] = row.duration
        if existing is None:
            work = register_work(
                by=self.user,
                kind=row.kind,
                contributors=contributors,
                alternate_titles=row.alternate_titles,
                reason=self.reason,
                submitter_ref=row.ref[:40],
                **fields,
            )
            outcome = CREATED
        else:
            fields.pop("title")
            change = change_work(
                existing,
                by=self.user,
                reason=self.reason,
                title=row.title,
                contributors=contributors,
                alternate_titles=row.alternate_titles,
                **fields,
            )
            work = change.work
            outcome = UPDATED if change.applied else PROPOSED
            if not change.applied:
                result.problems.append(
                    Problem(row.line, row.record, "proposed", {"id": change.proposal.pk}, level="note")
                )
        for recording in row.recordings:
            self.recording(
                work, row, recording.isrc, recording.title, recording.released_on, recording.duration, result
            )
        return work, outcome

    def find_existing(self, row: WorkRow) -> Work | None:
        editable = access.works_editable_by(self.user)
        if row.work_id is not None:
            work = editable.filter(pk=row.work_id).first()
            if work is None:
                raise _RowError(row.line, row.record, "no_work_id", {"id": row.work_id}, "work_id")
            return work
        for name, value in (("iswc", row.iswc), ("isrc", row.isrc if row.kind != WorkKind.MUSICAL else "")):
            if value and Work.objects.filter(**{name: value}).exists():
                work = editable.filter(**{name: value}).first()
                if work is None:
                    raise _RowError(row.line, row.record, "id_not_yours", {"id": value}, name)
                return work
        if row.ref:
            mine = editable.filter(submitter_ref=row.ref[:40])
            mine = (
                mine.filter(registered_by_cmo_id=self.user.cmo_id)
                if self.user.is_cmo_staff
                else mine.filter(submitted_by=self.user)
            )
            work = mine.first()
            if work is not None:
                return work
        if row.revision:
            raise _RowError(row.line, row.record, "rev_unknown", field="submitter_work_number")
        return None

    def recording(
        self,
        work: Work,
        row: WorkRow,
        isrc: str,
        title: str,
        released_on: Any,
        duration: Any,
        result: WorkResult,
    ) -> None:
        line = next((r.line for r in row.recordings if r.isrc == isrc), row.line)
        existing = Work.objects.filter(isrc=isrc).first()
        if existing is not None:
            if not access.works_editable_by(self.user).filter(pk=existing.pk).exists():
                row.note(line, "REC", "recording_not_linked", {"isrc": isrc}, "isrc")
                return
            EmbodiedWork.objects.get_or_create(recording=existing, work=work)
            return
        register_work(
            by=self.user,
            kind=WorkKind.RECORDING,
            title=title or work.title,
            contributors=[],
            isrc=isrc,
            disclosed_on=released_on,
            duration=duration,
            embodied_works=[work],
            reason=self.reason,
        )

    # -- contributors ---------------------------------------------------------------------------
    def contributors(self, row: WorkRow, result: WorkResult) -> list[ContributorInput]:
        merged: dict[tuple[int, str], ContributorInput] = {}
        for c in row.contributors:
            if c.unknown and not c.shares:
                row.note(c.line, c.record, "unknown_without_share")
                continue
            party = self.party(c, result)
            key = (party.pk, c.role)
            if key in merged:
                for right, percent in c.shares.items():
                    merged[key].shares[right] = merged[key].shares.get(right, Decimal("0")) + percent
                continue
            merged[key] = ContributorInput(
                party=party, role=c.role, shares=dict(c.shares), credited_as=c.name[:300]
            )
        return list(merged.values())

    def party(self, c: ContributorRow, result: WorkResult) -> Party:
        if c.party_id is not None:
            party = access.parties_visible_to(self.user).filter(pk=c.party_id).first()
            if party is None:
                raise _RowError(c.line, c.record, "no_party_id", {"id": c.party_id}, "party_id")
            return party
        if c.ipi_name_number:
            known = self.party_by_ipi(c)
            if known is not None:
                return known
        if c.unknown:
            result.row.note(c.line, c.record, "unidentified_holder")
            return self.unidentified()
        key = c.ipi_name_number or (
            f"ip:{c.file_key}" if c.file_key else f"name:{c.person}:{c.name.casefold()}"
        )
        if key in self.parties:
            return self.parties[key]
        if not c.name:
            raise _RowError(c.line, c.record, "new_contributor_needs_name", field="name")
        party = create_party(
            by=self.user,
            reason=self.reason,
            kind=PartyKind.PERSON if c.person else PartyKind.ENTITY,
            ipi_base_number=c.ipi_base_number,
            verified=not self.user.is_holder,
            **name_fields(c.name),
        )
        if c.ipi_name_number:
            IPIName.objects.create(party=party, name_number=c.ipi_name_number, name=c.name[:300])
        self.parties[key] = party
        self.added.append(key)
        return party

    def party_by_ipi(self, c: ContributorRow) -> Party | None:
        """The party holding the IPI name number, if the importer may see it; ``None`` if the number is
        new. A number held by a party the importer may not see (not yet verified, another holder's or
        CMO's) is an error, never a link: linking would put that party on a public work."""
        known = (
            IPIName.objects.filter(name_number=c.ipi_name_number).values_list("party_id", flat=True).first()
        )
        if known is None:
            return None
        party = access.parties_visible_to(self.user).filter(pk=known).first()
        if party is None:
            raise _RowError(
                c.line, c.record, "ipi_not_visible", {"ipi": c.ipi_name_number}, "ipi_name_number"
            )
        return party

    def unidentified(self) -> Party:
        """One placeholder for the whole register, belonging to no CMO (so no CMO becomes its agent)."""
        party = Party.objects.filter(
            name_lat=UNIDENTIFIED_NAME, kind=PartyKind.ENTITY, registered_by_cmo=None
        ).first()
        if party is None:
            with audited(self.user, self.reason):
                party = Party.objects.create(
                    name_lat=UNIDENTIFIED_NAME, kind=PartyKind.ENTITY, verified=False
                )
        return party


KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


def name_fields(name: str) -> dict[str, str]:
    """Put a name in the field of its script: Kazakh (Cyrillic with Kazakh letters), Russian or Latin."""
    name = name.strip()[:300]
    if KAZAKH_LETTERS & set(name):
        return {"name_kk": name}
    if any("\u0400" <= ch <= "\u04ff" for ch in name):
        return {"name_ru": name}
    return {"name_lat": name}


class _RowError(Exception):
    def __init__(
        self, line: int, record: str, code: str, params: dict[str, Any] | None = None, field: str = ""
    ) -> None:
        super().__init__(code)
        self.problem = Problem(line, record, code, params or {}, field)


def _check_deferred_constraints() -> None:
    """Fire the deferred checks (shares sum to 100) now, inside this work's savepoint."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
