"""``manage.py issue_invoices``: what the daily job does, at once: each licence in force gets the invoice of
every period that has begun and has none yet. Running it again issues nothing new."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from licensing import invoicing
from udp.core import clock


class Command(BaseCommand):
    help = "Issue the invoices due for licences in force (one per licence and period)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = invoicing.issue_invoices_due()
        self.stdout.write(f"{clock.today().isoformat()}: {count} invoice(s) issued.")
