from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from udp.accounts.models import Moderation
from udp.accounts.roles import home_url_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each actor to their own home page."""
    return redirect(home_url_for(request.user))


@login_required
def pending(request: HttpRequest) -> HttpResponse:
    if request.user.moderation == Moderation.APPROVED:
        return redirect(home_url_for(request.user))
    return render(request, "accounts/pending.html")
