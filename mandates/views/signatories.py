"""The CMO admin's page of who signs for the organisation (the mandate agreements name them)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mandates import actions
from udp.accounts.decorators import AuthedRequest, role_required
from udp.documents.models import Signatory


@role_required("is_cmo_staff")
def signatories(request: AuthedRequest) -> HttpResponse:
    """The CMO's staff read who signs for it; its admin adds signatories."""
    from mandates.request_forms import SignatoryForm

    cmo = request.user.cmo
    may_add = request.user.is_cmo_admin and cmo is not None
    form = SignatoryForm(request.POST or None, cmo_id=cmo.pk) if may_add and cmo is not None else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            actions.enter_cmo_signatory(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in getattr(error, "message_dict", {None: error.messages}).items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The signatory is on record."))
            return redirect("mandates:signatories")
    rows = Signatory.objects.none()
    if cmo is not None and cmo.party.bin:
        rows = Signatory.objects.filter(entity_bin=cmo.party.bin).select_related("account")
    return render(request, "mandates/signatories.html", {"form": form, "signatories": rows, "cmo": cmo})
