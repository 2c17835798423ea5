"""The finance API: invoices, payments, bank statements, accounting periods, with the pages' rules.

The user reads its invoices (and their PDFs) and payments; a CMO's staff read their CMO's, record payments,
import statements, allocate receipts and close months (with a key: ``finance:write``; reading:
``finance:read``); the authorized body and the operator read everything. The role is checked before the
input.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from licensing import finance_access as access
from licensing import ledger, payments
from licensing.models import AccountingPeriod, BankStatement, Invoice, InvoiceLine, Payment
from udp.accounts import roles
from udp.accounts.api_auth import HasApiKeyScope
from udp.accounts.scopes import Scope
from udp.documents.views import pdf_response

READ, WRITE = Scope.FINANCE_READ, Scope.FINANCE_WRITE


def _drf(exc: DjangoValidationError) -> exceptions.ValidationError:
    return exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)


def _cmo_staff(request: Request) -> Any:
    if not roles.is_cmo_staff(request.user) or request.user.cmo is None:
        raise exceptions.PermissionDenied(_("only a CMO's staff"))
    return request.user


class InvoiceLineSerializer(serializers.ModelSerializer[InvoiceLine]):
    area = serializers.IntegerField(source="area.item")

    class Meta:
        model = InvoiceLine
        fields = ["area", "amount"]


class InvoiceSerializer(serializers.ModelSerializer[Invoice]):
    cmo = serializers.CharField(source="cmo.short_name")
    licence = serializers.CharField(source="licence.contract.number")
    lines = InvoiceLineSerializer(many=True, read_only=True)

    class Meta:
        model = Invoice
        fields = [
            "id", "number", "cmo", "licence", "period_start", "period_end", "amount", "paid", "issued_on", "due_on",
            "status", "lines",
        ]  # fmt: skip


class PaymentSerializer(serializers.ModelSerializer[Payment]):
    cmo = serializers.CharField(source="cmo.short_name")
    invoice = serializers.CharField(source="invoice.number", allow_null=True, default=None)
    unallocated = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)

    class Meta:
        model = Payment
        fields = [
            "id", "cmo", "invoice", "amount", "applied", "unallocated", "received_on", "bank_reference", "payer_bin",
            "payer_name", "source", "statement",
        ]  # fmt: skip


class PaymentInputSerializer(serializers.Serializer[Any]):
    invoice = serializers.CharField(required=False, allow_blank=True, default="", help_text="invoice number")
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    received_on = serializers.DateField()
    bank_reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    payer_bin = serializers.RegexField(r"^\d{12}$", required=False, allow_blank=True, default="")
    payer_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class AllocateSerializer(serializers.Serializer[Any]):
    invoice = serializers.CharField(help_text="invoice number")


class StatementSerializer(serializers.ModelSerializer[BankStatement]):
    problems = serializers.SerializerMethodField()

    class Meta:
        model = BankStatement
        fields = [
            "id", "filename", "file_format", "status", "lines", "matched", "unallocated", "duplicates", "bad", "others",
            "problems", "uploaded_at",
        ]  # fmt: skip

    def get_problems(self, statement: BankStatement) -> list[dict[str, Any]]:
        return [{**p, "text": payments.problem_text(p)} for p in statement.problems]


class StatementInputSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(
        help_text="The bank's ISO 20022 camt.053, camt.052 or camt.054 of the account, any version (its booked "
        "credits are the payments received); or CSV with the columns date, amount, payer_bin, payer_name, purpose, "
        "reference. Told apart by the content."
    )


class PeriodSerializer(serializers.ModelSerializer[AccountingPeriod]):
    cmo = serializers.CharField(source="cmo.short_name")

    class Meta:
        model = AccountingPeriod
        fields = ["id", "cmo", "month", "closed_at"]


class CloseInputSerializer(serializers.Serializer[Any]):
    month = serializers.DateField()


def _invoice_of(user: Any, number: str) -> Invoice:
    invoice = access.invoices_editable_by(user).filter(number=number.strip().upper()).first()
    if invoice is None:
        raise exceptions.ValidationError({"invoice": [_("No invoice of yours has this number.")]})
    return invoice


@extend_schema_view(
    list=extend_schema(summary="Invoices: the user's own, a CMO's, or all for the officials"),
    retrieve=extend_schema(summary="An invoice with its lines per area"),
    pdf=extend_schema(summary="The invoice as a PDF", responses={(200, "application/pdf"): bytes}),
)
class InvoiceViewSet(viewsets.ReadOnlyModelViewSet[Invoice]):
    serializer_class = InvoiceSerializer
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    required_scopes = {"list": READ, "retrieve": READ, "pdf": READ}

    def get_queryset(self) -> QuerySet[Invoice]:
        return access.invoices_visible_to(self.request.user).prefetch_related("lines__area")

    @action(detail=True, methods=["get"])
    def pdf(self, request: Request, pk: str) -> HttpResponseBase:
        invoice = access.get_invoice_for_user(request.user, int(pk))
        if invoice.document is None:
            raise Http404
        return pdf_response(invoice.document)


@extend_schema_view(
    list=extend_schema(summary="Payments: the user's own, a CMO's, or all for the officials"),
    retrieve=extend_schema(summary="A payment"),
    create=extend_schema(
        summary="Record a payment received (a CMO's staff); without an invoice it is an unallocated receipt",
        request=PaymentInputSerializer, responses={201: PaymentSerializer},
    ),
    allocate=extend_schema(
        summary="Allocate an unallocated receipt to an invoice", request=AllocateSerializer,
        responses={200: PaymentSerializer},
    ),
)  # fmt: skip
class PaymentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[Payment]):
    serializer_class = PaymentSerializer
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    required_scopes = {"list": READ, "retrieve": READ, "create": WRITE, "allocate": WRITE}

    def get_queryset(self) -> QuerySet[Payment]:
        return access.payments_visible_to(self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = _cmo_staff(request)
        data = PaymentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        number = values.pop("invoice")
        invoice = _invoice_of(user, number) if number else None
        try:
            payment = payments.record_payment(by=user, cmo=user.cmo, invoice=invoice, **values)
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(PaymentSerializer(payment).data, status=201)

    @action(detail=True, methods=["post"])
    def allocate(self, request: Request, pk: str) -> Response:
        user = _cmo_staff(request)
        receipt = access.get_payment_for_user(user, int(pk), write=True)
        data = AllocateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            receipt = payments.allocate_receipt(
                receipt, _invoice_of(user, data.validated_data["invoice"]), by=user
            )
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(PaymentSerializer(receipt).data)


@extend_schema_view(
    list=extend_schema(summary="A CMO's bank statements (all for the officials)"),
    retrieve=extend_schema(summary="A bank statement with its problems, line by line"),
    create=extend_schema(
        summary="Send a bank statement of your account (a CMO's staff): the bank's camt.053/052/054, or CSV with date, "
        "amount, payer_bin, payer_name, purpose, reference. Kept as uploaded (status received) and read by a worker: "
        "GET it until its status is imported or refused",
        request={"multipart/form-data": StatementInputSerializer}, responses={201: StatementSerializer},
    ),
)  # fmt: skip
class BankStatementViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[BankStatement]):
    serializer_class = StatementSerializer
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    required_scopes = {"list": READ, "retrieve": READ, "create": WRITE}
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self) -> QuerySet[BankStatement]:
        return access.statements_visible_to(self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = _cmo_staff(request)
        data = StatementInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        statement = payments.receive_bank_statement(by=user, cmo=user.cmo, file=upload, filename=upload.name)
        return Response(StatementSerializer(statement).data, status=201)


@extend_schema_view(
    list=extend_schema(summary="Closed accounting months: a CMO's own, or all for the officials"),
    create=extend_schema(
        summary="Close an accounting month (a CMO's staff): later postings go to the open month",
        request=CloseInputSerializer, responses={201: PeriodSerializer},
    ),
)  # fmt: skip
class AccountingPeriodViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet[AccountingPeriod]
):
    serializer_class = PeriodSerializer
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    required_scopes = {"list": READ, "create": WRITE}

    def get_queryset(self) -> QuerySet[AccountingPeriod]:
        return access.periods_visible_to(self.request.user).filter(closed_at__isnull=False)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = _cmo_staff(request)
        data = CloseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            period = ledger.close_period(user.cmo, data.validated_data["month"], by=user)
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(PeriodSerializer(period).data, status=201)
