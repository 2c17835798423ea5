"""Pages of the mandates signed on paper: the CMO enters them (one by one, or its membership in bulk);
the holder confirms or disputes each; the operator and the authorized body read them all."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mandates import access, bulk, paper
from mandates.actions import MandateRefused
from mandates.models import HolderAnswer
from mandates.request_forms import BulkForm, DisputeForm, PaperMandateForm
from mandates.views.requests import _reported, reader_required
from registers.models.claims import Conflict
from udp.accounts import roles
from udp.accounts.decorators import AuthedRequest, holder_required, role_required

cmo_required = role_required("is_cmo_staff")


@reader_required
def paper_list(request: AuthedRequest) -> HttpResponse:
    papers = (
        access.paper_mandates_visible_to(request.user)
        .select_related("contract__holder", "contract__cmo")
        .prefetch_related("contract__areas")
        .order_by("-entered_at", "-id")
    )
    answer = request.GET.get("answer", "")
    if answer in HolderAnswer.values:
        papers = papers.filter(holder_answer=answer)
    context = {
        "papers": papers[:200],
        "answer": answer,
        "answers": HolderAnswer.choices,
        "is_cmo": roles.is_cmo_staff(request.user),
    }
    return render(request, "mandates/paper/list.html", context)


@cmo_required
def paper_new(request: AuthedRequest) -> HttpResponse:
    form = PaperMandateForm(request.POST or None, request.FILES or None)
    conflict: Conflict | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entered = paper.enter_paper_mandate(
                by=request.user, holder=data["holder"], areas=list(data["areas"]), concluded_on=data["concluded_on"],
                valid_from=data["valid_from"], scan=data["scan"], paper_number=data["paper_number"],
            )  # fmt: skip
        except MandateRefused as refused:
            conflict = refused.conflict
            form.add_error(None, refused.messages[0])
        except ValidationError as error:
            for field, errors in getattr(error, "message_dict", {None: error.messages}).items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("Mandate %(number)s is entered; the holder is asked to confirm it.")
                % {"number": entered.contract.number},
            )
            return redirect("mandates:paper", pk=entered.pk)
    return render(request, "mandates/paper/new.html", {"form": form, "conflict": conflict})


@cmo_required
def paper_bulk(request: AuthedRequest) -> HttpResponse:
    form = BulkForm(request.POST or None, request.FILES or None)
    result = None
    errors_uri = ""
    if request.method == "POST" and form.is_valid():
        listing, scans = form.cleaned_data["listing"], form.cleaned_data["scans"]
        try:
            result = bulk.enter_membership(
                by=request.user, listing=listing, listing_name=listing.name or "", scans=scans
            )
        except bulk.Unreadable as unreadable:
            form.add_error("listing", str(unreadable))
        else:
            if result.refused:
                errors_uri = "data:text/csv;base64," + base64.b64encode(result.error_csv()).decode()
    return render(
        request, "mandates/paper/bulk.html", {"form": form, "result": result, "errors_uri": errors_uri}
    )


@reader_required
def paper_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    entered = access.get_paper_mandate_for_user(request.user, pk)
    may_answer = (
        access.paper_mandates_answerable_by(request.user).filter(pk=entered.pk).exists()
        and entered.holder_answer == HolderAnswer.PENDING
    )
    context = {
        "paper": entered,
        "contract": entered.contract,
        "areas": entered.contract.areas.order_by("item"),
        "may_answer": may_answer,
        "dispute_form": DisputeForm(),
    }
    return render(request, "mandates/paper/detail.html", context)


@reader_required
def paper_scan(request: AuthedRequest, pk: int) -> HttpResponseBase:
    entered = access.get_paper_mandate_for_user(request.user, pk)
    name = (entered.scan.name or "scan").rsplit("/", 1)[-1]
    return FileResponse(entered.scan.open("rb"), as_attachment=True, filename=name)


@require_POST
@holder_required
def paper_confirm(request: AuthedRequest, pk: int) -> HttpResponseBase:
    entered = access.get_paper_mandate_for_user(request.user, pk, write=True)
    with _reported(request):
        paper.confirm_paper_mandate(entered, by=request.user)
        messages.success(request, _("You confirmed this mandate."))
    return redirect("mandates:paper", pk=pk)


@require_POST
@holder_required
def paper_dispute(request: AuthedRequest, pk: int) -> HttpResponseBase:
    entered = access.get_paper_mandate_for_user(request.user, pk, write=True)
    with _reported(request):
        _paper, conflict = paper.dispute_paper_mandate(
            entered, by=request.user, note=request.POST.get("note", "")
        )
        messages.success(
            request, _("Your dispute is recorded as a conflict; the expert organization decides it.")
        )
        return redirect("claims:conflict", pk=conflict.pk)
    return redirect("mandates:paper", pk=pk)
