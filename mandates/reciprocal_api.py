"""The API of reciprocal agreements, foreign societies and memberships: the same rules as the pages.

Reading is public (the register of contracts is public); entering an agreement, placing its copy,
ending it and recording a membership need the ``mandates:write`` scope for a key, and the same
rights as the pages (the CMO's administrator, its staff for memberships, the operator).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from registers import reciprocal
from registers.models import (
    CMO,
    Area,
    Contract,
    ForeignSociety,
    Party,
    ReciprocalArea,
    ReciprocalAreaStatus,
)
from udp.accounts import roles
from udp.accounts.api_auth import HasApiKeyScope
from udp.accounts.scopes import READ_REGISTERS, Scope


def _drf(exc: DjangoValidationError) -> exceptions.ValidationError:
    return exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)


class RepresentedSerializer(serializers.Serializer[Any]):
    cmo = serializers.CharField(source="cmo.short_name")
    area = serializers.IntegerField(source="area.item")
    contract = serializers.CharField(source="contract.number")


class ForeignSocietySerializer(serializers.ModelSerializer[ForeignSociety]):
    represented_by = RepresentedSerializer(many=True, read_only=True, source="represented")

    class Meta:
        model = ForeignSociety
        fields = [
            "id",
            "short_name",
            "name",
            "cisac_code",
            "country",
            "territory",
            "website",
            "represented_by",
        ]
        read_only_fields = ["id", "represented_by"]


class AgreementSerializer(serializers.ModelSerializer[Contract]):
    cmo: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="short_name", read_only=True
    )
    counterparty_cmo: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="short_name", read_only=True
    )
    foreign_society = serializers.SerializerMethodField()
    areas: serializers.ManyRelatedField = serializers.SlugRelatedField(  # type: ignore[assignment]
        many=True, read_only=True, slug_field="item"
    )
    copy_late = serializers.BooleanField(read_only=True)
    has_copy = serializers.SerializerMethodField()

    class Meta:
        model = Contract
        fields = [
            "id", "number", "status", "cmo", "counterparty_cmo", "foreign_society", "areas", "concluded_on",
            "valid_from", "valid_until", "copy_due_on", "copy_placed_on", "copy_late", "has_copy",
        ]  # fmt: skip

    def get_foreign_society(self, contract: Contract) -> dict[str, str] | None:
        society = contract.foreign_society
        if society is None:
            return None
        return {"short_name": society.short_name, "name": society.name, "cisac_code": society.cisac_code,
                "country": society.country, "territory": society.territory}  # fmt: skip

    def get_has_copy(self, contract: Contract) -> bool:
        return bool(contract.copy)


class AgreementInputSerializer(serializers.Serializer[Any]):
    cmo = serializers.SlugRelatedField(slug_field="short_name", queryset=CMO.objects.all(), required=False,
                                       help_text="The domestic CMO (defaults to the caller's own).")  # fmt: skip
    society = serializers.SlugRelatedField(slug_field="cisac_code", queryset=ForeignSociety.objects.all(),
                                           required=False, allow_null=True, help_text="CISAC code.")  # fmt: skip
    counterparty_cmo = serializers.SlugRelatedField(
        slug_field="short_name", queryset=CMO.objects.all(), required=False, allow_null=True
    )
    areas = serializers.SlugRelatedField(
        slug_field="item", queryset=Area.objects.filter(in_force=True), many=True
    )
    concluded_on = serializers.DateField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(required=False, allow_null=True)
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="The operator's reason."
    )


class CopyInputSerializer(serializers.Serializer[Any]):
    copy = serializers.FileField(help_text="The signed agreement: PDF, PNG or JPEG.")


class EndInputSerializer(serializers.Serializer[Any]):
    ended_on = serializers.DateField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class MissingSerializer(serializers.Serializer[Any]):
    cmo = serializers.CharField(source="cmo.short_name")
    #: the short names of the CMOs it has no agreement in force with
    missing = serializers.ListField(child=serializers.CharField(), read_only=True)


def _represented() -> Prefetch[Any]:
    return Prefetch(
        "reciprocal_areas",
        queryset=ReciprocalArea.objects.filter(status=ReciprocalAreaStatus.ACTIVE).select_related("cmo", "area", "contract"),
        to_attr="represented",
    )  # fmt: skip


@extend_schema_view(
    list=extend_schema(summary="Foreign societies (reciprocal partners) and the CMO each mandates per area"),
    retrieve=extend_schema(summary="A foreign society"),
    create=extend_schema(summary="Enter a foreign society (the operator)"),
)
class ForeignSocietyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[ForeignSociety],
):
    serializer_class = ForeignSocietySerializer
    required_scopes = {**READ_REGISTERS, "create": Scope.MANDATES_WRITE}
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticatedOrReadOnly]

    def get_queryset(self) -> QuerySet[ForeignSociety]:
        return ForeignSociety.objects.prefetch_related(_represented()).order_by("short_name")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not roles.is_operator(request.user):
            raise exceptions.PermissionDenied(_("only the operator enters foreign societies"))
        data = ForeignSocietySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reason = str(request.data.get("reason", "")) if isinstance(request.data, dict) else ""
        try:
            society = reciprocal.enter_foreign_society(by=request.user, reason=reason, **data.validated_data)
        except PermissionError as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(self.get_serializer(self.get_queryset().get(pk=society.pk)).data, status=201)


@extend_schema_view(
    list=extend_schema(summary="Reciprocal agreements, with their copies' deadlines (10 working days)"),
    retrieve=extend_schema(summary="A reciprocal agreement"),
)
class AgreementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Contract]):
    serializer_class = AgreementSerializer
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticatedOrReadOnly]
    required_scopes = {
        **READ_REGISTERS, "create": Scope.MANDATES_WRITE, "copy": Scope.MANDATES_WRITE,
        "end": Scope.MANDATES_WRITE, "missing": Scope.REGISTERS_READ, "late": Scope.REGISTERS_READ,
    }  # fmt: skip

    def get_queryset(self) -> QuerySet[Contract]:
        return (
            reciprocal.agreements_visible_to(self.request.user)
            .select_related("cmo", "counterparty_cmo", "foreign_society")
            .prefetch_related("areas")
            .order_by("-concluded_on", "number")
        )

    def _editable(self) -> Contract:
        contract = self.get_object()
        if not reciprocal.agreements_editable_by(self.request.user).filter(pk=contract.pk).exists():
            raise exceptions.PermissionDenied(_("only the parties' administrators or the operator"))
        return contract

    @extend_schema(
        summary="Enter a reciprocal agreement",
        request=AgreementInputSerializer,
        responses=AgreementSerializer,
    )
    def create(self, request: Request) -> Response:
        if not (roles.is_operator(request.user) or roles.is_cmo_admin(request.user)):
            raise exceptions.PermissionDenied(
                _("only a CMO's administrator or the operator enters agreements")
            )
        data = AgreementInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        own = getattr(request.user, "cmo_id", None)
        cmo = fields.pop("cmo", None) or (CMO.objects.filter(pk=own).first() if own is not None else None)
        if cmo is None:
            raise exceptions.ValidationError({"cmo": [_("Name the domestic CMO.")]})
        try:
            contract = reciprocal.record_reciprocal_agreement(
                by=roles.acting_account(request.user), cmo=cmo, **fields
            )
        except PermissionError as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(self.get_serializer(self.get_queryset().get(pk=contract.pk)).data, status=201)

    @extend_schema(
        summary="Place the copy of an agreement", request={"multipart/form-data": CopyInputSerializer}
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def copy(self, request: Request, pk: Any = None) -> Response:
        contract = self._editable()
        data = CopyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            reciprocal.place_agreement_copy(
                contract, by=roles.acting_account(request.user), upload=data.validated_data["copy"]
            )
        except PermissionError as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(self.get_serializer(self.get_queryset().get(pk=contract.pk)).data)

    @extend_schema(summary="End an agreement", request=EndInputSerializer)
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, FormParser])
    def end(self, request: Request, pk: Any = None) -> Response:
        contract = self._editable()
        data = EndInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            reciprocal.end_reciprocal_agreement(
                contract, by=roles.acting_account(request.user), **data.validated_data
            )
        except PermissionError as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(self.get_serializer(self.get_queryset().get(pk=contract.pk)).data)

    @extend_schema(
        summary="The domestic agreements each CMO lacks (Art. 46.1 (10))",
        responses=MissingSerializer(many=True),
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def missing(self, request: Request) -> Response:
        return Response(MissingSerializer(reciprocal.missing_domestic_agreements(), many=True).data)

    @extend_schema(summary="Agreements whose copy came, or is still missing, after its deadline")
    @action(detail=False, methods=["get"])
    def late(self, request: Request) -> Response:
        late = self.get_queryset().filter(pk__in=reciprocal.late_copies().values("pk"))
        page = self.paginate_queryset(late)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class MembershipInputSerializer(serializers.Serializer[Any]):
    holder = serializers.PrimaryKeyRelatedField(queryset=Party.objects.all())
    society = serializers.SlugRelatedField(slug_field="cisac_code", queryset=ForeignSociety.objects.all())
    area = serializers.SlugRelatedField(slug_field="item", queryset=Area.objects.filter(in_force=True))
    since = serializers.DateField(required=False, allow_null=True)


class MembershipView(APIView):
    #: the name the browsable API gives it
    title = gettext_lazy("membership in a foreign society")
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    required_scopes = {"post": Scope.MANDATES_WRITE}

    @extend_schema(summary="Record a holder's membership of a foreign society for an area",
                   request=MembershipInputSerializer, responses={201: MembershipInputSerializer})  # fmt: skip
    def post(self, request: Request) -> Response:
        if not (roles.is_operator(request.user) or roles.is_cmo_staff(request.user)):
            raise exceptions.PermissionDenied(_("only CMO staff or the operator record memberships"))
        data = MembershipInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            reciprocal.record_society_membership(
                by=roles.acting_account(request.user), party=v["holder"], society=v["society"], area=v["area"],
                since=v.get("since"),
            )  # fmt: skip
        except PermissionError as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(data.data, status=201)
