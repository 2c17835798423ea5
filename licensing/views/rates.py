"""Public registers of licensing (minimum rates with the МРП, agreements concluded with users) and the
pages that keep them: the authorized body's minimum rates, the officials' index values, the collector for
commercial phonograms, a CMO's automatic countersigning."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from licensing import phonograms, tariffs
from licensing.forms import CollectorForm, IndexValueForm, MinimumRateForm, PolicyForm, TermFormSet
from licensing.models import (
    CountersignPolicy,
    IndexValue,
    Licence,
    LicenceStatus,
    MinimumRate,
    PhonogramCollector,
)
from mandates import signatories as keeping
from registers.models import CMO
from udp.accounts import roles
from udp.accounts.decorators import AuthedRequest, regulator_required, role_required
from udp.audit import audited

officials = role_required("is_regulator", "is_operator")


def minimum_rates(request: HttpRequest) -> HttpResponse:
    rows = MinimumRate.objects.select_related("area", "category").prefetch_related("components")
    return render(
        request, "licensing/rates/minimum_rates.html",
        {"rates": rows, "index_values": IndexValue.objects.all(), "may_set": roles.is_regulator(request.user),
         "may_index": roles.is_official(request.user)},
    )  # fmt: skip


def contracts(request: HttpRequest) -> HttpResponse:
    """The agreements concluded with users (Art. 46.1 (9)): the user's name and place, the date, per CMO."""
    rows = (
        Licence.objects.filter(status__in=[LicenceStatus.IN_FORCE, LicenceStatus.ENDED])
        .select_related("contract", "cmo", "licensee__party")
        .order_by("-contract__concluded_on", "-pk")
    )
    cmo = request.GET.get("cmo", "")
    if cmo.isdecimal():
        rows = rows.filter(cmo_id=int(cmo))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request, "licensing/rates/contracts.html",
        {"page": page, "cmo": cmo, "cmos": CMO.objects.filter(licences__status=LicenceStatus.IN_FORCE).distinct()},
    )  # fmt: skip


@regulator_required
def minimum_rate_new(request: AuthedRequest) -> HttpResponse:
    form = MinimumRateForm(request.POST or None)
    terms = TermFormSet(request.POST or None, prefix="terms")
    if request.method == "POST" and form.is_valid() and terms.is_valid():
        try:
            tariffs.enter_minimum_rate(by=request.user, terms=terms.terms(), **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("The minimum rate is entered."))
            return redirect("licensing_public:minimum_rates")
    return render(request, "licensing/rates/minimum_rate_form.html", {"form": form, "terms": terms})


@regulator_required
@require_POST
def minimum_rate_end(request: AuthedRequest, pk: int) -> HttpResponseBase:
    rate = get_object_or_404(MinimumRate, pk=pk)
    try:
        until = dt.date.fromisoformat(request.POST.get("valid_until", ""))
        tariffs.end_minimum_rate(
            rate, by=request.user, valid_until=until, reason=request.POST.get("reason", "")
        )
    except ValueError:
        messages.error(request, _("Give the last day as a date."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The minimum rate's end is recorded."))
    return redirect("licensing_public:minimum_rates")


@officials
def index_values(request: AuthedRequest) -> HttpResponse:
    form = IndexValueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tariffs.enter_index_value(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("The index's value is entered."))
            return redirect("licensing_rates:index_values")
    return render(
        request, "licensing/rates/index_values.html", {"form": form, "values": IndexValue.objects.all()}
    )


@role_required("is_operator", "is_cmo_admin", "is_regulator", "is_cmo_staff")
def collectors(request: AuthedRequest) -> HttpResponse:
    may_record = roles.is_operator(request.user) or roles.is_cmo_admin(request.user)
    form = CollectorForm(request.POST or None)
    if request.method == "POST":
        if not may_record:
            messages.error(request, _("The collecting CMO's admin or the operator records the collector."))
            return redirect("licensing_rates:collectors")
        if form.is_valid():
            try:
                phonograms.record_collector(by=request.user, **form.cleaned_data)
            except (ValidationError, PermissionError) as exc:
                form.add_error(None, getattr(exc, "messages", [str(exc)]))
            else:
                messages.success(request, _("The collector is recorded."))
                return redirect("licensing_rates:collectors")
    return render(
        request, "licensing/rates/collectors.html",
        {"form": form, "rows": PhonogramCollector.objects.select_related("cmo"), "may_record": may_record,
         "current": phonograms.split_on()},
    )  # fmt: skip


@role_required("is_cmo_admin")
def policy(request: AuthedRequest) -> HttpResponse:
    cmo = request.user.cmo
    assert cmo is not None
    current = CountersignPolicy.objects.filter(cmo=cmo).first()
    choices = keeping.signatories_of(request.user)
    form = PolicyForm(
        request.POST or None, signatories=choices,
        initial={"active": current.active if current else False, "signatory": current.signatory_id if current else None},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        signatory = form.cleaned_data["signatory"]
        active = form.cleaned_data["active"]
        if active and signatory is None:
            form.add_error("signatory", _("Choose who signs automatically."))
        else:
            with audited(request.user):
                if current is None and signatory is not None:
                    CountersignPolicy.objects.create(
                        cmo=cmo, signatory=signatory, active=active, set_by=request.user
                    )
                elif current is not None:
                    current.active, current.set_by = active, request.user
                    if signatory is not None:
                        current.signatory = signatory
                    current.save()
            messages.success(request, _("The policy is saved."))
            return redirect("tariffs:mine")
    return render(request, "licensing/rates/policy.html", {"form": form, "current": current})
