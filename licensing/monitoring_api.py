"""The API of monitoring feeds: a provider pushes detections (its key, ``monitoring:write``); the user reads
its reconciliations and confirms or disputes each difference; the CMO and the officials read the flags; the
operator registers providers, their sites and keys (people only, never keys)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from licensing import monitoring, reconciling
from licensing.models import Licence, MonitoredSite, MonitoringProvider, Reconciliation, ReconciliationLine
from licensing.monitoring_access import (
    flags_visible_to,
    get_line_for_user,
    get_provider_for_user,
    get_reconciliation_for_user,
    providers_visible_to,
    reconciliations_visible_to,
)
from udp.accounts import roles
from udp.accounts.api_auth import HasApiKeyScope
from udp.accounts.models import ApiKey
from udp.accounts.scopes import Scope

READ = {"list": Scope.REGISTERS_READ, "retrieve": Scope.REGISTERS_READ}


def _drf(exc: DjangoValidationError) -> exceptions.ValidationError:
    return exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)


class DetectionItemSerializer(serializers.Serializer[Any]):
    isrc = serializers.CharField()
    site = serializers.CharField(help_text="The station or premises code the provider uses")
    detected_at = serializers.DateTimeField()
    duration_s = serializers.IntegerField(required=False, allow_null=True)


class PushSerializer(serializers.Serializer[Any]):
    detections = serializers.ListField(child=serializers.JSONField(), max_length=monitoring.MAX_BATCH)


class PushErrorSerializer(serializers.Serializer[Any]):
    index = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()


class PushResultSerializer(serializers.Serializer[Any]):
    received = serializers.IntegerField()
    stored = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    rejected = PushErrorSerializer(many=True)


class DetectionsView(APIView):
    #: the name the browsable API gives it
    title = gettext_lazy("monitoring detections")
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    required_scopes = {"post": Scope.MONITORING_WRITE}
    parser_classes = [JSONParser]

    @extend_schema(
        summary="Push detections (a monitoring provider's key): bad items named, good ones kept, re-pushes "
        "counted once",
        request={"application/json": {"type": "object", "properties": {"detections": {"type": "array", "items": {
            "type": "object", "properties": {"isrc": {"type": "string"}, "site": {"type": "string"},
            "detected_at": {"type": "string", "format": "date-time"}, "duration_s": {"type": "integer"}}}}}}},
        responses={200: PushResultSerializer},
    )  # fmt: skip
    def post(self, request: Request) -> Response:
        api_key = request.auth
        if not isinstance(api_key, ApiKey) or monitoring.provider_for_key(api_key) is None:
            raise exceptions.PermissionDenied(_("only a monitoring provider's key pushes detections"))
        data = PushSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            result = monitoring.push_detections(api_key, data.validated_data["detections"])
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(PushResultSerializer(result).data)


class LineSerializer(serializers.ModelSerializer[ReconciliationLine]):
    class Meta:
        model = ReconciliationLine
        fields = [
            "id",
            "isrc",
            "detected",
            "reported",
            "difference",
            "flagged",
            "answer",
            "reason",
            "answered_at",
        ]


class ReconciliationSerializer(serializers.ModelSerializer[Reconciliation]):
    licence = serializers.CharField(source="licence.contract.number")
    cmo = serializers.CharField(source="licence.cmo.short_name")
    user = serializers.CharField(source="licence.licensee.__str__")
    lines = LineSerializer(many=True, read_only=True)

    class Meta:
        model = Reconciliation
        fields = [
            "id", "licence", "cmo", "user", "period_start", "period_end", "computed_at", "detected", "reported",
            "recordings", "differing", "flagged", "status", "lines",
        ]  # fmt: skip


class AnswerLineSerializer(serializers.Serializer[Any]):
    confirm = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema_view(
    list=extend_schema(summary="Reconciliations: the user's own, the CMO's licences', all for the officials"),
    retrieve=extend_schema(summary="A reconciliation with its lines (the evidence)"),
)
class ReconciliationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Reconciliation]
):
    serializer_class = ReconciliationSerializer
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    required_scopes = {**READ, "flags": Scope.REGISTERS_READ}

    def get_queryset(self) -> QuerySet[Reconciliation]:
        return reconciliations_visible_to(self.request.user).prefetch_related("lines")

    def get_object(self) -> Reconciliation:
        return get_reconciliation_for_user(self.request.user, self.kwargs["pk"])

    @extend_schema(summary="Under-reporting flags (the CMO's licences, all for the officials)",
                   responses=ReconciliationSerializer(many=True))  # fmt: skip
    @action(detail=False, methods=["get"])
    def flags(self, request: Request) -> Response:
        rows = flags_visible_to(request.user).prefetch_related("lines")[:500]
        return Response(ReconciliationSerializer(rows, many=True).data)


class LineViewSet(viewsets.GenericViewSet[ReconciliationLine]):
    serializer_class = LineSerializer
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    required_scopes = {"answer": Scope.MONITORING_WRITE}
    queryset = ReconciliationLine.objects.none()

    @extend_schema(summary="Confirm or dispute (with a reason) a difference: the user's own accounts",
                   request=AnswerLineSerializer, responses=LineSerializer)  # fmt: skip
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str) -> Response:
        line = get_line_for_user(request.user, pk, write=True)
        data = AnswerLineSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            line = reconciling.answer_line(line, by=roles.acting_account(request.user), **data.validated_data)
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(LineSerializer(line).data)


class ProviderSerializer(serializers.ModelSerializer[MonitoringProvider]):
    sites = serializers.SerializerMethodField()

    class Meta:
        model = MonitoringProvider
        fields = ["id", "name", "bin", "active", "created_at", "sites"]

    def get_sites(self, row: MonitoringProvider) -> list[dict[str, Any]]:
        return [{"id": s.pk, "code": s.code, "licence": s.licence.contract.number} for s in row.sites.all()]


class ProviderInputSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    bin = serializers.CharField(max_length=12)


class SiteInputSerializer(serializers.Serializer[Any]):
    licence = serializers.PrimaryKeyRelatedField(queryset=Licence.objects.all())
    code = serializers.CharField(max_length=64)


class SiteSerializer(serializers.ModelSerializer[MonitoredSite]):
    class Meta:
        model = MonitoredSite
        fields = ["id", "provider", "licence", "code"]


class IssuedKeySerializer(serializers.Serializer[Any]):
    prefix = serializers.CharField()
    key = serializers.CharField(help_text="Shown once")
    expires_at = serializers.DateTimeField()


def _operator_only(request: Request) -> None:
    if not roles.is_operator(request.user):
        raise exceptions.PermissionDenied(_("only the operator"))


@extend_schema_view(
    list=extend_schema(summary="Monitoring providers (the operator)"),
    retrieve=extend_schema(summary="A monitoring provider with its sites (the operator)"),
    create=extend_schema(summary="Register a monitoring provider (the operator)", request=ProviderInputSerializer,
                         responses={201: ProviderSerializer}),
)  # fmt: skip
class ProviderViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[MonitoringProvider]
):
    serializer_class = ProviderSerializer
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    required_scopes: dict[str, Scope | None] = {
        "list": None, "retrieve": None, "create": None, "sites": None, "keys": None,
    }  # fmt: skip

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        _operator_only(request)
        return super().list(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[MonitoringProvider]:
        return providers_visible_to(self.request.user).prefetch_related("sites__licence__contract")

    def get_object(self) -> MonitoringProvider:
        return get_provider_for_user(self.request.user, self.kwargs["pk"])

    def create(self, request: Request) -> Response:
        _operator_only(request)
        data = ProviderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            row = monitoring.register_provider(by=roles.acting_account(request.user), **data.validated_data)
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(self.get_serializer(row).data, status=201)

    @extend_schema(summary="Tie a station or premises code of the provider to a licence (the operator)",
                   request=SiteInputSerializer, responses={201: SiteSerializer})  # fmt: skip
    @action(detail=True, methods=["post"])
    def sites(self, request: Request, pk: str) -> Response:
        _operator_only(request)
        provider = self.get_object()
        data = SiteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            site = monitoring.add_site(
                by=roles.acting_account(request.user), provider=provider, **data.validated_data
            )
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(SiteSerializer(site).data, status=201)

    @extend_schema(summary="Issue the provider's API key, scope monitoring:write (the operator; shown once)",
                   request=None, responses={201: IssuedKeySerializer})  # fmt: skip
    @action(detail=True, methods=["post"])
    def keys(self, request: Request, pk: str) -> Response:
        _operator_only(request)
        provider = self.get_object()
        api_key, secret = monitoring.issue_provider_key(provider, by=roles.acting_account(request.user))
        return Response(
            {"prefix": api_key.prefix, "key": secret, "expires_at": api_key.expires_at}, status=201
        )
