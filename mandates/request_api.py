"""The API of the requests for management and the paper mandates: the same steps and access rules as the pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from mandates import access, actions, paper
from mandates import bulk as membership
from mandates.models import MandateRequest, PaperMandate
from mandates.request_forms import find_holder
from mandates.request_serializers import (
    BulkInputSerializer,
    BulkResultSerializer,
    DisputeInputSerializer,
    MandateRequestInputSerializer,
    MandateRequestSerializer,
    PaperMandateInputSerializer,
    PaperMandateSerializer,
    RefuseInputSerializer,
    SignInputSerializer,
)
from udp.accounts import roles
from udp.accounts.api_auth import HasApiKeyScope
from udp.accounts.scopes import READ_REGISTERS, Scope
from udp.documents.views import pdf_response


def _refused(exc: DjangoValidationError) -> exceptions.ValidationError:
    detail: dict[str, Any] = {"detail": exc.messages}
    if isinstance(exc, actions.MandateRefused) and exc.conflict is not None:
        detail["conflict"] = exc.conflict.pk
    return exceptions.ValidationError(detail)


def _forbidden(exc: PermissionError) -> exceptions.PermissionDenied:
    return exceptions.PermissionDenied(str(exc))


WRITE = Scope.MANDATES_WRITE
PARTY_STEP = {"request": None, "responses": {200: MandateRequestSerializer}}


@extend_schema_view(
    list=extend_schema(summary="Requests for management you may see (your own, those to your CMO, or all)"),
    retrieve=extend_schema(summary="A request for management, its agreement and signatures"),
    create=extend_schema(
        summary="Ask a CMO to manage areas (a rightsholder)",
        request=MandateRequestInputSerializer,
        responses={201: MandateRequestSerializer},
    ),
)
class MandateRequestViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[MandateRequest],
):
    serializer_class = MandateRequestSerializer
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    required_scopes = {
        **READ_REGISTERS, "create": WRITE, "cancel": WRITE, "accept": WRITE, "refuse": WRITE, "sign": WRITE,
        "agreement": READ_REGISTERS["retrieve"],
    }  # fmt: skip

    def get_queryset(self) -> QuerySet[MandateRequest]:
        queryset = access.requests_visible_to(self.request.user).select_related(
            "holder", "cmo", "contract", "document", "holder_signature", "cmo_signature"
        )
        return queryset.prefetch_related("areas").order_by("-requested_at", "-id")

    def get_object(self) -> MandateRequest:
        return access.get_request_for_user(self.request.user, self.kwargs["pk"])

    def _writable(self) -> MandateRequest:
        return access.get_request_for_user(self.request.user, self.kwargs["pk"], write=True)

    def _answer(self, made: MandateRequest, code: int = status.HTTP_200_OK) -> Response:
        made = access.get_request_for_user(self.request.user, made.pk)
        return Response(MandateRequestSerializer(made).data, status=code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not roles.is_holder(request.user):
            raise exceptions.PermissionDenied(_("Only a rightsholder asks a CMO for management."))
        data = MandateRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = roles.acting_account(request.user)
        try:
            made = actions.request_mandate(
                by=user, cmo=data.validated_data["cmo"], areas=data.validated_data["areas"],
                starts_on=data.validated_data.get("starts_on"), language=data.validated_data.get("language"),
                note=data.validated_data["note"],
            )  # fmt: skip
        except DjangoValidationError as exc:
            raise _refused(exc) from None
        except PermissionError as exc:
            raise _forbidden(exc) from None
        return self._answer(made, status.HTTP_201_CREATED)

    def _step(self, step: Any, **kwargs: Any) -> Response:
        made = self._writable()
        try:
            made = step(made, by=roles.acting_account(self.request.user), **kwargs)
        except DjangoValidationError as exc:
            raise _refused(exc) from None
        except PermissionError as exc:
            raise _forbidden(exc) from None
        return self._answer(made)

    @extend_schema(summary="Cancel your request while the CMO has not answered (the holder)", **PARTY_STEP)  # type: ignore[arg-type]
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: Any = None) -> Response:
        return self._step(actions.cancel_request)

    @extend_schema(
        summary="Accept a request (the CMO): the contract is entered as a draft and the agreement issued",
        **PARTY_STEP,  # type: ignore[arg-type]
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: Any = None) -> Response:
        return self._step(actions.accept_request)

    @extend_schema(
        summary="Refuse a request with a ground (the CMO); the authorized body sees every refusal",
        request=RefuseInputSerializer,
        responses={200: MandateRequestSerializer},
    )
    @action(detail=True, methods=["post"])
    def refuse(self, request: Request, pk: Any = None) -> Response:
        if actions.signing_side(self._writable(), request.user) != "cmo":
            raise exceptions.PermissionDenied(_("Only the CMO's staff answer its requests."))
        data = RefuseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._step(
            actions.refuse_request, ground=data.validated_data["ground"], note=data.validated_data["note"]
        )

    @extend_schema(
        summary="Sign the agreement for your side (confirm its SHA-256); the second signature puts it in force",
        request=SignInputSerializer,
        responses={200: MandateRequestSerializer},
    )
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: Any = None) -> Response:
        self._writable()  # strangers are told "not found" before anything about their input
        data = SignInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._step(
            actions.sign_agreement,
            confirmed_sha256=data.validated_data["sha256"].lower(),
            evidence=data.validated_data["evidence"],
        )

    @extend_schema(
        summary="The mandate agreement as issued (PDF; the parties and the operator)",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"])
    def agreement(self, request: Request, pk: Any = None) -> FileResponse:
        user = request.user
        made = self.get_object() if roles.is_operator(user) else self._writable()
        if made.document is None:
            raise exceptions.NotFound()
        return pdf_response(made.document)


@extend_schema_view(
    list=extend_schema(summary="Mandates signed on paper you may see"),
    retrieve=extend_schema(summary="A mandate signed on paper"),
    create=extend_schema(
        summary="Enter a mandate signed on paper, with its scanned copy (CMO staff)",
        request={"multipart/form-data": PaperMandateInputSerializer},
        responses={201: PaperMandateSerializer},
    ),
)
class PaperMandateViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[PaperMandate],
):
    serializer_class = PaperMandateSerializer
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    required_scopes = {**READ_REGISTERS, "create": WRITE, "confirm": WRITE, "dispute": WRITE, "bulk": WRITE}

    def get_queryset(self) -> QuerySet[PaperMandate]:
        queryset = access.paper_mandates_visible_to(self.request.user)
        return (
            queryset.select_related("contract__holder", "contract__cmo")
            .prefetch_related("contract__areas")
            .order_by("-entered_at", "-id")
        )

    def get_object(self) -> PaperMandate:
        return access.get_paper_mandate_for_user(self.request.user, self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not roles.is_cmo_staff(request.user):
            raise exceptions.PermissionDenied(_("Only a CMO's staff enter its paper mandates."))
        data = PaperMandateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        holder = find_holder(data.validated_data["holder"])
        if holder is None:
            raise exceptions.ValidationError(
                {"holder": ["No rightsholder in the register has this identifier."]}
            )
        try:
            entered = paper.enter_paper_mandate(
                by=roles.acting_account(request.user), holder=holder, areas=data.validated_data["areas"],
                concluded_on=data.validated_data["concluded_on"], valid_from=data.validated_data["valid_from"],
                scan=data.validated_data["scan"], paper_number=data.validated_data["paper_number"],
            )  # fmt: skip
        except DjangoValidationError as exc:
            raise _refused(exc) from None
        except PermissionError as exc:
            raise _forbidden(exc) from None
        return Response(PaperMandateSerializer(entered).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Bring in the whole membership: a CSV or XLSX list of paper mandates and a ZIP of scans (CMO staff)",
        description="Each line is entered on its own; the answer lists every line with its contract number or "
        "what is wrong. A file that cannot be read is refused whole (400).",
        request={"multipart/form-data": BulkInputSerializer},
        responses={200: BulkResultSerializer},
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request: Request) -> Response:
        if not roles.is_cmo_staff(request.user):
            raise exceptions.PermissionDenied(_("Only a CMO's staff enter its paper mandates."))
        data = BulkInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        listing = data.validated_data["listing"]
        try:
            result = membership.enter_membership(
                by=roles.acting_account(request.user), listing=listing, listing_name=listing.name or "",
                scans=data.validated_data.get("scans"),
            )  # fmt: skip
        except membership.Unreadable as exc:
            raise exceptions.ValidationError({"listing": [str(exc)]}) from None
        except PermissionError as exc:
            raise _forbidden(exc) from None
        return Response(BulkResultSerializer(result).data)

    @extend_schema(
        summary="Confirm a mandate entered for you (the holder)",
        request=None,
        responses={200: PaperMandateSerializer},
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: Any = None) -> Response:
        entered = access.get_paper_mandate_for_user(request.user, pk, write=True)
        try:
            entered = paper.confirm_paper_mandate(entered, by=roles.acting_account(request.user))
        except DjangoValidationError as exc:
            raise _refused(exc) from None
        return Response(PaperMandateSerializer(entered).data)

    @extend_schema(
        summary="Dispute a mandate entered for you (the holder): a conflict is opened",
        request=DisputeInputSerializer,
        responses={200: PaperMandateSerializer},
    )
    @action(detail=True, methods=["post"])
    def dispute(self, request: Request, pk: Any = None) -> Response:
        entered = access.get_paper_mandate_for_user(request.user, pk, write=True)
        data = DisputeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            entered, _conflict = paper.dispute_paper_mandate(
                entered, by=roles.acting_account(request.user), note=data.validated_data["note"]
            )
        except DjangoValidationError as exc:
            raise _refused(exc) from None
        return Response(PaperMandateSerializer(entered).data)
