"""The operator keeps the list of foreign societies (reciprocal partners, not CMOs of the register)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mandates.reciprocal_forms import SocietyForm
from registers import reciprocal
from registers.models import ForeignSociety
from udp.accounts.decorators import AuthedRequest, operator_required

FIELDS = ("short_name", "name", "cisac_code", "country", "territory", "website")


@operator_required
def societies(request: AuthedRequest) -> HttpResponse:
    rows = ForeignSociety.objects.annotate(
        agreements=Count("reciprocal_areas", filter=Q(reciprocal_areas__status="active"), distinct=True),
        members=Count("memberships__party", distinct=True),
    ).order_by("short_name")
    return render(request, "mandates/reciprocal/operator_societies.html", {"societies": rows})


@operator_required
def society_form(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    society = None
    if pk is not None:
        society = ForeignSociety.objects.filter(pk=pk).first()
        if society is None:
            raise Http404
    form = SocietyForm(request.POST or None, instance=society)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in FIELDS}
        reason = form.cleaned_data["reason"]
        try:
            if society is None:
                society = reciprocal.enter_foreign_society(by=request.user, reason=reason, **fields)
            else:
                society = reciprocal.update_foreign_society(society, by=request.user, reason=reason, **fields)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The foreign society is saved."))
            return redirect("reciprocal_operator:list")
    return render(
        request, "mandates/reciprocal/operator_society_form.html", {"form": form, "society": society}
    )
