"""What each audience's console shows: cards that the domains put there.

A console (the rightsholder's portal, the CMO dashboard, the music user's space, the regulator's
workspace, the operator's console) is a shell: it lists cards, each a link into a domain's own
pages with, where it helps, a number (applications waiting, entries in a register), or a small
body of its own (a few facts, the latest entries, a search box). A domain adds its cards once,
from its ``AppConfig.ready()``; the console's template iterates them in the order they were added.
So a new domain appears in the consoles without the consoles knowing it.

A card with a ``template`` renders that snippet under its title, with the names its ``context``
returns for the person, and the console's subject that the console page gives every card:
``party`` on the portal (the holder's entry, or ``None``), ``cmo`` on the CMO dashboard,
``licensee`` in the music user's space.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import KW_ONLY, dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise

from udp.accounts.models import User

CONSOLES = ("portal", "cmo", "space", "regulator", "operator")

#: A card's column on a console row: full width on a phone, two a row from 576 px, three from 992 px.
DEFAULT_WIDTH = "col-sm-6 col-lg-4"


@dataclass(frozen=True)
class Card:
    """A card on a console. ``key`` names it (unique within its console, and the card's HTML id when it
    has a ``template``); ``url_name`` (with ``query``) makes the whole card a link; ``count`` gives its
    number, ``description`` a line under the title, ``glossary`` a term of ``/glossary/`` beside the title;
    ``visible`` hides it from people it does not concern; ``template`` is a snippet for a richer body and
    ``context`` the names the snippet reads; ``width`` the Bootstrap column classes."""

    key: str
    label: str | Promise
    url_name: str = ""
    query: str = ""
    count: Callable[[User], int] | None = None
    _: KW_ONLY
    description: str | Promise = ""
    glossary: str = ""
    visible: Callable[[User], bool] | None = None
    template: str = ""
    context: Callable[[User], Mapping[str, Any]] | None = None
    width: str = DEFAULT_WIDTH


@dataclass(frozen=True)
class ShownCard:
    """A card as one person's console shows it."""

    key: str
    label: str | Promise
    url: str
    count: int | None
    description: str | Promise = ""
    glossary: str = ""
    template: str = ""
    context: Mapping[str, Any] | None = None
    width: str = DEFAULT_WIDTH


_cards: dict[str, dict[str, Card]] = {console: {} for console in CONSOLES}


def add_card(console: str, card: Card) -> None:
    """Put ``card`` on ``console`` (again: it replaces the card with the same key, in its place)."""
    if console not in _cards:
        raise ValueError(f"no console {console!r}; the consoles are {', '.join(CONSOLES)}")
    _cards[console][card.key] = card


def cards_for(console: str, user: User) -> list[ShownCard]:
    """The cards of ``console`` that ``user`` may see, each with its link, number and body's names."""
    return [
        ShownCard(
            key=card.key,
            label=card.label,
            url=reverse(card.url_name) + (f"?{card.query}" if card.query else "") if card.url_name else "",
            count=card.count(user) if card.count is not None else None,
            description=card.description,
            glossary=card.glossary,
            template=card.template,
            context=card.context(user) if card.context is not None else None,
            width=card.width,
        )
        for card in _cards[console].values()
        if card.visible is None or card.visible(user)
    ]
