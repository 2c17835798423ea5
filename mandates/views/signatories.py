"""Who signs for the organisation: a CMO's admin, or any account of a rightsholder that is a legal entity,
enters the people who may sign mandate agreements for it, and ends their authority."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mandates import signatories as keeping
from mandates.request_forms import EndSignatoryForm, SignatoryForm
from udp.accounts.decorators import AuthedRequest, role_required


@role_required("is_cmo_staff", "is_holder", "is_licensee")
def signatories(request: AuthedRequest) -> HttpResponse:
    """The organisation's accounts read who signs for it; those who keep the record add and end signatories."""
    entity = keeping.entity_of(request.user)
    if entity is None:
        raise PermissionDenied  # a person signs for themselves
    may_keep = keeping.may_keep(request.user) and bool(entity.bin)
    form = None
    if may_keep:
        form = SignatoryForm(
            request.POST or None, accounts=entity.accounts, initial={"account": request.user.pk}
        )
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            keeping.enter_own_signatory(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in getattr(error, "message_dict", {None: error.messages}).items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The signatory is on record."))
            return redirect("mandates:signatories")
    rows = list(keeping.signatories_of(request.user))
    for row in rows:
        row.is_current = keeping.is_current(row)  # type: ignore[attr-defined]
        row.end_form = EndSignatoryForm(prefix=f"end{row.pk}")  # type: ignore[attr-defined]
    context = {
        "form": form,
        "signatories": rows,
        "entity": entity,
        "may_keep": may_keep,
    }
    return render(request, "mandates/signatories.html", context)


@require_POST
@role_required("is_cmo_admin", "is_holder", "is_licensee")
def signatory_end(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """End a signatory's authority (the row stays: signatures already made name it)."""
    rows = keeping.signatories_of(request.user) if keeping.may_keep(request.user) else None
    if rows is None:
        raise PermissionDenied
    row = get_object_or_404(rows, pk=pk)
    form = EndSignatoryForm(request.POST, prefix=f"end{pk}")
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("mandates:signatories")
    try:
        keeping.end_own_signatory(by=request.user, signatory=row, last_day=form.cleaned_data["last_day"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The signatory's authority is ended."))
    return redirect("mandates:signatories")
