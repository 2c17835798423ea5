"""The platform's clock: one offset, read by every process of the machine, moved only where allowed."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from tests import ROOT


def test_travel_moves_now_and_today_and_the_clock_keeps_running(clock: Any) -> None:
    clock.travel_to(dt.date(2027, 3, 5))
    assert clock.today() == dt.date(2027, 3, 5)
    first = clock.now()
    assert timezone.localtime(first).hour == 9
    assert clock.now() >= first
    clock.move_by(dt.timedelta(days=30))
    assert clock.today() == dt.date(2027, 4, 4)
    clock.reset()
    assert clock.today() == timezone.localdate()
    assert not clock.is_moved()


def test_another_process_reads_the_same_date(clock: Any) -> None:
    """The worker and the web server are other processes: they read the offset the test wrote."""
    clock.travel_to(dt.date(2031, 1, 15))
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='udp.settings_test'; "
        f"os.environ['UDP_CLOCK_FILE']={str(settings.UDP_CLOCK_FILE)!r}; "
        "os.environ['UDP_CLOCK_TRAVEL']='1'; django.setup(); "
        "from udp.core import clock; print(clock.today().isoformat())"
    )
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SECRET_KEY": "x" * 50, "UDP_DATA_DIR": str(settings.DATA_DIR)}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2031-01-15"


def test_production_refuses_to_move_the_clock_and_ignores_a_stray_file(clock: Any, tmp_path: Any) -> None:
    stray = tmp_path / "clock.json"
    stray.write_text(json.dumps({"offset_seconds": 86400 * 400}))
    with override_settings(UDP_CLOCK_TRAVEL=False, UDP_CLOCK_FILE=stray):
        assert clock.today() == timezone.localdate()
        with pytest.raises(ImproperlyConfigured):
            clock.travel_to(dt.date(2030, 1, 1))


def test_a_broken_file_reads_as_the_machines_time(clock: Any) -> None:
    clock.travel_to(dt.date(2030, 6, 1))
    settings.UDP_CLOCK_FILE.write_text("{not json")
    assert clock.today() == timezone.localdate()


def test_the_command_shows_and_moves_the_clock(clock: Any, capsys: Any) -> None:
    call_command("clock", "travel", "2028-02-29")
    assert "2028-02-29" in capsys.readouterr().out
    call_command("clock", "forward", "1")
    assert clock.today() == dt.date(2028, 3, 1)
    call_command("clock", "reset")
    assert clock.today() == timezone.localdate()


@pytest.mark.django_db
def test_pages_say_when_the_platforms_date_was_moved(clock: Any, client: Any) -> None:
    assert 'id="moved-clock"' not in client.get("/", headers={"accept-language": "en"}).content.decode()
    clock.travel_to(dt.date(2027, 3, 5))
    page = client.get("/", headers={"accept-language": "en"}).content.decode()
    assert 'id="moved-clock"' in page and "2027" in page.split('id="moved-clock"')[1].split("</p>")[0]
