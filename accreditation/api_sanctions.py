"""The API of suspensions, revocations and terminations (Art. 47-1, 47-2, 47-3): the same rules as the pages.

Reading what is published (decided suspensions, revocations, terminations) is public; lines are read by
the officials and by the CMO's own accounts; the evidence for a ground by the officials. Deciding needs the
authorized body's account (with a key: the ``accreditation:write`` scope); the CMO's administrator asks to
return a line.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accreditation import evidence, sanctions, selectors
from accreditation import sanctions_access as access
from accreditation.models import (
    Accreditation,
    Revocation,
    RevocationGround,
    Suspension,
    Termination,
    TerminationReason,
)
from udp.accounts import roles
from udp.accounts.api_auth import HasApiKeyScope
from udp.accounts.scopes import READ_REGISTERS, Scope
from udp.core import clock

WRITE = Scope.ACCREDITATION_WRITE


def _drf(exc: DjangoValidationError) -> exceptions.ValidationError:
    return exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)


def _regulator(request: Request) -> Any:
    if not access.decides(request.user):
        raise exceptions.PermissionDenied(_("only the authorized body decides"))
    return roles.acting_account(request.user)


class SanctionLineRefSerializer(serializers.ModelSerializer[Accreditation]):
    cmo = serializers.CharField(source="cmo.short_name")
    area = serializers.IntegerField(source="area.item")
    certificate = serializers.CharField(source="certificate.number")

    class Meta:
        model = Accreditation
        fields = ["id", "cmo", "area", "certificate", "valid_from", "valid_until"]


class SanctionLineSerializer(SanctionLineRefSerializer):
    status = serializers.SerializerMethodField()

    class Meta(SanctionLineRefSerializer.Meta):
        fields = [*SanctionLineRefSerializer.Meta.fields, "status"]

    def get_status(self, line: Accreditation) -> str:
        """Today's status, from the annotations of :func:`selectors.with_status` (no query per row)."""
        today = clock.today()
        if getattr(line, "is_terminated", False):
            return str(selectors.LineStatus.TERMINATED.value)
        if today < line.valid_from:
            return str(selectors.LineStatus.NOT_YET.value)
        if today > line.valid_until:
            return str(selectors.LineStatus.EXPIRED.value)
        if getattr(line, "is_suspended", False):
            return str(selectors.LineStatus.SUSPENDED.value)
        return str(selectors.LineStatus.IN_FORCE.value)


class SanctionSuspensionSerializer(serializers.ModelSerializer[Suspension]):
    line = SanctionLineRefSerializer(source="accreditation")

    class Meta:
        model = Suspension
        fields = [
            "id", "line", "ground", "status", "evidence", "note", "drafted_at", "starts_on", "ends_on",
            "decided_at", "publish_by", "published_at",
        ]  # fmt: skip


class SanctionRevocationSerializer(serializers.ModelSerializer[Revocation]):
    line = SanctionLineRefSerializer(source="accreditation")

    class Meta:
        model = Revocation
        fields = ["id", "line", "ground", "reasons", "evidence", "effective_on", "decided_at"]


class SanctionTerminationSerializer(serializers.ModelSerializer[Termination]):
    line = SanctionLineRefSerializer(source="accreditation")
    late = serializers.SerializerMethodField()

    class Meta:
        model = Termination
        fields = ["id", "line", "reason", "ended_on", "note", "publish_by", "published_at", "late"]

    def get_late(self, termination: Termination) -> bool:
        return sanctions.is_published_late(termination)


class SanctionNoteInputSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class FalseInformationInputSerializer(serializers.Serializer[Any]):
    line = serializers.IntegerField()
    note = serializers.CharField()


class RevocationInputSerializer(serializers.Serializer[Any]):
    line = serializers.IntegerField()
    ground = serializers.ChoiceField(choices=RevocationGround.choices)
    reasons = serializers.CharField()
    effective_on = serializers.DateField(required=False, allow_null=True, default=None)


class TerminationInputSerializer(serializers.Serializer[Any]):
    line = serializers.IntegerField()
    reason = serializers.ChoiceField(
        choices=[TerminationReason.VOLUNTARY_RETURN.value, TerminationReason.LIQUIDATION.value]
    )
    ended_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    document = serializers.FileField(required=False, allow_null=True, default=None)


class EvidenceItemSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    params = serializers.DictField()
    link = serializers.CharField()
    day = serializers.DateField(allow_null=True)
    text = serializers.CharField()


def _line(request: Request, pk: Any) -> Accreditation:
    line = access.lines_visible_to(request.user).filter(pk=pk).first()
    if line is None:
        raise exceptions.NotFound()
    return line


@extend_schema_view(
    list=extend_schema(summary="Accreditation lines: the officials see all, a CMO its own"),
    retrieve=extend_schema(summary="An accreditation line with its status today"),
)
class SanctionLineViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Accreditation]
):
    serializer_class = SanctionLineSerializer
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    required_scopes = {**READ_REGISTERS, "evidence": Scope.REGISTERS_READ, "return_": WRITE}

    def get_queryset(self) -> QuerySet[Accreditation]:
        lines = access.lines_visible_to(self.request.user).order_by("cmo__short_name", "area__item", "pk")
        return selectors.with_status(lines)

    @extend_schema(
        summary="The evidence the platform holds against the line's CMO for a ground of Art. 47-1",
        parameters=[OpenApiParameter("ground", str, enum=RevocationGround.values, required=True)],
        responses=EvidenceItemSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def evidence(self, request: Request, pk: Any = None) -> Response:
        line = self.get_object()
        if not roles.is_official(request.user):
            raise exceptions.NotFound()
        ground = request.query_params.get("ground", "")
        if ground not in RevocationGround.values:
            raise exceptions.ValidationError(
                {"ground": [_("Choose one of the nine grounds of Article 47-1.")]}
            )
        items = [item.as_data() for item in sanctions.gather_evidence(line, ground)]
        rows = [{**item, "text": evidence.describe(item)} for item in items]
        return Response(EvidenceItemSerializer(rows, many=True).data)

    @extend_schema(
        summary="Ask the authorized body to take back the accreditation in this area (the CMO's administrator)",
        request=SanctionNoteInputSerializer,
        responses={202: SanctionLineSerializer},
    )
    @action(detail=True, methods=["post"], url_path="return", parser_classes=[JSONParser, FormParser])
    def return_(self, request: Request, pk: Any = None) -> Response:
        line = self.get_object()
        if not (roles.is_cmo_admin(request.user) and request.user.cmo_id == line.cmo_id):
            raise exceptions.PermissionDenied(_("only the CMO's administrator"))
        data = SanctionNoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            sanctions.ask_voluntary_return(
                line, by=roles.acting_account(request.user), note=data.validated_data["note"]
            )
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(self.get_serializer(self.get_object()).data, status=202)


@extend_schema_view(
    list=extend_schema(summary="Suspensions: published ones for all; drafts too for the officials"),
    retrieve=extend_schema(summary="A suspension with its evidence"),
)
class SanctionSuspensionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Suspension]
):
    serializer_class = SanctionSuspensionSerializer
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticatedOrReadOnly]
    required_scopes = {**READ_REGISTERS, "create": WRITE, "decide": WRITE, "dismiss": WRITE}

    def get_queryset(self) -> QuerySet[Suspension]:
        return access.suspensions_visible_to(self.request.user).order_by("-drafted_at", "-pk")

    @extend_schema(
        summary="Suspend a line for knowingly false information (Art. 47-3.1 (2))",
        request=FalseInformationInputSerializer,
        responses={201: SanctionSuspensionSerializer},
    )
    def create(self, request: Request) -> Response:
        by = _regulator(request)
        data = FalseInformationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = _line(request, data.validated_data["line"])
        try:
            suspension = sanctions.suspend_for_false_information(
                line, by=by, note=data.validated_data["note"]
            )
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(self.get_serializer(suspension).data, status=201)

    @extend_schema(
        summary="Decide a drafted suspension: three months from today", request=SanctionNoteInputSerializer
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, FormParser])
    def decide(self, request: Request, pk: Any = None) -> Response:
        suspension = self.get_object()
        by = _regulator(request)
        data = SanctionNoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            suspension = sanctions.decide_suspension(suspension, by=by, note=data.validated_data["note"])
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(self.get_serializer(suspension).data)

    @extend_schema(summary="Dismiss a drafted suspension, with a note", request=SanctionNoteInputSerializer)
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, FormParser])
    def dismiss(self, request: Request, pk: Any = None) -> Response:
        suspension = self.get_object()
        by = _regulator(request)
        data = SanctionNoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            suspension = sanctions.dismiss_suspension(suspension, by=by, note=data.validated_data["note"])
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(self.get_serializer(suspension).data)


@extend_schema_view(
    list=extend_schema(summary="Revocations of accreditation (public)"),
    retrieve=extend_schema(summary="A revocation with its ground, reasons and the evidence kept with it"),
)
class SanctionRevocationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Revocation]
):
    serializer_class = SanctionRevocationSerializer
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticatedOrReadOnly]
    required_scopes = {**READ_REGISTERS, "create": WRITE}

    def get_queryset(self) -> QuerySet[Revocation]:
        return Revocation.objects.select_related(
            "accreditation__cmo", "accreditation__area", "accreditation__certificate"
        ).order_by("-effective_on", "-pk")

    @extend_schema(
        summary="Revoke a line on a ground of Art. 47-1; the line is terminated",
        request=RevocationInputSerializer,
        responses={201: SanctionRevocationSerializer},
    )
    def create(self, request: Request) -> Response:
        by = _regulator(request)
        data = RevocationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        line = _line(request, fields.pop("line"))
        try:
            revocation = sanctions.revoke(line, by=by, **fields)
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(self.get_serializer(revocation).data, status=201)


@extend_schema_view(
    list=extend_schema(summary="Terminations of accreditation (public), with their publication deadline"),
    retrieve=extend_schema(summary="A termination"),
)
class SanctionTerminationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Termination]
):
    serializer_class = SanctionTerminationSerializer
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticatedOrReadOnly]
    required_scopes = {**READ_REGISTERS, "create": WRITE}

    def get_queryset(self) -> QuerySet[Termination]:
        return (
            Termination.objects.filter(published_at__isnull=False)
            .select_related("accreditation__cmo", "accreditation__area", "accreditation__certificate")
            .order_by("-ended_on", "-pk")
        )

    @extend_schema(
        summary="Record a voluntary return or a liquidation (with its document)",
        request={
            "multipart/form-data": TerminationInputSerializer,
            "application/json": TerminationInputSerializer,
        },
        responses={201: SanctionTerminationSerializer},
    )
    def create(self, request: Request) -> Response:
        by = _regulator(request)
        data = TerminationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        line = _line(request, fields.pop("line"))
        try:
            termination = sanctions.record_termination(line, by=by, **fields)
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(self.get_serializer(termination).data, status=201)

    def get_parsers(self) -> list[Any]:
        return [JSONParser(), MultiPartParser(), FormParser()]
