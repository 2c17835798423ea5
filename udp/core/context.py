"""What every page needs from the core: the platform's date when its clock has been moved."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from udp.core import clock


def platform_clock(request: HttpRequest) -> dict[str, Any]:
    """``moved_today``: the platform's date, only where the clock was moved (a demo or training copy)."""
    return {"moved_today": clock.today() if clock.is_moved() else None}
