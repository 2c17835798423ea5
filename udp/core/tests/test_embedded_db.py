"""The embedded PostgreSQL (no DATABASE_URL): asking about it never starts one, stopping stops it,
and a server another process still uses can be left running."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import ROOT
from udp.embedded_db import default_data_dir, embedded_server_pid

START = "import sys, pathlib, udp.embedded_db as e; print(e.embedded_database_url(pathlib.Path(sys.argv[1])))"


def embedded_db(data_dir: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"UDP_DATA_DIR": str(data_dir)}
    result = subprocess.run(
        [sys.executable, "-m", "udp.embedded_db", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def running(pid: int) -> bool:
    """The process exists and has not exited (a zombie waiting for its parent has)."""
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "data"
    yield path
    embedded_db(path, "stop")
    shutil.rmtree(path, ignore_errors=True)


def test_asking_whether_the_server_runs_does_not_start_one(data_dir: Path) -> None:
    assert embedded_db(data_dir, "status") == "embedded PostgreSQL: not running"
    assert not (data_dir / "pg" / "postmaster.pid").exists()


def test_reading_the_settings_starts_no_server_and_the_first_connection_does(data_dir: Path) -> None:
    """What mypy's Django plugin, collectstatic or ``manage.py help`` do starts nothing."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="udp.settings", DJANGO_DEBUG="1", UDP_DATA_DIR=str(data_dir))
    setup = "import django; django.setup(); from django.db import connection; "

    def python(code: str) -> str:
        result = subprocess.run(
            [sys.executable, "-c", setup + code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert python("print(connection.settings_dict['ENGINE'])") == "udp.embedded_db"
    assert embedded_server_pid(data_dir) is None

    host = python("connection.ensure_connection(); print(connection.connection.info.host)")
    assert host.startswith("/") and embedded_server_pid(data_dir)


def test_stop_stops_the_server_the_platform_started(data_dir: Path) -> None:
    started = subprocess.run(
        [sys.executable, "-c", START, str(data_dir)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert started.returncode == 0, started.stderr
    pid = embedded_server_pid(data_dir)
    assert pid and embedded_db(data_dir, "status") == f"embedded PostgreSQL: running (pid {pid})"

    assert embedded_db(data_dir, "stop") == "embedded PostgreSQL: stopped"
    assert embedded_server_pid(data_dir) is None and not running(pid)
    assert embedded_db(data_dir, "stop") == "embedded PostgreSQL: was not running"


def test_stop_if_unused_leaves_a_server_that_another_process_still_uses(data_dir: Path) -> None:
    user = subprocess.Popen(
        [sys.executable, "-c", START + "; sys.stdout.flush(); sys.stdin.read()", str(data_dir)],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert user.stdout and user.stdout.readline().startswith("postgres")
        pid = embedded_server_pid(data_dir)

        assert embedded_db(data_dir, "stop", "--if-unused") == (
            f"embedded PostgreSQL: left running, in use by pid {user.pid}"
        )
        assert pid and running(pid)
    finally:
        user.kill()  # ends without saying so: it stays on the server's list, but no longer counts
        user.wait()

    assert embedded_db(data_dir, "stop", "--if-unused") == "embedded PostgreSQL: stopped"
    assert not running(pid)


def test_the_data_directory_is_the_same_wherever_a_process_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UDP_DATA_DIR", "")
    assert default_data_dir() == ROOT / ".data"  # empty is unset, never the working directory
    monkeypatch.setenv("UDP_DATA_DIR", "var/udp")
    monkeypatch.chdir("/")
    assert default_data_dir() == ROOT / "var" / "udp"
    monkeypatch.setenv("UDP_DATA_DIR", "/srv/udp")
    assert default_data_dir() == Path("/srv/udp")
