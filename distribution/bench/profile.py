"""``--profile`` of the distribution's benchmarks: each statement slower than a threshold, with its seconds,
written to stderr as it ends (the phases of a run or a match, without touching the code timed)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TextIO

from django.db import connection

#: Statements faster than this are not printed.
THRESHOLD = 0.2

_lock = threading.Lock()


def _first_words(sql: str) -> str:
    words = " ".join(str(sql).split())
    return words[:110]


@contextlib.contextmanager
def statements(stream: TextIO | None, threshold: float = THRESHOLD) -> Iterator[None]:
    """Print the statements of this thread's connection slower than ``threshold`` to ``stream`` (nothing
    when ``stream`` is none)."""
    if stream is None:
        yield
        return

    def timed(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            seconds = time.perf_counter() - started
            if seconds >= threshold:
                with _lock:
                    stream.write(
                        f"[{threading.current_thread().name}] {seconds:8.3f} s  {_first_words(sql)}\n"
                    )
                    stream.flush()

    with connection.execute_wrapper(timed):
        yield
