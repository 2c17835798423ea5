"""Claims of remuneration (Art. 46.2): the holder's money kept by CMOs and their claims under
``/portal/distribution/kept/``; the CMO's claims to answer under ``/cmo/distribution/remuneration-claims/``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from distribution import remuneration
from distribution.forms import DecideForm, RemunerationClaimForm
from distribution.models import DemandStatus
from distribution.payouts.selectors import claim_paid_status
from distribution.run_access import get_remuneration_claim_for_user, remuneration_claims_visible_to
from distribution.statements import language_of
from registers.models import CMO
from udp.accounts import roles
from udp.accounts.decorators import AuthedRequest, role_required
from udp.core import clock
from udp.core.params import short_day
from udp.documents.views import pdf_response

holder_required = role_required("is_holder")
staff_required = role_required("is_cmo_staff", "is_operator")


@holder_required
def kept(request: AuthedRequest) -> HttpResponse:
    party_id = request.user.party_id
    places = remuneration.kept_for(party_id) if party_id else []
    claims = Paginator(remuneration_claims_visible_to(request.user), 25).get_page(request.GET.get("page"))
    has_bank = bool(party_id) and request.user.party.bank_accounts.exists()  # type: ignore[union-attr]
    context = {
        "places": places, "claims": claims, "has_bank": has_bank, "form": RemunerationClaimForm(),
        "routes": remuneration.kept_reasons(), "today": clock.today(),
    }  # fmt: skip
    return render(request, "distribution/remuneration/kept.html", context)


@holder_required
@require_POST
def file(request: AuthedRequest, cmo_id: int) -> HttpResponse:
    if request.user.party_id is None:
        return redirect("distribution_portal:kept")
    cmo = get_object_or_404(CMO, pk=cmo_id)
    form = RemunerationClaimForm(request.POST)
    form.is_valid()
    try:
        claim = remuneration.file_remuneration_claim(
            request.user.party, cmo, note=form.cleaned_data.get("note", ""), by=request.user,  # type: ignore[arg-type]
        )  # fmt: skip
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("distribution_portal:kept")
    messages.success(request, _("Your claim was sent to the CMO. It must answer by %(due)s.") % {
        "due": short_day(claim.answer_due)})  # fmt: skip
    return redirect("distribution_portal:remuneration_claim", claim.pk)


def _detail(request: AuthedRequest, pk: int, audience: str, form: DecideForm | None = None) -> HttpResponse:
    claim = get_remuneration_claim_for_user(request.user, pk)
    lines = list(claim.lines.select_related("run__area", "work").order_by("run_id", "work_id"))
    # a line of money a conflict held: how the conflict over its work was settled, where the reader may see it
    settled = remuneration.settlements(request.user, lines)
    for line in lines:
        line.settlements = settled.get(line.work_id or 0, [])  # type: ignore[attr-defined]
    context = {
        "claim": claim, "lines": lines, "audience": audience, "routes": remuneration.kept_reasons(),
        "overdue": remuneration.is_overdue(claim), "form": form,
        "paid": claim_paid_status(claim.party, claim.cmo, claim.pk) if claim.status == DemandStatus.ACCEPTED else None,
        "can_decide": audience == "cmo" and claim.status == DemandStatus.PENDING
                      and getattr(request.user, "cmo_id", None) == claim.cmo_id,
    }  # fmt: skip
    return render(request, "distribution/remuneration/detail.html", context, status=400 if form else 200)


@holder_required
def portal_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, pk, "portal")


@staff_required
def cmo_list(request: AuthedRequest) -> HttpResponse:
    claims = remuneration_claims_visible_to(request.user).order_by(
        Case(When(status=DemandStatus.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()),
        "filed_at", "pk",
    )  # fmt: skip
    page = Paginator(claims, 25).get_page(request.GET.get("page"))
    return render(request, "distribution/remuneration/list.html", {"page": page, "today": clock.today()})


@staff_required
def cmo_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, pk, "cmo")


@staff_required
@require_POST
def decide(request: AuthedRequest, pk: int) -> HttpResponse:
    claim = get_remuneration_claim_for_user(request.user, pk, write=True)
    form = DecideForm(request.POST)
    form.is_valid()
    try:
        remuneration.decide_remuneration_claim(
            claim, accept=form.cleaned_data.get("accept", False), reason=form.cleaned_data.get("reason", ""),
            by=request.user,
        )  # fmt: skip
    except ValidationError as exc:
        form.add_error(None, exc)
        return _detail(request, pk, "cmo", form)
    return redirect("distribution_cmo:remuneration_claim", claim.pk)


def _pdf(request: AuthedRequest, pk: int) -> HttpResponseBase:
    claim = get_remuneration_claim_for_user(request.user, pk)
    if claim.status == DemandStatus.PENDING:
        raise Http404
    document = remuneration.claim_document(
        claim, by=roles.acting_account(request.user), language=language_of(get_language())
    )
    return pdf_response(document)


@holder_required
def portal_pdf(request: AuthedRequest, pk: int) -> HttpResponseBase:
    return _pdf(request, pk)


@staff_required
def cmo_pdf(request: AuthedRequest, pk: int) -> HttpResponseBase:
    return _pdf(request, pk)
