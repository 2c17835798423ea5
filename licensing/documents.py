"""The licensing domain's PDFs: the invoice.

An invoice (:data:`INVOICE`) is read in the user's language (the licence's): the CMO and the user, the
licence, the period, one line per area and the total, and the day it is due. Its own number (series
``INV``) is the invoice's; the document register gives the PDF a number of its own (series ``INVD``).
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from licensing.models import Invoice
from udp.documents import kinds
from udp.documents.actions import issue_document
from udp.documents.models import IssuedDocument

INVOICE = kinds.register(
    kinds.DocumentKind(
        code="invoice",
        series="INVD",
        title=_("Invoice"),
        template="documents/licensing/invoice.html",
        version="1",
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
