"""Fixtures shared by the tests of every app (each app keeps its tests in its own ``tests/`` folder)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import translation

from tests.personas import Personas, make_personas
from tests.reference_data import put_back

pytest_plugins = ["tests.statute", "tests.browser.fixtures"]


@pytest.fixture(scope="session", autouse=True)
def _views_made() -> None:
    """Every view imported before any test changes a setting: DRF's classes take their defaults (throttles,
    permissions, renderers) from ``REST_FRAMEWORK`` when they are made, so the test that first imports them must
    not be one that overrides it (the kk/ru sweep turns throttling off; views made then would refuse API keys)."""
    from django.urls import get_resolver

    assert get_resolver().url_patterns


@pytest.fixture
def personas(db: Any) -> Personas:
    return make_personas()


@pytest.fixture
def english(settings: Any) -> Iterator[None]:
    """Assertions read the English source strings, whatever translations are compiled (the site's
    default language is Russian). A module asks for it with ``pytest.mark.usefixtures("english")``."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def eager() -> Iterator[None]:
    """Celery tasks run at once when queued, in the test's process (the worker's own code, no broker; tasks
    sent after commit run when the transaction's callbacks do)."""
    from udp.celery import app

    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = False


@pytest.fixture
def fresh_cache() -> Iterator[None]:
    """Rate limits and used TOTP codes live in the cache; no test may see another's."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _reference_data(request: Any) -> None:
    """Transactional tests (live server, Celery worker threads) flush every table when they end,
    including the reference data the migrations loaded (areas, user categories, the МРП's values, the chart of accounts, the tax rates):
    put it back."""
    names = set(request.fixturenames)
    if names & {"transactional_db", "live_server"}:
        request.getfixturevalue("transactional_db")
    elif "db" in names or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
    else:
        return
    put_back()


@pytest.fixture
def clock() -> Any:
    """The platform's clock (:mod:`udp.core.clock`), put back to the machine's time after the test.

    ``clock.travel_to(date)`` moves every reader (pages, API, Celery tasks, the live server) at once.
    """
    from udp.core import clock as platform_clock

    platform_clock.reset()
    yield platform_clock
    platform_clock.reset()
