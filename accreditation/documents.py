"""The certificate of accreditation as a PDF (Art. 46-1.2: its form is the authorized body's).

The certificate's number is the document's number, from the gap-free series ``ACC``. Like every contract
with a Kazakh party, it carries the Kazakh and Russian texts; the CMO's reader's language comes first (an
English reader gets English first, then Kazakh and Russian). Anyone can check it through its
verification link and QR code.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accreditation.models import Application
from registers.models import CMO, Area
from udp.documents import kinds
from udp.documents.actions import issue_document
from udp.documents.models import IssuedDocument

CERTIFICATE = kinds.register(
    kinds.DocumentKind(
        code="accreditation_certificate",
        series="ACC",
        title=_("Certificate of accreditation"),
        template="documents/accreditation/certificate.html",
        version="1",
    )
)

STATE_TEXTS = ("kk", "ru")


def certificate_languages(language: str) -> list[str]:
    return [language, *(lang for lang in STATE_TEXTS if lang != language)]


def _text(cmo: CMO, lines: list[tuple[Area, dt.date, dt.date]], language: str) -> dict[str, Any]:
    with translation.override(language):
        rows = [
            gettext("%(area)s: from %(start)s to %(end)s")
            % {
                "area": str(area),
                "start": date_format(start, "DATE_FORMAT"),
                "end": date_format(end, "DATE_FORMAT"),
            }
            for area, start, end in lines
        ]
        return {
            "language": language,
            "heading": gettext("Certificate of accreditation"),
            "statement": gettext(
                "%(cmo)s is accredited by the authorized body to carry out collective management of property "
                "rights in the areas below (Art. 46-1 of the Law on copyright and related rights). In each "
                "area it also collects remuneration for rightsholders who have not concluded an agreement "
                "with it."
            )
            % {"cmo": f"{cmo.party.name} ({cmo.short_name})"},
            "lines": rows,
        }


def issue_certificate(
    application: Application, lines: list[tuple[Area, dt.date, dt.date]], *, by: Any, language: str
) -> IssuedDocument:
    """The PDF of a certificate for ``application`` with ``lines`` (area, from, until), inside the action
    that grants them; its number is the certificate's."""
    cmo = application.cmo
    data = {
        "cmo": {"name": cmo.party.name, "short_name": cmo.short_name, "bin": cmo.party.bin or ""},
        "lines": [
            {"area": area.item, "from": start.isoformat(), "until": end.isoformat()}
            for area, start, end in lines
        ],
        "texts": [_text(cmo, lines, lang) for lang in certificate_languages(language)],
    }
    return issue_document(
        CERTIFICATE, application, by=by, language=language, data=data, public_label=cmo.short_name
    )
