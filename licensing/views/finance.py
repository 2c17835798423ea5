"""The finance pages: invoices, payments, bank statements, accounting periods.

- ``/space/invoices/``: the user's invoices (PDF) and what it paid;
- ``/cmo/finance/...``: a CMO's invoices, payments (record one), bank statements (import, problems named per
  line), unallocated receipts (allocate), accounting periods (close a month);
- ``/regulator/finance/``: the authorized body's overview per CMO, read only.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q, Sum
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from licensing import finance_access as access
from licensing import ledger, payments
from licensing.models import InvoiceStatus, LedgerAccount, Payment
from licensing.views.finance_forms import AllocateForm, ClosePeriodForm, PaymentForm, StatementForm
from registers.models import CMO
from udp.accounts.decorators import AuthedRequest, cmo_required, licensee_required, role_required
from udp.documents.views import pdf_response
from udp.money import from_tiyn

LIST_LIMIT = 200
officials = role_required("is_regulator", "is_operator")


def _form_errors(form: PaymentForm | AllocateForm | ClosePeriodForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# -- the user ---------------------------------------------------------------------------------------------
@licensee_required
def space_invoices(request: AuthedRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "licensing/finance/space_invoices.html",
        {
            "invoices": access.invoices_visible_to(user)[:LIST_LIMIT],
            "payments": access.payments_visible_to(user)[:LIST_LIMIT],
        },
    )


@licensee_required
def space_invoice_pdf(request: AuthedRequest, pk: int) -> HttpResponseBase:
    return _pdf(request, pk)


def _pdf(request: AuthedRequest, pk: int) -> HttpResponseBase:
    invoice = access.get_invoice_for_user(request.user, pk)
    if invoice.document is None:
        raise Http404
    return pdf_response(invoice.document)


# -- the CMO ----------------------------------------------------------------------------------------------
@cmo_required
def cmo_invoices(request: AuthedRequest) -> HttpResponse:
    user = request.user
    status = request.GET.get("status", "")
    invoices = access.invoices_visible_to(user)
    if status in InvoiceStatus.values:
        invoices = invoices.filter(status=status)
    return render(
        request,
        "licensing/finance/cmo_invoices.html",
        {"invoices": invoices[:LIST_LIMIT], "status": status, "statuses": InvoiceStatus.choices},
    )


@cmo_required
def cmo_invoice(request: AuthedRequest, pk: int) -> HttpResponse:
    invoice = access.get_invoice_for_user(request.user, pk)
    return render(
        request,
        "licensing/finance/cmo_invoice.html",
        {
            "invoice": invoice,
            "lines": invoice.lines.select_related("area"),
            "payments": invoice.payments.all(),
            "form": PaymentForm(initial={"invoice_number": invoice.number}, cmo_id=invoice.cmo_id),
        },
    )


@cmo_required
def cmo_invoice_pdf(request: AuthedRequest, pk: int) -> HttpResponseBase:
    return _pdf(request, pk)


@cmo_required
def cmo_payments(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "licensing/finance/cmo_payments.html",
        {"payments": access.payments_visible_to(request.user)[:LIST_LIMIT]},
    )


@cmo_required
def cmo_payment_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    assert user.cmo is not None
    form = PaymentForm(request.POST or None, cmo_id=user.cmo.pk)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment = payments.record_payment(
                by=user, cmo=user.cmo, amount=data["amount"], received_on=data["received_on"],
                invoice=data["invoice_number"], bank_reference=data["bank_reference"],
                payer_bin=data["payer_bin"], payer_name=data["payer_name"],
            )  # fmt: skip
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The payment is recorded."))
            if payment.invoice_id:
                return redirect("finance_cmo:invoice", pk=payment.invoice_id)
            return redirect("finance_cmo:receipts")
    return render(request, "licensing/finance/form.html", {"form": form, "title": _("Record a payment")})


@cmo_required
def cmo_statements(request: AuthedRequest) -> HttpResponse:
    user = request.user
    assert user.cmo is not None
    form = StatementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        statement = payments.receive_bank_statement(by=user, cmo=user.cmo, file=upload, filename=upload.name)
        return redirect("finance_cmo:statement", pk=statement.pk)
    return render(
        request,
        "licensing/finance/cmo_statements.html",
        {"form": form, "statements": access.statements_visible_to(user)[:LIST_LIMIT]},
    )


@cmo_required
def cmo_statement(request: AuthedRequest, pk: int) -> HttpResponse:
    statement = access.get_statement_for_user(request.user, pk)
    problems = [{"line": p["line"], "text": payments.problem_text(p)} for p in statement.problems]
    return render(
        request,
        "licensing/finance/cmo_statement.html",
        {
            "statement": statement,
            "problems": problems,
            "payments": statement.payments.select_related("invoice"),
        },
    )


@cmo_required
def cmo_receipts(request: AuthedRequest) -> HttpResponse:
    user = request.user
    assert user.cmo is not None
    return render(
        request,
        "licensing/finance/cmo_receipts.html",
        {
            "receipts": access.receipts_allocatable_by(user)[:LIST_LIMIT],
            "form": AllocateForm(cmo_id=user.cmo.pk),
        },
    )


@require_POST
@cmo_required
def cmo_receipt_allocate(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    receipt = access.get_payment_for_user(user, pk, write=True)
    form = AllocateForm(request.POST, cmo_id=receipt.cmo_id)
    if form.is_valid():
        try:
            payments.allocate_receipt(receipt, form.cleaned_data["invoice_number"], by=user)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The receipt is allocated to the invoice."))
            return redirect("finance_cmo:receipts")
    for error in form.errors.values():
        messages.error(request, " ".join(str(e) for e in error))
    return redirect("finance_cmo:receipts")


@cmo_required
def cmo_periods(request: AuthedRequest) -> HttpResponse:
    user = request.user
    assert user.cmo is not None
    form = ClosePeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ledger.close_period(user.cmo, form.cleaned_data["month"], by=user)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The month is closed: later postings go to the open month."))
            return redirect("finance_cmo:periods")
    return render(
        request,
        "licensing/finance/cmo_periods.html",
        {
            "form": form,
            "periods": access.periods_visible_to(user).filter(closed_at__isnull=False)[:LIST_LIMIT],
            "balances": _balances(user.cmo),
        },
    )


def _balances(cmo: CMO) -> list[dict[str, object]]:
    names = {a.code: a.name for a in LedgerAccount.objects.all()}
    return [
        {"account": names[row["account"]], "balance": from_tiyn(row["balance"])}
        for row in ledger.balances(cmo, by=("account",))
    ]


# -- the authorized body ----------------------------------------------------------------------------------
@officials
def regulator_overview(request: AuthedRequest) -> HttpResponse:
    user = request.user
    invoiced = (
        access.invoices_visible_to(user)
        .exclude(status=InvoiceStatus.CANCELLED)
        .values("cmo__short_name")
        .annotate(
            invoices=Count("id"), invoiced=Sum("amount"), received=Sum("paid"), due=Sum(F("amount") - F("paid")),
            unpaid=Count("id", filter=Q(status__in=[InvoiceStatus.ISSUED, InvoiceStatus.PART_PAID])),
        )
        .order_by("cmo__short_name")
    )  # fmt: skip
    unallocated = dict(
        Payment.objects.filter(applied__lt=F("amount"))
        .values("cmo__short_name")
        .annotate(total=Sum(F("amount") - F("applied")))
        .values_list("cmo__short_name", "total")
    )
    rows = [{**row, "unallocated": unallocated.get(row["cmo__short_name"], 0)} for row in invoiced]
    return render(request, "licensing/finance/regulator.html", {"rows": rows})
