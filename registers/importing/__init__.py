"""Import works from a file (CSV/XLSX template or CWR) into the register, as an :class:`ImportBatch`.

The readers (:mod:`registers.tabular`, :mod:`registers.cwr.reader`) turn the file into
:class:`~registers.importing.rows.WorkRow` objects, each carrying its own problems. This module
writes the good ones through :func:`registers.actions.register_work` / ``update_work`` /
``create_party`` (shares validated, derived fields refreshed, history context set), one savepoint per
work. The uploader's policy decides what a bad work does:

- ``keep_good``: the other works are imported and the bad ones reported (status *partial*);
- ``all_or_nothing``: the whole file runs in one transaction that is rolled back if anything is bad
  (status *refused*; nothing from the file stays in the register).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registers import access
from registers.actions import ContributorInput, audited, change_work, create_party, register_work
from registers.importing.rows import ContributorRow, ParsedFile, Problem, WorkRow
from registers.models import (
    EmbodiedWork,
    ImportBatch,
    ImportFormat,
    ImportPolicy,
    ImportStatus,
    IPIName,
    Party,
    PartyKind,
    Work,
    WorkKind,
)

logger = logging.getLogger(__name__)

#: The placeholder holding shares that a CWR file gives to an unknown (unnamed) interested party.
UNIDENTIFIED_NAME = "Unidentified rightsholder"

CREATED, UPDATED, REJECTED = "created", "updated", "rejected"
#: The change touches other parties' claims: it waits as a proposal for their answers (registers.claims).
PROPOSED = "proposed"


@dataclass
class WorkResult:
    row: WorkRow
    outcome: str = REJECTED
    work: Work | None = None
    problems: list[Problem] = field(default_factory=list)


class _Refused(Exception):
    """Raised inside the all-or-nothing transaction to roll the whole file back."""


def parse_file(fmt: str, data: bytes) -> ParsedFile:
    if fmt == ImportFormat.CWR:
        from registers.cwr.reader import read

        return read(data)
    from registers import tabular

    return tabular.read_xlsx(data) if fmt == ImportFormat.XLSX else tabular.read_csv(data)


def claim_batch(batch_id: int) -> ImportBatch | None:
    """Mark a queued batch as running; ``None`` if it is gone or already taken (so it never runs twice)."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or batch.status != ImportStatus.QUEUED:
            return None
        batch.status = ImportStatus.RUNNING
        batch.save(update_fields=["status"])
    return batch


def run_import(batch_id: int) -> ImportBatch | None:
    """Import a queued batch once; a batch already running or finished is left alone."""
    batch = claim_batch(batch_id)
    if batch is None:
        return None
    try:
        with batch.file.open("rb") as fh:
            data = fh.read()
        parsed = parse_file(batch.format, data)
        results = import_parsed(parsed, batch)
    except Exception as exc:  # the batch must not stay "running" forever
        logger.exception("import batch %s failed", batch.pk)
        batch.status = ImportStatus.FAILED
        batch.errors = [
            Problem(0, "", _("The import failed: %(e)s") % {"e": exc.__class__.__name__}).as_dict()
        ]
        batch.finished_at = timezone.now()
        batch.save()
        return batch
    if batch.format == ImportFormat.CWR:
        from registers.cwr.ack import build_ack

        ack = build_ack(parsed, results, batch)
        batch.ack_file.save(ack_filename(batch.filename), ContentFile(ack.encode("utf-8")), save=False)
    batch.finished_at = timezone.now()
    batch.save()
    return batch


def ack_filename(name: str) -> str:
    stem = name.rsplit(".", 1)[0] or "import"
    return f"ACK_{stem}.V21"


def import_parsed(parsed: ParsedFile, batch: ImportBatch) -> list[WorkResult]:
    """Write the works of ``parsed`` under ``batch``'s policy; fill in the batch's counts and errors."""
    importer = _Importer(batch)
    all_or_nothing = batch.policy == ImportPolicy.ALL_OR_NOTHING
    results: list[WorkResult] = []
    if all_or_nothing:
        try:
            with transaction.atomic():
                results = [importer.one(row) for row in parsed.works]
                if parsed.file_errors or any(r.outcome == REJECTED for r in results):
                    raise _Refused
        except _Refused:
            for r in results:
                if r.outcome != REJECTED:
                    r.outcome, r.work = REJECTED, None
                    r.problems.append(
                        Problem(
                            r.row.line,
                            r.row.record,
                            _("Not imported: the file was refused because other lines are bad."),
                            level="note",
                        )
                    )
    else:
        results = [importer.one(row) for row in parsed.works]
    problems = list(parsed.problems)
    for r in results:
        problems += r.problems
    problems.sort(key=lambda p: (p.line, p.level != "error"))
    batch.lines_total = parsed.lines_total
    batch.works_created = sum(r.outcome == CREATED for r in results)
    batch.works_updated = sum(r.outcome == UPDATED for r in results)
    batch.errors = [p.as_dict() for p in problems]
    bad = bool(parsed.file_errors) or any(r.outcome == REJECTED for r in results)
    if not bad:
        batch.status = ImportStatus.DONE
    elif all_or_nothing or not (batch.works_created or batch.works_updated):
        batch.status = ImportStatus.REFUSED
    else:
        batch.status = ImportStatus.PARTIAL
    return results


class _Importer:
    def __init__(self, batch: ImportBatch) -> None:
        self.batch = batch
        self.user = batch.uploaded_by
        self.reason = _("Import of %(name)s (batch %(id)s)") % {"name": batch.filename, "id": batch.pk}
        self.parties: dict[str, Party] = {}  # within one file, the same key is the same party

    def one(self, row: WorkRow) -> WorkResult:
        result = WorkResult(row=row, problems=list(row.problems))
        if row.bad:
            return result
        try:
            with transaction.atomic():
                parties_before = dict(self.parties)
                try:
                    result.work, result.outcome = self.write(row, result)
                    _check_deferred_constraints()
                except BaseException:
                    self.parties = parties_before
                    raise
        except ValidationError as exc:
            result.problems += _problems_from(exc, row)
            result.outcome = REJECTED
        except _RowError as exc:
            result.problems.append(exc.problem)
            result.outcome = REJECTED
        except DatabaseError as exc:
            result.problems.append(
                Problem(
                    row.line,
                    row.record,
                    _("The register refused the work: %(e)s") % {"e": str(exc).splitlines()[0]},
                )
            )
            result.outcome = REJECTED
        return result

    # -- works ----------------------------------------------------------------------------------
    def write(self, row: WorkRow, result: WorkResult) -> tuple[Work, str]:
        existing = self.find_existing(row)
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
                    Problem(
                        row.line,
                        row.record,
                        _(
                            "The change touches other holders' claims: sent to them as proposal %(id)s, "
                            "applied when they accept it."
                        )
                        % {"id": change.proposal.pk},
                        level="note",
                    )
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
                raise _RowError(
                    row.line,
                    row.record,
                    _("No work with register id %(id)s that you may change.") % {"id": row.work_id},
                    "work_id",
                )
            return work
        for name, value in (("iswc", row.iswc), ("isrc", row.isrc if row.kind != WorkKind.MUSICAL else "")):
            if value and Work.objects.filter(**{name: value}).exists():
                work = editable.filter(**{name: value}).first()
                if work is None:
                    raise _RowError(
                        row.line,
                        row.record,
                        _("%(id)s is registered for a work you may not change.") % {"id": value},
                        name,
                    )
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
            raise _RowError(
                row.line,
                row.record,
                _(
                    "A revision (REV) of a work that is not in the register: no work with this ISWC or submitter's work number."
                ),
                "submitter_work_number",
            )
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
                result.problems.append(
                    Problem(
                        line,
                        "REC",
                        _("%(isrc)s is registered by someone else; not linked.") % {"isrc": isrc},
                        "isrc",
                        level="note",
                    )
                )
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
                result.problems.append(
                    Problem(
                        c.line,
                        c.record,
                        _("An unknown contributor without a share is not registered."),
                        level="note",
                    )
                )
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
                raise _RowError(
                    c.line,
                    c.record,
                    _("No author or rightsholder with register id %(id)s.") % {"id": c.party_id},
                    "party_id",
                )
            return party
        if c.ipi_name_number:
            known = IPIName.objects.filter(name_number=c.ipi_name_number).select_related("party").first()
            if known is not None:
                return known.party
        if c.unknown:
            result.problems.append(
                Problem(
                    c.line,
                    c.record,
                    _("The contributor is unknown; their shares are held for an unidentified rightsholder."),
                    level="note",
                )
            )
            return self.unidentified()
        key = c.ipi_name_number or (
            f"ip:{c.file_key}" if c.file_key else f"name:{c.person}:{c.name.casefold()}"
        )
        if key in self.parties:
            return self.parties[key]
        if not c.name:
            raise _RowError(
                c.line,
                c.record,
                _("A new contributor needs a name (or give an IPI name number or register id)."),
                "name",
            )
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
    def __init__(self, line: int, record: str, reason: str, field: str = "") -> None:
        super().__init__(reason)
        self.problem = Problem(line, record, reason, field)


def _problems_from(exc: ValidationError, row: WorkRow) -> list[Problem]:
    if hasattr(exc, "error_dict"):
        return [
            Problem(
                row.line,
                row.record,
                " ".join(ValidationError(errs).messages),
                name if name != "__all__" else "",
            )
            for name, errs in exc.error_dict.items()
        ]
    return [Problem(row.line, row.record, message) for message in exc.messages]


def _check_deferred_constraints() -> None:
    """Fire the deferred checks (shares sum to 100) now, inside this work's savepoint."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
