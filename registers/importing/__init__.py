"""Import works from a file (CSV/XLSX template or CWR) into the register, as an :class:`ImportBatch`.

The readers (:mod:`registers.tabular`, :mod:`registers.importing.cwr`) check the whole file first
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
from registers.actions import (
    ContributorInput,
    PublisherLinkInput,
    audited,
    change_work,
    create_party,
    register_work,
)
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
from registers.models.parties import UNIDENTIFIED_NAME
from registers.models.works import PUBLISHER_ROLES
from registers.reciprocal import record_cwr_affiliations
from udp.audit import Reason

logger = logging.getLogger(__name__)


CREATED, UPDATED, REJECTED = "created", "updated", "rejected"
#: The change touches other parties' claims: it waits as a proposal for their answers (registers.claims).
PROPOSED = "proposed"
#: CWR: an NWR for a work the submitter has already registered; nothing changes (ACK status DU).
DUPLICATE = "duplicate"
#: CWR: an NWR or REV naming a work someone else registered; nothing changes, a Conflict is opened
#: for the expert organization (ACK status CO).
CONFLICT = "conflict"
ROW_RECORD = "ROW"
#: Notes that mean the register took the transaction with changes of its own (ACK status AC).
CHANGED_CODES = frozenset(
    {
        "cwr_shares_agreed",
        "cwr_alt_type_defaulted",
        "cwr_alt_language",
        "cwr_alt_needs_language",
        "cwr_rev_as_nwr",
    }
)


@dataclass
class WorkResult:
    row: WorkRow
    outcome: str = REJECTED
    work: Work | None = None

    @property
    def accepted(self) -> bool:
        return self.outcome in (CREATED, UPDATED, PROPOSED)

    @property
    def status(self) -> str:
        """The transaction's status, by CISAC's Transaction Status table."""
        if self.outcome == DUPLICATE:
            return "DU"
        if self.outcome == CONFLICT:
            return "CO"
        if not self.accepted:
            return "RJ"
        if any(p.code in CHANGED_CODES for p in self.row.problems):
            return "AC"
        return "AS"

    @property
    def problems(self) -> list[Problem]:
        return self.row.problems


def parse_file(fmt: str, source: bytes | IO[bytes]) -> ParsedFile:
    """The file's works as a stream (read once); ``source`` stays open until they are read."""
    if fmt == ImportFormat.CWR:
        from registers.importing.cwr import read

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
        elif result.outcome != DUPLICATE:
            result.work = None
        return result

    # -- works ----------------------------------------------------------------------------------
    def write(self, row: WorkRow, result: WorkResult) -> tuple[Work | None, str]:
        if row.transaction_type in ("NWR", "REV"):
            target = self.cwr_target(row)
            if target.outcome:
                return target.work, target.outcome
            existing = target.work
        else:
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

    def cwr_target(self, row: WorkRow) -> _Target:
        """Which work a CWR transaction is about, by the CWR rules (NWR/REV transaction edits 2 and 13):

        - an NWR never changes a work. One that names a work the submitter registered before (same
          ISWC or same submitter's work number) is a duplicate; one whose ISWC belongs to a work
          someone else registered is a conflict, recorded for the expert organization;
        - a REV changes only the submitter's own registration; a REV naming someone else's work is a
          conflict, and a REV for a work not in the register is taken as an NWR (edit 2).
        """
        from registers import claims

        if row.iswc:
            work = Work.objects.filter(iswc=row.iswc).first()
            if work is not None:
                mine = (
                    work.submitted_by_id == self.user.pk
                    if self.user.is_operator
                    else claims.is_registrant(self.user, work)
                )
                if mine and row.transaction_type == "REV":
                    return _Target(work)
                if mine:
                    row.note(row.line, row.record, "cwr_duplicate", {"id": work.pk}, "iswc")
                    return _Target(work, DUPLICATE)
                return self.conflict(row, work, "iswc")
        if row.ref:
            own = self.own_registrations().filter(submitter_ref=row.ref[:40]).first()
            if own is not None:
                if row.transaction_type == "REV":
                    return _Target(own)
                row.note(row.line, row.record, "cwr_duplicate", {"id": own.pk}, "submitter_work_number")
                return _Target(own, DUPLICATE)
        if row.transaction_type == "REV":
            row.note(row.line, row.record, "cwr_rev_as_nwr", field="record_type")
        return _Target(None)

    def own_registrations(self) -> Any:
        """The works this uploader registered: its CMO's registrations, or the holder's own submissions."""
        if self.user.is_cmo_staff:
            return Work.objects.filter(registered_by_cmo_id=self.user.cmo_id)
        return Work.objects.filter(submitted_by=self.user)

    def conflict(self, row: WorkRow, work: Work, field: str) -> _Target:
        """Record a competing registration of ``work`` for the expert organization to resolve."""
        from registers.models import Conflict, ConflictKind, ConflictStatus

        params = {
            "iswc": row.iswc,
            "title": row.title[:200],
            "ref": row.ref[:40],
            "batch": self.batch.pk,
            "transaction": row.transaction_seq,
        }
        with audited(self.user, self.reason):
            existing = Conflict.objects.filter(
                kind=ConflictKind.COMPETING_REGISTRATION,
                status=ConflictStatus.OPEN,
                work=work,
                opened_by=self.user,
                params__iswc=row.iswc,
                params__ref=row.ref[:40],
            ).first()
            conflict = existing or Conflict.objects.create(
                kind=ConflictKind.COMPETING_REGISTRATION,
                work=work,
                code="competing_registration",
                params=params,
                opened_by=self.user,
            )
            if existing is None:
                conflict.parties.set({c.party_id for c in work.contributors.all()})
        row.note(row.line, row.record, "cwr_conflict", {"id": conflict.pk}, field)
        return _Target(work, CONFLICT)

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
        by_file_key: dict[str, tuple[int, str]] = {}
        by_chain: dict[int, tuple[int, str]] = {}
        kept: list[tuple[ContributorRow, ContributorInput]] = []
        for c in row.contributors:
            if c.unknown and not c.shares:
                # an unknown co-author without a share is still a co-author: the term of protection
                # cannot be known while they are unknown (registers.term)
                row.note(c.line, c.record, "unknown_without_share")
                party = self.unidentified()
            else:
                party = self.party(c, result)
                if c.societies:
                    record_cwr_affiliations(party, c.societies)
            key = (party.pk, c.role)
            if c.file_key:
                by_file_key.setdefault(c.file_key, key)
            if c.publisher_seq and c.role in PUBLISHER_ROLES:
                by_chain.setdefault(c.publisher_seq, key)
            if key in merged:
                into = merged[key]
                for right, percent in c.shares.items():
                    into.shares[right] = into.shares.get(right, Decimal("0")) + percent
                for right, percent in c.declared.items():
                    into.declared[right] = into.declared.get(right, Decimal("0")) + percent
                if c.territories is not None:
                    into.territories = [*(into.territories or []), *c.territories]
            else:
                merged[key] = into = ContributorInput(
                    party=party,
                    role=c.role,
                    shares=dict(c.shares),
                    credited_as=c.name[:300],
                    declared=dict(c.declared),
                    territories=list(c.territories) if c.territories is not None else None,
                )
            kept.append((c, into))
        if row.transaction_type:  # CWR: the file says everything about the work, links included
            for c, into in kept:
                if c.record not in ("SWR", "OWR"):
                    continue
                links = into.publishers or []
                for ip, seq, submitter_agreement, society_agreement in c.publisher_refs or []:
                    publisher = by_chain.get(seq) if seq else None
                    publisher = publisher or by_file_key.get(ip)
                    if publisher is None:
                        raise _RowError(
                            c.line,
                            "PWR",
                            "cwr_pwr_publisher_unknown",
                            {"ip": ip, "seq": seq},
                            "publisher_ip_number",
                        )
                    links.append(
                        PublisherLinkInput(publisher[0], publisher[1], submitter_agreement, society_agreement)
                    )
                into.publishers = links
                if into.territories is None:
                    into.territories = []
            for into in merged.values():
                if into.territories is None:
                    into.territories = []
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


@dataclass
class _Target:
    """The work a transaction is about (``None``: a new one) and, when nothing is to be written, why."""

    work: Work | None
    outcome: str = ""


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
