"""Parameters of a stored message (a notice, the reason of a change, a problem of an upload, a refusal), put
into its text when someone reads it: a decimal number kept as data (``"1322.67"``: an amount, a percent) is
written as the reader's language writes numbers (1 322,67 in Kazakh and Russian, 1,322.67 in English), and a
day kept as data (``"2026-12-24"``) as the reader's language writes a day, as the pages do (24.12.2026 in
Kazakh and Russian); anything else goes in as it is. The messages keep their codes and parameters, never
rendered text."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils.formats import date_format, number_format

#: A decimal number stored as text: digits, a point, digits.
_DECIMAL = re.compile(r"-?\d+\.\d+")
#: A day stored as text (ISO 8601).
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def short_day(value: dt.date | None, empty: str = "—") -> str:
    """A day as the active language writes it (its ``SHORT_DATE_FORMAT``: 24.12.2026 in Kazakh and Russian,
    24 Dec 2026 in English), ``empty`` for none."""
    return date_format(value, "SHORT_DATE_FORMAT") if value else empty


def localized(value: Any) -> Any:
    """``value`` as the active language writes it, when it is a decimal number or a day stored as text."""
    if isinstance(value, str):
        if _DECIMAL.fullmatch(value):
            return number_format(Decimal(value), len(value.partition(".")[2]), force_grouping=True)
        if _DAY.fullmatch(value):
            try:
                return short_day(dt.date.fromisoformat(value))
            except ValueError:  # digits in a day's shape that are no day
                return value
    return value


#: Parameters kept as a code that a domain writes out in the reader's language, by the parameter's name
#: (``return_reason``: the bank's ISO 20022 return reason, registered by the distribution).
CODED: dict[str, Callable[[str], str]] = {}


class Localized(dict[str, Any]):
    """A message's parameters, each put in by :func:`localized`, or by its domain's writer when it is coded."""

    def __getitem__(self, key: str) -> Any:
        value = super().__getitem__(key)
        if key in CODED and isinstance(value, str):
            return CODED[key](value)
        return localized(value)


class MessageParams(Localized):
    """As :class:`Localized`; a parameter an older version of the message did not have reads as "…"."""

    def __missing__(self, key: str) -> str:
        return "…"
