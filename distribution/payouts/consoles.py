"""The payouts' card on the CMO dashboard: payment files and the bank's statements of them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from udp.accounts.consoles import Card, add_card


def add_cards() -> None:
    add_card(
        "cmo",
        Card(
            "payouts", _("Payouts to holders"), "payouts_cmo:batches",
            description=_("Payment files for the bank and the bank's statements of them"),
            section="distribution",
        ),
    )  # fmt: skip
