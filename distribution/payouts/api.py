"""The API of payouts, with the pages' rules: a CMO's staff list and make their CMO's payment files, download
them, and import the bank's statements of them (``finance:write`` to make or import, ``finance:read`` to read);
anyone signed in reads the tax rates."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from distribution.models import BatchStatus, PaymentBatch, PaymentLine, PayoutStatement, TaxRate
from distribution.payouts import actions, formats
from distribution.payouts.access import (
    batches_visible_to,
    get_batch_for_user,
    get_statement_for_user,
    statements_visible_to,
)
from distribution.payouts.selectors import batch_counts
from udp.accounts import roles
from udp.accounts.api_auth import HasApiKeyScope
from udp.accounts.scopes import Scope
from udp.core import api_steps
from udp.core.pagination import Pagination

READ, WRITE = Scope.FINANCE_READ, Scope.FINANCE_WRITE


class BatchSerializer(serializers.ModelSerializer[PaymentBatch]):
    class Meta:
        model = PaymentBatch
        fields = [
            "id", "number", "status", "file_format", "execution_date", "lines_count", "total_tiyn", "filename",
            "sha256", "created_at",
        ]  # fmt: skip


class BatchDetailSerializer(BatchSerializer):
    counts = serializers.SerializerMethodField(help_text="How many transfers are sent, booked and returned")

    class Meta(BatchSerializer.Meta):
        fields = [*BatchSerializer.Meta.fields, "counts"]

    def get_counts(self, batch: PaymentBatch) -> dict[str, int]:
        return batch_counts(batch)


class TransferSerializer(serializers.ModelSerializer[PaymentLine]):
    return_reason_text = serializers.CharField(
        read_only=True,
        help_text="The bank's reason for a return, in the request's language (AC04: the account is closed)",
    )

    class Meta:
        model = PaymentLine
        fields = [
            "id",
            "end_to_end_id",
            "party",
            "creditor_name",
            "iban",
            "amount_tiyn",
            "status",
            "settled_on",
            "return_reason",
            "return_reason_text",
        ]
        read_only_fields = fields


class CancelBatchSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=1000, help_text="What the bank answered")


class BatchInputSerializer(serializers.Serializer[Any]):
    execution_date = serializers.DateField(required=False, allow_null=True, default=None)


class PayoutStatementSerializer(serializers.ModelSerializer[PayoutStatement]):
    problems = serializers.SerializerMethodField()

    class Meta:
        model = PayoutStatement
        fields = [
            "id", "filename", "sha256", "file_format", "status", "lines", "booked", "returned", "duplicates", "bad",
            "others", "problems", "uploaded_at",
        ]  # fmt: skip

    def get_problems(self, statement: PayoutStatement) -> list[dict[str, Any]]:
        return [{**p, "text": formats.problem_text(p)} for p in statement.problems]


class PayoutStatementInputSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(
        help_text="The bank's ISO 20022 camt.053, camt.052 or camt.054 (any version) as it sends it; or CSV with the "
        "columns end_to_end_id, amount, status (booked or returned), date. Told apart by the content."
    )


class TaxRateSerializer(serializers.ModelSerializer[TaxRate]):
    class Meta:
        model = TaxRate
        fields = ["id", "party_kind", "resident", "percent", "valid_from", "valid_until", "basis"]


def _staff(request: Request) -> Any:
    api_steps.must(
        roles.is_cmo_staff(request.user) and request.user.cmo_id is not None, "only a CMO's staff pay holders"
    )
    return request.user


@extend_schema_view(
    list=extend_schema(summary="Your CMO's payment files to the bank"),
    retrieve=extend_schema(summary="A payment file of your CMO"),
    create=extend_schema(
        summary="Make a payment file: every holder owed money who has a primary bank account. The money is set "
        "aside at once (status reserved) and a worker writes the file: GET it until its status is ready, then GET "
        "its file. An unfinished file of your CMO is returned and written instead of a new one",
        request=BatchInputSerializer, responses={201: BatchSerializer},
    ),
    file=extend_schema(
        summary="The payment file as made (ISO 20022 pain.001.001.03); 404 until its status is ready",
        responses={(200, "application/xml"): bytes},
    ),
)  # fmt: skip
class BatchViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[PaymentBatch]):
    serializer_class = BatchSerializer
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    required_scopes = {
        "list": READ, "retrieve": READ, "file": READ, "transfers": READ, "create": WRITE, "cancel": WRITE,
    }  # fmt: skip

    def get_queryset(self) -> QuerySet[PaymentBatch]:
        return batches_visible_to(self.request.user)

    def get_serializer_class(self) -> Any:
        return BatchDetailSerializer if self.action == "retrieve" else BatchSerializer

    @extend_schema(summary="The file's transfers, as the page lists them: reference, holder, account, amount, status",
                   responses=TransferSerializer(many=True))  # fmt: skip
    @action(detail=True, methods=["get"])
    def transfers(self, request: Request, pk: str) -> Response:
        batch = get_batch_for_user(request.user, pk)
        paginator = Pagination()
        page = paginator.paginate_queryset(batch.lines.order_by("id"), request, view=self)
        return paginator.get_paginated_response(TransferSerializer(page, many=True).data)

    def get_object(self) -> PaymentBatch:
        return get_batch_for_user(self.request.user, self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = _staff(request)
        data = BatchInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        batch = api_steps.run(
            actions.request_batch, user.cmo, by=user, execution_date=data.validated_data["execution_date"]
        )
        return Response(BatchSerializer(batch).data, status=201)

    @extend_schema(
        summary="The bank refused the file: cancel it while none of its transfers is booked or returned; its money "
        "is owed again and the next file pays it",
        request=CancelBatchSerializer, responses=BatchDetailSerializer,
    )  # fmt: skip
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        user = _staff(request)
        batch = get_batch_for_user(request.user, pk)
        data = CancelBatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        done = api_steps.run(actions.cancel_batch, batch, by=user, reason=data.validated_data["reason"])
        return Response(BatchDetailSerializer(done).data)

    @action(detail=True, methods=["get"])
    def file(self, request: Request, pk: str) -> FileResponse:
        batch = get_batch_for_user(request.user, pk)
        if batch.status != BatchStatus.READY:
            raise Http404
        kind = formats.PAYMENT_FORMATS[batch.file_format]
        return FileResponse(
            batch.file.open("rb"), as_attachment=True, filename=batch.filename, content_type=kind.media_type
        )


@extend_schema_view(
    list=extend_schema(summary="Your CMO's bank statements of payouts"),
    retrieve=extend_schema(summary="A bank statement of payouts with its problems, line by line"),
    create=extend_schema(
        summary="Send the bank's statement of your transfers: kept as uploaded (status received) and read by a worker; "
        "GET it until its status is imported or refused. Booked transfers are paid, returned ones owed again, the "
        "account's other entries counted and left aside",
        request={"multipart/form-data": PayoutStatementInputSerializer}, responses={201: PayoutStatementSerializer},
    ),
)  # fmt: skip
class PayoutStatementViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[PayoutStatement]):
    serializer_class = PayoutStatementSerializer
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    required_scopes = {"list": READ, "retrieve": READ, "create": WRITE}
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self) -> QuerySet[PayoutStatement]:
        return statements_visible_to(self.request.user)

    def get_object(self) -> PayoutStatement:
        return get_statement_for_user(self.request.user, self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = _staff(request)
        data = PayoutStatementInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        statement = actions.receive_statement(by=user, cmo=user.cmo, file=upload, filename=upload.name)
        return Response(PayoutStatementSerializer(statement).data, status=201)


@extend_schema_view(
    list=extend_schema(summary="Rates of tax withheld from holders' remuneration, with their basis")
)
class TaxRateViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[TaxRate]):
    serializer_class = TaxRateSerializer
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    required_scopes = {"list": READ}
    queryset = TaxRate.objects.all()
