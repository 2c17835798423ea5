"""The search benchmark runs through the web stack and reports its figures as one JSON line.

No timed assertions: the figures depend on the machine; these tests prove the tool measures.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command

from demo.bench import search as bench
from demo.synthetic import load_synthetic

KEYS = {"queries", "p50_ms", "p95_ms", "p99_ms", "rps", "errors", "works", "clients", "duration_s"}


def test_percentiles_are_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert (bench.percentile(values, 50), bench.percentile(values, 95), bench.percentile(values, 100)) == (
        50,
        95,
        100,
    )
    assert bench.percentile([], 50) == 0.0


def test_only_loopback_servers_may_be_benchmarked() -> None:
    assert bench.check_loopback("http://127.0.0.1:8000") == ("127.0.0.1", 8000)
    for url in ("http://example.com:80", "http://10.0.0.1:8000", "https://127.0.0.1:8000"):
        with pytest.raises(ValueError):
            bench.check_loopback(url)


@pytest.mark.django_db
def test_queries_are_drawn_from_real_titles_and_iswcs() -> None:
    load_synthetic(works=300, holders=50)
    queries = bench.sample_queries(400, iswc_share=0.1)
    assert len(queries) == 400
    assert any(q.startswith("T") and q[-1].isdigit() for q in queries)
    assert any(all(ord(c) < 128 for c in q) and not q.startswith("T") for q in queries)
    assert any(any("а" <= c <= "я" or c in "әғқңөұүһі" for c in q) for q in queries)


@pytest.mark.django_db(transaction=True)
def test_the_bench_command_reports_one_json_line_against_a_running_server(live_server: Any) -> None:
    load_synthetic(works=300, holders=50)
    out = io.StringIO()
    call_command(
        "bench", "search", "--json", "--queries", "40", "--warmup", "5", "--recall-queries", "10",
        "--url", live_server.url, stdout=out,
    )  # fmt: skip
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert KEYS <= result.keys()
    assert result["queries"] == 40 and result["errors"] == 0 and result["works"] == 300
    assert result["clients"] == 8 and 0 < result["p50_ms"] <= result["p95_ms"] <= result["p99_ms"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.smoke
def test_the_bench_starts_its_own_gunicorn_and_counts_failed_answers_as_errors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    load_synthetic(works=200, holders=40)
    result = bench.bench_search(queries=30, warmup=5, workers=1, threads=2, clients=2, recall_queries=0)
    assert KEYS <= result.keys() and result["errors"] == 0 and result["queries"] == 30
    monkeypatch.setattr(bench, "SEARCH_PATH", "/api/no-such-endpoint/")
    result = bench.bench_search(queries=10, warmup=1, workers=1, threads=2, clients=2, recall_queries=0)
    assert result["errors"] == 10


@pytest.mark.django_db(transaction=True)
def test_the_bench_reports_recall_at_10_of_noisy_queries_per_kind(live_server: Any) -> None:
    load_synthetic(works=300, holders=50)
    out = io.StringIO()
    call_command(
        "bench", "search", "--queries", "20", "--warmup", "2", "--recall-queries", "30",
        "--url", live_server.url, stdout=out,
    )  # fmt: skip
    text, line = out.getvalue().strip().splitlines()[-2:]
    result = json.loads(line)
    recall = result["recall_at_10"]
    assert set(recall) == {"overall", "kazakh_letters", "other_script", "typo"}
    assert text.startswith(f"recall_at_10 over {result['recall_queries']} noisy queries: {recall['overall']}")
    assert result["recall_queries"] == 90 and result["recall_errors"] == 0
    assert all(0.9 <= value <= 1 for value in recall.values()), result["recall_misses"]
