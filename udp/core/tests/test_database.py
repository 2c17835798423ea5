"""``python -m udp.database`` creates the database DATABASE_URL names when it does not exist yet."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import urllib.parse

import psycopg
import pytest
from psycopg import sql

from demo.bench.harness import database_url
from tests import ROOT

pytestmark = pytest.mark.usefixtures("django_db_setup")


def _url_of(name: str) -> str:
    """The URL of ``name`` on the server this test process uses (embedded or DATABASE_URL's)."""
    return urllib.parse.urlsplit(database_url())._replace(path=f"/{name}").geturl()


def _exists(name: str) -> bool:
    with psycopg.connect(_url_of("postgres")) as conn:
        return bool(conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone())


def test_a_database_that_does_not_exist_yet_is_created_once() -> None:
    name = f"udp_fresh_{secrets.token_hex(4)}"
    env = {**os.environ, "DATABASE_URL": _url_of(name)}
    run = [sys.executable, "-m", "udp.database"]
    try:
        first = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert (first.returncode, first.stdout.strip()) == (0, f"created database {name}"), first.stderr
        assert _exists(name)

        again = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert (again.returncode, again.stdout.strip()) == (0, "")
    finally:
        with psycopg.connect(_url_of("postgres"), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
