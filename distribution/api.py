"""The API of matching: a CMO's staff read their review queue and decide each key, as on the page
(``/api/match-review/``; scope ``matching:write`` to decide)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from distribution import actions
from distribution.access import get_key_for_user, review_queue_for
from distribution.models import UsageKey
from udp.accounts import roles
from udp.accounts.api_auth import HasApiKeyScope
from udp.accounts.scopes import Scope


class UsageKeySerializer(serializers.ModelSerializer[UsageKey]):
    class Meta:
        model = UsageKey
        fields = [
            "id", "period", "isrc", "iswc", "title", "artist", "lines", "plays", "status", "stage", "score",
            "candidates", "work", "recording",
        ]  # fmt: skip


class ConfirmSerializer(serializers.Serializer[Any]):
    work = serializers.IntegerField(min_value=1, help_text="A musical work's or recording's number")


@extend_schema_view(
    list=extend_schema(summary="Usage waiting to be identified: your CMO's keys for review, then unmatched"),
    retrieve=extend_schema(summary="A usage key of your CMO"),
)
class ReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[UsageKey]):
    serializer_class = UsageKeySerializer
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    required_scopes = {
        "list": Scope.USAGE_READ, "retrieve": Scope.USAGE_READ,
        "confirm": Scope.MATCHING_WRITE, "unmatched": Scope.MATCHING_WRITE,
    }  # fmt: skip

    def get_queryset(self) -> QuerySet[UsageKey]:
        return review_queue_for(self.request.user)

    def get_object(self) -> UsageKey:
        return get_key_for_user(self.request.user, self.kwargs["pk"])

    @extend_schema(summary="Confirm a work or recording for the key; remembered for later periods",
                   request=ConfirmSerializer, responses=UsageKeySerializer)  # fmt: skip
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        key = get_key_for_user(request.user, pk, write=True)
        data = ConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            key = actions.confirm_match(
                key, work_id=data.validated_data["work"], by=roles.acting_account(request.user)
            )
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            ) from exc
        return Response(UsageKeySerializer(key).data)

    @extend_schema(summary="None of the candidates: the key stays unmatched", request=None,
                   responses=UsageKeySerializer)  # fmt: skip
    @action(detail=True, methods=["post"])
    def unmatched(self, request: Request, pk: str) -> Response:
        key = get_key_for_user(request.user, pk, write=True)
        key = actions.leave_unmatched(key, by=roles.acting_account(request.user))
        return Response(UsageKeySerializer(key).data)
