"""The API of the annual run for foreign societies and of money with no use:

- ``/api/foreign-runs/`` — a CMO's staff list their annual runs, start one for a year (``POST``, with the
  rate of tenge for each currency the reciprocal agreements name), approve one (another member of staff);
- ``/api/remittances/{id}/export/`` — one society's export (``?as=json``, or ``csv``);
- ``/api/remittances/{id}/paid/`` and ``…/returned/`` — the transfer to the society as the bank statement shows
  it: paid, or returned by the bank (then owed again, and paid by a later transfer);
- ``/api/release-rules/`` — the general meeting's decisions on money with no use after three years
  (recorded by the CMO's admin).

Scopes: ``distribution:read`` to read, ``distribution:write`` to calculate, approve and record.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from distribution import foreign, runs
from distribution.actions import run_error_message
from distribution.engine import RunError
from distribution.models import ForeignRun, ReleaseRule, Remittance, RemittanceTransfer
from distribution.run_access import (
    foreign_runs_visible_to,
    release_rules_visible_to,
    remittances_visible_to,
    staff_cmo_id,
)
from udp.accounts import roles
from udp.accounts.api_auth import HasApiKeyScope
from udp.accounts.scopes import Scope
from udp.core.api_steps import must, run
from udp.core.spreadsheets import csv_bytes

READ, WRITE = Scope.DISTRIBUTION_READ, Scope.DISTRIBUTION_WRITE


def _get(queryset: QuerySet[Any], pk: Any) -> Any:
    try:
        return queryset.get(pk=int(pk))
    except (queryset.model.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def _step(step: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return run(step, *args, **kwargs)
    except RunError as exc:
        raise exceptions.ValidationError(
            {"detail": [run_error_message(exc.code, exc.params)], "code": exc.code}
        ) from None


class RemittanceTransferSerializer(serializers.ModelSerializer[RemittanceTransfer]):
    class Meta:
        model = RemittanceTransfer
        fields = ["id", "paid_on", "bank_reference", "returned_on", "return_reference", "return_reason"]
        read_only_fields = fields


class RemittanceSerializer(serializers.ModelSerializer[Remittance]):
    society = serializers.CharField(source="society.short_name", read_only=True)
    society_code = serializers.CharField(source="society.cisac_code", read_only=True)
    paid_on = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text="The day of the transfer in force (none: owed to the society)",
    )
    bank_reference = serializers.CharField(read_only=True, help_text="The reference of the transfer in force")
    transfers = RemittanceTransferSerializer(
        many=True, read_only=True, help_text="Every transfer recorded, the ones the bank returned included"
    )

    class Meta:
        model = Remittance
        fields = ["id", "society", "society_code", "amount_tiyn", "currency", "rate", "amount", "paid_on",
                  "bank_reference", "transfers"]  # fmt: skip
        read_only_fields = fields


class RemittancePaidSerializer(serializers.Serializer[Any]):
    paid_on = serializers.DateField(help_text="The day the bank statement shows the transfer")
    reference = serializers.CharField(
        max_length=100, help_text="The transfer's reference on the bank statement"
    )


class RemittanceReturnedSerializer(serializers.Serializer[Any]):
    returned_on = serializers.DateField(help_text="The day the bank statement shows the transfer returned")
    reference = serializers.CharField(
        max_length=100, help_text="The return's reference on the bank statement"
    )
    reason = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default="", help_text="The bank's reason, as given"
    )


class ForeignRunSerializer(serializers.ModelSerializer[ForeignRun]):
    cmo = serializers.CharField(source="cmo.short_name", read_only=True)
    started_by = serializers.CharField(read_only=True)
    approved_by = serializers.CharField(read_only=True, allow_null=True)
    remittances = RemittanceSerializer(many=True, read_only=True)

    class Meta:
        model = ForeignRun
        fields = ["id", "cmo", "year", "status", "started_by", "approved_by", "calculated_at", "approved_at",
                  "remittances"]  # fmt: skip


class StartForeignSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    rates = serializers.DictField(
        child=serializers.DecimalField(max_digits=14, decimal_places=6, min_value=0),
        required=False,
        help_text='Tenge for one unit of each currency the agreements name, e.g. {"EUR": "512.34"}',
    )


@extend_schema_view(
    list=extend_schema(summary="Your CMO's annual runs for foreign societies"),
    retrieve=extend_schema(summary="An annual run for foreign societies, with each society's remittance"),
)
class ForeignRunViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ForeignRun]
):
    serializer_class = ForeignRunSerializer
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    required_scopes = {"list": READ, "retrieve": READ, "create": WRITE, "approve": WRITE}

    def get_queryset(self) -> QuerySet[ForeignRun]:
        return (
            foreign_runs_visible_to(self.request.user)
            .prefetch_related("remittances__society", "remittances__transfers")
            .order_by("-year")
        )

    def get_object(self) -> ForeignRun:
        return _get(self.get_queryset(), self.kwargs["pk"])

    @extend_schema(summary="Calculate a year's run for foreign societies (a CMO's staff)",
                   request=StartForeignSerializer, responses={201: ForeignRunSerializer})  # fmt: skip
    def create(self, request: Request) -> Response:
        must(staff_cmo_id(request.user) is not None, _("only a CMO's staff calculate its runs"))
        data = StartForeignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user: Any = request.user
        made = _step(
            foreign.start_foreign_run, user.cmo, data.validated_data["year"],
            by=roles.acting_account(request.user), rates=data.validated_data.get("rates") or {},
        )  # fmt: skip
        return Response(ForeignRunSerializer(made).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Approve it: another member of the CMO's staff than the one who calculated it",
                   request=None, responses=ForeignRunSerializer)  # fmt: skip
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        must(staff_cmo_id(request.user) is not None, _("only a CMO's staff approve its runs"))
        target = self.get_object()
        approved = _step(foreign.approve_foreign_run, target, by=roles.acting_account(request.user))
        return Response(ForeignRunSerializer(approved).data)


class RemittanceViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet[Remittance]):
    serializer_class = RemittanceSerializer
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    required_scopes = {"retrieve": READ, "export": READ, "paid": WRITE, "returned": WRITE}

    def get_queryset(self) -> QuerySet[Remittance]:
        return remittances_visible_to(self.request.user)

    def get_object(self) -> Remittance:
        return _get(self.get_queryset(), self.kwargs["pk"])

    @extend_schema(
        summary="One society's export: each holder's money and works (in the spirit of CISAC's CRD)",
        parameters=[OpenApiParameter("as", str, enum=["json", "csv"], description="json (default) or csv")],
        responses={(200, "application/json"): dict, (200, "text/csv"): str},
    )  # fmt: skip
    @action(detail=True, methods=["get"])
    def export(self, request: Request, pk: str) -> Any:
        remittance = self.get_object()
        name = f"remittance-{remittance.pk}-{remittance.society.cisac_code}"
        if request.query_params.get("as") == "csv":
            response = HttpResponse(
                csv_bytes(foreign.EXPORT_HEADER, foreign.export_rows(remittance)), content_type="text/csv"
            )
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
            return response
        return Response(foreign.export_document(remittance))

    @extend_schema(
        summary="Record the transfer to the society as the bank statement shows it (a CMO's staff): paid, once",
        request=RemittancePaidSerializer, responses=RemittanceSerializer,
    )  # fmt: skip
    @action(detail=True, methods=["post"])
    def paid(self, request: Request, pk: str) -> Response:
        must(staff_cmo_id(request.user) is not None, _("only a CMO's staff record its remittances as paid"))
        remittance = self.get_object()
        data = RemittancePaidSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        done = _step(
            foreign.record_remittance_paid, remittance, paid_on=data.validated_data["paid_on"],
            reference=data.validated_data["reference"], by=roles.acting_account(request.user),
        )  # fmt: skip
        return Response(RemittanceSerializer(done).data)

    @extend_schema(
        summary="Record that the bank returned the transfer in force (a CMO's staff): owed to the society again",
        request=RemittanceReturnedSerializer, responses=RemittanceSerializer,
    )  # fmt: skip
    @action(detail=True, methods=["post"])
    def returned(self, request: Request, pk: str) -> Response:
        must(
            staff_cmo_id(request.user) is not None, _("only a CMO's staff record its remittances as returned")
        )
        remittance = self.get_object()
        data = RemittanceReturnedSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        done = _step(
            foreign.record_remittance_returned, remittance, returned_on=data.validated_data["returned_on"],
            reference=data.validated_data["reference"], reason=data.validated_data["reason"],
            by=roles.acting_account(request.user),
        )  # fmt: skip
        return Response(RemittanceSerializer(done).data)


class ReleaseRuleSerializer(serializers.ModelSerializer[ReleaseRule]):
    recorded_by = serializers.CharField(read_only=True)

    class Meta:
        model = ReleaseRule
        fields = ["id", "decided_on", "meeting_reference", "recorded_by", "recorded_at"]
        read_only_fields = ["recorded_at"]


@extend_schema_view(list=extend_schema(summary="Your CMO's rules for money with no use after three years"))
class ReleaseRuleViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[ReleaseRule]
):
    serializer_class = ReleaseRuleSerializer
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    required_scopes = {"list": READ, "create": WRITE}

    def get_queryset(self) -> QuerySet[ReleaseRule]:
        return release_rules_visible_to(self.request.user).order_by("-decided_on")

    @extend_schema(summary="Record the general meeting's decision (the CMO's admin)",
                   responses={201: ReleaseRuleSerializer})  # fmt: skip
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        must(
            roles.is_cmo_admin(request.user),
            _("only the CMO's admin records its general meeting's decisions"),
        )
        data = ReleaseRuleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user: Any = request.user
        rule = run(
            runs.record_release_rule, user.cmo, by=roles.acting_account(user),
            decided_on=data.validated_data["decided_on"], meeting_reference=data.validated_data["meeting_reference"],
        )  # fmt: skip
        return Response(ReleaseRuleSerializer(rule).data, status=status.HTTP_201_CREATED)
