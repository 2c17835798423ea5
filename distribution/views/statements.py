"""Statements of approved runs (A46.1.1-statement): a holder's own under ``/portal/distribution/statements/``,
any of its CMO's holders for the staff under ``/cmo/distribution/statements/``; each with its PDF."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import get_language

from distribution import statements as reading
from distribution.models import Basis, Route
from distribution.payouts.selectors import paid_status
from distribution.run_access import get_statement_for_user, statements_visible_to
from udp.accounts.decorators import AuthedRequest, role_required
from udp.documents.views import pdf_response

holder_required = role_required("is_holder")
staff_required = role_required("is_cmo_staff", "is_operator")


def _list(request: AuthedRequest, audience: str) -> HttpResponse:
    statements = statements_visible_to(request.user).order_by("-run__period_start", "-pk")
    page = Paginator(statements, 25).get_page(request.GET.get("page"))
    return render(request, "distribution/statements/list.html", {"page": page, "audience": audience})


def _detail(request: AuthedRequest, pk: int, audience: str) -> HttpResponse:
    statement = get_statement_for_user(request.user, pk)
    works = Paginator(reading.works(statement), 25).get_page(request.GET.get("page"))
    found = reading.sources(statement.run_id, [row.work_id for row in works])
    rows = [(row, found.get(row.work_id, [])) for row in works]
    context = {
        "statement": statement, "run": statement.run, "money": reading.figures(statement), "works": works,
        "rows": rows, "audience": audience, "payable_route": Route.PAYABLE,
        "bases": [Basis(code).label for code in reading.bases(statement)],
        "paid": paid_status(statement.party, statement.run),
    }  # fmt: skip
    return render(request, "distribution/statements/detail.html", context)


def _pdf(request: AuthedRequest, pk: int) -> HttpResponseBase:
    statement = get_statement_for_user(request.user, pk)
    document = reading.statement_document(
        statement, by=request.user, language=reading.language_of(get_language())
    )
    return pdf_response(document)


@holder_required
def portal_list(request: AuthedRequest) -> HttpResponse:
    return _list(request, "portal")


@holder_required
def portal_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, pk, "portal")


@holder_required
def portal_pdf(request: AuthedRequest, pk: int) -> HttpResponseBase:
    return _pdf(request, pk)


@staff_required
def cmo_list(request: AuthedRequest) -> HttpResponse:
    return _list(request, "cmo")


@staff_required
def cmo_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, pk, "cmo")


@staff_required
def cmo_pdf(request: AuthedRequest, pk: int) -> HttpResponseBase:
    return _pdf(request, pk)
