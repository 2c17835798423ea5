"""A CMO's payouts, under ``/cmo/distribution/payouts/``: payment files (make one, see its transfers,
download it for the bank) and the bank's statements of them (upload one, see what it found)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from distribution.models import BatchStatus
from distribution.payouts import actions, formats
from distribution.payouts.access import (
    batches_visible_to,
    get_batch_for_user,
    get_statement_for_user,
    statements_visible_to,
)
from distribution.payouts.forms import BatchForm, CancelBatchForm, PayoutStatementForm
from distribution.payouts.selectors import batch_counts, owed, waiting_for_other_account
from udp.accounts.decorators import AuthedRequest, cmo_required

LIST_LIMIT = 200


@cmo_required
def batches(request: AuthedRequest) -> HttpResponse:
    user = request.user
    assert user.cmo is not None
    form = BatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = actions.request_batch(
                user.cmo, by=user, execution_date=form.cleaned_data["execution_date"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("payouts_cmo:batch", pk=batch.pk)  # whose page says it is being made
    balances = owed(user.cmo)
    return render(
        request,
        "distribution/payouts/batches.html",
        {
            "form": form,
            "batches": batches_visible_to(user)[:LIST_LIMIT],
            "owed_holders": len(balances),
            "owed_total_tiyn": sum(balances.values()),
            "returned_holders": len(waiting_for_other_account(list(balances))),
        },
    )


def _batch_page(request: AuthedRequest, found: Any, form: Any = None, status: int = 200) -> HttpResponse:
    counts = batch_counts(found)
    may_cancel = found.status == BatchStatus.READY and not counts["booked"] and not counts["returned"]
    return render(
        request,
        "distribution/payouts/batch.html",
        {
            "batch": found,
            "counts": counts,
            "lines": found.lines.select_related("party", "statement").order_by("id")[:LIST_LIMIT],
            "may_cancel": may_cancel,
            "cancel_form": form or CancelBatchForm(),
        },
        status=status,
    )


@cmo_required
def batch(request: AuthedRequest, pk: int) -> HttpResponse:
    return _batch_page(request, get_batch_for_user(request.user, pk))


@cmo_required
@require_POST
def batch_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    found = get_batch_for_user(request.user, pk)
    form = CancelBatchForm(request.POST)
    if form.is_valid():
        try:
            actions.cancel_batch(found, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("The file is cancelled: its money is owed again and the next file pays it.")
            )
            return redirect("payouts_cmo:batch", pk=found.pk)
    return _batch_page(request, found, form, status=400)


@cmo_required
def batch_file(request: AuthedRequest, pk: int) -> FileResponse:
    found = get_batch_for_user(request.user, pk)
    if found.status != BatchStatus.READY:
        raise Http404
    kind = formats.PAYMENT_FORMATS[found.file_format]
    return FileResponse(
        found.file.open("rb"), as_attachment=True, filename=found.filename, content_type=kind.media_type
    )


@cmo_required
def statements(request: AuthedRequest) -> HttpResponse:
    user = request.user
    assert user.cmo is not None
    form = PayoutStatementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        statement = actions.receive_statement(by=user, cmo=user.cmo, file=upload, filename=upload.name)
        return redirect("payouts_cmo:statement", pk=statement.pk)
    return render(
        request,
        "distribution/payouts/statements.html",
        {"form": form, "statements": statements_visible_to(user)[:LIST_LIMIT]},
    )


@cmo_required
def statement(request: AuthedRequest, pk: int) -> HttpResponse:
    found = get_statement_for_user(request.user, pk)
    problems = [{"line": p["line"], "text": formats.problem_text(p)} for p in found.problems]
    return render(request, "distribution/payouts/statement.html", {"statement": found, "problems": problems})
