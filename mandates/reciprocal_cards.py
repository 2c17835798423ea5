"""Cards for reciprocal agreements and conflicts on the consoles (see :mod:`udp.accounts.consoles`)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registers import reciprocal
from registers.claims import conflicts_visible_to
from registers.models import ConflictStatus, ForeignSociety
from udp.accounts.consoles import Card, add_card
from udp.accounts.models import User


def add_cards() -> None:
    """Called once, from :meth:`mandates.apps.MandatesConfig.ready`."""
    add_card(
        "cmo",
        Card(
            "reciprocal",
            _("Reciprocal agreements"),
            "reciprocal_cmo:list",
            count=_own_late_copies,
            section="members",
            waiting=True,
        ),  # fmt: skip
    )
    add_card("regulator", Card("reciprocal", _("Reciprocal agreements and foreign societies"),
                               "reciprocal_regulator:overview", count=_late_copies, section="registers",
                               waiting=True))  # fmt: skip
    add_card("operator", Card("societies", _("Foreign societies"), "reciprocal_operator:list",
                              count=lambda user: ForeignSociety.objects.count(), section="registers"))  # fmt: skip
    # the holder finds their conflicts on "My rights" (mandates.rights)
    for console, section in (("cmo", "members"), ("regulator", "registers"), ("operator", "queues")):
        add_card(console, Card("conflicts", _("Open conflicts"), "claims:conflicts", count=_open_conflicts,
                               section=section, waiting=True))  # fmt: skip


def _late_copies(user: User) -> int:
    return reciprocal.late_copies().count()


def _own_late_copies(user: User) -> int:
    return reciprocal.late_copies().filter(Q(cmo_id=user.cmo_id) | Q(counterparty_cmo_id=user.cmo_id)).count()


def _open_conflicts(user: User) -> int:
    return conflicts_visible_to(user).filter(status=ConflictStatus.OPEN).count()
