"""Running the platform for a measurement or a test: a free loopback port, gunicorn on this database,
waiting for ``/healthz``. Only loopback servers are allowed: these are tools for a developer's or a CI machine.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import connection

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def check_loopback(url: str) -> tuple[str, int]:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in LOOPBACK:
        raise ValueError(
            "the benchmark only targets http servers on a loopback address (127.0.0.1, localhost, ::1)"
        )
    return parts.hostname, parts.port or 80


def database_url() -> str:
    """The URL of the database this process uses (the test database too), for the server we start."""
    params = connection.get_connection_params()  # the embedded server is started if need be
    user = urllib.parse.quote(params.get("user") or "")
    password = urllib.parse.quote(params.get("password") or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    # the embedded server is reached by its socket directory
    host = str(params.get("host") or "127.0.0.1")
    port = params.get("port") or 5432
    name = params["dbname"]
    if host.startswith("/"):
        return f"postgres://{auth}/{name}?host={urllib.parse.quote(host)}&port={port}"
    return f"postgres://{auth}{host}:{port}/{name}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(
    host: str, port: int, *, timeout: float = 60.0, proc: subprocess.Popen[bytes] | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server exited with code {proc.returncode}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            conn = http.client.HTTPConnection(host, port, timeout=5)
            conn.request("GET", "/healthz", headers={"Host": host})
            if conn.getresponse().status == 200:
                conn.close()
                return
        time.sleep(0.2)
    raise RuntimeError("the server did not answer /healthz in time")


@contextlib.contextmanager
def gunicorn(*, workers: int, threads: int) -> Iterator[tuple[str, int]]:
    """Run ``gunicorn udp.wsgi`` on a free loopback port against this database, production settings."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "udp.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url(),
    }
    cmd = [
        sys.executable, "-m", "gunicorn", "udp.wsgi",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--worker-class", "gthread", "--threads", str(threads),
        "--keep-alive", "30", "--log-level", "warning",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=Path(settings.BASE_DIR), env=env)
    try:
        wait_healthy("127.0.0.1", port, proc=proc)
        yield "127.0.0.1", port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
