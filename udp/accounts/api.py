"""API keys through the API: list, issue, revoke (the same rules as the page ``/accounts/api-keys/``).

Only people manage keys: every operation here is closed to keys (``required_scopes`` maps each to
``None``), so a key can never issue, list or revoke keys. Issuing and revoking ask the person to
confirm who they are: a session that re-authenticated in the last few minutes (allauth's
re-authentication page), or the password, with a TOTP code for accounts that must have a second factor.
"""

from __future__ import annotations

from typing import Any, cast

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.internal.flows.reauthentication import did_recently_reauthenticate
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from udp.accounts import access, actions, roles
from udp.accounts.api_auth import HasApiKeyScope, MFASessionAuthentication, check_totp
from udp.accounts.models import ApiKey, User
from udp.accounts.serializers import (
    ApiKeyIssueSerializer,
    ApiKeySerializer,
    ConfirmIdentitySerializer,
    IssuedApiKeySerializer,
)
from udp.core.pagination import NoCountPagination


class IsApprovedAccount(permissions.BasePermission):
    message = _("The account is not approved.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return roles.is_approved(request.user)


def confirm_identity(request: Request, data: dict[str, Any]) -> None:
    """The person has just proved who they are, or the request fails (403, or 400 for a wrong password)."""
    user = request.user
    by_session = isinstance(request.successful_authenticator, MFASessionAuthentication)
    if by_session and did_recently_reauthenticate(request._request):
        return
    password = data.get("password") or ""
    if not password:
        raise exceptions.PermissionDenied(
            _(
                "Confirm it is you: send your password (and your authenticator code), "
                "or re-authenticate in this session first."
            ),
            code="reauthentication_required",
        )
    try:
        correct = get_account_adapter(request._request).reauthenticate(user, password)
    except DjangoValidationError as exc:
        raise exceptions.Throttled(detail=" ".join(exc.messages)) from exc
    if not correct:
        raise exceptions.ValidationError({"password": [_("Wrong password.")]})
    if getattr(user, "needs_mfa", False):
        try:
            check_totp(user, data.get("code") or "")
        except exceptions.AuthenticationFailed as exc:
            raise exceptions.ValidationError({"code": [exc.detail]}) from exc


def _no_store(response: Response) -> Response:
    response["Cache-Control"] = "no-store"
    return response


@extend_schema_view(
    list=extend_schema(
        summary="My API keys (the operator: every account's)",
        description="Never shows a key itself, only its prefix.",
        parameters=[
            OpenApiParameter(
                "q",
                OpenApiTypes.STR,
                description="Only keys with this prefix, or of the owner with this e-mail.",
            )
        ],
    ),
    retrieve=extend_schema(summary="An API key"),
    create=extend_schema(
        summary="Issue an API key",
        description="For a machine client of your own account. The answer is the only time the key is shown.",
        request=ApiKeyIssueSerializer,
        responses={201: IssuedApiKeySerializer},
    ),
    revoke=extend_schema(
        summary="Revoke an API key",
        description="The key's owner, or the operator. The key answers 401 from then on.",
        request=ConfirmIdentitySerializer,
        responses=ApiKeySerializer,
    ),
)
class ApiKeyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ApiKey]):
    queryset = ApiKey.objects.none()
    serializer_class = ApiKeySerializer
    permission_classes = [HasApiKeyScope, IsApprovedAccount]
    pagination_class = NoCountPagination
    required_scopes = {"list": None, "retrieve": None, "create": None, "revoke": None}

    def get_queryset(self) -> QuerySet[ApiKey]:
        return access.api_keys_visible_to(self.request.user).matching(self.request.query_params.get("q", ""))

    def get_object(self) -> ApiKey:
        return access.get_api_key_for_user(self.request.user, self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ApiKeyIssueSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        confirm_identity(request, data)
        try:
            api_key, key = actions.issue_api_key(
                by=cast(User, request.user),
                name=data["name"],
                scopes=data["scopes"],
                expires_at=data.get("expires_at"),
            )
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from exc
        return _no_store(Response({**ApiKeySerializer(api_key).data, "key": key}, status=201))

    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str | None = None) -> Response:
        api_key = self.get_object()
        serializer = ConfirmIdentitySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        confirm_identity(request, serializer.validated_data)
        api_key = actions.revoke_api_key(api_key, by=cast(User, request.user))
        return Response(ApiKeySerializer(api_key).data)
