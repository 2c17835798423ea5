"""The CMO's review queue of usage (``/cmo/distribution/review/``): keys waiting for review with their
candidates, and the unmatched, most played first; the staff confirm a candidate or pick a work."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from distribution import actions
from distribution.access import get_key_for_user, matching_months_for, review_queue_for
from distribution.forms import ConfirmForm
from distribution.models import UsageKey
from registers.models import Work
from udp.accounts.decorators import AuthedRequest, role_required

staff_required = role_required("is_cmo_staff")


def _candidates(keys: list[UsageKey]) -> dict[int, Work]:
    ids = {pk for key in keys for pk in key.candidates}
    return {
        work.pk: work for work in Work.objects.filter(pk__in=ids).only("id", "title", "kind", "isrc", "iswc")
    }


@staff_required
def review(request: AuthedRequest) -> HttpResponse:
    page = Paginator(review_queue_for(request.user), 25).get_page(request.GET.get("page"))
    works = _candidates(list(page))
    rows = [(key, [works[pk] for pk in key.candidates if pk in works]) for key in page]
    return render(
        request,
        "distribution/review.html",
        {"page": page, "rows": rows, "form": ConfirmForm(), "months": matching_months_for(request.user)},
    )


@staff_required
@require_POST
def confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    key = get_key_for_user(request.user, pk, write=True)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            actions.confirm_match(key, work_id=form.cleaned_data["work"], by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("distribution_cmo:review")
    return render(request, "distribution/confirm.html", {"key": key, "form": form}, status=400)


@staff_required
@require_POST
def unmatched(request: AuthedRequest, pk: int) -> HttpResponse:
    actions.leave_unmatched(get_key_for_user(request.user, pk, write=True), by=request.user)
    return redirect("distribution_cmo:review")


@staff_required
def claims_list(request: AuthedRequest) -> HttpResponse:
    from distribution.access import claims_visible_to

    page = Paginator(claims_visible_to(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "distribution/claims.html", {"page": page})


@staff_required
@require_POST
def decide(request: AuthedRequest, pk: int) -> HttpResponse:
    from distribution import claims
    from distribution.access import get_claim_for_user
    from distribution.forms import DecideForm

    claim = get_claim_for_user(request.user, pk, write=True)
    form = DecideForm(request.POST)
    form.is_valid()
    try:
        claims.decide_claim(
            claim, accept=form.cleaned_data.get("accept", False), reason=form.cleaned_data.get("reason", ""),
            by=request.user,
        )  # fmt: skip
    except ValidationError as exc:
        form.add_error(None, exc)
        return render(request, "distribution/claims.html", {"page": [claim], "form": form}, status=400)
    return redirect("distribution_cmo:claims")
