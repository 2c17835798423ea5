"""The search benchmark: title queries through the running web stack, timed at the client.

Queries are drawn from the titles in the register (whole words, one- and two-word prefixes, Latin
transliterations of Cyrillic titles) plus ISWC lookups. A pool of client threads sends them to
``/api/works/?q=`` over keep-alive connections; the result is one dictionary of figures.

Then it measures how forgiving search is (``recall_at_10``): for works sampled from the register it
types a query the way people do, the title and its first writer's name with one kind of noise
(:mod:`demo.noise`), and counts a hit when the work, or a work with the same title and
contributors, is among the first ten answers of the same endpoint.
Only loopback servers are allowed: this is a tool for a developer's or a CI machine.
"""

from __future__ import annotations

import contextlib
import http.client
import itertools
import json
import math
import random
import re
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone

from demo import noise
from demo.bench.harness import check_loopback as check_loopback
from demo.bench.harness import gunicorn, wait_healthy
from registers.search import transliterate
from udp.identifiers import format_iswc

SEARCH_PATH = "/api/works/"
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def count_works() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM registers_work")
        return int(cursor.fetchone()[0])


def _sample_rows(rng: random.Random, size: int) -> list[tuple[str, str | None]]:
    """Titles and ISWCs of about ``size`` random public works (ids drawn at random, cheap on big tables)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM registers_work")
        low, high = cursor.fetchone()
        if low is None:
            return []
        ids = [rng.randint(low, high) for _ in range(size * 3)]
        cursor.execute(
            "SELECT title, iswc FROM registers_work WHERE id = ANY(%s) AND public ORDER BY id LIMIT %s",
            [ids, size],
        )
        rows = cursor.fetchall()
        if len(rows) < size // 4:  # sparse ids (small or thinned register): take what there is
            cursor.execute(
                "SELECT title, iswc FROM registers_work WHERE public ORDER BY random() LIMIT %s", [size]
            )
            rows = cursor.fetchall()
    return [(title, iswc) for title, iswc in rows]


def _prefix(rng: random.Random, word: str) -> str:
    return word[: rng.randint(min(3, len(word)), len(word))]


def query_from_title(rng: random.Random, title: str) -> str | None:
    words: list[str] = [w for w in _WORD.findall(title.lower()) if len(w) > 1]
    if not words:
        return None
    if rng.random() < 0.3 and re.search(r"[а-яёәғқңөұүһі]", title.lower()):
        words = [transliterate(w) for w in words]
    roll = rng.random()
    if roll < 0.35:
        return rng.choice(words)
    if roll < 0.7:
        return _prefix(rng, rng.choice(words))
    if len(words) >= 2:
        i = rng.randrange(len(words) - 1)
        return f"{words[i]} {_prefix(rng, words[i + 1])}"
    return words[0]


def sample_queries(count: int, *, seed: int = 7, iswc_share: float = 0.05) -> list[str]:
    """``count`` realistic queries: words and prefixes of real titles in any script, and a few ISWCs."""
    rng = random.Random(seed)
    rows = _sample_rows(rng, max(50, min(count, 5000)))
    if not rows:
        return []
    iswcs = [iswc for _, iswc in rows if iswc]
    queries: list[str] = []
    while len(queries) < count:
        if iswcs and rng.random() < iswc_share:
            iswc = rng.choice(iswcs)
            queries.append(format_iswc(iswc) if rng.random() < 0.5 else iswc)
            continue
        query = query_from_title(rng, rng.choice(rows)[0])
        if query:
            queries.append(query)
    return queries


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return 0.0
    rank = max(1, min(len(sorted_values), math.ceil(p / 100 * len(sorted_values))))
    return sorted_values[rank - 1]


@dataclass
class Outcome:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, ms: float, error: str | None) -> None:
        with self.lock:
            self.latencies_ms.append(ms)
            if error:
                self.errors += 1
                if len(self.error_samples) < 5:
                    self.error_samples.append(error)


def _client(
    host: str, port: int, queries: list[str], ticket: Iterator[int], deadline: float, out: Outcome
) -> None:
    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        while time.monotonic() < deadline:
            i = next(ticket)
            if i >= len(queries):
                return
            path = f"{SEARCH_PATH}?{urllib.parse.urlencode({'q': queries[i]})}"
            began = time.perf_counter()
            error: str | None = None
            try:
                conn.request("GET", path, headers={"Accept": "application/json", "Host": host})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    error = f"{response.status} {path}"
            except (OSError, http.client.HTTPException) as exc:
                error = f"{type(exc).__name__}: {exc}"
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=30)
            out.record((time.perf_counter() - began) * 1000, error)
    finally:
        conn.close()


def run_load(
    host: str, port: int, queries: list[str], *, clients: int, seconds: float
) -> tuple[Outcome, float]:
    out = Outcome()
    ticket = itertools.count()
    began = time.monotonic()
    deadline = began + seconds
    threads = [
        threading.Thread(target=_client, args=(host, port, queries, ticket, deadline, out), daemon=True)
        for _ in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out, time.monotonic() - began


#: The language the recall requests ask for, so that contributors' names compare as the API shows them.
RECALL_LANGUAGE = "ru"


@dataclass
class Target:
    """A work to find: what the API shows of it, and the query people would type for it."""

    id: int
    title: str
    contributors: tuple[str, ...]
    query: str


def _contributor_names(row: dict[str, Any]) -> tuple[str, ...]:
    return tuple(sorted(c["name"] for c in row["contributors"]))


def recall_targets(rng: random.Random, size: int) -> list[Target]:
    """About ``size`` random public works with their title and first writer's name as a clean query."""
    from registers.models import Work
    from registers.public_selectors import work_list_item, work_list_rows

    ids = _sample_ids(rng, size)
    today = timezone.localdate()
    rows = work_list_rows(Work.objects.filter(pk__in=ids).order_by("id"))
    names = _writer_names(ids)
    targets = []
    for row in rows:
        item = work_list_item(row, today=today, language=RECALL_LANGUAGE)
        name = names.get(row["id"], "")
        query = noise.query_for(row["title"], name)
        if query:
            targets.append(Target(row["id"], row["title"], _contributor_names(item), query))
    return targets


def _sample_ids(rng: random.Random, size: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM registers_work")
        low, high = cursor.fetchone()
        if low is None:
            return []
        cursor.execute(
            "SELECT id FROM registers_work WHERE id = ANY(%s) AND public ORDER BY id LIMIT %s",
            [[rng.randint(low, high) for _ in range(size * 3)], size],
        )
        rows = cursor.fetchall()
        if len(rows) < size // 4:
            cursor.execute("SELECT id FROM registers_work WHERE public ORDER BY random() LIMIT %s", [size])
            rows = cursor.fetchall()
    return [int(r[0]) for r in rows]


def _writer_names(ids: list[int]) -> dict[int, str]:
    """The first writer's name of each work in the script of its title (Kazakh, Russian or Latin)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT DISTINCT ON (c.work_id) c.work_id, w.title, p.name_kk, p.name_ru, p.name_lat
              FROM registers_workcontributor c
              JOIN registers_party p ON p.id = c.party_id
              JOIN registers_work w ON w.id = c.work_id
             WHERE c.work_id = ANY(%s) AND p.kind = 'person'
             ORDER BY c.work_id, c.sequence, c.id
            """,
            [ids],
        )
        return {
            wid: noise.name_in_script_of(title, kk, ru, lat) for wid, title, kk, ru, lat in cursor.fetchall()
        }


@dataclass
class Recall:
    hits: dict[str, int] = field(default_factory=dict)
    asked: dict[str, int] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    misses: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, hit: bool, ms: float, query: str, error: bool) -> None:
        with self.lock:
            self.asked[kind] = self.asked.get(kind, 0) + 1
            self.hits[kind] = self.hits.get(kind, 0) + int(hit)
            self.latencies_ms.append(ms)
            self.errors += int(error)
            if not hit and len(self.misses) < 10:
                self.misses.append(f"{kind}: {query}")

    def figures(self) -> dict[str, float]:
        by_kind = {k: round(self.hits[k] / self.asked[k], 3) for k in noise.KINDS if self.asked.get(k)}
        total = sum(self.asked.values())
        return {"overall": round(sum(self.hits.values()) / total, 3) if total else 0.0, **by_kind}


def _first_ten(conn: http.client.HTTPConnection, host: str, query: str) -> list[dict[str, Any]]:
    path = f"{SEARCH_PATH}?{urllib.parse.urlencode({'q': query})}"  # the first page, as people see it
    conn.request("GET", path, headers={"Accept": "application/json", "Host": host,
                                       "Accept-Language": RECALL_LANGUAGE})  # fmt: skip
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise http.client.HTTPException(f"{response.status} {path}")
    return list(json.loads(body)["results"])[:10]


def _recall_client(host: str, port: int, jobs: list[tuple[str, str, Target]], out: Recall) -> None:
    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        for kind, query, target in jobs:
            began = time.perf_counter()
            try:
                results = _first_ten(conn, host, query)
                error = False
            except (OSError, http.client.HTTPException, ValueError, KeyError):
                results, error = [], True
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=30)
            hit = any(
                r["id"] == target.id
                or (r["title"] == target.title and _contributor_names(r) == target.contributors)
                for r in results
            )
            out.record(kind, hit, (time.perf_counter() - began) * 1000, query, error)
    finally:
        conn.close()


def measure_recall(host: str, port: int, *, per_kind: int, seed: int, clients: int = 4) -> dict[str, Any]:
    """Recall at 10 of noisy queries (each kind of :data:`demo.noise.KINDS`) through the endpoint."""
    rng = random.Random(seed + 1)
    jobs: list[tuple[str, str, Target]] = []
    targets = recall_targets(rng, per_kind * 4)
    for kind in noise.KINDS:
        made = 0
        for target in targets:
            query = noise.make_noisy(kind, target.query, rng)
            if query and made < per_kind:
                jobs.append((kind, query, target))
                made += 1
    out = Recall()
    share = [jobs[i::clients] for i in range(clients)]
    threads = [
        threading.Thread(target=_recall_client, args=(host, port, part, out), daemon=True) for part in share
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lat = sorted(out.latencies_ms)
    return {
        "recall_at_10": out.figures(),
        "recall_queries": len(lat),
        "recall_errors": out.errors,
        "noisy_p50_ms": round(percentile(lat, 50), 2),
        "noisy_p95_ms": round(percentile(lat, 95), 2),
        "recall_misses": out.misses,
    }


def bench_search(
    *,
    url: str | None = None,
    queries: int = 2000,
    seconds: float = 60.0,
    clients: int = 8,
    warmup: int = 100,
    workers: int = 4,
    threads: int = 2,
    seed: int = 7,
    recall_queries: int = 200,
) -> dict[str, Any]:
    works = count_works()
    sample = sample_queries(queries + warmup, seed=seed)
    if not sample:
        raise RuntimeError("the register holds no works: load some first (seed_synthetic or --ensure-works)")
    warm, timed = sample[:warmup], sample[warmup:]
    server = (
        contextlib.nullcontext(check_loopback(url)) if url else gunicorn(workers=workers, threads=threads)
    )
    with server as (host, port):
        if url:
            wait_healthy(host, port, timeout=10)
        run_load(host, port, warm, clients=clients, seconds=seconds)
        out, elapsed = run_load(host, port, timed, clients=clients, seconds=seconds)
        recall = measure_recall(host, port, per_kind=recall_queries, seed=seed) if recall_queries else {}
    lat = sorted(out.latencies_ms)
    result: dict[str, Any] = {
        "bench": "search",
        "queries": len(lat),
        "errors": out.errors,
        "p50_ms": round(percentile(lat, 50), 2),
        "p95_ms": round(percentile(lat, 95), 2),
        "p99_ms": round(percentile(lat, 99), 2),
        "max_ms": round(lat[-1], 2) if lat else 0.0,
        "rps": round(len(lat) / elapsed, 1) if elapsed else 0.0,
        "works": works,
        "clients": clients,
        "duration_s": round(elapsed, 2),
        "server": url or f"gunicorn gthread {workers}x{threads}",
    }
    result.update(recall)
    if out.error_samples:
        result["error_samples"] = out.error_samples
    return result


def as_json_line(result: dict[str, Any]) -> str:
    return json.dumps(result, ensure_ascii=False, separators=(", ", ": "))
