"""Searching the registers by title or name in any script.

Each work keeps a ``search_text``: its titles, alternate titles and the names and pseudonyms of its
contributors, each also transliterated from Cyrillic to Latin. PostgreSQL indexes it as a
``simple`` tsvector (GIN), so a query in Kazakh, Russian or Latin letters finds the work whatever
script it was registered in. No database extension is needed.

Performance on millions of works (see ``manage.py bench search``): a query is one tsquery (the
words as typed OR their Latin transliteration), so PostgreSQL makes one pass over the GIN index;
only the last word is a prefix; and the column keeps finer planner statistics (migration 0003) so
that rare prefixes are estimated as rare and go through the index, while common ones walk the
primary key and stop after a page. Callers order (the API by id) and never count the matches.
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


def variants(part: str) -> list[str]:
    """A part of a work's search text as written and transliterated to Latin (distinct, normalised)."""
    if not part:
        return []
    written = normalise(part)
    latin = normalise(transliterate(part))
    return [v for v in dict.fromkeys((written, latin)) if v]


def join_variants(groups: Iterable[Iterable[str]]) -> str:
    """Join precomputed :func:`variants` in order, dropping repeats (what :func:`build_search_text` does)."""
    return " ".join(dict.fromkeys(v for group in groups for v in group))


def build_search_text(parts: Iterable[str]) -> str:
    """The text a work is found by: every part, and its Latin transliteration where it differs."""
    return join_variants(variants(part) for part in parts)


def tsquery_for(text: str) -> str | None:
    """A tsquery matching every word typed, the last one as a prefix (``word1 & word2:*``); None if empty.

    Only the last word, the one still being typed, is a prefix. A prefix makes the GIN index gather
    every row of every word it starts (hundreds of thousands for ``мен``) before it can intersect,
    while whole words are intersected by skipping through their posting lists: keeping earlier words
    whole keeps "menin bek…" fast on millions of works.
    """
    tokens = _TOKEN.findall(text.lower())[:8]
    if not tokens:
        return None
    *whole, last = tokens
    return " & ".join([*(f"'{t}'" for t in whole), f"'{last}':*"])


def search_works(queryset: QuerySet, text: str) -> QuerySet:
    """Works whose titles or contributors' names match ``text`` (in any script), or whose ISWC/ISRC is it."""
    from udp.identifiers import _compact

    compact = _compact(text)
    if re.fullmatch(r"T[0-9]{10}", compact):
        return queryset.filter(iswc=compact)
    if re.fullmatch(r"[A-Z]{2}[A-Z0-9]{3}[0-9]{7}", compact):
        return queryset.filter(isrc=compact)
    query = tsquery_for(text)
    if query is None:
        return queryset.none()
    latin = tsquery_for(transliterate(text))
    if latin and latin != query:
        # One tsquery, so PostgreSQL makes one pass over the GIN index and estimates it as a whole.
        query = f"({query}) | ({latin})"
    return queryset.extra(where=["registers_work.search @@ to_tsquery('simple', %s)"], params=[query])
