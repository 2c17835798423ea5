"""Pages of the requests for management: the holder asks, cancels and signs; the CMO accepts or refuses
and signs; the authorized body and the operator read every request (the refusals first among them)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mandates import access, actions
from mandates import signatories as keeping
from mandates.models import MandateRequest, RequestStatus
from mandates.request_forms import RefuseForm, RequestForm, SignForm
from registers.models import Area
from registers.models.claims import Conflict
from udp.accounts import roles
from udp.accounts.decorators import AuthedRequest, holder_required, role_required
from udp.documents.views import pdf_response

reader_required = role_required("is_holder", "is_cmo_staff", "is_regulator", "is_operator")


@contextmanager
def _reported(request: AuthedRequest) -> Iterator[None]:
    """A refused step is said at the top of the page it returns to; nothing was changed."""
    try:
        yield
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)


@reader_required
def request_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    requests = access.requests_visible_to(user).select_related("holder", "cmo").prefetch_related("areas")
    status = request.GET.get("status", "")
    if status in RequestStatus.values:
        requests = requests.filter(status=status)
    context = {
        "requests": requests[:200],
        "status": status,
        "statuses": RequestStatus.choices,
        "may_request": roles.is_holder(user) and user.party_id is not None,
        "is_cmo": roles.is_cmo_staff(user),
        "waiting": access.requests_visible_to(user).filter(status=RequestStatus.REQUESTED).count(),
    }
    return render(request, "mandates/requests/list.html", context)


@holder_required
def request_new(request: AuthedRequest) -> HttpResponse:
    if request.user.party is None:
        messages.error(
            request, _("Your account is not linked to an entry in the register of rightsholders yet.")
        )
        return redirect("mandates:list")
    initial = {"language": request.user.language or "kk"}
    areas = Area.objects.filter(
        item__in=[a for a in request.GET.getlist("area") if a.isascii() and a.isdigit() and len(a) < 4]
    )
    if areas:
        initial["areas"] = list(areas)  # type: ignore[assignment]
    form = RequestForm(request.POST or None, initial=initial)
    conflict: Conflict | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = actions.request_mandate(
                by=request.user, cmo=data["cmo"], areas=list(data["areas"]), starts_on=data["starts_on"],
                language=data["language"], note=data["note"],
            )  # fmt: skip
        except actions.MandateRefused as refused:
            conflict = refused.conflict
            form.add_error(None, refused.messages[0])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Your request is sent to %(cmo)s.") % {"cmo": made.cmo.short_name})
            return redirect("mandates:request", pk=made.pk)
    return render(request, "mandates/requests/new.html", {"form": form, "conflict": conflict})


def _add_errors(form: RequestForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@reader_required
def request_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    made = access.get_request_for_user(request.user, pk)
    side = actions.signing_side(made, request.user)
    may_act = access.requests_answerable_by(request.user).filter(pk=made.pk).exists()
    awaiting = made.status == RequestStatus.AWAITING_SIGNATURES
    signed = side is not None and getattr(made, f"{side}_signature_id") is not None
    needs_signatory = (
        may_act and side == "holder" and awaiting and not signed
        and keeping.holder_needs_signatory(request.user, made.holder)
    )  # fmt: skip
    context = {
        "made": made,
        "areas": made.areas.order_by("item"),
        "signatures": [s for s in (made.holder_signature, made.cmo_signature) if s is not None],
        "may_cancel": may_act and side == "holder" and made.status == RequestStatus.REQUESTED,
        "may_answer": may_act and side == "cmo" and made.status == RequestStatus.REQUESTED,
        "may_sign": may_act and side is not None and awaiting and not signed and not needs_signatory,
        "needs_signatory": needs_signatory,
        "refuse_form": RefuseForm(),
        "sign_form": SignForm(initial={"sha256": made.document.sha256 if made.document else ""}),
    }
    return render(request, "mandates/requests/detail.html", context)


def _act(request: AuthedRequest, pk: int) -> MandateRequest:
    return access.get_request_for_user(request.user, pk, write=True)


@require_POST
@holder_required
def request_cancel(request: AuthedRequest, pk: int) -> HttpResponseBase:
    made = _act(request, pk)
    with _reported(request):
        actions.cancel_request(made, by=request.user)
        messages.success(request, _("Your request is cancelled."))
    return redirect("mandates:request", pk=pk)


@require_POST
@role_required("is_cmo_staff")
def request_accept(request: AuthedRequest, pk: int) -> HttpResponseBase:
    made = _act(request, pk)
    with _reported(request):
        actions.accept_request(made, by=request.user)
        messages.success(request, _("The request is accepted; the agreement is ready to sign."))
    return redirect("mandates:request", pk=pk)


@require_POST
@role_required("is_cmo_staff")
def request_refuse(request: AuthedRequest, pk: int) -> HttpResponseBase:
    made = _act(request, pk)
    form = RefuseForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("mandates:request", pk=pk)
    with _reported(request):
        actions.refuse_request(
            made, by=request.user, ground=form.cleaned_data["ground"], note=form.cleaned_data["note"]
        )
        messages.success(request, _("The request is refused; the holder and the authorized body are told."))
    return redirect("mandates:request", pk=pk)


@require_POST
@role_required("is_holder", "is_cmo_staff")
def request_sign(request: AuthedRequest, pk: int) -> HttpResponseBase:
    made = _act(request, pk)
    form = SignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Confirm that you have read the agreement to sign it."))
        return redirect("mandates:request", pk=pk)
    with _reported(request):
        made = actions.sign_agreement(made, by=request.user, confirmed_sha256=form.cleaned_data["sha256"])
        if made.status == RequestStatus.IN_FORCE:
            messages.success(request, _("Both parties have signed: the mandate is in force."))
        else:
            messages.success(request, _("Your signature is recorded; the other party's is awaited."))
    return redirect("mandates:request", pk=pk)


@reader_required
def request_agreement(request: AuthedRequest, pk: int) -> HttpResponseBase:
    # the agreement holds the holder's IIN: the parties and the operator read it
    if roles.is_operator(request.user):
        made = access.get_request_for_user(request.user, pk)
    else:
        made = access.get_request_for_user(request.user, pk, write=True)
    if made.document is None:
        return redirect("mandates:request", pk=pk)
    return pdf_response(made.document)
