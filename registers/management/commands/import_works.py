"""``manage.py import_works FILE --cmo KAZ --policy keep-good``: the operator imports a file of works
(CWR, CSV, XLSX) for a CMO, through the same action as the upload page and the API, at once, printing
its progress and outcome. Exits non-zero if the file is refused or the import fails."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser

from registers.importing.lifecycle import run
from registers.importing.uploads import MAX_UPLOAD, detect_format, start_import
from registers.models import CMO, ImportBatch, ImportPolicy, ImportStage, ImportStatus
from udp.accounts.models import Role, User

POLICIES = {"keep-good": ImportPolicy.KEEP_GOOD, "all-or-nothing": ImportPolicy.ALL_OR_NOTHING}


class Command(BaseCommand):
    help = "Import a file of works (CWR 2.1/2.2, CSV or XLSX template) for a CMO, on the operator's behalf."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--cmo", required=True, help="the CMO's short name, CISAC code or id")
        parser.add_argument("--policy", required=True, help="keep-good or all-or-nothing")
        parser.add_argument("--by", default="", help="the operator account's e-mail (if there are several)")

    def handle(self, *args: Any, file: Path, cmo: str, policy: str, by: str, **options: Any) -> None:
        chosen_policy = POLICIES.get(policy)
        if chosen_policy is None:
            raise CommandError(f"--policy must be one of: {', '.join(POLICIES)} (not {policy!r})")
        the_cmo = find_cmo(cmo)
        operator = find_operator(by)
        if not file.is_file():
            raise CommandError(f"no such file: {file}")
        if detect_format(file.name) is None:
            raise CommandError("the file must be .csv, .xlsx or CWR (.V21, .V22)")
        if file.stat().st_size > MAX_UPLOAD:
            raise CommandError("the file is larger than 20 MB")
        with file.open("rb") as fh:
            batch = start_import(operator, File(fh, name=file.name), chosen_policy, cmo=the_cmo, queue=False)
        self.stdout.write(
            f"Import {batch.pk} of {batch.filename} for {the_cmo.short_name}, by {operator.email}"
        )
        run(batch.pk, report=self.progress)
        batch.refresh_from_db()
        self.outcome(batch)

    def progress(self, fields: dict[str, Any]) -> None:
        stage = ImportStage(fields["stage"]).label
        total = fields["lines_total"]
        done = fields["lines_done"]
        self.stdout.write(f"  {done} of {total} lines — {stage}" if total else f"  {done} lines — {stage}")

    def outcome(self, batch: ImportBatch) -> None:
        self.stdout.write(
            f"{batch.get_status_display()}: {batch.works_created} created, {batch.works_updated} updated, "
            f"{batch.works_proposed} proposed, {batch.works_rejected} not imported, {batch.errors_count} errors"
        )
        for problem in batch.problems.filter(level="error")[:10]:
            self.stdout.write(f"  line {problem.line}: {problem.reason}")
        if batch.status in (ImportStatus.REFUSED, ImportStatus.FAILED):
            raise CommandError(batch.failure_reason or f"import {batch.pk} was {batch.status}")


def find_cmo(value: str) -> CMO:
    value = value.strip()
    found = CMO.objects.filter(short_name__iexact=value) | CMO.objects.filter(cisac_code=value)
    if value.isdigit():
        found = found | CMO.objects.filter(pk=int(value))
    cmos = list(found.distinct()[:2])
    if len(cmos) != 1:
        known = ", ".join(CMO.objects.order_by("short_name").values_list("short_name", flat=True))
        raise CommandError(f"no single CMO is {value!r}; give a short name, CISAC code or id ({known})")
    return cmos[0]


def find_operator(email: str) -> User:
    operators = User.objects.filter(role=Role.OPERATOR, is_active=True)
    if email:
        operators = operators.filter(email__iexact=email)
    found = list(operators[:2])
    if len(found) == 1:
        return found[0]
    if email:
        raise CommandError(f"{email} is not an operator account")
    raise CommandError("name the operator account with --by" if found else "there is no operator account")
