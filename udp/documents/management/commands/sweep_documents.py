"""``manage.py sweep_documents``: delete the PDFs no issued document names (left by a rolled-back
transaction), older than a day; ``--dry-run`` only lists them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from udp.documents.sweep import sweep_orphan_pdfs


class Command(BaseCommand):
    help = "Delete stored PDFs that no issued document names (older than a day)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List them; delete nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        found = sweep_orphan_pdfs(dry_run=options["dry_run"])
        for path in found:
            self.stdout.write(path)
        verb = "would be deleted" if options["dry_run"] else "deleted"
        self.stdout.write(f"{len(found)} orphan PDF(s) {verb}.")
