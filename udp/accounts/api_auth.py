"""DRF authentication, permission and throttling that hold to the rules of :mod:`udp.accounts.mfa`
and :mod:`udp.accounts.scopes`.

Three ways in: an API key (machines: ``Authorization: Api-Key <key>``), a person's token from
``/api/auth/token/`` and a person's session. A key acts as its owner, only within its scopes, on
operations that declare a scope, and is throttled per key.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import (
    BaseAuthentication,
    SessionAuthentication,
    TokenAuthentication,
    get_authorization_header,
)
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from udp.accounts import mfa, roles
from udp.accounts.models import ApiKey
from udp.accounts.roles import Actor
from udp.accounts.scopes import Undeclared, required_scope


def _check_owner(user: Actor) -> None:
    if mfa.mfa_missing(user):
        raise exceptions.AuthenticationFailed(
            _("This account must set up a second factor (an authenticator app) before it can use the API.")
        )
    if not roles.is_approved(user):
        raise exceptions.AuthenticationFailed(_("The account is not approved."))


def check_totp(user: Actor, code: str) -> None:
    """A valid code from the account's authenticator, counted by allauth's MFA rate limit."""
    from allauth.mfa.base.internal.flows import check_rate_limit

    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        raise exceptions.AuthenticationFailed(
            _("This account must set up a second factor (an authenticator app) before it can use the API.")
        )
    try:
        clear = check_rate_limit(user)
    except DjangoValidationError as exc:
        raise exceptions.Throttled(detail=" ".join(exc.messages)) from exc
    if not (code and TOTP(authenticator).validate_code(code.strip())):
        raise exceptions.AuthenticationFailed(
            _("This account needs a valid code from its authenticator app.")
        )
    clear()


class MFATokenAuthentication(TokenAuthentication):
    """A token of an account that must have a second factor works only while it has one."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        _check_owner(user)
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


# --- API keys ---------------------------------------------------------------------------------


def _not_open_to_keys() -> exceptions.PermissionDenied:
    return exceptions.PermissionDenied(_("This API operation is not open to API keys."), code="api_key_scope")


class ApiKeyAuthentication(BaseAuthentication):
    """``Authorization: Api-Key <key>`` (``Bearer <key>`` is accepted too): a machine acting as the key's owner.

    The key must be neither revoked nor expired; its owner must be approved, still have a second
    factor where the role requires one, and still have the role and organisation the key was issued
    for. Otherwise: 401. A view that does not enforce scopes and key throttles (see
    :class:`HasApiKeyScope`, :class:`ApiKeyRateThrottle`) refuses keys: 403.
    """

    keywords = (b"api-key", b"bearer")

    def authenticate(self, request: Request) -> tuple[Any, ApiKey] | None:
        from udp.accounts.actions import authenticate_api_key

        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in self.keywords:
            return None
        try:
            if len(parts) != 2:
                raise UnicodeError
            key = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(
                _("Send the key as one value: “Authorization: Api-Key <key>”.")
            ) from None
        api_key = authenticate_api_key(key)
        if api_key is None:
            raise exceptions.AuthenticationFailed(_("Unknown API key."))
        if api_key.is_revoked:
            raise exceptions.AuthenticationFailed(_("This API key has been revoked."))
        if api_key.is_expired:
            raise exceptions.AuthenticationFailed(_("This API key has expired."))
        _check_owner(api_key.owner)
        if not api_key.matches_owner():
            raise exceptions.AuthenticationFailed(
                _(
                    "The key's account has changed role or organisation since the key was issued: issue a new key."
                )
            )
        view = (request.parser_context or {}).get("view")
        if view is None or not _enforces_key_rules(view):
            raise _not_open_to_keys()
        return api_key.owner, api_key

    def authenticate_header(self, request: Request) -> str:
        return 'Api-Key realm="api"'


def _enforces_key_rules(view: Any) -> bool:
    """The view checks scopes and throttles keys (a view that replaced the defaults may have dropped them)."""
    return any(isinstance(p, HasApiKeyScope) for p in view.get_permissions()) and any(
        isinstance(t, ApiKeyRateThrottle) for t in view.get_throttles()
    )


class HasApiKeyScope(BasePermission):
    """A request made with an API key needs the scope its operation declares (``view.required_scopes``).

    Requests of people (session, token) pass untouched. Views that set ``permission_classes`` list
    this class first, as ``REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"]`` does.
    """

    code = "api_key_scope"

    def has_permission(self, request: Request, view: Any) -> bool:
        api_key = request.auth
        if not isinstance(api_key, ApiKey) or request.method == "OPTIONS":
            return True
        try:
            scope = required_scope(view, request.method or "")
        except Undeclared:
            scope = None
        if scope is None:
            self.message = str(_not_open_to_keys().detail)
            return False
        if not api_key.has_scope(scope):
            self.message = _("This API key lacks the scope “%(scope)s” that this operation needs.") % {
                "scope": scope.value
            }
            return False
        return True


class ApiKeyRateThrottle(SimpleRateThrottle):
    """Requests per API key: reading (rate ``api_key_read``) and changing (``api_key_write``) counted apart.

    Rates come from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` (``UDP_API_KEY_READ_RATE``,
    ``UDP_API_KEY_WRITE_RATE``), read at each request. People's requests are not counted here.
    """

    def __init__(self) -> None:
        pass  # the rate depends on the request: see allow_request

    def allow_request(self, request: Request, view: Any) -> bool:
        if not isinstance(request.auth, ApiKey):
            return True
        self.scope = "api_key_read" if request.method in SAFE_METHODS else "api_key_write"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_rate(self) -> str | None:
        rate = api_settings.DEFAULT_THROTTLE_RATES[str(self.scope)]
        return None if rate is None else str(rate)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


# --- OpenAPI ----------------------------------------------------------------------------------


def scope_for_schema(auto_schema: Any) -> tuple[bool, str | None]:
    """Whether the operation declares a scope for keys, and which (``None``: closed to keys)."""
    try:
        scope = required_scope(auto_schema.view, auto_schema.method)
    except Undeclared:
        return False, None
    return True, None if scope is None else scope.value


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """``Authorization: Api-Key <key>``, listed only on operations open to keys."""

    target_class = ApiKeyAuthentication
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>`: a key issued at /accounts/api-keys/ or POST /api/keys/. "
            "Each operation names the scope it needs (`x-api-key-scope`).",
        }

    def get_security_requirement(self, auto_schema: Any) -> dict[str, list[Any]] | None:  # type: ignore[override]
        # drf-spectacular leaves a scheme out of an operation's requirements when this returns None.
        _declared, scope = scope_for_schema(auto_schema)
        return {self.name: []} if scope else None


class MFASessionScheme(SessionScheme):
    """The OpenAPI description of :class:`MFASessionAuthentication`: a session cookie, as DRF's."""

    target_class = MFASessionAuthentication  # type: ignore[assignment]
