"""The operator keeps the register of CMOs: enters a CMO with its legal entity and charter, edits it.

The register holds Kazakh CMOs only, each a legal entity with a BIN; foreign societies are partners
of reciprocal agreements (``mandates.views.reciprocal``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from registers import access, actions
from registers.models import CMO, Area
from udp import identifiers
from udp.accounts.decorators import operator_required

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class CMOForm(forms.Form):
    short_name = forms.CharField(label=_("Short name"), max_length=60)
    name_kk = forms.CharField(label=_("Legal name in Kazakh"), max_length=300, required=False)
    name_ru = forms.CharField(label=_("Legal name in Russian"), max_length=300, required=False)
    name_lat = forms.CharField(label=_("Legal name in Latin script"), max_length=300, required=False)
    bin = forms.CharField(label=_("BIN"), max_length=14)
    cisac_code = forms.CharField(label=_("CISAC society code"), max_length=3, required=False)
    website = forms.URLField(label=_("Website"), required=False)
    public_email = forms.EmailField(label=_("Public e-mail"), required=False)
    public_phone = forms.CharField(label=_("Public phone"), max_length=40, required=False)
    legal_address = forms.CharField(
        label=_("Legal address"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    charter = forms.FileField(label=_("Charter"), required=False)
    charter_date = forms.DateField(
        label=_("Charter date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    areas = forms.ModelMultipleChoiceField(
        label=_("Areas of collective management (Art. 43.3)"),
        queryset=Area.objects.filter(in_force=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    reason = forms.CharField(label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("bin"):
            try:
                data["bin"] = identifiers.validate_bin(data["bin"])
            except ValidationError as exc:
                self.add_error("bin", exc)
        return data


CMO_FIELDS = (
    "cisac_code",
    "website",
    "public_email",
    "public_phone",
    "legal_address",
    "charter_date",
)


@operator_required
def cmo_list(request: HttpRequest) -> HttpResponse:
    cmos = CMO.objects.select_related("party").prefetch_related("areas").order_by("short_name")
    return render(request, "registers/operator_cmos/list.html", {"cmos": cmos})


@operator_required
def cmo_create(request: HttpRequest) -> HttpResponse:
    form = CMOForm(request.POST or None, request.FILES or None)
    write = lambda fields: actions.register_cmo(by=request.user, **fields)  # noqa: E731
    return _form_page(request, form, None, write, _("The CMO is entered in the register."))


@operator_required
def cmo_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cmo = access.get_cmo_for_user(request.user, pk, write=True)
    initial = {k: getattr(cmo, k) for k in CMO_FIELDS} | {
        "short_name": cmo.short_name,
        "name_kk": cmo.party.name_kk,
        "name_ru": cmo.party.name_ru,
        "name_lat": cmo.party.name_lat,
        "bin": cmo.party.bin,
        "areas": list(cmo.areas.all()),
    }
    form = CMOForm(request.POST or None, request.FILES or None, initial=initial)
    write = lambda fields: actions.update_cmo(cmo, by=request.user, **fields)  # noqa: E731
    return _form_page(request, form, cmo, write, _("The change is recorded."))


def _form_page(
    request: HttpRequest,
    form: CMOForm,
    cmo: CMO | None,
    write: Callable[[dict[str, Any]], CMO],
    done: StrOrPromise,
) -> HttpResponse:
    """The CMO form: on a valid POST, one action (``write``) with what the form gives, then back to it."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = write(_action_fields(form.cleaned_data))
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, done)
            return redirect("operator_cmos:edit", pk=saved.pk)
    return render(request, "registers/operator_cmos/form.html", {"form": form, "cmo": cmo})


def _action_fields(data: dict[str, Any]) -> dict[str, Any]:
    """What the form gives, as :func:`registers.actions.register_cmo` and ``update_cmo`` take it."""
    return {
        "reason": data["reason"],
        "short_name": data["short_name"],
        "areas": data["areas"],
        "party_fields": {k: data[k] for k in ("name_kk", "name_ru", "name_lat")}
        | {"bin": data["bin"] or None},
        **{k: data[k] for k in CMO_FIELDS},
        **({"charter": data["charter"]} if data.get("charter") else {}),
    }


def _attach(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
