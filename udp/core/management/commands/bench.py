"""``manage.py bench <name> ...``: the benchmarks the domains register (see :mod:`udp.core.benches`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from udp.core.benches import all_benches


class Command(BaseCommand):
    help = "Run a benchmark and print its figures (one JSON line with --json)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="bench", required=True)
        for bench in all_benches():
            bench.add_arguments(sub.add_parser(bench.name, help=bench.help))

    def handle(self, *args: Any, **options: Any) -> None:
        chosen = {bench.name: bench for bench in all_benches()}.get(options["bench"])
        if chosen is None:
            raise CommandError(f"no benchmark named {options['bench']!r}")
        chosen.run(options, self)
