"""Each actor's home page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from udp.accounts.models import Moderation, Role

HOME_URL_NAMES = {
    Role.HOLDER: "portal:home",
    Role.LICENSEE: "space:home",
    Role.CMO_ADMIN: "cmo:home",
    Role.CMO_STAFF: "cmo:home",
    Role.REGULATOR: "regulator:home",
    Role.OPERATOR: "operator:home",
}


def home_url_for(user: Any) -> str:
    if user.moderation != Moderation.APPROVED:
        return reverse("account_pending")
    return reverse(HOME_URL_NAMES[Role(user.role)])
