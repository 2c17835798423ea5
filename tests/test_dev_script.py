"""``./dev run`` on a newcomer's machine: it starts everything, and a signal stops everything.

The run uses its own embedded PostgreSQL (no DATABASE_URL, a fresh data directory) and its own port,
as a first ``./dev run`` does; SIGTERM goes to the script alone, as a process manager sends it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
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


def test_the_embedded_database_is_started_once_before_a_test_run_and_stopped_when_unused(
    tmp_path: Path,
) -> None:
    """``./dev test`` starts the embedded server itself, in one process, before its workers connect (as root
    the first start also makes the system user it runs as); ``stop --if-unused`` then stops it."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["UDP_DATA_DIR"] = str(tmp_path)
    command = [sys.executable, "-m", "udp.embedded_db"]
    try:
        started = subprocess.run(
            [*command, "start"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        assert started.returncode == 0, started.stderr
        pid = embedded_server_pid(tmp_path)
        assert pid is not None and f"running (pid {pid})" in started.stdout
        again = subprocess.run(
            [*command, "start"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
        )
        assert (
            again.returncode == 0 and embedded_server_pid(tmp_path) == pid
        )  # found running, not started twice
        stopped = subprocess.run(
            [*command, "stop", "--if-unused"], env=env, cwd=ROOT, capture_output=True, text=True
        )
        assert "stopped" in stopped.stdout and embedded_server_pid(tmp_path) is None
    finally:
        stop_embedded_database(tmp_path)
