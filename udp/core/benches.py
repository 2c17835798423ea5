"""The benchmarks ``manage.py bench <name>`` runs: each domain registers its own when its app is ready.

One ``bench`` command, many benchmarks: ``bench search`` (the registers' search through the web stack, from
the demo) and ``bench ingest`` (a usage report against plain COPY, from licensing). A benchmark is a name,
a line of help, a function that adds its arguments to its sub-parser and a function that runs it with the
parsed options and the command (for its ``stdout``/``stderr``). The core knows none of them by name.
"""

from __future__ import annotations

from argparse import ArgumentParser
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Bench:
    name: str
    help: str
    add_arguments: Callable[[ArgumentParser], None]
    run: Callable[[dict[str, Any], Any], None]


_BENCHES: dict[str, Bench] = {}


def register(bench: Bench) -> Bench:
    _BENCHES[bench.name] = bench
    return bench


def all_benches() -> list[Bench]:
    return [_BENCHES[name] for name in sorted(_BENCHES)]
