"""API shapes of accounts: API keys. The key itself appears only in the answer that issues it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from udp.accounts.models import ApiKey, ApiKeyStatus
from udp.accounts.scopes import Scope


class ApiKeySerializer(serializers.ModelSerializer[ApiKey]):
    owner = serializers.EmailField(source="owner.email", read_only=True)
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=Scope.choices), read_only=True)
    status = serializers.ChoiceField(choices=ApiKeyStatus.choices, read_only=True)
    revoked_by = serializers.EmailField(source="revoked_by.email", read_only=True, allow_null=True)

    class Meta:
        model = ApiKey
        fields = [
            "id", "name", "prefix", "scopes", "status", "owner", "created_at", "expires_at", "last_used_at",
            "revoked_at", "revoked_by",
        ]  # fmt: skip
        read_only_fields = fields


class IssuedApiKeySerializer(ApiKeySerializer):
    key = serializers.CharField(
        read_only=True,
        help_text=str(_("The key itself. It is shown only in this answer: store it in the client now.")),
    )

    class Meta(ApiKeySerializer.Meta):
        fields = [*ApiKeySerializer.Meta.fields, "key"]
        read_only_fields = fields


class ConfirmIdentitySerializer(serializers.Serializer[Any]):
    """Issuing and revoking a key: the person confirms who they are (unless the session just did)."""

    password = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        style={"input_type": "password"},
        help_text=str(
            _("Your password; not needed in a session that re-authenticated in the last few minutes.")
        ),
    )
    code = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=str(_("TOTP code, with the password: required for CMO, regulator and operator accounts.")),
    )


class ApiKeyIssueSerializer(ConfirmIdentitySerializer):
    name = serializers.CharField(max_length=100, help_text=str(_("Which system uses the key.")))
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=Scope.choices), min_length=1, allow_empty=False
    )
    expires_at = serializers.DateTimeField(
        required=False, help_text=str(_("When the key stops working; by default in one year."))
    )
