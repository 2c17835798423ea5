"""The settings are read strictly from the environment, with safe production defaults."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import ROOT

# the subprocesses check against the test database, which exists whatever DATABASE_URL names
pytestmark = pytest.mark.usefixtures("django_db_setup")


def _database_url() -> str:
    """The database this test process uses (the embedded one when DATABASE_URL is unset): the
    subprocesses need one that exists, and nothing may be assumed to listen at 127.0.0.1:5432."""
    from demo.bench.harness import database_url

    return database_url()


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


@pytest.mark.smoke
def test_check_deploy_is_clean_with_production_variables() -> None:
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY="x" * 20 + "a-long-random-production-secret-0123456789",
        DJANGO_ALLOWED_HOSTS="udp.example.kz",
        DATABASE_URL=_database_url(),
        CELERY_BROKER_URL="redis://127.0.0.1:6379/1",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = _manage(
        "check",
        DATABASE_URL=_database_url(),
        CELERY_BROKER_URL="redis://127.0.0.1:6379/1",
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_a_malformed_boolean_is_an_error_not_a_silent_default() -> None:
    result = _manage(
        "check",
        DJANGO_DEBUG="perhaps",
        DJANGO_SECRET_KEY="k" * 50,
        DATABASE_URL=_database_url(),
        CELERY_BROKER_URL="redis://127.0.0.1:6379/1",
    )
    assert result.returncode != 0


def test_the_filesystem_broker_keeps_every_folder_under_the_data_directory(tmp_path: Path) -> None:
    """Without CELERY_BROKER_URL, sending a control message writes nothing into the working directory."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="udp.settings",
        DJANGO_DEBUG="1",
        UDP_DATA_DIR=str(tmp_path / "data"),
        DATABASE_URL=_database_url(),
        PYTHONPATH=str(ROOT),
    )
    ping = "from udp.celery import app; app.control.ping(timeout=0.2)"
    result = subprocess.run(
        [sys.executable, "-c", ping], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert list(cwd.iterdir()) == []
    assert any((tmp_path / "data" / "broker" / "control").glob("*.exchange"))
