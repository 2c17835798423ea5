"""Extracts from the registers as PDF, from the pages (the API offers the same, see registers.api)."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, HttpRequest
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from registers import access
from registers.documents import issue_holder_extract, issue_work_extract
from udp.documents.views import pdf_response


def requested_language(value: str | None) -> str:
    """The language asked for, if it is one of ours; else the page's."""
    languages = dict(settings.LANGUAGES)
    if value and value[:2] in languages:
        return value[:2]
    current = (get_language() or settings.LANGUAGE_CODE)[:2]
    return current if current in languages else settings.LANGUAGE_CODE


@require_POST
def work(request: HttpRequest, pk: int) -> FileResponse:
    item = access.get_work_for_user(request.user, pk)
    document = issue_work_extract(
        item, by=request.user, language=requested_language(request.POST.get("lang"))
    )
    return pdf_response(document)


@require_POST
def holder(request: HttpRequest, pk: int) -> FileResponse:
    party = access.get_party_for_user(request.user, pk)
    reason = request.POST.get("reason", "")[:500]
    document = issue_holder_extract(
        party, by=request.user, language=requested_language(request.POST.get("lang")), reason=reason
    )
    return pdf_response(document)
