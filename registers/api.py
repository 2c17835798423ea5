"""The REST API of the registers.

Reads follow the same rules as the pages (:mod:`registers.access`); writes go through
:mod:`registers.actions`. An entry one may not see and an entry that does not exist both answer 404.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

from allauth.account.adapter import get_adapter as get_account_adapter
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, permissions, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.throttling import AnonRateThrottle

from registers import access, actions, who_manages
from registers import documents as extracts
from registers import filters as register_filters
from registers import public_selectors as selectors
from registers import serializers as s
from registers.claims_api import ProposalSerializer
from registers.models import (
    CMO,
    Area,
    Contract,
    ImportBatch,
    Licensee,
    Party,
    UserCategory,
    Work,
    WorkContributor,
)
from registers.models.contracts import ContractStatus
from registers.views.extracts import requested_language
from udp.accounts import roles
from udp.accounts.api_auth import HasApiKeyScope, check_totp
from udp.accounts.scopes import READ_REGISTERS, Scope
from udp.core import clock
from udp.core.pagination import NoCountPagination
from udp.documents.views import pdf_response


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
            return bool(user.is_holder or user.is_cmo_staff or user.is_operator)
        return True


#: Extracts from the registers (``POST …/{id}/extract/``): issuing one takes a number, so it is a POST.
EXTRACT_LANGUAGE = OpenApiParameter(
    "lang", str, enum=["kk", "ru", "en"], description="Language of the extract (default: the request's)."
)
EXTRACT_RESPONSES = {(200, "application/pdf"): OpenApiTypes.BINARY}
EXTRACT_HEADERS = (
    "The PDF as issued; `X-Document-Number`, `X-Document-SHA256` and `X-Document-Verification` (the public "
    "verification page) come with it. The same extract asked again the same day, with the register unchanged, "
    "is the same document."
)


# --- works ------------------------------------------------------------------------------------


WORK_CHANGE_RULES = (
    "Applied at once (200) when you answer for every claim it touches: your own role and shares, your "
    "members' (CMO staff), and the work's own data if you registered it. A change that touches another "
    "party's claim, or a work someone else registered, becomes a proposal (202, `Location: /api/proposals/{id}/`) "
    "that takes effect when every touched party or its CMO accepts it; a rejection records a conflict."
)


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
        summary="Replace a work's details",
        description=WORK_CHANGE_RULES,
        request=s.WorkWriteSerializer,
        responses={200: s.WorkDetailSerializer, 202: ProposalSerializer},
    ),
    partial_update=extend_schema(
        summary="Change a work",
        description=WORK_CHANGE_RULES,
        request=s.WorkWriteSerializer,
        responses={200: s.WorkDetailSerializer, 202: ProposalSerializer},
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
        "extract": Scope.DOCUMENTS_WRITE,
        "management": Scope.REGISTERS_READ,
    }

    def get_queryset(self) -> QuerySet[Work]:
        return access.works_visible_to(self.request.user)

    @extend_schema(
        summary="Who manages this work on a date",
        description="Per area of collective management, which CMO manages which contributor's rights and "
        "through which path (the holder's mandate, a foreign society's reciprocal agreement, extended "
        "collective management), whether open conflicts hold the work, and who manages their rights "
        "themselves. Withdrawals (Art. 46.2) count from their effective date.",
        parameters=[
            OpenApiParameter(
                "on", OpenApiTypes.DATE, description="The day asked about (YYYY-MM-DD); today by default."
            )
        ],
        responses=s.WhoManagesSerializer,
    )
    @action(detail=True, methods=["get"])
    def management(self, request: Request, pk: Any = None) -> Response:
        work = access.get_work_for_user(request.user, pk)
        try:
            day = who_manages.parse_day(request.query_params.get("on"))
        except ValueError:
            raise exceptions.ValidationError({"on": [_("Enter a date as YYYY-MM-DD.")]}) from None
        return Response(s.WhoManagesSerializer(who_manages.who_manages(work, day)).data)

    @extend_schema(
        summary="Extract from the register of works (PDF)",
        description="The work's public entry; its registration details and contributors' confidential "
        "data only for those who may edit the work or see those contributors' data. " + EXTRACT_HEADERS,
        parameters=[EXTRACT_LANGUAGE],
        request=None,
        responses=EXTRACT_RESPONSES,
    )
    @action(detail=True, methods=["post"], permission_classes=[HasApiKeyScope, permissions.IsAuthenticated])
    def extract(self, request: Request, pk: Any = None) -> FileResponse:
        work = access.get_work_for_user(request.user, pk)
        language = requested_language(request.query_params.get("lang"))
        return pdf_response(extracts.issue_work_extract(work, by=request.user, language=language))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        search = register_filters.WorkFilter(
            request.query_params, queryset=self.get_queryset(), request=request
        )
        if not search.is_valid():
            raise translate_validation(search.errors)
        results = search.ranked(selectors.work_list_rows)
        # NoCountPagination slices RankedWorks like a queryset (see udp.core.pagination.Sliceable)
        rows = self.paginate_queryset(results) or []  # type: ignore[arg-type]
        today, language = clock.today(), get_language() or "ru"
        items = [selectors.work_list_item(row, today=today, language=language[:2]) for row in rows]
        return self.get_paginated_response(items)

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
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

    def get_serializer(self, *args: Any, **kwargs: Any) -> BaseSerializer[Any]:
        if self.action in {"update", "partial_update"} and "data" not in kwargs:
            # the browsable API's change form: a body to fill in (the write serializer reads contributors
            # as ids and shares, it cannot show a work)
            kwargs.pop("instance", None)
        return super().get_serializer(*args, **kwargs)

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
                    queryset=WorkContributor.objects.select_related("party").prefetch_related(
                        "shares", "territories", "publishers__publisher"
                    ),
                ),
            )
            .get(pk=work.pk)
        )
        return Response(
            s.WorkDetailSerializer(work, context=self.get_serializer_context()).data, status=status
        )

    def _contributors(self, rows: Sequence[dict[str, Any]]) -> builtins.list[actions.ContributorInput]:
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
                credited_as=row.get("credited_as", ""),
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
            change = actions.change_work(work, by=request.user, **data)
        except DjangoValidationError as exc:
            raise _drf_error(exc) from exc
        if change.proposal is not None:  # it touches others' claims: they answer first
            return Response(
                ProposalSerializer(change.proposal, context=self.get_serializer_context()).data,
                status=202,
                headers={"Location": f"/api/proposals/{change.proposal.pk}/"},
            )
        return self._detail(change.work)

    def _valid_input(self, *, partial: bool) -> dict[str, Any]:
        serializer = s.WorkWriteSerializer(data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if partial and "contributors" in data:
            # a partial change of a work still gives whole contributor rows: every field is required
            body: Any = self.request.data
            rows = s.ContributorInputSerializer(data=body.get("contributors"), many=True)
            if not rows.is_valid():
                raise exceptions.ValidationError({"contributors": rows.errors})
            data["contributors"] = rows.validated_data
        return data


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
    required_scopes = {
        **READ_REGISTERS,
        "update": Scope.HOLDERS_WRITE,
        "partial_update": Scope.HOLDERS_WRITE,
        "extract": Scope.DOCUMENTS_WRITE,
    }

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

    @extend_schema(
        summary="Extract from the register of authors and rightsholders (PDF)",
        description="The holder's public entry; the confidential part (IIN, birth date, address, contacts, "
        "bank accounts) for the holder, its CMO and the operator, and for the authorized body when it "
        "gives a `reason` (recorded). " + EXTRACT_HEADERS,
        parameters=[EXTRACT_LANGUAGE],
        request=s.ExtractRequestSerializer,
        responses=EXTRACT_RESPONSES,
    )
    @action(detail=True, methods=["post"], permission_classes=[HasApiKeyScope, permissions.IsAuthenticated])
    def extract(self, request: Request, pk: Any = None) -> FileResponse:
        party = access.get_party_for_user(request.user, pk)
        body = s.ExtractRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        language = requested_language(request.query_params.get("lang"))
        document = extracts.issue_holder_extract(
            party, by=request.user, language=language, reason=body.validated_data.get("reason", "")
        )
        return pdf_response(document)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        party = self.get_object()
        serializer = s.HolderUpdateSerializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        reason = fields.pop("reason", "")
        try:
            proposal = actions.update_party_with_facts(party, by=request.user, reason=reason, **fields)
        except DjangoValidationError as exc:
            raise _drf_error(exc) from exc
        response = self._detail(party)
        if proposal is not None:  # legal-status facts wait for the expert organization's confirmation
            response.status_code = 202
            response["Location"] = f"/api/proposals/{proposal.pk}/"
        return response


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
        .select_related("cmo", "holder", "licensee__party", "counterparty_cmo", "foreign_society")
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

    #: the name the browsable API gives it
    title = gettext_lazy("a token for your own scripts")

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
        if user is None or not roles.is_approved(user):
            raise exceptions.AuthenticationFailed(
                _("Wrong e-mail or password, or the account is not approved.")
            )
        if getattr(user, "needs_mfa", False):
            check_totp(user, data.get("code", ""))
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


# --- imports of works -------------------------------------------------------------------------


class CanImportWorks(permissions.BasePermission):
    """Rightsholders, CMO staff and the operator import and export works (as on the import pages)."""

    message = _("Only rightsholders, CMO staff and the operator import works.")

    def has_permission(self, request: Request, view: Any) -> bool:
        from registers.importing.uploads import can_import

        return can_import(request.user)


@extend_schema_view(
    list=extend_schema(summary="My imports of works (CMO staff: their CMO's; the operator: all)"),
    retrieve=extend_schema(summary="An import: status, counts, problems counted by kind, failure reason"),
    create=extend_schema(
        summary="Upload a file of works to import (CSV, XLSX, CWR 2.1/2.2)",
        description=(
            "The file is checked and imported in the background; poll the import until its status is "
            "no longer `queued` or `running`. A file that cannot be read (encoding, control characters, "
            "structure) is refused as a whole; otherwise `policy` decides whether good works are kept."
        ),
        request={"multipart/form-data": s.ImportUploadSerializer},
        responses={201: s.ImportBatchSerializer},
    ),
)
class ImportBatchViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[Any]
):
    queryset = ImportBatch.objects.none()
    serializer_class = s.ImportBatchSerializer
    pagination_class = NoCountPagination
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated, CanImportWorks]
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    required_scopes = {
        **READ_REGISTERS,
        "create": Scope.IMPORTS_WRITE,
        "problems": Scope.REGISTERS_READ,
        "problems_csv": Scope.REGISTERS_READ,
        "ack": Scope.REGISTERS_READ,
        "export": Scope.REGISTERS_READ,
        "template": Scope.REGISTERS_READ,
    }

    def get_queryset(self) -> QuerySet[ImportBatch]:
        from registers.importing.uploads import batches_visible_to

        return batches_visible_to(self.request.user).order_by("-created_at", "-id")

    def get_object(self) -> ImportBatch:
        from registers.importing.uploads import get_batch_for_user

        return get_batch_for_user(self.request.user, self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        from registers.importing.uploads import start_import

        upload = s.ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        batch = start_import(request.user, upload.validated_data["file"], upload.validated_data["policy"])
        return Response(s.ImportBatchSerializer(batch).data, status=201)

    @extend_schema(
        summary="The kept problems of an import, line by line", responses=s.ImportProblemSerializer(many=True)
    )
    @action(detail=True, methods=["get"])
    def problems(self, request: Request, pk: Any = None) -> Response:
        batch = self.get_object()
        rows = self.paginate_queryset(batch.problems.all())
        return self.get_paginated_response(s.ImportProblemSerializer(rows, many=True).data)

    @extend_schema(
        summary="The kept problems of an import as CSV", responses={(200, "text/csv"): OpenApiTypes.BINARY}
    )
    @action(detail=True, methods=["get"], url_path="problems-csv")
    def problems_csv(self, request: Request, pk: Any = None) -> StreamingHttpResponse:
        from registers.views.imports import problems_csv_response

        return problems_csv_response(self.get_object())

    @extend_schema(
        summary="The CWR acknowledgement (ACK) of a CWR import",
        responses={(200, "text/plain"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"])
    def ack(self, request: Request, pk: Any = None) -> FileResponse:
        from registers.views.imports import ack_response

        return ack_response(self.get_object())

    @extend_schema(
        summary="The works I may edit, as CSV, XLSX or CWR 2.1",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["get"], url_path=r"export/(?P<fmt>csv|xlsx|cwr)")
    def export(self, request: Request, fmt: str) -> HttpResponse | StreamingHttpResponse:
        from registers.views.imports import works_export

        return works_export(request.user, fmt)

    @extend_schema(
        summary="The import template, as CSV or XLSX",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["get"], url_path=r"template/(?P<fmt>csv|xlsx)")
    def template(self, request: Request, fmt: str) -> HttpResponse:
        from registers import tabular

        content = tabular.write_xlsx(tabular.EXAMPLE) if fmt == "xlsx" else tabular.write_csv(tabular.EXAMPLE)
        response = HttpResponse(content, content_type="application/octet-stream")
        response["Content-Disposition"] = f'attachment; filename="works-template.{fmt}"'
        return response
