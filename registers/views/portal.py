"""The rightsholder's personal account: the domains' cards (their register entry, their CMOs per area, …)
and their works."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from registers import access
from udp.accounts import consoles
from udp.accounts.decorators import AuthedRequest, holder_required


@holder_required
def home(request: AuthedRequest) -> HttpResponse:
    works = (
        access.works_editable_by(request.user).prefetch_related("contributors__party").order_by("-created_at")
    )
    context = {
        "party": request.user.party,
        "console": consoles.console_view("portal", request.user),
        "works": works,
    }
    return render(request, "registers/portal/home.html", context)
