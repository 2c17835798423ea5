"""``manage.py apply_sanctions``: what the daily job does, at once: lines whose term expired are terminated,
a suspension is drafted for each line of a CMO that has not filed last year's annual report by 15 April,
and the end of each three-month suspension is told. Running it again changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from accreditation import sanctions
from udp.core import clock


class Command(BaseCommand):
    help = (
        "Terminate expired accreditations, draft suspensions for late annual reports, tell ended suspensions."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        done = sanctions.run_daily()
        self.stdout.write(
            f"{clock.today().isoformat()}: {done['terminated']} line(s) terminated on expiry; "
            f"{done['drafted']} suspension(s) drafted; {done['resumed_told']} suspension end(s) told."
        )
