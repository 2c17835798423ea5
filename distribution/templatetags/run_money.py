"""Amounts kept in tiyn, shown in tenge in the reader's language (1 234,56)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from udp.money import from_tiyn

register = template.Library()


@register.filter
def tenge(tiyn: Any) -> str:
    """Whole tiyn as tenge with the tiyn and grouped thousands; empty stays empty."""
    if tiyn is None or tiyn == "":
        return "—"
    return number_format(from_tiyn(int(tiyn)), 2, force_grouping=True)


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``mapping[key]``, or nothing."""
    return mapping.get(key) if hasattr(mapping, "get") else None


def rate_text(value: Decimal) -> str:
    """An exchange rate as entered: its decimals without trailing zeros (512.340000 → 512.34, 7.000000 → 7)."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def rate(value: Any) -> str:
    """An exchange rate in the reader's language, as entered (512,34)."""
    if value is None or value == "":
        return "—"
    text = rate_text(Decimal(value))
    places = len(text.split(".")[1]) if "." in text else 0
    return number_format(Decimal(text), places, force_grouping=True)


@register.filter
def starter(user: Any) -> str:
    """Who started (last calculated) a run: the platform, for a run its scheduler calculated."""
    from distribution.schedule import started_by_platform

    return str(_("The platform")) if started_by_platform(user) else str(user or "—")
