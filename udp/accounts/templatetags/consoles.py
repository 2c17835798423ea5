"""``{% card_body card %}``: a console card's snippet, rendered with the names the card gives it."""

from __future__ import annotations

from django import template
from django.template.context import Context
from django.utils.safestring import SafeString

from udp.accounts.consoles import ShownCard

register = template.Library()


@register.simple_tag(takes_context=True)
def card_body(context: Context, card: ShownCard) -> SafeString:
    """The snippet sees the page's names (the console's subject) and, over them, the card's own."""
    snippet = context.template.engine.get_template(card.template)  # type: ignore[union-attr]
    with context.push(card=card, **(card.context or {})):
        return snippet.render(context)
