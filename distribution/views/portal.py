"""A holder's claims of unmatched usage, under ``/portal/distribution/`` (A46.1.3-identify)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from distribution import claims
from distribution.access import (
    claims_visible_to,
    get_unmatched_for_user,
    search_unmatched,
    unmatched_visible_to,
)
from distribution.forms import ClaimForm
from udp.accounts.decorators import AuthedRequest, role_required

holder_required = role_required("is_holder")


@holder_required
def unmatched(request: AuthedRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    keys = search_unmatched(unmatched_visible_to(request.user), q)
    page = Paginator(keys.order_by("-plays", "id"), 25).get_page(request.GET.get("page"))
    mine = Paginator(claims_visible_to(request.user), 25).get_page(request.GET.get("claims_page"))
    return render(request, "distribution/unmatched.html", {"page": page, "q": q, "claims": mine})


@holder_required
def claim(request: AuthedRequest, pk: int) -> HttpResponse:
    key = get_unmatched_for_user(request.user, pk)
    works = [
        (w.pk, _("%(title)s (No. %(number)s)") % {"title": w.title, "number": w.pk})
        for w in claims.works_claimable_by(request.user)
    ]
    form = ClaimForm(request.POST or None, works=works)
    if request.method == "POST" and form.is_valid():
        try:
            claims.file_claim(
                key, work_id=form.cleaned_data["work"], note=form.cleaned_data["note"], by=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("distribution_portal:unmatched")
    return render(
        request, "distribution/claim.html", {"key": key, "form": form}, status=400 if form.errors else 200
    )
