"""The licensing API: the same steps and access rules as the pages.

Public: published tariffs, minimum rates, the МРП, the agreements concluded (Art. 46.1 (9)), the collector for
commercial phonograms. A CMO's staff keep their tariffs; the authorized body sets minimum rates; the officials
enter the index. A music user declares its use (the answer is whom it needs and the quotes), requests an
agreement, signs or cancels it; the CMO countersigns or refuses on a ground.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from licensing import access, actions, offers, phonograms, tariffs
from licensing.models import (
    AgreementKind,
    AmountBasis,
    CollectionAgreementBasis,
    Declaration,
    IndexValue,
    Licence,
    LicenceLine,
    LicenceStatus,
    MinimumRate,
    Period,
    PhonogramCollector,
    RateShape,
    RefusalGround,
    Tariff,
    TariffStatus,
    Unit,
    Use,
)
from licensing.tariffs import Term
from registers.models import CMO, Area, LicenseeLocation, UserCategory
from udp.accounts import roles
from udp.accounts.api_auth import HasApiKeyScope
from udp.accounts.scopes import READ_REGISTERS, Scope
from udp.core import clock
from udp.core.api_steps import must, run
from udp.money import tenge

WRITE = Scope.LICENSING_WRITE
PUBLIC = [HasApiKeyScope, permissions.AllowAny]
SIGNED = [HasApiKeyScope, permissions.IsAuthenticated]


# --- serializers ---------------------------------------------------------------------------------------


class TermSerializer(serializers.Serializer[Any]):
    shape = serializers.ChoiceField(choices=RateShape.choices)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    basis = serializers.ChoiceField(choices=AmountBasis.choices, default="kzt")
    period = serializers.ChoiceField(choices=Period.choices, default="month")
    unit = serializers.ChoiceField(choices=["", *Unit.values], required=False, allow_blank=True, default="")
    percent = serializers.DecimalField(max_digits=6, decimal_places=3, required=False, allow_null=True)


def _terms(rows: list[dict[str, Any]]) -> list[Term]:
    return [Term(**row) for row in rows]


class TariffSerializer(serializers.ModelSerializer[Tariff]):
    cmo = serializers.CharField(source="cmo.short_name", read_only=True)
    area = serializers.IntegerField(source="area.item", read_only=True)
    category = serializers.CharField(source="category.code", read_only=True)
    terms = TermSerializer(source="components", many=True, read_only=True)

    class Meta:
        model = Tariff
        fields = [
            "id", "cmo", "cmo_id", "area", "category", "use", "title", "notes", "valid_from", "valid_until", "status",
            "licence_months", "invoice_period", "report_frequency", "report_due_days", "auto_countersign", "terms",
            "published_at",
        ]  # fmt: skip
        read_only_fields = fields


class TariffInputSerializer(serializers.Serializer[Any]):
    area = serializers.IntegerField(help_text="Item of Art. 43.3")
    category = serializers.SlugRelatedField(slug_field="code", queryset=UserCategory.objects.all())
    use = serializers.ChoiceField(choices=Use.choices)
    title = serializers.CharField(required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)
    licence_months = serializers.IntegerField(min_value=1, max_value=60, default=12)
    invoice_period = serializers.ChoiceField(choices=Period.choices, default="quarter")
    report_frequency = serializers.ChoiceField(
        choices=["monthly", "quarterly", "yearly"], default="quarterly"
    )
    report_due_days = serializers.IntegerField(min_value=0, max_value=90, default=15)
    auto_countersign = serializers.BooleanField(default=False)
    terms = TermSerializer(many=True)


class MinimumRateSerializer(serializers.ModelSerializer[MinimumRate]):
    area = serializers.IntegerField(source="area.item", read_only=True)
    category = serializers.CharField(source="category.code", read_only=True, allow_null=True)
    terms = TermSerializer(source="components", many=True, read_only=True)

    class Meta:
        model = MinimumRate
        fields = ["id", "area", "use", "category", "valid_from", "valid_until", "act", "terms"]
        read_only_fields = fields


class MinimumRateInputSerializer(serializers.Serializer[Any]):
    area = serializers.IntegerField()
    use = serializers.ChoiceField(choices=Use.choices)
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=UserCategory.objects.all(), required=False, allow_null=True, default=None
    )
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)
    act = serializers.CharField()
    terms = TermSerializer(many=True)


class IndexValueSerializer(serializers.ModelSerializer[IndexValue]):
    class Meta:
        model = IndexValue
        fields = ["id", "kind", "valid_from", "value", "source"]
        read_only_fields = ["id", "kind"]


class QuoteSerializer(serializers.Serializer[Any]):
    tariff = serializers.IntegerField(source="tariff.pk")
    monthly = serializers.SerializerMethodField()
    yearly = serializers.DecimalField(max_digits=16, decimal_places=2)
    missing = serializers.ListField(child=serializers.CharField())
    workings = serializers.SerializerMethodField()

    def get_monthly(self, obj: Any) -> str:
        return str(tenge(obj.monthly))

    def get_workings(self, obj: Any) -> list[dict[str, Any]]:
        return [w.as_json() for w in obj.workings]


class OfferSerializer(serializers.Serializer[Any]):
    cmo = serializers.CharField(source="cmo.short_name")
    cmo_id = serializers.IntegerField(source="cmo.pk")
    accredited = serializers.BooleanField()
    scope = serializers.CharField()
    kind = serializers.CharField()
    quotes = QuoteSerializer(many=True)


class NeedSerializer(serializers.Serializer[Any]):
    area = serializers.IntegerField(source="area.item")
    kind = serializers.CharField()
    offers = OfferSerializer(many=True)
    accredited_without_tariff = serializers.SerializerMethodField()

    def get_accredited_without_tariff(self, obj: Any) -> list[str]:
        return [cmo.short_name for cmo in obj.without_tariff]


class DeclarationSerializer(serializers.ModelSerializer[Declaration]):
    category = serializers.CharField(source="category.code", read_only=True)
    needs = serializers.SerializerMethodField()

    class Meta:
        model = Declaration
        fields = ["id", "category", "use", "location", "parameters", "revenue", "starts_on", "needs"]
        read_only_fields = fields

    def get_needs(self, obj: Declaration) -> list[dict[str, Any]]:
        day = max(obj.starts_on, clock.today())
        found = offers.needs(
            category_id=obj.category_id, use=obj.use, parameters=actions.declared_parameters(obj), revenue=obj.revenue,
            day=day,
        )  # fmt: skip
        return list(NeedSerializer(found, many=True).data)


class DeclarationInputSerializer(serializers.Serializer[Any]):
    category = serializers.SlugRelatedField(slug_field="code", queryset=UserCategory.objects.all())
    use = serializers.ChoiceField(choices=Use.choices)
    location = serializers.IntegerField(required=False, allow_null=True, default=None)
    parameters = serializers.DictField(child=serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0),
                                       required=False, default=dict)  # fmt: skip
    revenue = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    starts_on = serializers.DateField(required=False, allow_null=True, default=None)

    def validate_parameters(self, value: dict[str, Any]) -> dict[str, Any]:
        unknown = set(value) - set(Unit.values)
        if unknown:
            raise serializers.ValidationError(
                _("Unknown parameters: %(names)s") % {"names": ", ".join(sorted(unknown))}
            )
        return value


class LicenceLineSerializer(serializers.ModelSerializer[LicenceLine]):
    area = serializers.IntegerField(source="area.item")
    monthly_amount = serializers.SerializerMethodField()

    class Meta:
        model = LicenceLine
        fields = ["area", "tariff", "scope", "monthly_amount", "workings"]

    def get_monthly_amount(self, obj: LicenceLine) -> str:
        return str(tenge(obj.monthly_amount))


class LicenceSerializer(serializers.ModelSerializer[Licence]):
    number = serializers.CharField(source="contract.number")
    cmo = serializers.CharField(source="cmo.short_name")
    licensee = serializers.CharField(source="licensee.__str__")
    lines = LicenceLineSerializer(many=True)
    document_sha256 = serializers.CharField(source="document.sha256", allow_null=True, default=None)
    monthly_amount = serializers.SerializerMethodField()

    class Meta:
        model = Licence
        fields = [
            "id", "number", "kind", "status", "cmo", "cmo_id", "licensee", "licensee_id", "place", "starts_on",
            "ends_on", "renewal", "invoice_period", "report_frequency", "report_due_days", "monthly_amount",
            "lines", "document_sha256", "refusal_ground", "refusal_note",
        ]  # fmt: skip

    def get_monthly_amount(self, obj: Licence) -> str:
        return str(tenge(obj.monthly_amount))


class RequestInputSerializer(serializers.Serializer[Any]):
    declaration = serializers.IntegerField()
    cmo = serializers.PrimaryKeyRelatedField(queryset=CMO.objects.all())
    kind = serializers.ChoiceField(choices=AgreementKind.choices)


class LicenceSignInputSerializer(serializers.Serializer[Any]):
    sha256 = serializers.CharField(max_length=64, help_text="The SHA-256 of the agreement's PDF you read")
    evidence = serializers.CharField(required=False, allow_blank=True, default="")


class LicenceRefuseInputSerializer(serializers.Serializer[Any]):
    ground = serializers.ChoiceField(choices=RefusalGround.choices)
    note = serializers.CharField()


class PublicContractSerializer(serializers.ModelSerializer[Licence]):
    number = serializers.CharField(source="contract.number")
    concluded_on = serializers.DateField(source="contract.concluded_on")
    cmo = serializers.CharField(source="cmo.short_name")
    user = serializers.CharField(source="licensee.__str__")
    location = serializers.CharField(source="place")

    class Meta:
        model = Licence
        fields = ["number", "kind", "cmo", "user", "location", "concluded_on", "starts_on", "ends_on"]


class CollectorSerializer(serializers.ModelSerializer[PhonogramCollector]):
    cmo = serializers.CharField(source="cmo.short_name", read_only=True)

    class Meta:
        model = PhonogramCollector
        fields = ["id", "cmo", "cmo_id", "basis", "agreement_reference", "producers_percent", "performers_percent",
                  "valid_from", "valid_until"]  # fmt: skip
        read_only_fields = fields


class CollectorInputSerializer(serializers.Serializer[Any]):
    cmo = serializers.PrimaryKeyRelatedField(queryset=CMO.objects.all())
    basis = serializers.ChoiceField(choices=CollectionAgreementBasis.choices, default="agreement")
    agreement_reference = serializers.CharField(required=False, allow_blank=True, default="")
    producers_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, default=Decimal(50)
    )
    valid_from = serializers.DateField()


def _area(item: int) -> Area:
    try:
        return Area.objects.get(item=item)
    except Area.DoesNotExist:
        raise exceptions.ValidationError({"area": [_("Unknown area of collective management.")]}) from None


# --- views ---------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Tariffs: the published ones (public) and your CMO's drafts"),
    retrieve=extend_schema(summary="A tariff and its terms"),
    create=extend_schema(summary="Write a draft tariff (a CMO's staff)", request=TariffInputSerializer,
                         responses={201: TariffSerializer}),
)  # fmt: skip
class TariffViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[Tariff]
):
    serializer_class = TariffSerializer
    required_scopes = {**READ_REGISTERS, "create": WRITE, "publish": WRITE, "withdraw": WRITE}

    def get_permissions(self) -> list[Any]:
        return [cls() for cls in (PUBLIC if self.action in ("list", "retrieve") else SIGNED)]

    def get_queryset(self) -> QuerySet[Tariff]:
        if getattr(self, "swagger_fake_view", False):
            return Tariff.objects.none()
        rows = access.tariffs_visible_to(self.request.user).order_by("cmo__short_name", "area__item", "pk")
        for name in ("cmo", "use"):
            value = self.request.query_params.get(name)
            if value:
                rows = rows.filter(**({"cmo__short_name": value} if name == "cmo" else {"use": value}))
        category = self.request.query_params.get("category")
        if category:
            rows = rows.filter(category__code=category)
        return rows

    def get_object(self) -> Tariff:
        return access.get_tariff_for_user(self.request.user, self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        must(roles.is_cmo_staff(request.user), _("Only a CMO's staff keep its tariffs."))
        data = TariffInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        by = roles.acting_account(request.user)
        made = run(
            tariffs.save_tariff,
            by=by,
            cmo=by.cmo,
            area=_area(v.pop("area")),
            terms=_terms(v.pop("terms")),
            **v,
        )
        return Response(TariffSerializer(made).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Publish a draft: refused with the figures if below a minimum rate", request=None,
                   responses={200: TariffSerializer})  # fmt: skip
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: Any = None) -> Response:
        tariff = access.get_tariff_for_user(request.user, pk, write=True)
        return Response(TariffSerializer(run(tariffs.publish_tariff, tariff, by=request.user)).data)

    @extend_schema(summary="Withdraw a published tariff from tomorrow, or delete a draft", request=None,
                   responses={200: TariffSerializer})  # fmt: skip
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: Any = None) -> Response:
        tariff = access.get_tariff_for_user(request.user, pk, write=True)
        was_draft = tariff.status == TariffStatus.DRAFT
        reason = request.data.get("reason", "") if isinstance(request.data, dict) else ""
        made = run(tariffs.withdraw_tariff, tariff, by=request.user, reason=str(reason))
        if was_draft:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(TariffSerializer(made).data)


@extend_schema_view(
    list=extend_schema(summary="Minimum rates set by the authorized body (public)"),
    retrieve=extend_schema(summary="A minimum rate"),
    create=extend_schema(summary="Set a minimum rate (the authorized body)", request=MinimumRateInputSerializer,
                         responses={201: MinimumRateSerializer}),
)  # fmt: skip
class MinimumRateViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[MinimumRate],
):
    serializer_class = MinimumRateSerializer
    required_scopes = {**READ_REGISTERS, "create": WRITE}
    queryset = MinimumRate.objects.select_related("area", "category").prefetch_related("components")

    def get_permissions(self) -> list[Any]:
        return [cls() for cls in (PUBLIC if self.action in ("list", "retrieve") else SIGNED)]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        must(roles.is_regulator(request.user), _("Only the authorized body sets minimum rates."))
        data = MinimumRateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        made = run(tariffs.enter_minimum_rate, by=roles.acting_account(request.user), area=_area(v.pop("area")),
                   terms=_terms(v.pop("terms")), **v)  # fmt: skip
        return Response(MinimumRateSerializer(made).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Values of the monthly calculation index (public)"),
    create=extend_schema(summary="Enter the index's value from a day (the operator or the authorized body)"),
)
class IndexValueViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[IndexValue]):
    serializer_class = IndexValueSerializer
    required_scopes = {"list": Scope.REGISTERS_READ, "create": WRITE}
    queryset = IndexValue.objects.all()

    def get_permissions(self) -> list[Any]:
        return [cls() for cls in (PUBLIC if self.action == "list" else SIGNED)]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        must(roles.is_official(request.user), _("Only the operator or the authorized body enters the index."))
        data = IndexValueSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        made = run(tariffs.enter_index_value, by=roles.acting_account(request.user), valid_from=v["valid_from"],
                   value=v["value"], source=v.get("source", ""))  # fmt: skip
        return Response(IndexValueSerializer(made).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    retrieve=extend_schema(summary="Your declaration of use, with whom you need and each one's quote"),
    create=extend_schema(summary="Declare your use (a music user): the answer lists the CMOs you need and their quotes",
                         request=DeclarationInputSerializer, responses={201: DeclarationSerializer}),
)  # fmt: skip
class DeclarationViewSet(
    mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[Declaration]
):
    serializer_class = DeclarationSerializer
    permission_classes = SIGNED
    required_scopes = {"retrieve": Scope.REGISTERS_READ, "create": WRITE}

    def get_queryset(self) -> QuerySet[Declaration]:
        return Declaration.objects.none()

    def get_object(self) -> Declaration:
        return access.get_declaration_for_user(self.request.user, self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        must(roles.is_licensee(request.user), _("Only a music user declares its use."))
        data = DeclarationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        by = roles.acting_account(request.user)
        location = None
        location_id = v.pop("location")
        if location_id is not None:
            location = LicenseeLocation.objects.filter(pk=location_id, licensee=by.licensee).first()
            if location is None:
                raise exceptions.ValidationError({"location": [_("Not one of your premises.")]})
        made = run(actions.declare_use, by=by, location=location, **v)
        return Response(DeclarationSerializer(made).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Agreements you may see: a user's own, a CMO's, all for the officials"),
    retrieve=extend_schema(summary="An agreement, its areas, prices and signatures"),
    create=extend_schema(summary="Request one CMO's agreement for your declaration (a music user)",
                         request=RequestInputSerializer, responses={201: LicenceSerializer}),
)  # fmt: skip
class LicenceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Licence],
):
    serializer_class = LicenceSerializer
    permission_classes = SIGNED
    required_scopes = {**READ_REGISTERS, "create": WRITE, "sign": WRITE, "refuse": WRITE, "cancel": WRITE}

    def get_queryset(self) -> QuerySet[Licence]:
        if getattr(self, "swagger_fake_view", False):
            return Licence.objects.none()
        rows = access.licences_visible_to(self.request.user).prefetch_related("lines__area", "document")
        wanted = self.request.query_params.get("status")
        if wanted in LicenceStatus.values:
            rows = rows.filter(status=wanted)
        return rows.order_by("-created_at", "-pk")

    def get_object(self) -> Licence:
        return access.get_licence_for_user(self.request.user, self.kwargs["pk"])

    def _answer(self, licence: Licence, code: int = status.HTTP_200_OK) -> Response:
        return Response(
            LicenceSerializer(access.get_licence_for_user(self.request.user, licence.pk)).data, status=code
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        must(roles.is_licensee(request.user), _("Only a music user requests an agreement."))
        data = RequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        declaration = access.get_declaration_for_user(request.user, v["declaration"])
        made = run(actions.request_agreement, declaration, by=request.user, cmo=v["cmo"], kind=v["kind"])
        return self._answer(made, status.HTTP_201_CREATED)

    @extend_schema(summary="Sign for your side: the user first, then the CMO", request=LicenceSignInputSerializer,
                   responses={200: LicenceSerializer})  # fmt: skip
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: Any = None) -> Response:
        licence = access.get_licence_for_user(request.user, pk, write=True)
        data = LicenceSignInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        made = run(actions.sign_agreement, licence, by=request.user, confirmed_sha256=data.validated_data["sha256"],
                   evidence=data.validated_data["evidence"])  # fmt: skip
        return self._answer(made)

    @extend_schema(summary="Refuse on a ground the law allows, with reasons (the CMO)", request=LicenceRefuseInputSerializer,
                   responses={200: LicenceSerializer})  # fmt: skip
    @action(detail=True, methods=["post"])
    def refuse(self, request: Request, pk: Any = None) -> Response:
        licence = access.get_licence_for_user(request.user, pk, write=True)
        must(roles.is_cmo_staff(request.user), _("Only the CMO refuses its agreements."))
        data = LicenceRefuseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(run(actions.refuse_agreement, licence, by=request.user, **data.validated_data))

    @extend_schema(summary="Cancel an agreement not yet in force (the user)", request=None,
                   responses={200: LicenceSerializer})  # fmt: skip
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: Any = None) -> Response:
        licence = access.get_licence_for_user(request.user, pk, write=True)
        must(roles.is_licensee(request.user), _("Only the user cancels its agreement."))
        return self._answer(run(actions.cancel_agreement, licence, by=request.user))


@extend_schema_view(
    list=extend_schema(summary="Agreements concluded with users: name, location, date (public)")
)
class PublicContractViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Licence]):
    serializer_class = PublicContractSerializer
    permission_classes = PUBLIC
    required_scopes = {"list": Scope.REGISTERS_READ}

    def get_queryset(self) -> QuerySet[Licence]:
        rows = Licence.objects.filter(
            status__in=[LicenceStatus.IN_FORCE, LicenceStatus.ENDED]
        ).select_related("contract", "cmo", "licensee__party")
        cmo = self.request.query_params.get("cmo")
        if cmo:
            rows = rows.filter(cmo__short_name=cmo)
        return rows.order_by("-contract__concluded_on", "-pk")


@extend_schema_view(
    list=extend_schema(summary="Who collects for commercial phonograms, and the split (public)"),
    create=extend_schema(summary="Record the collector (the collecting CMO's admin or the operator)",
                         request=CollectorInputSerializer, responses={201: CollectorSerializer}),
)  # fmt: skip
class CollectorViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[PhonogramCollector]
):
    serializer_class = CollectorSerializer
    required_scopes = {"list": Scope.REGISTERS_READ, "create": WRITE}
    queryset = PhonogramCollector.objects.select_related("cmo")

    def get_permissions(self) -> list[Any]:
        return [cls() for cls in (PUBLIC if self.action == "list" else SIGNED)]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        must(roles.is_operator(request.user) or roles.is_cmo_admin(request.user),
             "The collecting CMO's admin or the operator records the collector.")  # fmt: skip
        data = CollectorInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        made = run(phonograms.record_collector, by=roles.acting_account(request.user), **data.validated_data)
        return Response(CollectorSerializer(made).data, status=status.HTTP_201_CREATED)
