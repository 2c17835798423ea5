"""Codes as words: every code a page shows goes through here, so a reader sees its name in their
language, optionally followed by the code in parentheses, and never a code alone.

    {% load labels %}
    {{ "PR"|right_name }}          Performing and communication (PR)
    {{ contributor.role|role_name }}  Composer (C)
    {{ work.language|language_name }} Kazakh (kk)
    {{ area|area_name }}           Public performance … (item 1 of Art. 43.3)
    {% glossary "pr" %}            a link to the glossary's entry
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from udp.core import languages

register = template.Library()


def _choice(choices: Any, code: Any) -> str:
    if code in (None, ""):
        return ""
    code = str(code)
    try:
        return f"{choices(code).label} ({code})"
    except ValueError:
        return _("code %(code)s") % {"code": code}


@register.filter
def right_name(code: Any) -> str:
    """A right type's name and code: "Performing and communication (PR)"."""
    from registers.models import RightType

    return _choice(RightType, code)


@register.filter
def role_name(code: Any) -> str:
    """A contributor role's name and CISAC code: "Composer and author (CA)", "Performer (PER)"."""
    from registers.models import Role

    return _choice(Role, code)


@register.filter
def language_name(code: Any) -> str:
    return languages.language_name(str(code) if code else "")


@register.filter
def area_name(area: Any) -> str:
    """An area of collective management by its name, with the item of Art. 43.3 it is."""
    if area is None or area == "":
        return ""
    return _("%(name)s (item %(item)s of Art. 43.3)") % {"name": area.name, "item": area.item}


@register.filter
def shares_text(shares: Any) -> str:
    """A mapping of right type → percent as "Performing and communication (PR) 83.34 %; …"."""
    if not shares:
        return ""
    return "; ".join(f"{right_name(rt)} {percent} %" for rt, percent in shares.items())


@register.simple_tag
def glossary(term: str, text: str = "") -> str:
    """A small "?" link to the glossary's entry for a term (anchors: see templates/registers/public/glossary.html)."""
    label = text or "?"
    return format_html(
        '<a class="glossary-link" href="{}#{}" title="{}">{}</a>',
        reverse("public:glossary"),
        term,
        _("What does this mean?"),
        label,
    )
