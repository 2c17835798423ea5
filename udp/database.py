"""The database ``DATABASE_URL`` names, created on its server when it does not exist yet.

A fresh machine or CI job is often given the URL of a database nobody has created; ``migrate`` and
``check`` would then fail to connect. ``python -m udp.database`` (run by ``./dev run`` and
``.ci/run``) creates it, connecting to the server's ``postgres`` database. It needs no Django settings.
"""

from __future__ import annotations

import os
import sys
import urllib.parse

import psycopg
from psycopg import sql

SCHEMES = ("postgres", "postgresql")


def database_name(url: str) -> str:
    return urllib.parse.unquote(urllib.parse.urlsplit(url).path.lstrip("/")) or "postgres"


def create_database_if_missing(url: str) -> bool:
    """Create the database ``url`` names unless it exists; ``True`` if it was created."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise ValueError(f"not a PostgreSQL URL (scheme {parts.scheme!r}); expected postgres://...")
    name = database_name(url)
    server = parts._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        try:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg.errors.DuplicateDatabase:  # created meanwhile by another process
            return False
        return True


def main() -> int:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        print("DATABASE_URL is unset: the embedded database needs no creating")
        return 0
    if create_database_if_missing(url):
        print(f"created database {database_name(url)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
