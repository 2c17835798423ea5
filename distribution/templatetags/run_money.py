"""Amounts kept in tiyn, shown in tenge in the reader's language (1 234,56)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format

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
