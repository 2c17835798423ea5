"""Licensing's PDFs.

- The licence and the remuneration agreement (Art. 44.2-1, 45): the user's language first, then the Kazakh and
  Russian texts, with the price's arithmetic, the term and the usage report schedule.
- The invoice (:data:`INVOICE`), read in the user's language (the licence's): the CMO and the user, the
  licence, the period, one line per area and the total, and the day it is due. Its own number (series ``INV``)
  is the invoice's; the document register gives the PDF a number of its own (series ``INVD``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from licensing.models import (
    AgreementKind,
    Invoice,
    InvoiceStatus,
    Licence,
    LicenceStatus,
    Period,
    RateShape,
    ReportFrequency,
    Unit,
)
from mandates.documents import agreement_languages
from udp.documents import kinds
from udp.documents.actions import issue_document
from udp.documents.models import IssuedDocument
from udp.money import tenge


def licence_standing(document: IssuedDocument) -> kinds.Standing | None:
    """A licence agreement stands while it is awaited or in force; refused, cancelled before it was signed,
    or ended, the page says so."""
    licence = cast(Licence, document.subject)
    if licence.status == LicenceStatus.REFUSED:
        day = timezone.localdate(licence.decided_at) if licence.decided_at else None
        return kinds.Standing(gettext("The CMO refused the agreement: it never came into force."), day)
    if licence.status == LicenceStatus.CANCELLED:
        return kinds.Standing(
            gettext("The user cancelled the agreement before it was signed: it never came into force.")
        )
    if licence.status in (LicenceStatus.ENDED, LicenceStatus.TERMINATED):
        # in force until its last day (``ends_on``, inclusive): no longer from the next
        return kinds.Standing(
            gettext("The agreement is no longer in force."), licence.ends_on + dt.timedelta(days=1)
        )
    return None


def invoice_standing(document: IssuedDocument) -> kinds.Standing | None:
    """An invoice stands until it is cancelled (by a corrected one, where one replaced it)."""
    invoice = cast(Invoice, document.subject)
    if invoice.status != InvoiceStatus.CANCELLED:
        return None
    day = timezone.localdate(invoice.cancelled_at) if invoice.cancelled_at else None
    correction = Invoice.objects.filter(corrects=invoice).values_list("number", flat=True).first()
    if correction:
        return kinds.Standing(
            gettext("The invoice is cancelled and replaced by invoice № %(number)s.")
            % {"number": correction},
            day,
        )
    return kinds.Standing(gettext("The invoice is cancelled: nothing is owed under it."), day)


LICENCE = kinds.register(
    kinds.DocumentKind(
        code="licence_agreement",
        series="LAG",
        title=_("Licence agreement"),
        template="documents/licensing/licence.html",
        version="1",
        standing=licence_standing,
    )
)


def _money(value: Any) -> str:
    from django.utils.formats import number_format

    return number_format(tenge(value), 2, force_grouping=True)


def _term_text(working: dict[str, Any]) -> str:
    period = str(Period(working["period"]).label)
    basis = gettext("MCI") if working["basis"] == "mrp" else gettext("tenge")
    rate = f"{working['rate']} {basis}"
    if working.get("index"):
        rate += " (" + gettext("MCI = %(value)s tenge") % {"value": _money(working["index"])} + ")"
    if working["shape"] == RateShape.PER_UNIT:
        return gettext("%(rate)s %(period)s per unit (%(unit)s) × %(quantity)s") % {
            "rate": rate, "period": period, "unit": Unit(working["unit"]).label, "quantity": working["quantity"],
        }  # fmt: skip
    if working["shape"] == RateShape.PERCENT:
        return gettext("%(percent)s %% of revenue %(revenue)s tenge a month, at least %(rate)s %(period)s") % {
            "percent": working["percent"], "revenue": _money(working["revenue"]), "rate": rate, "period": period,
        }  # fmt: skip
    return f"{rate} {period}"


def _text(licence: Licence, language: str) -> dict[str, Any]:
    with translation.override(language):
        kind = licence.kind
        params = {
            "number": licence.contract.number,
            "cmo": f"{licence.cmo.party.name} ({licence.cmo.short_name})",
            "user": str(licence.licensee),
            "place": licence.place,
            "starts": date_format(licence.starts_on, "DATE_FORMAT"),
            "ends": date_format(licence.ends_on, "DATE_FORMAT"),
            "use": licence.declaration.get_use_display(),
            "areas": "; ".join(str(line.area) for line in licence.lines.all()),
            "reports": ReportFrequency(licence.report_frequency).label,
            "due_days": licence.report_due_days,
            "invoiced": Period(licence.invoice_period).label,
            "monthly": _money(licence.monthly_amount),
        }
        if kind == AgreementKind.LICENCE:
            heading = gettext("Licence agreement no. %(number)s") % params
            grant = gettext(
                "%(cmo)s (the organisation) grants %(user)s (the user) a non-exclusive licence to use the works "
                "and objects of related rights it manages for this use: %(use)s, at %(place)s, in these areas of "
                "collective management: %(areas)s."
            )
        else:
            heading = gettext("Remuneration agreement no. %(number)s") % params
            grant = gettext(
                "%(user)s (the user) pays %(cmo)s (the organisation) the remuneration the law gives rightsholders "
                "for this use without a licence: %(use)s, at %(place)s, in these areas of collective management: "
                "%(areas)s (Art. 45.3 of the Law on copyright and related rights)."
            )
        clauses = [
            grant % params,
            gettext(
                "The remuneration is %(monthly)s tenge a month, calculated from the organisation's published "
                "tariff and the parameters the user declared; it is invoiced %(invoiced)s."
            )
            % params,
            gettext(
                "The agreement is in force from %(starts)s to %(ends)s. The user reports the works used "
                "%(reports)s on the platform, within %(due_days)s days after each period (Art. 44.2-1)."
            )
            % params,
            gettext(
                "Both parties sign this agreement electronically on the Unified Digital Platform; it is entered "
                "in the register of contracts under no. %(number)s."
            )
            % params,
        ]
        lines = [
            {
                "area": str(line.area),
                "tariff": str(line.tariff),
                "terms": [_term_text(w) for w in line.workings],
                "monthly": _money(line.monthly_amount),
            }
            for line in licence.lines.select_related(
                "area", "tariff__cmo", "tariff__area", "tariff__category"
            )
        ]
        return {"language": language, "heading": heading, "clauses": clauses, "lines": lines}


def licence_data(licence: Licence) -> dict[str, Any]:
    licensee = licence.licensee
    return {
        "contract": {
            "number": licence.contract.number,
            "starts_on": licence.starts_on,
            "ends_on": licence.ends_on,
        },
        "user": {"name": str(licensee), "bin": licensee.party.bin or "", "iin": licensee.party.iin or ""},
        "cmo": {
            "name": licence.cmo.party.name,
            "short_name": licence.cmo.short_name,
            "bin": licence.cmo.party.bin or "",
        },
        "place": licence.place,
        "monthly": _money(licence.monthly_amount),
        "texts": [_text(licence, language) for language in agreement_languages(licence.language)],
    }


def issue_licence_document(licence: Licence, *, by: Any) -> IssuedDocument:
    """The agreement as a PDF in the user's language (inside the action that writes the licence)."""
    return issue_document(
        LICENCE, licence, by=by, language=licence.language, data=licence_data(licence),
        public_label=licence.contract.number, confidential=bool(licence.licensee.party.iin),
    )  # fmt: skip


INVOICE = kinds.register(
    kinds.DocumentKind(
        code="invoice",
        series="INVD",
        title=_("Invoice"),
        template="documents/licensing/invoice.html",
        version="1",
        standing=invoice_standing,
    )
)


def invoice_data(invoice: Invoice, language: str) -> dict[str, Any]:
    licence = invoice.licence
    cmo, licensee = invoice.cmo, licence.licensee
    with translation.override(language):
        lines = [
            {"area": str(line.area), "amount": str(line.amount)}
            for line in invoice.lines.select_related("area")
        ]
    return {
        "invoice": {
            "number": invoice.number,
            "period_start": invoice.period_start,
            "period_end": invoice.period_end,
            "issued_on": invoice.issued_on,
            "due_on": invoice.due_on,
            "amount": str(invoice.amount),
        },
        "cmo": {"name": cmo.party.name, "short_name": cmo.short_name, "bin": cmo.party.bin or ""},
        "licensee": {"name": licensee.party.name, "bin": licensee.party.bin or ""},
        "licence": {"number": licence.contract.number, "place": licence.place},
        "lines": lines,
    }


def issue_invoice_document(invoice: Invoice, *, by: Any) -> IssuedDocument:
    """The PDF of ``invoice`` in its language, inside the action that issues the invoice."""
    return issue_document(
        INVOICE,
        invoice,
        by=by,
        language=invoice.language,
        data=invoice_data(invoice, invoice.language),
        public_label=f"{invoice.number} ({invoice.cmo.short_name})",
    )
