"""Sections that modules above the registers add to a CMO's public page (accreditation, publications).

The registers import nothing above them; a module registers a section when its app is ready::

    add_cmo_section(lambda cmo: ("accreditation/public/_cmo_lines.html", {"lines": ...}))

Each section is a template and its context, shown after the register's own facts, in the order added.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from registers.models import CMO


@dataclass(frozen=True)
class Section:
    template: str
    data: Mapping[str, Any]


SectionMaker = Callable[[CMO], tuple[str, Mapping[str, Any]] | None]
_CMO_SECTIONS: list[SectionMaker] = []


def add_cmo_section(maker: SectionMaker) -> None:
    if maker not in _CMO_SECTIONS:
        _CMO_SECTIONS.append(maker)


def cmo_sections(cmo: CMO) -> list[Section]:
    sections = []
    for maker in _CMO_SECTIONS:
        made = maker(cmo)
        if made is not None:
            sections.append(Section(*made))
    return sections
