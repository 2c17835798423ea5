"""Create the demo world: ``manage.py seed_demo`` (safe to run again: a second run creates nothing)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from demo.world import DEMO_PASSWORD, DEMO_TOTP_SECRET, LOGINS, seed_demo
from udp.accounts.models import MFA_REQUIRED_ROLES


class Command(BaseCommand):
    help = "Create a small coherent demo world with one login for every kind of actor."

    def handle(self, *args: Any, **options: Any) -> None:
        began = time.monotonic()
        summary = seed_demo(log=self.stdout.write if options["verbosity"] > 1 else lambda s: None)
        if summary.created:
            made = ", ".join(f"{n} {what}" for what, n in summary.created.items())
            self.stdout.write(self.style.SUCCESS(f"Created {made} in {time.monotonic() - began:.1f} s."))
        else:
            self.stdout.write(self.style.SUCCESS("The demo world is already there; nothing new was created."))
        self.stdout.write("")
        self.stdout.write(f"{'Role':<12} {'E-mail':<32} {'Password':<16} MFA")
        for email, role, _name, _link in LOGINS:
            mfa = "TOTP (manage.py demo_totp)" if role in MFA_REQUIRED_ROLES else "-"
            self.stdout.write(f"{role:<12} {email:<32} {DEMO_PASSWORD:<16} {mfa}")
        self.stdout.write("")
        self.stdout.write(
            f"TOTP secret for every MFA account: {DEMO_TOTP_SECRET} (or run: manage.py demo_totp)"
        )
