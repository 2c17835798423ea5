from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from udp.accounts.roles import home_url_for


def actor(request: HttpRequest) -> dict[str, Any]:
    """The signed-in person's home page, for every page's navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"home_url": None}
    return {"home_url": home_url_for(user)}
