from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def notices(request: HttpRequest) -> dict[str, Any]:
    """``notices_unread``: the signed-in account's unread count, one query, run only if a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"notices_unread": None}
    from udp.notices.access import unread_count

    return {"notices_unread": SimpleLazyObject(lambda: unread_count(user))}
