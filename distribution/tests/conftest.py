"""Fixtures of the distribution tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture
def eager() -> Iterator[None]:
    """Tasks sent after commit run at once, in the test's process (the worker's own code, no broker)."""
    from udp.celery import app

    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = False
