from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from udp.accounts import mfa

#: Reachable without a second factor: signing in and setting one up, the language switch, assets, health.
_OPEN_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/media/", "/healthz")


class RequireMFAMiddleware:
    """CMO, authorized-body and operator accounts reach nothing until they have used a second factor.

    Pages send them to TOTP set-up (no authenticator yet) or back to the login (a session that never
    passed the second factor); the API answers 403 with the reason. See :mod:`udp.accounts.mfa`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if request.path.startswith(_OPEN_PREFIXES) or not mfa.session_blocked(request, user):
            return self.get_response(request)
        missing = mfa.mfa_missing(user)
        if request.path.startswith("/api/"):
            detail = (
                _(
                    "This account must set up a second factor (an authenticator app) before it can use the API."
                )
                if missing
                else _("Sign in again with your authenticator app code.")
            )
            return JsonResponse({"detail": detail, "code": "mfa_required"}, status=403)
        return second_factor_redirect(request)


def second_factor_redirect(request: HttpRequest) -> HttpResponse:
    """Where a page sends an account that has not used its second factor: TOTP set-up, or the login again."""
    if mfa.mfa_missing(request.user):
        return redirect("mfa_activate_totp")
    logout(request)
    return redirect(f"/accounts/login/?next={request.path}")
