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
document and goes up whenever the template changes what a document says. ``standing``, where a
document can stop saying what holds (a statement withdrawn, an invoice cancelled), tells the
verification page so: given the issued document (its subject is ``document.subject``), it returns a
:class:`Standing`, or ``None`` while the document stands. ``label``, where what a document is for is made
of facts that never change (a CMO and a period), says it in the reader's language (days as the language
writes them) instead of the text stored when it was issued. What either says is public: never a
confidential fact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class Standing:
    """Why an issued document no longer says what holds now, in the reader's language (worked out when the
    verification page is read, never stored), and since when."""

    text: str
    since: dt.date | None = None
    #: the whole document no longer stands (``False``: a part of it, such as one area of a certificate)
    whole: bool = True


@dataclass(frozen=True)
class DocumentKind:
    code: str
    series: str
    title: str | Promise
    template: str
    version: str
    #: the issued document → why it no longer stands (``None``: it stands); see the module's docstring
    standing: Callable[[Any], Standing | None] | None = field(default=None, compare=False)
    #: the issued document → what it is for, in the reader's language (``None``: the stored ``public_label``)
    label: Callable[[Any], str] | None = field(default=None, compare=False)


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
