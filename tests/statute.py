"""A pytest plugin that lists which statutory obligations have a passing test.

Tests carry ``@pytest.mark.statute("A46.1.2-cap20")``. After a run, the IDs proven by at least one
passing test (and those whose tests failed) are printed and written to ``.statute-report.json``.
``pytest --statute-only`` runs just the tagged tests. An ID counts as proven only if every test
tagged with it passed.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

_results: dict[str, dict[str, list[str]]] = defaultdict(lambda: {"passed": [], "failed": []})


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--statute-only", action="store_true", help="run only tests tagged with a statute ID")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--statute-only"):
        items[:] = [item for item in items if item.get_closest_marker("statute")]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Any:
    """The IDs travel with the test's report (its user properties), so a run split over pytest-xdist
    workers is counted where the reports arrive."""
    outcome = yield
    ids = [mark.args[0] for mark in item.iter_markers("statute")]
    if ids:
        outcome.get_result().user_properties.append(("statute", ids))


def pytest_runtest_logreport(report: Any) -> None:
    ids = [i for name, value in report.user_properties if name == "statute" for i in value]
    if not ids or report.outcome == "skipped":
        return
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        bucket = "passed" if report.outcome == "passed" else "failed"
        for statute_id in ids:
            _results[statute_id][bucket].append(report.nodeid)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _results:
        return
    proven = sorted(i for i, r in _results.items() if r["passed"] and not r["failed"])
    failing = sorted(i for i, r in _results.items() if r["failed"])
    terminalreporter.section("statutory obligations")
    terminalreporter.write_line(f"proven by passing tests ({len(proven)}): {', '.join(proven)}")
    if failing:
        terminalreporter.write_line(f"with failing tests ({len(failing)}): {', '.join(failing)}")
    report = {i: {"proven": i in proven, **r} for i, r in sorted(_results.items())}
    Path(".statute-report.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))
