"""DRF authentication that holds to the second-factor rule of :mod:`udp.accounts.mfa`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.authentication import SessionScheme
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.request import Request

from udp.accounts import mfa


class MFATokenAuthentication(TokenAuthentication):
    """A token of an account that must have a second factor works only while it has one."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        if mfa.mfa_missing(user):
            raise exceptions.AuthenticationFailed(
                _(
                    "This account must set up a second factor (an authenticator app) before it can use the API."
                )
            )
        if not getattr(user, "is_approved", False):
            raise exceptions.AuthenticationFailed(_("The account is not approved."))
        return user, token


class MFASessionAuthentication(SessionAuthentication):
    """A session of an account that must have a second factor counts only once it has passed it."""

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is not None and mfa.session_blocked(request._request, result[0]):
            raise exceptions.PermissionDenied(
                _("This account must set up and use a second factor (an authenticator app) first.")
            )
        return result


class MFASessionScheme(SessionScheme):
    """The OpenAPI description of :class:`MFASessionAuthentication`: a session cookie, as DRF's."""

    target_class = MFASessionAuthentication
