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

from accreditation.models import Accreditation, Application
from registers.models import CMO, Area
from udp.core.params import short_day
from udp.documents import kinds
from udp.documents.actions import issue_document
from udp.documents.models import IssuedDocument


def _since(line: Accreditation, state: str) -> str:
    """The day an area of a certificate stopped being in force (terminated, suspended, past its term), as the
    reader's language writes a day."""
    from accreditation.models import Suspension, SuspensionStatus, Termination
    from accreditation.selectors import LineStatus
    from udp.core import clock

    day: dt.date | None = line.valid_until + dt.timedelta(days=1)
    if state == LineStatus.TERMINATED:
        day = Termination.objects.filter(accreditation=line).values_list("ended_on", flat=True).first()
    elif state == LineStatus.SUSPENDED:
        today = clock.today()
        day = (
            Suspension.objects.filter(
                accreditation=line, status=SuspensionStatus.DECIDED, starts_on__lte=today, ends_on__gt=today
            )
            .values_list("starts_on", flat=True)
            .first()
        )
    return short_day(day)


def certificate_standing(document: IssuedDocument) -> kinds.Standing | None:
    """A certificate stands while each of its areas is in force or not yet in force; an area suspended,
    terminated (revoked, given up, the CMO liquidated) or past its term is named, with its state today
    (:func:`accreditation.selectors.status_on`); the whole certificate no longer stands when none of its areas
    does."""
    from accreditation.models import Certificate
    from accreditation.selectors import LineStatus, status_on

    certificate = Certificate.objects.filter(document=document).first()
    if certificate is None:
        return None
    lines = list(certificate.lines.select_related("area").order_by("area__item"))
    states = [(line, status_on(line)) for line in lines]
    ended = [
        (line, state) for line, state in states if state not in (LineStatus.IN_FORCE, LineStatus.NOT_YET)
    ]
    if not ended:
        return None
    text = "; ".join(
        gettext("area %(area)s: %(state)s from %(day)s")
        % {"area": line.area.item, "state": str(state.label).lower(), "day": _since(line, state)}
        for line, state in ended
    )
    return kinds.Standing(
        gettext("The accreditation is no longer in force in: %(areas)s.") % {"areas": text},
        whole=len(ended) == len(states),
    )


CERTIFICATE = kinds.register(
    kinds.DocumentKind(
        code="accreditation_certificate",
        series="ACC",
        title=_("Certificate of accreditation"),
        template="documents/accreditation/certificate.html",
        version="1",
        standing=certificate_standing,
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
