"""The public verification page of an issued document, and its PDF for the one who asked for it."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from udp.documents import access
from udp.documents.forms import CompareForm
from udp.documents.rendering import qr_svg


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """What anyone may know about a document: kind, number, date, language, for whom, its hash.

    Never the document itself (it may hold confidential data), never confidential facts.
    """
    document = access.get_document_by_token(token)
    form = CompareForm(request.POST or None, request.FILES or None)
    matches = None
    if request.method == "POST" and form.is_valid():
        matches = form.cleaned_data["digest"] == document.sha256
    context = {
        "document": document,
        "label": access.label(document),
        "standing": access.standing(document),
        "tells_standing": access.tells_standing(document),
        "form": form,
        "matches": matches,
        "qr": qr_svg(document.verification_url),
    }
    return render(request, "documents/verify.html", context, status=400 if form.errors else 200)


def download(request: HttpRequest, pk: int) -> FileResponse:
    """The PDF as issued, for the account that requested it (and the operator)."""
    document = access.get_document_for_user(request.user, pk)
    return pdf_response(document)


def pdf_response(document: access.IssuedDocument) -> FileResponse:
    response = FileResponse(
        document.file.open("rb"), as_attachment=True, filename=f"{document.number}.pdf",
        content_type="application/pdf",
    )  # fmt: skip
    response["X-Document-Number"] = document.number
    response["X-Document-SHA256"] = document.sha256
    response["X-Document-Verification"] = document.verification_url
    return response
