"""Kinds of document the platform issues, each declared once by the app that owns it.

An app declares its kinds in its ``documents`` module (found at start-up, as the admin finds
``admin`` modules)::

    EXTRACT = kinds.register(DocumentKind(
        code="register_extract_work", series="EXW",
        title=gettext_lazy("Extract from the register of works"),
        template="documents/extracts/work.html", version="1",
    ))

``code`` is stored with every issued document and never changes; ``series`` names the gap-free
numbering series (and is the number's prefix: EXW-0000001); ``version`` is stored with each
document and goes up whenever the template changes what a document says.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class DocumentKind:
    code: str
    series: str
    title: str | Promise
    template: str
    version: str


_KINDS: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> DocumentKind:
    known = _KINDS.get(kind.code)
    if known is not None and known != kind:
        raise ValueError(f"document kind {kind.code!r} is declared twice")
    if any(k.series == kind.series and k.code != kind.code for k in _KINDS.values()):
        raise ValueError(f"numbering series {kind.series!r} already belongs to another kind")
    _KINDS[kind.code] = kind
    return kind


def get(code: str) -> DocumentKind | None:
    return _KINDS.get(code)


def all_kinds() -> list[DocumentKind]:
    return list(_KINDS.values())
