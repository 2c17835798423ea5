"""The API of distribution runs and statements, the same steps and access rules as the pages:

- ``/api/distribution-runs/`` — a CMO's staff list their runs, start one (``POST``: a request a worker
  calculates, followed at ``/api/distribution-run-requests/{id}/``), calculate one again, approve one (another
  member of staff than the one who started it), correct an approved one (``POST …/correct/``, the CMO's
  administrator, with a reason: reversed and cancelled before its money is sent or claimed), list its payees
  (``?q=`` a holder's name);
- ``/api/statements/`` — a holder's statements of approved runs (its CMO's staff and the operator see them
  too), each with its PDF.

Scopes: ``distribution:read`` to read, ``distribution:write`` to calculate, approve and correct.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http.response import HttpResponseBase
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from distribution import calculating, quarters
from distribution import statements as reading
from distribution.actions import run_error_message
from distribution.filters import RunFilter
from distribution.models import Allocation, Payee, Route, Run, RunRequest, Statement
from distribution.run_access import (
    get_request_for_user,
    get_run_for_user,
    get_statement_for_user,
    payees_of,
    requests_visible_to,
    runs_visible_to,
    statements_visible_to,
)
from distribution.runs import pool_parts, route_totals
from registers.models import Area
from udp.accounts import roles
from udp.accounts.api_auth import HasApiKeyScope
from udp.accounts.scopes import Scope
from udp.core.api_steps import must, run
from udp.core.pagination import Pagination
from udp.documents.views import pdf_response

READ, WRITE = Scope.DISTRIBUTION_READ, Scope.DISTRIBUTION_WRITE


class RunSerializer(serializers.ModelSerializer[Run]):
    area = serializers.IntegerField(source="area.item", read_only=True, help_text="Art. 43.3 item")
    cmo = serializers.CharField(source="cmo.short_name", read_only=True)
    started_by = serializers.CharField(read_only=True)
    approved_by = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Run
        fields = [
            "id", "cmo", "area", "period_start", "period_end", "status", "pool_tiyn", "costs_percent",
            "funds_percent", "costs_tiyn", "funds_tiyn", "excluded_units", "started_by", "approved_by",
            "calculated_at", "approved_at",
        ]  # fmt: skip


class RouteTotalSerializer(serializers.Serializer[Any]):
    route = serializers.CharField()
    route_label = serializers.CharField(help_text="The route in your language")
    payees = serializers.IntegerField()
    gross_tiyn = serializers.IntegerField()
    costs_tiyn = serializers.IntegerField()
    funds_tiyn = serializers.IntegerField()
    net_tiyn = serializers.IntegerField()


class PoolPartsSerializer(serializers.Serializer[Any]):
    collected = serializers.IntegerField(help_text="Collected for the run's period, tiyn")
    late = serializers.IntegerField(help_text="Collected for an earlier period after its run, tiyn")
    released = serializers.IntegerField(help_text="Released after three years (Art. 44.5), tiyn")
    given = serializers.IntegerField(help_text="Given to the run by hand, tiyn")


class RunDetailSerializer(RunSerializer):
    routes = serializers.SerializerMethodField(
        help_text="The money per route (paid, held, kept, abroad), as the page"
    )
    pool_parts = serializers.SerializerMethodField(help_text="What the pool is made of")

    class Meta(RunSerializer.Meta):
        fields = [*RunSerializer.Meta.fields, "pool_parts", "routes"]

    @extend_schema_field(PoolPartsSerializer)
    def get_pool_parts(self, run: Run) -> dict[str, int]:
        return pool_parts(run)

    @extend_schema_field(RouteTotalSerializer(many=True))
    def get_routes(self, run: Run) -> list[dict[str, Any]]:
        return [
            {"route": row["route"], "route_label": str(Route(row["route"]).label), "payees": row["payees"],
             "gross_tiyn": row["gross"], "costs_tiyn": row["costs"], "funds_tiyn": row["funds"], "net_tiyn": row["net"]}
            for row in route_totals(run)
        ]  # fmt: skip


class AllocationSerializer(serializers.ModelSerializer[Allocation]):
    title = serializers.CharField(source="work.title", read_only=True)
    holder = serializers.CharField(source="party", read_only=True, allow_null=True)

    class Meta:
        model = Allocation
        fields = ["id", "work", "title", "party", "holder", "right_type", "side", "basis", "percent", "units",
                  "gross_tiyn", "route"]  # fmt: skip
        read_only_fields = fields


class RunRequestSerializer(serializers.ModelSerializer[RunRequest]):
    area = serializers.IntegerField(source="area.item", read_only=True)
    error = serializers.SerializerMethodField(help_text="Why the run was not calculated, in your language")

    class Meta:
        model = RunRequest
        fields = [
            "id", "area", "period_start", "period_end", "costs_percent", "funds_percent", "status", "error_code",
            "error_params", "error", "run", "created_at", "finished_at",
        ]  # fmt: skip

    def get_error(self, obj: RunRequest) -> str:
        return run_error_message(obj.error_code, obj.error_params) if obj.error_code else ""


class DeductionsSerializer(serializers.Serializer[Any]):
    costs_percent = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=20)
    funds_percent = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=20)


class CorrectionSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(
        max_length=2000, help_text="Why the run is corrected (kept with the correction in the ledger)"
    )


class StartSerializer(DeductionsSerializer):
    area = serializers.IntegerField(help_text="Art. 43.3 item of one of your CMO's areas")
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    quarter = serializers.IntegerField(min_value=1, max_value=4)


class PayeeSerializer(serializers.ModelSerializer[Payee]):
    holder = serializers.CharField(source="party", read_only=True, allow_null=True)

    class Meta:
        model = Payee
        fields = [
            "id",
            "party",
            "holder",
            "work",
            "route",
            "gross_tiyn",
            "costs_tiyn",
            "funds_tiyn",
            "net_tiyn",
        ]


def _staff_cmo(user: Any) -> Any:
    must(roles.is_cmo_staff(user) and user.cmo_id is not None, _("only a CMO's staff calculate runs"))
    return user.cmo


@extend_schema_view(
    list=extend_schema(summary="Distribution runs: your CMO's (a CMO's staff), every CMO's (the operator)"),
    retrieve=extend_schema(
        summary="A distribution run: pool, deductions, who started and approved it, the money per route",
        responses=RunDetailSerializer,
    ),
)
class RunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Run]):
    serializer_class = RunSerializer
    filterset_class = RunFilter
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    required_scopes = {
        "list": READ, "retrieve": READ, "payees": READ, "allocations": READ, "create": WRITE, "recalculate": WRITE, "approve": WRITE,
        "correct": WRITE,
    }  # fmt: skip

    def get_serializer_class(self) -> Any:
        return RunDetailSerializer if self.action == "retrieve" else RunSerializer

    def get_queryset(self) -> QuerySet[Run]:
        return runs_visible_to(self.request.user).order_by("-period_start", "-pk")

    def get_object(self) -> Run:
        return get_run_for_user(self.request.user, self.kwargs["pk"])

    @extend_schema(
        summary="Start a quarter's run (a CMO's staff): a worker calculates it; follow the request",
        request=StartSerializer, responses={202: RunRequestSerializer},
    )  # fmt: skip
    def create(self, request: Request) -> Response:
        cmo = _staff_cmo(request.user)
        data = StartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        area = Area.objects.filter(item=data.validated_data["area"]).first()
        if area is None:
            raise serializers.ValidationError({"area": [_("No such area.")]})
        start, end = quarters.quarter(data.validated_data["year"], data.validated_data["quarter"])
        asked = run(
            calculating.request_run, cmo, area, start, end, by=roles.acting_account(request.user),
            costs_percent=data.validated_data["costs_percent"], funds_percent=data.validated_data["funds_percent"],
        )  # fmt: skip
        return Response(RunRequestSerializer(asked).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Calculate the run again while it awaits approval, with these deductions",
        request=DeductionsSerializer, responses={202: RunRequestSerializer},
    )  # fmt: skip
    @action(detail=True, methods=["post"])
    def recalculate(self, request: Request, pk: str) -> Response:
        target = get_run_for_user(request.user, pk, write=True)
        data = DeductionsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        asked = run(
            calculating.request_run, target.cmo, target.area, target.period_start, target.period_end,
            by=roles.acting_account(request.user), **data.validated_data,
        )  # fmt: skip
        return Response(RunRequestSerializer(asked).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Approve the run: another member of the CMO's staff than the one who started it",
        request=None, responses=RunSerializer,
    )  # fmt: skip
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        target = get_run_for_user(request.user, pk, write=True)
        approved = run(calculating.approve, target, by=roles.acting_account(request.user))
        return Response(RunSerializer(approved).data)

    @extend_schema(
        summary="Correct an approved run (the CMO's administrator), before its money is sent or claimed: its "
        "posting is reversed, the run cancelled and its holders told; the period can then be run again",
        request=CorrectionSerializer, responses=RunSerializer,
    )  # fmt: skip
    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk: str) -> Response:
        target = get_run_for_user(request.user, pk, write=True)
        must(
            calculating.may_correct(target, request.user),
            _("only the CMO's administrator corrects an approved run"),
        )
        data = CorrectionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        corrected = run(
            calculating.correct,
            target,
            by=roles.acting_account(request.user),
            reason=data.validated_data["reason"],
        )
        return Response(RunSerializer(corrected).data)

    @extend_schema(
        summary="The run's payees: each holder's gross, deductions and net per route",
        parameters=[OpenApiParameter("q", str, description="Part of a holder's name")],
        responses=PayeeSerializer(many=True),
    )  # fmt: skip
    @action(detail=True, methods=["get"], filter_backends=[])
    def payees(self, request: Request, pk: str) -> Response:
        target = get_run_for_user(request.user, pk)
        payees = payees_of(target, request.query_params.get("q", "").strip()[:100])
        paginator = Pagination()
        page = paginator.paginate_queryset(payees, request, view=self)
        return paginator.get_paginated_response(PayeeSerializer(page, many=True).data)

    @extend_schema(summary="The run's money per work, holder and right, most money first (as the page lists it)",
                   responses=AllocationSerializer(many=True))  # fmt: skip
    @action(detail=True, methods=["get"], filter_backends=[])
    def allocations(self, request: Request, pk: str) -> Response:
        target = get_run_for_user(request.user, pk)
        rows = (
            Allocation.objects.filter(run=target)
            .select_related("work", "party")
            .order_by("-gross_tiyn", "work_id", "pk")
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(AllocationSerializer(page, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="Requests to calculate a run, your CMO's"),
    retrieve=extend_schema(summary="A request to calculate a run: waiting, calculating, calculated or not"),
)
class RunRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[RunRequest]
):
    serializer_class = RunRequestSerializer
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    required_scopes = {"list": READ, "retrieve": READ}

    def get_queryset(self) -> QuerySet[RunRequest]:
        return requests_visible_to(self.request.user).order_by("-pk")

    def get_object(self) -> RunRequest:
        return get_request_for_user(self.request.user, self.kwargs["pk"])


class StatementLineSerializer(serializers.Serializer[Any]):
    route = serializers.CharField()
    gross_tiyn = serializers.IntegerField()
    costs_tiyn = serializers.IntegerField()
    funds_tiyn = serializers.IntegerField()
    net_tiyn = serializers.IntegerField()


class StatementTotalsSerializer(serializers.Serializer[Any]):
    gross_tiyn = serializers.IntegerField()
    costs_tiyn = serializers.IntegerField()
    funds_tiyn = serializers.IntegerField()
    net_tiyn = serializers.IntegerField(help_text="Gross less the deductions")
    payable_tiyn = serializers.IntegerField(help_text="Of the net, what is to be paid (not held, not kept)")
    held_tiyn = serializers.IntegerField(help_text="Of the net, what is held by a conflict or kept")
    tax_tiyn = serializers.IntegerField(help_text="Tax withheld from the payable money (Art. 45 (4))")
    tax_percent = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    to_pay_tiyn = serializers.IntegerField(help_text="Payable less the tax: what the holder receives")
    paid_tiyn = serializers.IntegerField(help_text="Of that, what the bank has confirmed paid")
    in_transit_tiyn = serializers.IntegerField(help_text="Sent to the bank, not yet confirmed")
    owed_tiyn = serializers.IntegerField(help_text="Not yet sent: kept with no time limit")
    paid_on = serializers.DateField(allow_null=True, help_text="The day it was paid in full")


class DistributionStatementSerializer(serializers.ModelSerializer[Statement]):
    cmo = serializers.CharField(source="run.cmo.short_name", read_only=True)
    area = serializers.IntegerField(source="run.area.item", read_only=True)
    period_start = serializers.DateField(source="run.period_start", read_only=True)
    period_end = serializers.DateField(source="run.period_end", read_only=True)
    costs_percent = serializers.DecimalField(
        source="run.costs_percent", max_digits=5, decimal_places=2, read_only=True
    )
    funds_percent = serializers.DecimalField(
        source="run.funds_percent", max_digits=5, decimal_places=2, read_only=True
    )

    class Meta:
        model = Statement
        fields = [
            "id", "run", "party", "cmo", "area", "period_start", "period_end", "costs_percent",
            "funds_percent", "published_at",
        ]  # fmt: skip


class DistributionStatementDetailSerializer(DistributionStatementSerializer):
    basis = serializers.SerializerMethodField(
        help_text="Which shares divided the works' money: territory (collection shares declared for Kazakhstan) "
        "and/or ownership (agreed shares)"
    )
    routes = serializers.SerializerMethodField()
    totals = serializers.SerializerMethodField()
    works = serializers.SerializerMethodField()

    class Meta(DistributionStatementSerializer.Meta):
        fields = [*DistributionStatementSerializer.Meta.fields, "basis", "totals", "routes", "works"]

    def get_basis(self, obj: Statement) -> list[str]:
        return [str(code) for code in reading.bases(obj)]

    def get_routes(self, obj: Statement) -> list[dict[str, Any]]:
        return [
            {"route": p.route, "gross_tiyn": p.gross_tiyn, "costs_tiyn": p.costs_tiyn, "funds_tiyn": p.funds_tiyn,
             "net_tiyn": p.net_tiyn}
            for p in reading.figures(obj).routes
        ]  # fmt: skip

    @extend_schema_field(StatementTotalsSerializer)
    def get_totals(self, obj: Statement) -> dict[str, Any]:
        """As the page shows them: the money, the tax withheld and what is to be paid, and how much of that the
        bank has paid (first in, first out over the holder's runs), is on its way, or is still owed."""
        from distribution.payouts.selectors import paid_status

        money = reading.figures(obj)
        paid = paid_status(obj.party, obj.run)
        return {
            "gross_tiyn": money.gross, "costs_tiyn": money.costs, "funds_tiyn": money.funds, "net_tiyn": money.net,
            "payable_tiyn": money.payable, "held_tiyn": money.held, "tax_tiyn": money.tax,
            "tax_percent": f"{money.tax_percent:.2f}" if money.tax_percent is not None else None,
            "to_pay_tiyn": money.to_pay, "paid_tiyn": paid.paid_tiyn,
            "in_transit_tiyn": paid.in_transit_tiyn, "owed_tiyn": paid.owed_tiyn, "paid_on": paid.paid_on,
        }  # fmt: skip

    def get_works(self, obj: Statement) -> list[dict[str, Any]]:
        rows = list(reading.works(obj))
        found = reading.sources(obj.run_id, [row.work_id for row in rows])
        return [
            {
                "work": row.work_id, "title": row.work.title, "right_type": row.right_type, "percent": str(row.percent),
                "units": row.units, "gross_tiyn": row.gross_tiyn, "route": row.route, "basis": row.basis,
                "sources": [{"licence": s.number, "user": s.user, "plays": s.plays}
                            for s in found.get(row.work_id, [])],
            }
            for row in rows
        ]  # fmt: skip


@extend_schema_view(
    list=extend_schema(summary="Distribution statements: a holder's own; your CMO's holders' for its staff"),
    retrieve=extend_schema(
        summary="A statement: usage by work and source, gross, each deduction and the net",
        responses=DistributionStatementDetailSerializer,
    ),
    pdf=extend_schema(
        summary="The statement as a PDF (issued the first time it is opened in a language)",
        responses={(200, "application/pdf"): bytes},
    ),
)
class StatementViewSet(viewsets.ReadOnlyModelViewSet[Statement]):
    serializer_class = DistributionStatementSerializer
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    required_scopes = {"list": READ, "retrieve": READ, "pdf": READ}

    def get_queryset(self) -> QuerySet[Statement]:
        return statements_visible_to(self.request.user).order_by("-run__period_start", "-pk")

    def get_object(self) -> Statement:
        return get_statement_for_user(self.request.user, self.kwargs["pk"])

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return (
            DistributionStatementDetailSerializer
            if self.action == "retrieve"
            else DistributionStatementSerializer
        )

    @action(detail=True, methods=["get"])
    def pdf(self, request: Request, pk: str) -> HttpResponseBase:
        statement = get_statement_for_user(request.user, pk)
        document = reading.statement_document(
            statement, by=roles.acting_account(request.user), language=reading.language_of(get_language())
        )
        return pdf_response(document)
