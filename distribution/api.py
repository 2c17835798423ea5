"""The API of matching: a CMO's staff read their review queue and decide each key, as on the page
(``/api/match-review/``; scope ``matching:write`` to decide)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from distribution import actions, claims
from distribution.access import (
    claims_visible_to,
    get_claim_for_user,
    get_key_for_user,
    get_unmatched_for_user,
    matching_months_for,
    review_queue_for,
    search_unmatched,
    unmatched_visible_to,
)
from distribution.models import UsageClaim, UsageKey
from udp.accounts import roles
from udp.accounts.api_auth import HasApiKeyScope
from udp.accounts.scopes import Scope
from udp.core.api_steps import refused


class UsageKeySerializer(serializers.ModelSerializer[UsageKey]):
    class Meta:
        model = UsageKey
        fields = [
            "id", "period", "isrc", "iswc", "title", "artist", "lines", "plays", "status", "stage", "score",
            "candidates", "work", "recording",
        ]  # fmt: skip


class MatchingMonthSerializer(serializers.Serializer[Any]):
    period = serializers.DateField(help_text="The month (its first day)")
    state = serializers.ChoiceField(
        choices=["matched", "running", "waiting"],
        help_text="matched (at `since`); running (gathered at `since`, its chunks on their way); waiting "
        "(reports came since it was matched, or never matched: matched within the hour, and by a run first)",
    )
    state_label = serializers.CharField(source="label", help_text="The state in the reader's language")
    since = serializers.DateTimeField(allow_null=True)


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
        "list": Scope.USAGE_READ, "retrieve": Scope.USAGE_READ, "months": Scope.USAGE_READ,
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

    @extend_schema(summary="Where matching stands for your CMO's last six months of usage, the latest first",
                   responses=MatchingMonthSerializer(many=True))  # fmt: skip
    @action(detail=False, methods=["get"], pagination_class=None)
    def months(self, request: Request) -> Response:
        return Response(MatchingMonthSerializer(matching_months_for(request.user), many=True).data)

    @extend_schema(summary="None of the candidates: the key stays unmatched", request=None,
                   responses=UsageKeySerializer)  # fmt: skip
    @action(detail=True, methods=["post"])
    def unmatched(self, request: Request, pk: str) -> Response:
        key = get_key_for_user(request.user, pk, write=True)
        key = actions.leave_unmatched(key, by=roles.acting_account(request.user))
        return Response(UsageKeySerializer(key).data)


class UnmatchedSerializer(serializers.ModelSerializer[UsageKey]):
    class Meta:
        model = UsageKey
        fields = ["id", "period", "title", "artist", "plays"]


@extend_schema_view(
    list=extend_schema(
        summary="Unidentified usage a rightsholder may claim",
        parameters=[
            OpenApiParameter(
                "q", str, description="Words of the title or the performer, as the page searches"
            )
        ],
    )
)
class UnmatchedViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[UsageKey]):
    serializer_class = UnmatchedSerializer
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    required_scopes = {"list": Scope.USAGE_READ}

    def get_queryset(self) -> QuerySet[UsageKey]:
        return search_unmatched(
            unmatched_visible_to(self.request.user), self.request.query_params.get("q", "")
        )


class ClaimSerializer(serializers.ModelSerializer[UsageClaim]):
    class Meta:
        model = UsageClaim
        fields = ["id", "key", "party", "work", "note", "status", "reason", "filed_at", "decided_at"]


class ClaimInputSerializer(serializers.Serializer[Any]):
    key = serializers.IntegerField(min_value=1, help_text="The unidentified usage's id")
    work = serializers.IntegerField(min_value=1, help_text="Your work's or recording's number")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DecideSerializer(serializers.Serializer[Any]):
    accept = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema_view(
    list=extend_schema(summary="Claims of usage: a holder's own; those on your CMO's usage for its staff"),
    retrieve=extend_schema(summary="A claim of usage"),
)
class ClaimViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[UsageClaim]):
    serializer_class = ClaimSerializer
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    required_scopes = {
        "list": Scope.USAGE_READ, "retrieve": Scope.USAGE_READ, "create": Scope.MATCHING_WRITE,
        "decide": Scope.MATCHING_WRITE,
    }  # fmt: skip

    def get_queryset(self) -> QuerySet[UsageClaim]:
        return claims_visible_to(self.request.user)

    def get_object(self) -> UsageClaim:
        return get_claim_for_user(self.request.user, self.kwargs["pk"])

    @extend_schema(summary="Claim unidentified usage as your work (a rightsholder); the CMO decides",
                   request=ClaimInputSerializer, responses={201: ClaimSerializer})  # fmt: skip
    def create(self, request: Request) -> Response:
        if not roles.is_holder(request.user) or request.user.party_id is None:
            raise exceptions.PermissionDenied(_("only a rightsholder claims usage"))
        data = ClaimInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        key = get_unmatched_for_user(request.user, data.validated_data["key"])
        try:
            claim = claims.file_claim(
                key, work_id=data.validated_data["work"], note=data.validated_data["note"],
                by=roles.acting_account(request.user),
            )  # fmt: skip
        except DjangoValidationError as exc:
            raise refused(exc) from exc
        return Response(ClaimSerializer(claim).data, status=201)

    @extend_schema(summary="Accept a claim (the match is confirmed) or refuse it with a reason: the CMO's staff",
                   request=DecideSerializer, responses=ClaimSerializer)  # fmt: skip
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        claim = get_claim_for_user(request.user, pk, write=True)
        data = DecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            claim = claims.decide_claim(claim, by=roles.acting_account(request.user), **data.validated_data)
        except DjangoValidationError as exc:
            raise refused(exc) from exc
        return Response(ClaimSerializer(claim).data)
