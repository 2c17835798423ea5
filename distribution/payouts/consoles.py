"""The payouts' card on the CMO dashboard: payment files and the bank's statements of them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from udp.accounts.consoles import Card, add_card
from udp.accounts.models import User


def _awaiting_bank(user: User) -> int:
    """The CMO's payment files with transfers the bank has not yet confirmed or returned."""
    from django.db.models import Exists, OuterRef

    from distribution.models import BatchStatus, LineStatus, PaymentLine
    from distribution.payouts.access import batches_visible_to

    sent = PaymentLine.objects.filter(batch=OuterRef("pk"), status=LineStatus.SENT)
    return batches_visible_to(user).filter(Exists(sent), status=BatchStatus.READY).count()


def add_cards() -> None:
    add_card(
        "cmo",
        Card(
            "payouts", _("Payouts to holders"), "payouts_cmo:batches", count=_awaiting_bank,
            description=_("Payment files for the bank and the bank's statements of them; the files awaiting a statement are counted"),
            section="distribution", waiting=True,
        ),
    )  # fmt: skip
