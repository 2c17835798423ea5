"""What every page's navigation shows of the registers."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from registers.claims import pending_answers_for
from udp.accounts import roles


def claims_waiting(request: HttpRequest) -> dict[str, Any]:
    """How many proposals wait for the signed-in person's answer (``None``: they answer none)."""
    user = getattr(request, "user", None)
    if not roles.answers_proposals(user):
        return {"claims_waiting": None}
    return {"claims_waiting": pending_answers_for(user).values("proposal_id").distinct().count()}
