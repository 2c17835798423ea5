"""View decorators that admit one kind of actor (approved accounts only)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect

from udp.accounts import mfa
from udp.accounts.middleware import second_factor_redirect
from udp.accounts.models import Moderation, User


class AuthedRequest(HttpRequest):
    """The request of a view behind :func:`role_required`: its user is a signed-in, approved account."""

    user: User  # narrower than HttpRequest's User | AnonymousUser, by the decorator


def role_required(
    *checks: str,
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Admit approved accounts for which one of the ``User.is_*`` properties named in ``checks`` holds."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @login_required
        @wraps(view)
        def wrapper(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.user.moderation != Moderation.APPROVED:
                return redirect("account_pending")
            if not any(getattr(request.user, check) for check in checks):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


holder_required = role_required("is_holder")
cmo_required = role_required("is_cmo_staff")
licensee_required = role_required("is_licensee")
regulator_required = role_required("is_regulator")
operator_required = role_required("is_operator")


def second_factor_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Any approved account; for roles that must have one, a session that has passed the second factor.

    For pages under ``/accounts/``, which :class:`udp.accounts.middleware.RequireMFAMiddleware` leaves
    open (sign-in and TOTP set-up live there).
    """

    @login_required
    @wraps(view)
    def wrapper(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.moderation != Moderation.APPROVED:
            return redirect("account_pending")
        if mfa.session_blocked(request, request.user):
            return second_factor_redirect(request)
        return view(request, *args, **kwargs)

    return wrapper
