"""Print the current TOTP code of the demo accounts: ``manage.py demo_totp``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from demo.world import demo_totp_code


class Command(BaseCommand):
    help = "Print the current six-digit code for the demo TOTP secret (demo accounts only)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(demo_totp_code())
