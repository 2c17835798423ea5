"""``./dev run`` on a newcomer's machine: it starts everything, and a signal stops everything.

The run uses its own embedded PostgreSQL (no DATABASE_URL, a fresh data directory) and its own port,
as a first ``./dev run`` does; SIGTERM goes to the script alone, as a process manager sends it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from demo.bench.harness import free_port, wait_healthy
from udp.embedded_db import embedded_server_pid, stop_embedded_database

ROOT = Path(__file__).resolve().parent.parent


def processes_in_session(sid: int) -> list[str]:
    """Command lines of the processes still running in session ``sid`` (an exited process that
    init has not reaped yet does not count)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            if os.getsid(int(entry.name)) == sid and state != "Z":
                found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode())
    return found


def wait_for(predicate: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not predicate():
        time.sleep(0.25)


def test_sigterm_stops_the_web_server_the_worker_and_the_embedded_database_within_seconds(
    tmp_path: Path,
) -> None:
    data_dir, log = tmp_path / "data", tmp_path / "run.log"
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "CELERY_")) and k not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(UDP_DATA_DIR=str(data_dir), UDP_ADDR=f"127.0.0.1:{port}")
    with log.open("wb") as out:
        run = subprocess.Popen(
            [str(ROOT / "dev"), "run"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        wait_healthy("127.0.0.1", port, timeout=300, proc=run)
        wait_for(lambda: b" ready." in log.read_bytes(), timeout=60)  # the Celery worker
        assert embedded_server_pid(data_dir), log.read_text()

        began = time.monotonic()
        run.send_signal(signal.SIGTERM)
        code = run.wait(timeout=30)

        assert (code, time.monotonic() - began < 20) == (143, True), log.read_text()[-3000:]
        wait_for(lambda: not processes_in_session(run.pid), timeout=3)  # KILLed ones, on their way out
        assert processes_in_session(run.pid) == []
        assert embedded_server_pid(data_dir) is None
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(run.pid, signal.SIGKILL)
        stop_embedded_database(data_dir)
