"""Evidence the platform holds for a ground of revocation (Art. 47-1) or suspension (Art. 47-3).

Each part of the platform that knows something registers a provider for a ground: the annual report's
filing record for ground 2 (a late report), the publication deadlines and withdrawal obligations for
ground 5 (Art. 46 duties missed), and later the payouts for ground 6 (late payment) and the tariffs for
ground 9 (rates below the minimum). The authorized body sees every item beside its decision, and the
decision keeps a copy (``Revocation.evidence``), so what it rested on stays readable.

An item is data, not text: a ``code`` and ``params`` (rendered in the reader's language by the provider's
``describe``), a ``link`` on the platform, and the ``day`` it happened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from registers.models import CMO


@dataclass(frozen=True)
class Item:
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    link: str = ""
    day: dt.date | None = None

    def as_data(self) -> dict[str, Any]:
        data = asdict(self)
        data["day"] = self.day.isoformat() if self.day else None
        return data


#: provider(cmo, area_id or None, day) -> items
Provider = Callable[[CMO, int | None, dt.date], list[Item]]

_PROVIDERS: dict[str, list[Provider]] = {}
_DESCRIBERS: dict[str, Callable[[dict[str, Any]], str]] = {}


def register(ground: str, provider: Provider) -> None:
    """Add ``provider`` for the revocation ground ``ground`` (a :class:`RevocationGround` value)."""
    _PROVIDERS.setdefault(ground, []).append(provider)


def describe_with(code: str, describe: Callable[[dict[str, Any]], str]) -> None:
    """How an item with ``code`` reads, in the active language, from its params."""
    _DESCRIBERS[code] = describe


def grounds_with_providers() -> set[str]:
    return {ground for ground, providers in _PROVIDERS.items() if providers}


def gather(ground: str, cmo: CMO, area_id: int | None, day: dt.date) -> list[Item]:
    """Every item the platform holds for ``ground`` against ``cmo`` (in ``area_id``, or any) up to ``day``."""
    items: list[Item] = []
    for provider in _PROVIDERS.get(ground, []):
        items.extend(provider(cmo, area_id, day))
    return sorted(items, key=lambda item: (item.day or dt.date.min, item.code))


def describe(item: dict[str, Any]) -> str:
    """An item (as stored) in the reader's language; its code if nobody said how it reads."""
    describer = _DESCRIBERS.get(item.get("code", ""))
    return describer(item.get("params", {})) if describer else str(item.get("code", ""))
