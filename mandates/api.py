"""The withdrawal API (Art. 46.2): the same steps and access rules as the pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from mandates import access, withdrawing
from mandates.models import Withdrawal
from mandates.serializers import (
    ObligationDoneInputSerializer,
    WithdrawalInputSerializer,
    WithdrawalSerializer,
)
from udp.accounts import roles
from udp.accounts.api_auth import HasApiKeyScope
from udp.accounts.scopes import READ_REGISTERS, Scope


def _refused(exc: DjangoValidationError) -> exceptions.ValidationError:
    code = getattr(exc, "code", None) or "invalid"
    return exceptions.ValidationError({"detail": exc.messages, "code": code})


@extend_schema_view(
    list=extend_schema(
        summary="Withdrawals you may see (the holder's own, those addressed to your CMO, or all)"
    ),
    retrieve=extend_schema(summary="A withdrawal, its countdown and what the CMO owes"),
    create=extend_schema(
        summary="Give notice of withdrawal from a CMO (a whole area, or listed works)",
        request=WithdrawalInputSerializer,
        responses={201: WithdrawalSerializer},
    ),
)
class WithdrawalViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Withdrawal],
):
    serializer_class = WithdrawalSerializer
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    required_scopes = {
        **READ_REGISTERS,
        "create": Scope.MANDATES_WRITE,
        "cancel": Scope.MANDATES_WRITE,
        "obligation_done": Scope.MANDATES_WRITE,
    }

    def get_queryset(self) -> QuerySet[Withdrawal]:
        return (
            access.withdrawals_visible_to(self.request.user)
            .select_related("holder", "cmo", "area", "mandate__contract")
            .prefetch_related("works", "obligations")
            .order_by("-received_on", "-pk")
        )

    def get_object(self) -> Withdrawal:
        return access.get_withdrawal_for_user(self.request.user, self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = request.user
        if not (roles.is_holder(user) and roles.is_approved(user)):
            raise exceptions.PermissionDenied
        data = WithdrawalInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            withdrawal = withdrawing.file_withdrawal(
                by=user,
                cmo=data.validated_data["cmo"],
                area=data.validated_data["area"],
                works=data.validated_data.get("works", []),
                note=data.validated_data["note"],
            )
        except DjangoValidationError as exc:
            raise _refused(exc) from None
        return Response(WithdrawalSerializer(self.get_queryset().get(pk=withdrawal.pk)).data, status=201)

    @extend_schema(summary="Cancel your pending notice", request=None, responses=WithdrawalSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: Any = None) -> Response:
        withdrawal = access.get_withdrawal_for_user(request.user, pk, write=True)
        try:
            withdrawing.cancel_withdrawal(withdrawal, by=roles.acting_account(request.user))
        except DjangoValidationError as exc:
            raise _refused(exc) from None
        return Response(WithdrawalSerializer(self.get_queryset().get(pk=withdrawal.pk)).data)

    @extend_schema(
        summary="The CMO reports an obligation done (publish, pay, report), with its evidence",
        request=ObligationDoneInputSerializer,
        responses=WithdrawalSerializer,
    )
    @action(detail=True, methods=["post"], url_path=r"obligations/(?P<kind>publish|pay|report)/done")
    def obligation_done(self, request: Request, pk: Any = None, kind: str = "") -> Response:
        withdrawal = self.get_object()
        obligation = (
            access.obligations_editable_by(request.user).filter(withdrawal=withdrawal, kind=kind).first()
        )
        if obligation is None:
            raise exceptions.NotFound
        data = ObligationDoneInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            withdrawing.complete_obligation(
                obligation, by=roles.acting_account(request.user), evidence=data.validated_data["evidence"]
            )
        except DjangoValidationError as exc:
            raise _refused(exc) from None
        return Response(
            WithdrawalSerializer(self.get_queryset().get(pk=withdrawal.pk)).data, status=status.HTTP_200_OK
        )
