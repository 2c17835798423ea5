"""``manage.py notice_overdue_reports``: tell once of each usage report overdue (the daily task's step)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from licensing.usage.overdue import notice_overdue_reports


class Command(BaseCommand):
    help = "Tell the user, the CMO and the authorized body once of each usage report not received by its day."

    def handle(self, *args: Any, **options: Any) -> None:
        told = notice_overdue_reports()
        self.stdout.write(f"{told} overdue report(s) told")
