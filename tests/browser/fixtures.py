"""Chromium for the browser tests, a plugin of the root conftest.py so that every app's tests have it:
``chromium``, one for each module (the journeys at three languages and two widths run in one browser;
each test still gets its own contexts: cookies, viewport, language), or ``browser``, one for each test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.test_journey import CHROMIUM, LAUNCH_ARGS


def _launched() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("UDP_REQUIRE_BROWSER") == "1":
            pytest.fail(f"UDP_REQUIRE_BROWSER=1 but {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is missing: install Chromium to run the browser tests")
    # The sync Playwright API runs an event loop in this thread; Django's ORM must still be allowed here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            # the database connections the test's code opened while Playwright ran (in a context of their own,
            # which pytest-django does not close): closed, else they outlive the tests and keep the test
            # database from being dropped at the end of the run
            connections.close_all()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """One Chromium for every test of a module."""
    yield from _launched()


@pytest.fixture
def browser() -> Iterator[Any]:
    """A Chromium of the test's own (a journey that must not share the browser's state with another)."""
    yield from _launched()
