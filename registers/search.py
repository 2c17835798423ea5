"""Searching the registers by title or name in any script.

Each work keeps a ``search_text``: its titles, alternate titles and the names and pseudonyms of its
contributors, each also transliterated from Cyrillic to Latin. PostgreSQL indexes it as a
``simple`` tsvector (GIN), so a query in Kazakh, Russian or Latin letters finds the work whatever
script it was registered in. No database extension is needed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db.models import QuerySet

_CYR_TO_LAT = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "yo",
    "ж": "zh", "з": "z", "и": "i", "й": "i", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n",
    "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "u",
    "ү": "u", "ф": "f", "х": "kh", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "", "ы": "y", "і": "i", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


def transliterate(text: str) -> str:
    """Cyrillic (Kazakh and Russian letters) to plain Latin, lower case."""
    return "".join(_CYR_TO_LAT.get(ch, ch) for ch in text.lower())


def normalise(text: str) -> str:
    return " ".join(_TOKEN.findall(text.lower()))


def build_search_text(parts: Iterable[str]) -> str:
    """The text a work is found by: every part, and its Latin transliteration where it differs."""
    seen: list[str] = []
    for part in parts:
        if not part:
            continue
        for variant in (normalise(part), normalise(transliterate(part))):
            if variant and variant not in seen:
                seen.append(variant)
    return " ".join(seen)


def tsquery_for(text: str) -> str | None:
    """A prefix tsquery matching every word typed (``word1 & word2:*``), or None for an empty query."""
    tokens = _TOKEN.findall(text.lower())[:8]
    if not tokens:
        return None
    quoted = [t.replace("'", "") for t in tokens]
    return " & ".join(f"'{t}':*" for t in quoted)


def search_works(queryset: QuerySet, text: str) -> QuerySet:
    """Works whose titles or contributors' names match ``text`` (in any script), or whose ISWC/ISRC is it."""
    from udp.identifiers import _compact

    compact = _compact(text)
    if re.fullmatch(r"T\d{10}", compact):
        return queryset.filter(iswc=compact)
    if re.fullmatch(r"[A-Z]{2}[A-Z0-9]{3}\d{7}", compact):
        return queryset.filter(isrc=compact)
    query = tsquery_for(text)
    if query is None:
        return queryset.none()
    translit_query = tsquery_for(transliterate(text))
    where = "registers_work.search @@ to_tsquery('simple', %s)"
    params = [query]
    if translit_query and translit_query != query:
        where = f"({where} OR registers_work.search @@ to_tsquery('simple', %s))"
        params.append(translit_query)
    return queryset.extra(where=[where], params=params)
