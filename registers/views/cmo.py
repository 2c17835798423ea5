"""The CMO dashboard: the domains' cards (the organisation, its members, their works), the members and
works lists, the public data."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from registers import access, actions
from registers.forms import BranchFormSet, CMOPublicForm, RepresentativeFormSet, filled_rows
from registers.models import CMO
from registers.search import search_works
from udp.accounts import consoles
from udp.accounts.decorators import AuthedRequest, cmo_required

PAGE_SIZE = 50


def _cmo(request: AuthedRequest) -> CMO:
    """The CMO of the staff account (``cmo_required`` admits only accounts that have one)."""
    cmo = request.user.cmo
    if cmo is None:
        raise PermissionDenied
    return cmo


@cmo_required
def home(request: AuthedRequest) -> HttpResponse:
    context = {"cmo": _cmo(request), "console": consoles.console_view("cmo", request.user)}
    return render(request, "registers/cmo/home.html", context)


@cmo_required
def members(request: AuthedRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    parties = (
        access.member_parties(_cmo(request))
        .search(query)
        .prefetch_related("ipi_names")
        .order_by("name_lat", "name_ru", "pk")
    )
    page = Paginator(parties, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "registers/cmo/members.html", {"cmo": request.user.cmo, "page": page, "q": query})


@cmo_required
def works(request: AuthedRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    queryset = access.works_editable_by(request.user)
    if query:
        queryset = search_works(queryset, query)
    queryset = queryset.prefetch_related("contributors__party").order_by("title", "pk")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "registers/cmo/works.html", {"cmo": request.user.cmo, "page": page, "q": query})


@cmo_required
def profile(request: AuthedRequest) -> HttpResponse:
    """A CMO administrator edits the organisation's public contacts, representatives and branches."""
    cmo = access.get_cmo_for_user(request.user, request.user.cmo_id, write=True)
    reason_required = access.requires_reason(request.user, cmo)
    if request.method == "POST":
        form = CMOPublicForm(request.POST, reason_required=reason_required)
        reps = RepresentativeFormSet(request.POST, prefix="r")
        branches = BranchFormSet(request.POST, prefix="b")
        if form.is_valid() and reps.is_valid() and branches.is_valid():
            data = dict(form.cleaned_data)
            reason = data.pop("reason", "")
            try:
                actions.update_cmo_public_data(
                    cmo, by=request.user, reason=reason, fields=data,
                    representatives=filled_rows(reps, "name"), branches=filled_rows(branches, "city"),
                )  # fmt: skip
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The public data of the organisation is saved."))
                return redirect("cmo:home")
    else:
        form = CMOPublicForm(
            initial={n: getattr(cmo, n) for n in ("website", "public_email", "public_phone", "legal_address")}
        )
        reps = RepresentativeFormSet(
            prefix="r",
            initial=list(
                cmo.representatives.values("name", "position", "region", "public_phone", "public_email")
            ),
        )
        branches = BranchFormSet(
            prefix="b", initial=list(cmo.branches.values("city", "address", "head", "public_phone"))
        )
    context = {"cmo": cmo, "form": form, "reps": reps, "branches": branches}
    return render(request, "registers/cmo/profile.html", context)
