"""The withdrawal cards on the consoles (see :mod:`udp.accounts.consoles`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mandates.access import withdrawals_visible_to
from mandates.models import WithdrawalStatus
from mandates.withdrawing import overdue_obligations
from udp.accounts.consoles import Card, add_card
from udp.accounts.models import User


def add_cards() -> None:
    """Called once, from :meth:`mandates.apps.MandatesConfig.ready`."""
    add_card("portal", Card("withdrawals", _("Withdrawals from a CMO"), "withdrawals:list", count=_pending))
    add_card("cmo", Card("withdrawals", _("Withdrawal notices received"), "withdrawals:list", count=_pending))
    add_card("cmo", Card("repertoire", _("Licensed repertoire on a date"), "withdrawals:repertoire"))
    add_card(
        "regulator",
        Card("withdrawals", _("Withdrawals and overdue obligations"), "withdrawals:list", count=_overdue),
    )


def _pending(user: User) -> int:
    return withdrawals_visible_to(user).filter(status=WithdrawalStatus.PENDING).count()


def _overdue(user: User) -> int:
    return overdue_obligations().filter(withdrawal__in=withdrawals_visible_to(user)).count()
