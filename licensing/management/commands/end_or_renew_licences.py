"""Renew or end the agreements whose term has run out (the daily job, by hand)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from licensing import actions


class Command(BaseCommand):
    help = "Renew the agreements that renew and end the others, once their term has run out."

    def handle(self, *args: Any, **options: Any) -> None:
        renewed, ended = actions.end_or_renew_due()
        self.stdout.write(f"renewed {renewed}, ended {ended}")
