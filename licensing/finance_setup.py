"""What the finance part of licensing registers when the app is ready: its console cards (the user's
invoices, the CMO's unpaid invoices and unallocated receipts, the authorized body's overview)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from udp.accounts.consoles import Card, add_card


def ready() -> None:
    from licensing import finance_access as access
    from licensing.models import InvoiceStatus

    add_card(
        "space",
        Card(
            "invoices", _("Invoices and payments"), "finance_space:invoices",
            count=lambda user: (
                access.invoices_visible_to(user)
                .filter(status__in=[InvoiceStatus.ISSUED, InvoiceStatus.PART_PAID])
                .count()
            ),
            description=_("Invoices to pay are counted"),
            waiting=True,
        ),
    )  # fmt: skip
    add_card(
        "cmo",
        Card(
            "finance",
            _("Invoices and payments"),
            "finance_cmo:invoices",
            count=lambda user: (
                access.invoices_visible_to(user)
                .filter(status__in=[InvoiceStatus.ISSUED, InvoiceStatus.PART_PAID])
                .count()
            ),
            description=_(
                "Unpaid invoices; payments, bank statements, receipts to allocate, closing a month"
            ),
            section="licensing",
        ),
    )
    add_card(
        "cmo",
        Card(
            "receipts",
            _("Unallocated receipts"),
            "finance_cmo:receipts",
            count=lambda user: access.receipts_allocatable_by(user).count(),
            section="licensing",
            waiting=True,
        ),
    )
    add_card(
        "regulator",
        Card("finance", _("Invoicing and collection"), "finance_regulator:overview", section="licensing"),
    )
