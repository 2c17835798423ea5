"""The platform's clock: what "now" and "today" are for every deadline, in the web, the worker and the tests.

Every business date (a notice's date of receipt, the day a withdrawal takes effect, what is
overdue) reads :func:`now` or :func:`today`, never ``timezone.now()`` or ``timezone.localdate()``
directly. Rows' technical timestamps (``auto_now_add``) keep the machine's time.

Normally the clock is the machine's. Where ``UDP_CLOCK_TRAVEL`` is on (the tests, the demo, a
training copy; never production, where :func:`travel_to` refuses), the clock can be moved: the
offset from the machine's time is kept in one small file (``UDP_CLOCK_FILE``, by default
``.data/clock.json``) that the web server, the Celery worker and the tests on that machine all
read, so a browser test or a demo can jump three months ahead and every process sees the same day.
Reading it costs a ``stat`` (the offset is re-read only when the file changes), never a query.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

_cache: dict[str, object] = {"key": None, "offset": dt.timedelta(0)}


def _file() -> Path:
    return Path(settings.UDP_CLOCK_FILE)


def can_travel() -> bool:
    return bool(getattr(settings, "UDP_CLOCK_TRAVEL", False))


def offset() -> dt.timedelta:
    """How far the platform's clock is from the machine's (zero unless it was moved)."""
    if not can_travel():
        return dt.timedelta(0)
    path = _file()
    try:
        stat = path.stat()
    except FileNotFoundError:
        return dt.timedelta(0)
    key = (str(path), stat.st_mtime_ns, stat.st_size, stat.st_ino)
    if _cache["key"] != key:
        try:
            seconds = json.loads(path.read_text(encoding="utf-8"))["offset_seconds"]
            _cache["offset"] = dt.timedelta(seconds=float(seconds))
        except (OSError, ValueError, KeyError, TypeError):
            _cache["offset"] = dt.timedelta(0)
        _cache["key"] = key
    value = _cache["offset"]
    assert isinstance(value, dt.timedelta)
    return value


def now() -> dt.datetime:
    """The platform's current moment (aware)."""
    return timezone.now() + offset()


def today() -> dt.date:
    """The platform's current date in Kazakhstan (``TIME_ZONE``)."""
    return timezone.localdate(now())


def is_moved() -> bool:
    return offset() != dt.timedelta(0)


def _write(seconds: float) -> None:
    if not can_travel():
        raise ImproperlyConfigured(
            "The platform's clock cannot be moved here: set UDP_CLOCK_TRAVEL=1 (tests, demo, training only)."
        )
    path = _file()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_text(json.dumps({"offset_seconds": seconds}), encoding="utf-8")
    os.replace(temporary, path)
    _cache["key"] = None


def travel_to(moment: dt.datetime | dt.date) -> None:
    """Move the clock so that it reads ``moment`` now (a date means 09:00 that day in Kazakhstan); it keeps running."""
    if isinstance(moment, dt.datetime):
        target = moment if timezone.is_aware(moment) else timezone.make_aware(moment)
    else:
        target = timezone.make_aware(dt.datetime.combine(moment, dt.time(9, 0)))
    _write((target - timezone.now()).total_seconds())


def move_by(delta: dt.timedelta) -> None:
    """Move the clock ``delta`` further (or back, if negative) from where it reads now."""
    _write((offset() + delta).total_seconds())


def reset() -> None:
    """Back to the machine's time."""
    if not can_travel():
        return
    with contextlib.suppress(FileNotFoundError):
        _file().unlink()
    _cache["key"] = None


@contextlib.contextmanager
def travelled(moment: dt.datetime | dt.date) -> Iterator[None]:
    """``with travelled(date): ...`` reads ``date`` inside the block and the machine's time after it."""
    before = offset()
    travel_to(moment)
    try:
        yield
    finally:
        if before:
            _write(before.total_seconds())
        else:
            reset()
