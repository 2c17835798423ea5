"""The CMO's reciprocal agreements: with foreign societies and the other domestic CMOs, their copies
(10 working days, Art. 46.1 (12)), the domestic agreements it lacks (Art. 46.1 (10)), and the
memberships of foreign holders in the societies it represents."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mandates.reciprocal_forms import AgreementForm, CopyForm, EndForm, MembershipForm
from registers import reciprocal
from registers.access import get_cmo_for_user
from registers.models import Contract, ReciprocalArea, ReciprocalAreaStatus, SocietyMembership
from udp.accounts import roles
from udp.accounts.decorators import AuthedRequest, cmo_required
from udp.core import clock


def _own(request: AuthedRequest) -> Any:
    return get_cmo_for_user(request.user, request.user.cmo_id)


def get_agreement_for_user(user: Any, pk: Any) -> Contract:
    """A reciprocal agreement of the user's CMO (either party); 404 for anything else."""
    try:
        return (
            reciprocal.agreements_visible_to(user)
            .filter(Q(cmo_id=user.cmo_id) | Q(counterparty_cmo_id=user.cmo_id))
            .select_related("cmo", "counterparty_cmo", "foreign_society")
            .get(pk=pk)
        )
    except (Contract.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _attach(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@cmo_required
def agreements(request: AuthedRequest) -> HttpResponse:
    cmo = _own(request)
    rows = (
        Contract.objects.filter(kind="reciprocal")
        .filter(Q(cmo=cmo) | Q(counterparty_cmo=cmo))
        .select_related("cmo", "counterparty_cmo", "foreign_society")
        .prefetch_related("areas")
        .order_by("-concluded_on", "number")
    )
    context = {
        "cmo": cmo,
        "agreements": rows,
        "today": clock.today(),
        "missing": reciprocal.missing_for(cmo),
        "represented": ReciprocalArea.objects.filter(cmo=cmo, status=ReciprocalAreaStatus.ACTIVE)
        .select_related("society", "area")
        .order_by("society__short_name", "area__item"),
        "members": SocietyMembership.objects.filter(society__reciprocal_areas__cmo=cmo).distinct().count(),
        "may_write": roles.is_cmo_admin(request.user),
    }
    return render(request, "mandates/reciprocal/cmo_list.html", context)


@cmo_required
def agreement_new(request: AuthedRequest) -> HttpResponse:
    cmo = _own(request)
    if not roles.is_cmo_admin(request.user):
        raise PermissionDenied
    form = AgreementForm(request.POST or None, cmo=cmo)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contract = reciprocal.record_reciprocal_agreement(
                by=request.user, cmo=cmo, society=data["society"], counterparty_cmo=data["counterparty_cmo"],
                areas=data["areas"], concluded_on=data["concluded_on"], valid_from=data["valid_from"],
                valid_until=data["valid_until"],
            )  # fmt: skip
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("The agreement is entered in the register of contracts."))
            return redirect("reciprocal_cmo:detail", pk=contract.pk)
    return render(request, "mandates/reciprocal/cmo_new.html", {"form": form, "cmo": cmo})


@cmo_required
def agreement_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    contract = get_agreement_for_user(request.user, pk)
    may_write = reciprocal.agreements_editable_by(request.user).filter(pk=contract.pk).exists()
    copy_form = (
        CopyForm(request.POST or None, request.FILES or None)
        if request.POST.get("step") == "copy"
        else CopyForm()
    )
    end_form = EndForm(request.POST or None) if request.POST.get("step") == "end" else EndForm()
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied
        try:
            if request.POST.get("step") == "copy" and copy_form.is_valid():
                reciprocal.place_agreement_copy(
                    contract, by=request.user, upload=copy_form.cleaned_data["copy"]
                )
                messages.success(request, _("The copy is placed on the platform."))
                return redirect("reciprocal_cmo:detail", pk=contract.pk)
            if request.POST.get("step") == "end" and end_form.is_valid():
                reciprocal.end_reciprocal_agreement(
                    contract, by=request.user, ended_on=end_form.cleaned_data["ended_on"]
                )
                messages.success(request, _("The agreement has ended."))
                return redirect("reciprocal_cmo:detail", pk=contract.pk)
        except ValidationError as exc:
            _attach(copy_form if request.POST.get("step") == "copy" else end_form, exc)
        except PermissionError:
            raise PermissionDenied from None
    context = {
        "contract": contract,
        "areas": contract.reciprocal_areas.select_related("area") if contract.foreign_society_id else [],
        "may_write": may_write,
        "copy_form": copy_form,
        "end_form": end_form,
        "today": clock.today(),
    }
    return render(request, "mandates/reciprocal/cmo_detail.html", context)


@cmo_required
def agreement_copy(request: AuthedRequest, pk: int) -> FileResponse:
    contract = get_agreement_for_user(request.user, pk)
    if not contract.copy:
        raise Http404
    return FileResponse(contract.copy.open("rb"), as_attachment=True, filename=f"{contract.number}-copy")


@cmo_required
def membership_new(request: AuthedRequest) -> HttpResponse:
    cmo = _own(request)
    form = MembershipForm(request.POST or None)
    society_field = form.fields["society"]
    society_field.queryset = society_field.queryset.filter(  # type: ignore[attr-defined]
        reciprocal_areas__cmo=cmo, reciprocal_areas__status=ReciprocalAreaStatus.ACTIVE
    ).distinct()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reciprocal.record_society_membership(
                by=request.user,
                party=data["ipi"],
                society=data["society"],
                area=data["area"],
                since=data["since"],
            )
        except ValidationError as exc:
            _attach(form, exc)
        except PermissionError:
            form.add_error("society", _("Your CMO does not represent this society in this area."))
        else:
            messages.success(request, _("The membership is recorded."))
            return redirect("reciprocal_cmo:list")
    return render(request, "mandates/reciprocal/cmo_membership.html", {"form": form, "cmo": cmo})
