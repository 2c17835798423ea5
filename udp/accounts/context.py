from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from udp.accounts.roles import home_url_for


def actor(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"home_url": None, "claims_waiting": None}
    context: dict[str, Any] = {"home_url": home_url_for(user), "claims_waiting": None}
    if any(
        getattr(user, attr, False) for attr in ("is_holder", "is_cmo_staff", "is_operator", "is_regulator")
    ):
        from registers.claims import pending_answers_for

        context["claims_waiting"] = pending_answers_for(user).values("proposal_id").distinct().count()
    return context
