"""The expert organization keeps the days the government moves each year (read by :mod:`udp.core.workdays`;
kept here, above the accounts, because only the operator changes them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied

from udp.accounts import roles
from udp.audit import audited
from udp.core.models import CalendarDay, DayKind


def keeps_calendar(user: Any) -> bool:
    return roles.is_operator(user)


def set_day(*, by: Any, day: dt.date, kind: str, note: str = "") -> CalendarDay:
    """Record (or change) how ``day`` is moved."""
    if not keeps_calendar(by):
        raise PermissionDenied
    DayKind(kind)
    with audited(by):
        row, _created = CalendarDay.objects.update_or_create(
            day=day, defaults={"kind": kind, "note": note.strip()}
        )
    return row


def remove_day(*, by: Any, row: CalendarDay) -> None:
    """The day follows the package's calendar again."""
    if not keeps_calendar(by):
        raise PermissionDenied
    with audited(by):
        row.delete()
