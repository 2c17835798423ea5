"""The production shape (Dockerfile, docker-compose.yml), checked as far as a machine without a
Docker daemon can: the web healthcheck passes against gunicorn under production settings, the
image's build context leaves out environments, data and history, the media volume belongs to the
app user, and the static files collect without a database.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from demo.bench.harness import database_url, free_port, wait_healthy

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
pytestmark = pytest.mark.usefixtures("django_db_setup")


def production_env(**extra: str) -> dict[str, str]:
    """The app containers' environment: the compose file's, what a real ``.env`` adds (a secret and
    the public name only), and this test's database in place of the ``db`` service. Redis stays at
    the compose file's address, which does not resolve here: the healthcheck must not need it."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "CELERY_")) and k not in ("REDIS_URL", "DATABASE_URL")
    }
    env.update({k: str(v) for k, v in COMPOSE["x-app"]["environment"].items()})
    env.update(
        DJANGO_SETTINGS_MODULE="udp.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(40),
        DJANGO_ALLOWED_HOSTS="udp.example.kz",
        DATABASE_URL=database_url(),
        **extra,
    )
    return env


@pytest.mark.smoke
def test_the_compose_web_healthcheck_passes_against_gunicorn_with_production_settings() -> None:
    check = COMPOSE["services"]["web"]["healthcheck"]["test"]
    assert check[0] == "CMD", check
    port = free_port()
    command = [
        sys.executable if part == "python" else part.replace(":8000", f":{port}") for part in check[1:]
    ]
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "udp.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=production_env(),
    )
    try:
        wait_healthy("127.0.0.1", port, proc=server)
        probe = subprocess.run(command, capture_output=True, text=True, timeout=30)
        assert probe.returncode == 0, probe.stderr
        # the same server still refuses other hosts and sends browsers to HTTPS
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/", headers={"Host": "evil.example"})
        assert conn.getresponse().status == 400
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/", headers={"Host": "udp.example.kz"})
        response = conn.getresponse()
        assert response.status == 301 and response.getheader("Location", "").startswith(
            "https://udp.example.kz/"
        )
    finally:
        server.terminate()
        server.wait(timeout=15)


def test_the_build_context_leaves_out_environments_data_history_and_secrets() -> None:
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()}
    assert {".git", ".venv", ".data", ".env"} <= ignored


def test_the_media_volume_belongs_to_the_app_user() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    media = COMPOSE["x-app"]["environment"]["DJANGO_MEDIA_ROOT"]
    assert f"{media}:" in " ".join(COMPOSE["x-app"]["volumes"]) or any(
        v.endswith(f":{media}") for v in COMPOSE["x-app"]["volumes"]
    )
    chown = re.search(r"RUN mkdir -p (\S+) && chown -R udp:udp (\S+)", dockerfile)
    assert chown and media.startswith(chown.group(2)), (
        "the media mount point must be created and owned by udp"
    )
    assert dockerfile.index(chown.group(0)) < dockerfile.index("USER udp")


def test_the_images_collectstatic_step_runs_without_a_database(tmp_path: Path) -> None:
    """The Dockerfile's build step, as written there, with the static root in a temporary folder."""
    step = next(line for line in (ROOT / "Dockerfile").read_text().splitlines() if "collectstatic" in line)
    assignments = dict(re.findall(r"(\w+)=(\S+)", step.split("python", 1)[0]))
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"}
    env.update(assignments, DJANGO_STATIC_ROOT=str(tmp_path / "static"))
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "static" / "drf_spectacular_sidecar").is_dir()  # the API docs' own assets
