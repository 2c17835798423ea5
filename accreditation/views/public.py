"""What anyone may read: the accredited CMOs by area with status and term (A46-2.public-list), the
commission's meetings as announced (A46-2.notice-30wd), and a certificate's PDF."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render

from accreditation import selectors
from accreditation.models import Accreditation, Certificate, CommissionMeeting
from registers.models import Area
from udp.core import clock
from udp.documents.views import pdf_response

#: Lines that ended more than this long ago leave the public list (they stay on the certificate's page).
ENDED_SHOWN = dt.timedelta(days=365)


def public_list(request: HttpRequest) -> HttpResponse:
    """Every certificate line by area: in force, suspended, or ended within the last year."""
    today = clock.today()
    lines = selectors.with_status(
        Accreditation.objects.select_related("cmo", "area", "certificate", "termination")
        .filter(valid_until__gte=today - ENDED_SHOWN)
        .order_by("area__item", "cmo__short_name", "-valid_from"),
        today,
    )
    rows = []
    for line in lines:
        line.status = selectors.status_on(line, today)  # type: ignore[attr-defined]
        rows.append(line)
    by_area = [(area, list(group)) for area, group in groupby(rows, key=lambda line: line.area)]
    areas_without = (
        Area.objects.filter(in_force=True).exclude(pk__in=[a.pk for a, _ in by_area]).order_by("item")
    )
    context = {"by_area": by_area, "areas_without": areas_without, "today": today}
    return render(request, "accreditation/public/list.html", context)


def meetings(request: HttpRequest) -> HttpResponse:
    """The accreditation commission's meetings, as the authorized body announced them (Art. 46-2.2)."""
    today = clock.today()
    rows = CommissionMeeting.objects.prefetch_related("applications__cmo", "applications__areas")
    upcoming = [m for m in rows if m.meets_on >= today]
    past = [m for m in rows if m.meets_on < today][:20]
    return render(request, "accreditation/public/meetings.html", {"upcoming": upcoming[::-1], "past": past})


def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A certificate issued on the platform, as a PDF (public, as the list is)."""
    certificate = get_object_or_404(Certificate, pk=pk)
    if certificate.document is None:
        raise Http404
    return pdf_response(certificate.document)
