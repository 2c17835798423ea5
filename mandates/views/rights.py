"""The holder's "My rights" page and the download of all their own data."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from mandates import export
from mandates.models import HolderAnswer
from mandates.rights import open_conflicts_of, rights_of
from registers.models import Mandate
from udp.accounts.decorators import AuthedRequest, holder_required
from udp.core import clock

#: The steps "My rights" links to, by the URL names of the pages that take them.
STEPS = {
    "request": "mandates:new",
    "withdraw": "withdrawals:new",
    "withdrawal": "withdrawals:detail",
    "paper": "mandates:paper",
}


def step_url(step: str, *args: object) -> str | None:
    try:
        return reverse(STEPS[step], args=args)
    except NoReverseMatch:
        return None


def _paper_to_answer(mandate: Mandate | None) -> str | None:
    """A mandate entered from paper that the holder has not yet confirmed or disputed: the way to answer."""
    paper = getattr(mandate.contract, "paper", None) if mandate else None
    if paper is None or paper.holder_answer != HolderAnswer.PENDING:
        return None
    return step_url("paper", paper.pk)


@holder_required
def rights(request: AuthedRequest) -> HttpResponse:
    party = request.user.party
    rows = rights_of(party) if party else []
    for row in rows:
        row.links = {  # type: ignore[attr-defined]
            "request": None if row.mandate or row.pending_requests else step_url("request"),
            "withdraw": step_url("withdraw") if row.mandate and not row.pending_withdrawal else None,
            "withdrawal": step_url("withdrawal", row.pending_withdrawal.pk)
            if row.pending_withdrawal
            else None,
            "paper": _paper_to_answer(row.mandate),
        }
    context = {
        "party": party,
        "today": clock.today(),
        "rows": rows,
        "conflicts": list(open_conflicts_of(party)) if party else [],
    }
    return render(request, "mandates/portal/rights.html", context)


@holder_required
def my_data(request: AuthedRequest) -> HttpResponse:
    party = request.user.party
    if party is None:
        raise Http404
    response = HttpResponse(export.holder_data_zip(party), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export.filename(party)}"'
    return response
