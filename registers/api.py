"""The REST API of the registers.

Reads follow the same rules as the pages (:mod:`registers.access`); writes go through
:mod:`registers.actions`. An entry one may not see and an entry that does not exist both answer 404.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter as get_account_adapter
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.throttling import AnonRateThrottle

from registers import access, actions
from registers import filters as register_filters
from registers import public_selectors as selectors
from registers import serializers as s
from registers.models import CMO, Area, Contract, Licensee, Party, UserCategory, Work, WorkContributor
from registers.models.contracts import ContractStatus
from udp.accounts.api_auth import HasApiKeyScope, check_totp
from udp.accounts.scopes import READ_REGISTERS, Scope
from udp.core.pagination import NoCountPagination


def _drf_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(exc.message_dict)
    return exceptions.ValidationError({"non_field_errors": exc.messages})


class CanRegisterWorks(permissions.BasePermission):
    """Reading is open; creating a work needs an approved holder, CMO staff or operator account."""

    message = _("Only verified rightsholders, CMO staff and the operator register works.")

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        user = request.user
        if not user.is_authenticated:
            return False
        if view.action == "create":
            return bool(user.is_holder or user.is_cmo_staff or user.is_operator)  # type: ignore[union-attr]
        return True


# --- works ------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Search the register of works",
        description="`q` searches titles and names in any script, ISWC and ISRC.",
    ),
    retrieve=extend_schema(summary="A work, with contributors, shares and the CMOs to pay"),
    create=extend_schema(
        summary="Register a work", request=s.WorkWriteSerializer, responses={201: s.WorkDetailSerializer}
    ),
    update=extend_schema(
        summary="Replace a work's details", request=s.WorkWriteSerializer, responses=s.WorkDetailSerializer
    ),
    partial_update=extend_schema(
        summary="Change a work", request=s.WorkWriteSerializer, responses=s.WorkDetailSerializer
    ),
)
class WorkViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Work],
):
    queryset = Work.objects.none()
    filterset_class = register_filters.WorkFilter
    pagination_class = NoCountPagination
    permission_classes = [HasApiKeyScope, CanRegisterWorks]
    required_scopes = {
        **READ_REGISTERS,
        "create": Scope.WORKS_WRITE,
        "update": Scope.WORKS_WRITE,
        "partial_update": Scope.WORKS_WRITE,
    }

    def get_queryset(self) -> QuerySet[Work]:
        return access.works_visible_to(self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rows = self.paginate_queryset(selectors.work_list_rows(self.filter_queryset(self.get_queryset())))
        today, language = timezone.localdate(), get_language() or "ru"
        items = [selectors.work_list_item(row, today=today, language=language[:2]) for row in rows]
        return self.get_paginated_response(items)

    def filter_queryset(self, queryset: QuerySet[Work]) -> QuerySet[Work]:
        queryset = super().filter_queryset(queryset)
        return queryset if queryset.ordered else queryset.order_by("id")

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "list":
            return s.WorkListSerializer
        if self.action in {"create", "update", "partial_update"}:
            return s.WorkWriteSerializer
        return s.WorkDetailSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {
            **super().get_serializer_context(),
            "visible_works": access.works_visible_to(self.request.user),
        }

    def get_object(self) -> Work:
        write = self.action in {"update", "partial_update"}
        return access.get_work_for_user(self.request.user, self.kwargs["pk"], write=write)

    def _detail(self, work: Work, status: int = 200) -> Response:
        work = (
            access.works_visible_to(self.request.user)
            .prefetch_related(
                "titles",
                Prefetch(
                    "contributors",
                    queryset=WorkContributor.objects.select_related("party").prefetch_related("shares"),
                ),
            )
            .get(pk=work.pk)
        )
        return Response(
            s.WorkDetailSerializer(work, context=self.get_serializer_context()).data, status=status
        )

    def _contributors(self, rows: list[dict[str, Any]]) -> list[actions.ContributorInput]:
        parties = access.parties_visible_to(self.request.user).in_bulk([row["party"] for row in rows])
        missing = [row["party"] for row in rows if row["party"] not in parties]
        if missing:
            raise exceptions.ValidationError(
                {"contributors": [_("No such holder: %(ids)s.") % {"ids": missing}]}
            )
        return [
            actions.ContributorInput(
                party=parties[row["party"]],
                role=row["role"],
                shares=row["shares"],
                credited_as=row["credited_as"],
            )
            for row in rows
        ]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self._valid_input(partial=False)
        embodied_ids = data.pop("embodied_works", [])
        embodied = list(access.works_visible_to(request.user).filter(pk__in=embodied_ids))
        if len(embodied) != len(set(embodied_ids)):
            raise exceptions.ValidationError({"embodied_works": [_("No such work.")]})
        data["contributors"] = self._contributors(data.get("contributors", []))
        try:
            work = actions.register_work(by=request.user, embodied_works=embodied, **data)
        except DjangoValidationError as exc:
            raise _drf_error(exc) from exc
        return self._detail(work, status=201)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        work = self.get_object()
        data = self._valid_input(partial=kwargs.get("partial", False))
        data.pop("embodied_works", None)
        if "contributors" in data:
            data["contributors"] = self._contributors(data["contributors"])
        try:
            work = actions.update_work(work, by=request.user, **data)
        except DjangoValidationError as exc:
            raise _drf_error(exc) from exc
        return self._detail(work)

    def _valid_input(self, *, partial: bool) -> dict[str, Any]:
        serializer = s.WorkWriteSerializer(data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


# --- holders ----------------------------------------------------------------------------------


HOLDER_DETAIL = PolymorphicProxySerializer(
    component_name="HolderDetail",
    serializers=[s.HolderPublicSerializer, s.HolderPrivateSerializer],
    resource_type_field_name=None,
)


@extend_schema_view(
    list=extend_schema(summary="Search the register of authors and rightsholders"),
    retrieve=extend_schema(
        summary="A holder",
        description="Confidential fields appear only for the holder, their CMO and the operator.",
        responses=HOLDER_DETAIL,
    ),
    update=extend_schema(
        summary="Replace a holder's details",
        request=s.HolderUpdateSerializer,
        responses=s.HolderPrivateSerializer,
    ),
    partial_update=extend_schema(
        summary="Change a holder", request=s.HolderUpdateSerializer, responses=s.HolderPrivateSerializer
    ),
)
class HolderViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet[Party]
):
    queryset = Party.objects.none()
    filterset_class = register_filters.HolderFilter
    pagination_class = NoCountPagination
    serializer_class = s.HolderPublicSerializer
    required_scopes = {**READ_REGISTERS, "update": Scope.HOLDERS_WRITE, "partial_update": Scope.HOLDERS_WRITE}

    def get_queryset(self) -> QuerySet[Party]:
        return (
            access.parties_visible_to(self.request.user)
            .prefetch_related(
                "pseudonyms",
                "ipi_names",
                Prefetch(
                    "mandates",
                    queryset=selectors.active_mandates().select_related("cmo", "area").order_by("area__item"),
                    to_attr="mandates_in_force",
                ),
            )
            .order_by("id")
        )

    def get_object(self) -> Party:
        write = self.action in {"update", "partial_update"}
        return access.get_party_for_user(self.request.user, self.kwargs["pk"], write=write)

    def _detail(self, party: Party) -> Response:
        party = self.get_queryset().prefetch_related("bank_accounts").get(pk=party.pk)
        private = access.can_see_confidential(self.request.user, party)
        serializer_class = s.HolderPrivateSerializer if private else s.HolderPublicSerializer
        return Response(serializer_class(party, context=self.get_serializer_context()).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._detail(self.get_object())

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        party = self.get_object()
        serializer = s.HolderUpdateSerializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        reason = fields.pop("reason", "")
        try:
            party = actions.update_party(party, by=request.user, reason=reason, **fields)
        except DjangoValidationError as exc:
            raise _drf_error(exc) from exc
        return self._detail(party)


# --- CMOs, users, contracts, reference data ---------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="The register of CMOs"), retrieve=extend_schema(summary="A CMO")
)
class CMOViewSet(viewsets.ReadOnlyModelViewSet[CMO]):
    queryset = CMO.objects.select_related("party").prefetch_related("areas", "representatives", "branches")
    required_scopes = READ_REGISTERS
    serializer_class = s.CMOSerializer
    pagination_class = NoCountPagination


@extend_schema_view(
    list=extend_schema(summary="Search the register of users"),
    retrieve=extend_schema(summary="A user (licensee)"),
)
class LicenseeViewSet(viewsets.ReadOnlyModelViewSet[Licensee]):
    queryset = Licensee.objects.none()
    required_scopes = READ_REGISTERS
    serializer_class = s.LicenseeSerializer
    filterset_class = register_filters.LicenseeFilter
    pagination_class = NoCountPagination

    def get_queryset(self) -> QuerySet[Licensee]:
        return (
            access.licensees_visible_to(self.request.user)
            .select_related("party", "category")
            .prefetch_related("locations__category")
            .order_by("id")
        )

    def get_object(self) -> Licensee:
        return access.get_licensee_for_user(self.request.user, self.kwargs["pk"])


@extend_schema_view(
    list=extend_schema(summary="The register of contracts (public facts)"),
    retrieve=extend_schema(summary="A contract by register number"),
)
class ContractViewSet(viewsets.ReadOnlyModelViewSet[Contract]):
    queryset = (
        Contract.objects.exclude(status=ContractStatus.DRAFT)
        .select_related("cmo", "holder", "licensee__party", "counterparty_cmo")
        .prefetch_related("areas")
        .order_by("-concluded_on", "number")
    )
    required_scopes = READ_REGISTERS
    serializer_class = s.ContractSerializer
    filterset_class = register_filters.ContractFilter
    pagination_class = NoCountPagination
    lookup_field = "number"


@extend_schema_view(list=extend_schema(summary="Areas of collective management (Art. 43.3)"))
class AreaViewSet(viewsets.ReadOnlyModelViewSet[Area]):
    queryset = Area.objects.all()
    required_scopes = READ_REGISTERS
    serializer_class = s.AreaSerializer
    pagination_class = None


@extend_schema_view(list=extend_schema(summary="Categories of users"))
class UserCategoryViewSet(viewsets.ReadOnlyModelViewSet[UserCategory]):
    queryset = UserCategory.objects.all()
    required_scopes = READ_REGISTERS
    serializer_class = s.UserCategorySerializer
    pagination_class = None
    lookup_field = "code"


# --- tokens -----------------------------------------------------------------------------------


class ObtainTokenView(GenericAPIView[Any]):
    """Exchange an e-mail and password (and a TOTP code, for accounts that must have one) for an API token.

    For a person's own scripts. Machine clients use API keys (:mod:`udp.accounts.api`) instead,
    so that no person's password is stored in a machine.

    Failed attempts count against the same allauth rate limits as the login form (per account and per
    address), and so do wrong TOTP codes: after five failures for an account it is refused for a while,
    even with the right password.
    """

    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [AnonRateThrottle]
    serializer_class = s.TokenRequestSerializer
    required_scopes = {"post": None}  # not for keys: a key never turns into a person's token

    @extend_schema(summary="Obtain an API token", responses=s.TokenSerializer)
    def post(self, request: Request) -> Response:
        serializer = s.TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            user = get_account_adapter(request._request).authenticate(
                request._request, email=data["email"], password=data["password"]
            )
        except DjangoValidationError as exc:
            raise exceptions.Throttled(detail=" ".join(exc.messages)) from exc
        if user is None or not getattr(user, "is_approved", False):
            raise exceptions.AuthenticationFailed(
                _("Wrong e-mail or password, or the account is not approved.")
            )
        if getattr(user, "needs_mfa", False):
            check_totp(user, data.get("code", ""))
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
