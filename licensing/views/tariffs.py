"""Tariffs: public (``/tariffs/``, each with the repertoire it covers, Art. 46.1 (6)) and the CMO's own
(drafts, publishing, withdrawing) under ``/tariffs/mine/``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from licensing import access, tariffs
from licensing.forms import TariffForm, TermFormSet, terms_initial
from licensing.models import Tariff, TariffStatus, Use
from registers.models import CMO, Area, UserCategory
from udp.accounts.decorators import AuthedRequest, cmo_required
from udp.core import clock


def _filters(request: HttpRequest) -> dict[str, Any]:
    return {name: request.GET.get(name, "") for name in ("cmo", "area", "category", "use")}


def index(request: HttpRequest) -> HttpResponse:
    """Published tariffs valid today or later, by CMO, area and category."""
    today = clock.today()
    rows = (
        access.tariffs_visible_to(None).filter(status=TariffStatus.PUBLISHED).exclude(valid_until__lt=today)
    )
    chosen = _filters(request)
    if chosen["cmo"].isdecimal():
        rows = rows.filter(cmo_id=int(chosen["cmo"]))
    if chosen["area"].isdecimal():
        rows = rows.filter(area__item=int(chosen["area"]))
    if chosen["category"]:
        rows = rows.filter(category__code=chosen["category"])
    if chosen["use"] in Use.values:
        rows = rows.filter(use=chosen["use"])
    page = Paginator(rows.order_by("cmo__short_name", "area__item", "category__ordering", "pk"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request, "licensing/tariffs/index.html",
        {
            "page": page, "chosen": chosen, "cmos": CMO.objects.filter(tariffs__status=TariffStatus.PUBLISHED).distinct(),
            "areas": Area.objects.filter(in_force=True), "categories": UserCategory.objects.all(), "uses": Use.choices,
        },
    )  # fmt: skip


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    tariff = access.get_tariff_for_user(request.user, pk)
    shortfalls = tariffs.shortfalls_of(tariff) if tariff.status == TariffStatus.DRAFT else []
    return render(
        request, "licensing/tariffs/detail.html",
        {"tariff": tariff, "components": tariff.components.all(), "shortfalls": shortfalls,
         "own": getattr(request.user, "cmo_id", None) == tariff.cmo_id},
    )  # fmt: skip


@cmo_required
def mine(request: AuthedRequest) -> HttpResponse:
    rows = Tariff.objects.filter(cmo=request.user.cmo).select_related("area", "category")
    return render(
        request,
        "licensing/tariffs/mine.html",
        {"tariffs": rows.order_by("status", "area__item", "-valid_from")},
    )


def _save(request: AuthedRequest, tariff: Tariff | None) -> HttpResponse:
    cmo = request.user.cmo
    assert cmo is not None
    initial: dict[str, Any] = {"valid_from": clock.today()}
    if tariff is not None:
        initial = {
            name: getattr(tariff, name)
            for name in ("area", "category", "use", "title", "notes", "valid_from", "valid_until", "licence_months",
                         "invoice_period", "report_frequency", "report_due_days", "auto_countersign")
        }  # fmt: skip
    form = TariffForm(request.POST or None, cmo=cmo, initial=initial)
    terms = TermFormSet(
        request.POST or None,
        prefix="terms",
        initial=terms_initial(tariff.components.all()) if tariff else None,
    )
    if request.method == "POST" and form.is_valid() and terms.is_valid():
        try:
            saved = tariffs.save_tariff(
                by=request.user, cmo=cmo, tariff=tariff, terms=terms.terms(), **form.cleaned_data
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, errors in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, _("The draft is saved. Publish it when it is ready."))
            return redirect("tariffs:detail", saved.pk)
    return render(request, "licensing/tariffs/form.html", {"form": form, "terms": terms, "tariff": tariff})


@cmo_required
def new(request: AuthedRequest) -> HttpResponse:
    return _save(request, None)


@cmo_required
def edit(request: AuthedRequest, pk: int) -> HttpResponse:
    tariff = access.get_tariff_for_user(request.user, pk, write=True)
    if tariff.status != TariffStatus.DRAFT:
        messages.error(
            request, _("Only a draft tariff can be changed; withdraw a published one and publish a new one.")
        )
        return redirect("tariffs:detail", tariff.pk)
    return _save(request, tariff)


@cmo_required
@require_POST
def publish(request: AuthedRequest, pk: int) -> HttpResponseBase:
    tariff = access.get_tariff_for_user(request.user, pk, write=True)
    try:
        tariffs.publish_tariff(tariff, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The tariff is published."))
    return redirect("tariffs:detail", tariff.pk)


@cmo_required
@require_POST
def withdraw(request: AuthedRequest, pk: int) -> HttpResponseBase:
    tariff = access.get_tariff_for_user(request.user, pk, write=True)
    was_draft = tariff.status == TariffStatus.DRAFT
    try:
        tariffs.withdraw_tariff(tariff, by=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("tariffs:detail", tariff.pk)
    messages.success(request, _("The draft is deleted.") if was_draft else _("The tariff is withdrawn."))
    return redirect("tariffs:mine")
