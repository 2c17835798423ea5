"""What each audience's console shows: cards that the domains put there.

A console (the rightsholder's portal, the CMO dashboard, the music user's space, the regulator's
workspace, the operator's console) is a shell: it lists cards, each a link into a domain's own
pages with, where it helps, a number (applications waiting, entries in a register). A domain adds
its cards once, from its ``AppConfig.ready()``; the console's template iterates them in the order
they were added. So a new domain appears in the consoles without the consoles knowing it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise

from udp.accounts.models import User

CONSOLES = ("portal", "cmo", "space", "regulator", "operator")


@dataclass(frozen=True)
class Card:
    """A link on a console: ``key`` names it (unique within its console), ``count`` gives its number."""

    key: str
    label: str | Promise
    url_name: str
    query: str = ""
    count: Callable[[User], int] | None = None


@dataclass(frozen=True)
class ShownCard:
    """A card as one person's console shows it."""

    key: str
    label: str | Promise
    url: str
    count: int | None


_cards: dict[str, dict[str, Card]] = {console: {} for console in CONSOLES}


def add_card(console: str, card: Card) -> None:
    """Put ``card`` on ``console`` (again: it replaces the card with the same key, in its place)."""
    if console not in _cards:
        raise ValueError(f"no console {console!r}; the consoles are {', '.join(CONSOLES)}")
    _cards[console][card.key] = card


def cards_for(console: str, user: User) -> list[ShownCard]:
    """The cards of ``console`` for ``user``, each with its link and number."""
    return [
        ShownCard(
            key=card.key,
            label=card.label,
            url=reverse(card.url_name) + (f"?{card.query}" if card.query else ""),
            count=card.count(user) if card.count is not None else None,
        )
        for card in _cards[console].values()
    ]
