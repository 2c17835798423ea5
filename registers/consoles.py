"""The registers' cards on the audiences' consoles (see :mod:`udp.accounts.consoles`)."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from registers.models import CMO, Licensee, Party, Work
from udp.accounts.consoles import Card, add_card
from udp.accounts.models import ConfidentialAccess, User
from udp.accounts.selectors import pending_accounts


def add_cards() -> None:
    """Called once, from :meth:`registers.apps.RegistersConfig.ready`."""

    def count(model: type[Model]) -> Callable[[User], int]:
        return lambda user: model._default_manager.count()

    for card in (
        Card("pending", _("Applications awaiting review"), "operator:accounts", count=_pending),
        Card("parties", _("Authors and rightsholders"), "operator:registers", "kind=party", count(Party)),
        Card(
            "works", _("Works and objects of related rights"), "operator:registers", "kind=work", count(Work)
        ),
        Card("cmos", _("CMOs"), "operator:registers", "kind=cmo", count(CMO)),
        Card("licensees", _("Users"), "operator:registers", "kind=licensee", count(Licensee)),
        Card(
            "accesses",
            _("Looks at confidential data"),
            "operator:confidential_log",
            count=count(ConfidentialAccess),
        ),
    ):
        add_card("operator", card)


def _pending(user: User) -> int:
    return pending_accounts().count()
