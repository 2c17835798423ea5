"""What each audience's console shows: cards that the domains put there.

A console (the rightsholder's portal, the CMO dashboard, the music user's space, the regulator's
workspace, the operator's console) is a shell: it lists cards, each a link into a domain's own
pages with, where it helps, a number (applications waiting, entries in a register), or a small
body of its own (a few facts, the latest entries, a search box). A domain adds its cards once,
from its ``AppConfig.ready()``; the console's template iterates them in the order they were added.
So a new domain appears in the consoles without the consoles knowing it.

A console with many cards is cut into sections (:data:`SECTIONS`: the console names them, a card says which it
belongs to), and above them it lists under "Waiting for you" every card whose number counts what waits for the
person (``waiting``) and is not 0, so a CMO's staff see first what to do, then where everything else is.

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
from django.utils.translation import gettext_lazy

from udp.accounts.models import Role, User
from udp.accounts.roles import CONSOLE_OF_ROLE

CONSOLES = ("portal", "cmo", "space", "regulator", "operator")

#: A card's column on a console row: full width on a phone, two a row from 576 px, three from 992 px.
DEFAULT_WIDTH = "col-sm-6 col-lg-4"


@dataclass(frozen=True)
class Section:
    """A titled part of a console; its cards are those that name its ``key`` as their ``section``."""

    key: str
    label: str | Promise


#: The sections of the consoles that have them, in the order shown (a console not named here has none).
SECTIONS: dict[str, tuple[Section, ...]] = {
    "cmo": (
        Section("organisation", gettext_lazy("The organisation and its accreditation")),
        Section("members", gettext_lazy("Members, repertoire and mandates")),
        Section("licensing", gettext_lazy("Licences, invoices and usage reports")),
        Section("distribution", gettext_lazy("Distribution and payouts")),
    ),
    "regulator": (
        Section("accreditation", gettext_lazy("Accreditation and the CMOs' obligations")),
        Section("registers", gettext_lazy("Registers, mandates and agreements")),
        Section("licensing", gettext_lazy("Licences, rates and collection")),
    ),
    "operator": (
        Section("queues", gettext_lazy("Applications and conflicts")),
        Section("registers", gettext_lazy("Registers")),
        Section("reference", gettext_lazy("Reference data and providers")),
    ),
}


@dataclass(frozen=True)
class Card:
    """A card on a console. ``key`` names it (unique within its console, and the card's HTML id when it
    has a ``template``); ``url_name`` (with ``query``) makes the whole card a link; ``count`` gives its
    number, ``description`` a line under the title, ``glossary`` a term of ``/glossary/`` beside the title;
    ``visible`` hides it from people it does not concern; ``template`` is a snippet for a richer body and
    ``context`` the names the snippet reads; ``width`` the Bootstrap column classes; ``section`` the key of
    its console's section (:data:`SECTIONS`); ``waiting``: its number counts what waits for the person
    (requests to answer, runs to approve), so a number above 0 is listed under "Waiting for you"."""

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
    section: str = ""
    waiting: bool = False


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
    section: str = ""
    waiting: bool = False


@dataclass(frozen=True)
class ShownSection:
    """A console's section as one person sees it: its title and their cards in it."""

    key: str
    label: str | Promise
    cards: list[ShownCard]


@dataclass(frozen=True)
class ConsoleView:
    """One person's console: every card they may see, those with something waiting, and the sections (one
    untitled section of every card on a console with none)."""

    cards: list[ShownCard]
    waiting: list[ShownCard]
    sections: list[ShownSection]
    #: whether the console says what waits (it has cards that count it), even when nothing does
    counts_waiting: bool


_cards: dict[str, dict[str, Card]] = {console: {} for console in CONSOLES}


def add_card(console: str, card: Card) -> None:
    """Put ``card`` on ``console`` (again: it replaces the card with the same key, in its place)."""
    if console not in _cards:
        raise ValueError(f"no console {console!r}; the consoles are {', '.join(CONSOLES)}")
    sections = [section.key for section in SECTIONS.get(console, ())]
    if sections and card.section not in sections:
        raise ValueError(
            f"card {card.key!r} on the {console} console names section {card.section!r}; "
            f"its sections are {', '.join(sections)}"
        )
    if not sections and card.section:
        raise ValueError(f"the {console} console has no sections; card {card.key!r} names {card.section!r}")
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
            section=card.section,
            waiting=card.waiting,
        )
        for card in _cards[console].values()
        if card.visible is None or card.visible(user)
    ]


def console_of(user: User) -> str:
    """The console of ``user``'s role: the one their home page shows."""
    return CONSOLE_OF_ROLE[Role(user.role)]


def console_view(console: str, user: User) -> ConsoleView:
    """``user``'s view of ``console``: :func:`cards_for`, with what waits for them and in sections."""
    cards = cards_for(console, user)
    sections = SECTIONS.get(console)
    if sections:
        shown = [
            ShownSection(s.key, s.label, [card for card in cards if card.section == s.key]) for s in sections
        ]
        shown = [section for section in shown if section.cards]
    else:
        shown = [ShownSection("", "", cards)]
    return ConsoleView(
        cards=cards,
        waiting=[card for card in cards if card.waiting and card.count],
        sections=shown,
        counts_waiting=any(card.waiting for card in cards),
    )
