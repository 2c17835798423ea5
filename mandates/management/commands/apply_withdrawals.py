"""``manage.py apply_withdrawals``: what the daily job does, at once: every withdrawal whose effective date
has come (on the platform's clock) takes effect, and the parties are told of obligations now overdue.
Running it again changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mandates import withdrawing
from udp.core import clock


class Command(BaseCommand):
    help = "Let due withdrawals take effect (Art. 46.2) and tell the parties of overdue obligations."

    def handle(self, *args: Any, **options: Any) -> None:
        applied = withdrawing.apply_due_withdrawals()
        told = withdrawing.notify_overdue_obligations()
        self.stdout.write(
            f"{clock.today().isoformat()}: {applied} withdrawal(s) took effect; "
            f"{told} overdue obligation(s) notified."
        )
