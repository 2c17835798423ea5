"""Load synthetic parties and works for benchmarks: ``manage.py seed_synthetic --works 2000000``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from demo.synthetic import load_synthetic


class Command(BaseCommand):
    help = "Load synthetic holders and works through COPY (for benchmarks; never on a production register)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--works", type=int, default=100_000)
        parser.add_argument("--holders", type=int, default=None, help="default: one per seven works")
        parser.add_argument("--seed", type=int, default=2025)

    def handle(self, *args: Any, works: int, holders: int | None, seed: int, **options: Any) -> None:
        holders = holders or max(100, works // 7)
        result = load_synthetic(works=works, holders=holders, seed=seed, log=self.stdout.write)
        timings = ", ".join(f"{k} {v:.1f} s" for k, v in result.timings.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {result.parties} parties, {result.works} works, {result.titles} alternate titles, "
                f"{result.contributors} contributors, {result.shares} shares in {result.seconds:.1f} s ({timings})."
            )
        )
