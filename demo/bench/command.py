"""``manage.py bench search --json``: title search through the running web stack (registered with
:mod:`udp.core.benches`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from demo.bench import search as bench
from udp.core.benches import Bench


def add_arguments(parser: Any) -> None:
    SearchBench.arguments(parser)


def run(options: dict[str, Any], command: Any) -> None:
    SearchBench(stdout=command.stdout, stderr=command.stderr).handle(**options)


BENCH = Bench(
    name="search",
    help="title search through the web stack (gunicorn, or a loopback --url)",
    add_arguments=add_arguments,
    run=run,
)


class SearchBench(BaseCommand):
    """The figures' writer (a command's ``stdout``) with the benchmark's steps."""

    @staticmethod
    def arguments(parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="print one JSON line and nothing else")
        parser.add_argument("--queries", type=int, default=2000)
        parser.add_argument(
            "--seconds", type=float, default=60.0, help="stop after this long even if queries remain"
        )
        parser.add_argument("--clients", type=int, default=8)
        parser.add_argument("--warmup", type=int, default=100)
        parser.add_argument(
            "--url", default=None, help="an already running server, e.g. http://127.0.0.1:8000"
        )
        parser.add_argument("--workers", type=int, default=4, help="gunicorn workers when we start it")
        parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker")
        parser.add_argument(
            "--ensure-works", type=int, default=0, help="load synthetic works up to this many first"
        )
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--recall-queries",
            type=int,
            default=200,
            help="noisy queries of each kind for recall_at_10 (0: skip the recall measure)",
        )

    def handle(self, *args: Any, **o: Any) -> None:
        if o["ensure_works"]:
            self._ensure_works(o["ensure_works"], quiet=o["json"])
        try:
            result = bench.bench_search(
                url=o["url"], queries=o["queries"], seconds=o["seconds"], clients=o["clients"],
                warmup=o["warmup"], workers=o["workers"], threads=o["threads"], seed=o["seed"],
                recall_queries=o["recall_queries"],
            )  # fmt: skip
        except (ValueError, RuntimeError) as exc:
            raise CommandError(str(exc)) from exc
        if not o["json"]:
            self.stdout.write(
                f"{result['queries']} queries over {result['works']} works with {result['clients']} clients: "
                f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms, "
                f"{result['rps']} req/s, {result['errors']} errors"
            )
            if "recall_at_10" in result:
                self.stdout.write(self._recall_line(result))
        self.stdout.write(bench.as_json_line(result))

    def _ensure_works(self, wanted: int, *, quiet: bool) -> None:
        from demo.synthetic import load_synthetic

        missing = wanted - bench.count_works()
        if missing > 0:
            log = (lambda s: None) if quiet else self.stderr.write
            load_synthetic(works=missing, holders=max(100, missing // 7), log=log)

    @staticmethod
    def _recall_line(result: dict[str, Any]) -> str:
        recall = result["recall_at_10"]
        kinds = ", ".join(f"{kind} {value}" for kind, value in recall.items() if kind != "overall")
        return (
            f"recall_at_10 over {result['recall_queries']} noisy queries: {recall['overall']} ({kinds}); "
            f"noisy queries p50 {result['noisy_p50_ms']} ms, p95 {result['noisy_p95_ms']} ms"
        )
