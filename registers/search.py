"""Searching the registers by title or name in any script, forgiving the way people type.

Each work keeps a ``search_text``: its titles, alternate titles and the names and pseudonyms of its
contributors, each as written, transliterated to Latin and as a *search key*: one Latin spelling,
Kazakh letters folded to their Russian-like base letters (``қ`` → ``к``), that the usual ways of
writing Kazakh and Russian in Cyrillic and Latin letters share (``Сарыарқа``, ``Сарыарка``,
``Saryarqa``, ``Saryarka`` and ``Sarıarqa`` are all ``sariarka``; stored as ``κsariarka``, see
:data:`KEY_MARK`). PostgreSQL indexes it as a ``simple`` tsvector (GIN); no database extension is
needed.

A query is answered in three tiers, each ranked below the one before:

1. **exact**: every word as typed or transliterated to Latin (the last one as a prefix);
2. **folded**: every word by its search key (Kazakh letters typed without their marks, the other
   script, informal transliterations);
3. **typo**: one word replaced by a word of the register's vocabulary (:mod:`registers.vocabulary`)
   one insertion, deletion, substitution or transposition away.

:class:`RankedWorks` fetches a page tier by tier and stops as soon as the page is full, so a
common word costs what it did before (a walk of the primary key that stops after a few hundred
rows) and the vocabulary is only consulted when the first two tiers leave the page short. Within a
tier, a small result set is ordered by closeness (the query's words in the title, the fewest other
title words, the shortest search text), a large one by registration order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from django.contrib.postgres.search import SearchQuery
from django.db.models import Q, QuerySet
from django.db.models.functions import Length

_CYR_TO_LAT = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "yo",
    "ж": "zh", "з": "z", "и": "i", "й": "i", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n",
    "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "u",
    "ү": "u", "ф": "f", "х": "kh", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "", "ы": "y", "і": "i", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip

#: Kazakh letters to the Russian-like letters people type when their keyboard lacks them.
_KAZAKH_FOLD = str.maketrans("әғқңөұүһіё", "агкноуухие")

#: Latin letters with marks (the Kazakh Latin alphabets of 2017-2021, Turkish, Czech) to plain ones.
_LATIN_MARKS = {
    "ş": "sh", "ș": "sh", "š": "sh", "ç": "ch", "č": "ch", "ž": "zh",
    "ä": "a", "á": "a", "à": "a", "â": "a", "ğ": "g", "ǵ": "g", "ñ": "n", "ń": "n",
    "ö": "o", "ó": "o", "ô": "o", "ū": "u", "ü": "u", "ú": "u", "ù": "u",
    "ı": "i", "í": "i", "ì": "i", "î": "i", "ï": "i", "ý": "y", "é": "e", "è": "e", "ê": "e", "ë": "e",
}  # fmt: skip

#: Spellings that informal and official Latin transliterations disagree on, to one of them.
#: ``registers_search_key`` (migration ``search_vocabulary``) applies the same steps in SQL.
_KEY_RULES = (
    ("shch", "sh"), ("zh", "j"), ("kh", "h"), ("ts", "c"), ("q", "k"), ("w", "v"), ("y", "i"),
)  # fmt: skip
_DOUBLED = re.compile(r"(.)\1+")

#: Search keys are stored marked, as ``κsariarka``: a separate space of lexemes, so that a word typed
#: exactly never matches a key (``kara`` typed is not ``Қара``) and exact matches rank first.
#: Nobody types a Greek kappa before a Kazakh, Russian or English word.
KEY_MARK = "κ"

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_CYRILLIC = re.compile(r"[а-яё]")

#: Query words shorter than this (as keys) are never taken for typos: too many words are one edit away.
TYPO_MIN_LENGTH = 3
#: A tier of at most this many matches is read whole and ordered by closeness; more are listed by id.
#: At 2,000,000 works a title and a name typed without Kazakh letters can match several hundred works
#: (200 here gave recall_at_10 0.945, 1,000 gives 0.96); the read is of ids, titles and lengths only.
CLOSENESS_WINDOW = 1000
#: Exact matches of fewer words than this are mostly of common words: they are read no further than the
#: page, in id order, as a plain list would (and ordered by closeness when they all fit on it). From a
#: title and a name on they are few, and read whole to put the closest first.
RANKED_FROM = 3
#: At most this many words are read from a query.
MAX_WORDS = 8


def transliterate(text: str) -> str:
    """Cyrillic (Kazakh and Russian letters) to plain Latin, lower case."""
    return "".join(_CYR_TO_LAT.get(ch, ch) for ch in text.lower())


def fold(text: str) -> str:
    """Kazakh letters (and ``ё``) to the Russian letters typed in their place, lower case."""
    return text.lower().translate(_KAZAKH_FOLD)


@lru_cache(maxsize=100_000)
def search_key(word: str) -> str:
    """The one Latin spelling of a word that its Cyrillic, official Latin and informal Latin forms share.

    ``Сарыарқа``, ``Сарыарка``, ``Saryarqa``, ``Saryarka`` → ``sariarka``; ``Абай``, ``Abai``,
    ``Abay`` → ``abai``; ``Жұлдыз``, ``Jūldyz``, ``Zhuldyz`` → ``juldiz``.
    """
    latin = "".join(_LATIN_MARKS.get(ch, ch) for ch in transliterate(word.lower().replace("ё", "е")))
    key = _DOUBLED.sub(r"\1", latin)
    for written, spoken in _KEY_RULES:
        key = key.replace(written, spoken)
    key = _DOUBLED.sub(r"\1", key)
    return "e" + key[2:] if key.startswith("ie") else key


def normalise(text: str) -> str:
    return " ".join(_TOKEN.findall(text.lower()))


def variants(part: str) -> list[str]:
    """A part of a work's search text as written, in Latin and as search keys (distinct).

    The key of a word stands for all its spellings, Kazakh letters folded included; the folded
    Cyrillic form is not stored: a query typed in Russian letters would then match it as typed, and
    exact matches could no longer rank above folded ones.
    """
    if not part:
        return []
    written = normalise(part)
    latin = normalise(transliterate(part))
    keys = " ".join(KEY_MARK + k for k in (search_key(t) for t in _TOKEN.findall(part.lower())) if k)
    return [v for v in dict.fromkeys((written, latin, keys)) if v]


def join_variants(groups: Iterable[Iterable[str]]) -> str:
    """Join precomputed :func:`variants` in order, dropping repeats (what :func:`build_search_text` does)."""
    return " ".join(dict.fromkeys(v for group in groups for v in group))


def build_search_text(parts: Iterable[str]) -> str:
    """The text a work is found by: every part as written, transliterated and as search keys."""
    return join_variants(variants(part) for part in parts)


def words_of(text: str) -> list[str]:
    """The words of a query, lower case, at most :data:`MAX_WORDS`."""
    return _TOKEN.findall(text.lower())[:MAX_WORDS]


def tsquery_for(text: str) -> str | None:
    """A tsquery matching every word typed, the last one as a prefix (``word1 & word2:*``); None if empty.

    Only the last word, the one still being typed, is a prefix. A prefix makes the GIN index gather
    every row of every word it starts (hundreds of thousands for ``мен``) before it can intersect,
    while whole words are intersected by skipping through their posting lists: keeping earlier words
    whole keeps "menin bek…" fast on millions of works.
    """
    tokens = words_of(text)
    if not tokens:
        return None
    *whole, last = tokens
    return " & ".join([*(f"'{t}'" for t in whole), f"'{last}':*"])


@dataclass
class QueryWord:
    """One word of a query with the forms it may match in each tier."""

    typed: str
    prefix: bool
    corrections: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return search_key(self.typed)

    def folded(self) -> str:
        """The word's search key (a prefix if last). Every word of a work's search text has its key
        there too, so one lexeme stands for every spelling (and the planner estimates it well)."""
        return f"'{KEY_MARK}{self.key or self.typed}'" + (":*" if self.prefix else "")

    @property
    def cyrillic(self) -> str | None:
        """The word folded, if it is Cyrillic (typos are looked for among Cyrillic words too)."""
        folded = fold(self.typed)
        return folded if _CYRILLIC.search(folded) else None

    def finds(self, key: str) -> bool:
        """Whether this word finds a word with search key ``key`` (folded, as a prefix, or corrected)."""
        mine = self.key
        return key == mine or (self.prefix and key.startswith(mine)) or key in self.corrections

    def corrected(self) -> str:
        """The search key (a prefix if last) or a correction of a typo (a whole word)."""
        return "(" + " | ".join([self.folded(), *(f"'{KEY_MARK}{c}'" for c in self.corrections)]) + ")"


@dataclass
class Tier:
    """Works matching ``match`` and none of the earlier tiers, with a name for the bench and tests."""

    name: str
    match: Q
    earlier: Q | None = None

    def filter(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        queryset = queryset.filter(self.match)
        return queryset.exclude(self.earlier) if self.earlier is not None else queryset


def _matches(tsquery: str) -> Q:
    return Q(search=SearchQuery(tsquery, search_type="raw", config="simple"))


class WorkSearch:
    """A query for works: an identifier, or words answered in tiers (see the module's docstring)."""

    def __init__(self, text: str) -> None:
        from udp.identifiers import _compact

        self.text = text
        compact = _compact(text)
        self.identifier: Q | None = None
        if re.fullmatch(r"T[0-9]{10}", compact):
            self.identifier = Q(iswc=compact)
        elif re.fullmatch(r"[A-Z]{2}[A-Z0-9]{3}[0-9]{7}", compact):
            self.identifier = Q(isrc=compact)
        tokens = [] if self.identifier else words_of(text)
        self.words = [QueryWord(t, prefix=(i == len(tokens) - 1)) for i, t in enumerate(tokens)]

    @property
    def empty(self) -> bool:
        return self.identifier is None and not self.words

    @cached_property
    def exact(self) -> str | None:
        query = tsquery_for(self.text)
        latin = tsquery_for(transliterate(self.text))
        if query and latin and latin != query:
            # One tsquery, so PostgreSQL makes one pass over the GIN index and estimates it as a whole.
            return f"({query}) | ({latin})"
        return query

    @cached_property
    def folded(self) -> str:
        return " & ".join(w.folded() for w in self.words)

    @cached_property
    def corrected(self) -> str | None:
        """Any one word replaced by a correction of a typo; None when no word looks mistyped."""
        from registers.vocabulary import corrections

        # A word still being typed (the last) is only taken for a typo once it is long enough.
        typed = [w for w in self.words if len(w.typed) >= TYPO_MIN_LENGTH + w.prefix]
        forms = [w.key for w in typed] + [c for w in typed if (c := w.cyrillic)]
        still_typed = [f for w in typed if w.prefix for f in (w.key, w.cyrillic) if f]
        found = corrections(forms, min_length=TYPO_MIN_LENGTH, prefixes=still_typed)
        for word in self.words:  # as keys: a Cyrillic word's key is in the search text of its works
            near = found.get(word.key, []) + found.get(word.cyrillic or "", [])
            word.corrections = [k for k in dict.fromkeys(search_key(w) for w in near) if k != word.key]
        alternatives = [
            " & ".join(w.corrected() if w is word else w.folded() for w in self.words)
            for word in self.words
            if word.corrections
        ]
        return " | ".join(f"({a})" for a in alternatives) or None

    def tiers(self) -> Iterator[Tier]:
        """The tiers in rank order, each built only when asked for (the typo tier reads the vocabulary)."""
        if self.identifier is not None:
            yield Tier("identifier", self.identifier)
            return
        if not self.words or self.exact is None:
            return
        exact = _matches(self.exact)
        yield Tier("exact", exact)
        folded = _matches(self.folded) if self.folded != self.exact else exact
        if folded is not exact:
            yield Tier("folded", folded, earlier=exact)
        if self.corrected:
            yield Tier("typo", _matches(self.corrected), earlier=folded)

    def filter(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """Works matching in any tier, unordered (for callers that order by something else)."""
        if self.empty:
            return queryset.none()
        match = Q()
        for tier in self.tiers():
            match |= tier.match
        return queryset.filter(match)

    def closeness(self, title: str, text_length: int) -> tuple[int, int, int]:
        """How closely a work matches, smaller first: the query's words in its title, its other title
        words, then the length of its search text (fewer contributors and alternate titles)."""
        keys = [search_key(t) for t in words_of(title)]
        in_title = sum(1 for word in self.words if any(word.finds(k) for k in keys))
        others = sum(1 for k in keys if not any(word.finds(k) for word in self.words))
        return (-in_title, others, text_length)

    def ranked(
        self, queryset: QuerySet[Any], shape: Callable[[QuerySet[Any]], QuerySet[Any]] = lambda qs: qs
    ) -> RankedWorks:
        """Works of ``queryset`` matching, tier by tier, as a sequence to slice a page from."""
        return RankedWorks(self, queryset, shape)


@dataclass
class RankedWorks:
    """Search results in rank order, fetched a slice at a time (``results[50:76]``), never counted.

    ``queryset`` holds the other filters (visibility, kind, CMO…); ``shape`` turns a queryset of the
    page's works into the rows wanted (``.only(…)``, ``.values(…)``).
    """

    search: WorkSearch
    queryset: QuerySet[Any]
    shape: Callable[[QuerySet[Any]], QuerySet[Any]]
    tiers_used: list[str] = field(default_factory=list)

    def __getitem__(self, window: slice) -> list[Any]:
        start, stop = window.start or 0, window.stop
        if stop is None or window.step is not None:
            raise TypeError("take a slice with an end: results[start:stop]")
        pieces: list[tuple[list[Any], bool]] = []  # per tier: (rows, True) or (ids to fetch, False)
        found = before = 0  # rows found for the page; rows in the tiers before this one
        tiers = self.search.tiers()  # built one at a time: the next only when the page is still short
        while found < stop - start and (tier := next(tiers, None)) is not None:
            self.tiers_used.append(tier.name)
            matches, offset, wanted = tier.filter(self.queryset), max(0, start - before), stop - start - found
            if tier.name == "identifier" or (tier.name == "exact" and len(self.search.words) < RANKED_FROM):
                got, size = self._plain_page(matches, offset, wanted), None
                pieces.append((got, True))
            else:
                got, size = self._ranked_page(matches, offset, wanted)
                pieces.append((got, False))
            found += len(got)
            if size is None:  # a plain page: the tier ends here unless the page is full
                size = offset + len(got) if got or not offset else matches.count()
            before += size
        ids = [pk for got, are_rows in pieces if not are_rows for pk in got]
        rows = {_pk(row): row for row in self.shape(self.queryset.filter(pk__in=ids))} if ids else {}
        return [
            item
            for got, are_rows in pieces
            for item in (got if are_rows else [rows[pk] for pk in got if pk in rows])
        ]

    def _plain_page(self, matches: QuerySet[Any], offset: int, wanted: int) -> list[Any]:
        """Rows of the page in id order, in one query, as a plain list would read them (see
        :data:`RANKED_FROM`). When the whole tier fits on the page, the closest come first."""
        rows = list(self.shape(matches.order_by("id"))[offset : offset + wanted])
        if not offset and len(rows) < wanted:
            rows.sort(key=lambda row: (*self.search.closeness(_title(row), 0), _pk(row)))
        return rows

    def _ranked_page(self, matches: QuerySet[Any], offset: int, wanted: int) -> tuple[list[int], int]:
        """Ids of the tier's rows ``offset`` to ``offset + wanted``, the closest first if the tier has
        at most :data:`CLOSENESS_WINDOW` rows (it is read whole: the planner then gathers it from the
        index rather than walking the table in id order), and how many rows the tier has (at least)."""
        head = list(
            matches.order_by("id").values_list("id", "title", Length("search_text"))[: CLOSENESS_WINDOW + 1]
        )
        if len(head) <= CLOSENESS_WINDOW:
            head.sort(key=lambda row: (*self.search.closeness(row[1], row[2]), row[0]))
            return [row[0] for row in head[offset : offset + wanted]], len(head)
        if offset + wanted <= len(head):
            ids = [row[0] for row in head[offset : offset + wanted]]
        else:
            ids = list(matches.order_by("id").values_list("id", flat=True)[offset : offset + wanted])
        if len(ids) == wanted:
            return ids, offset + wanted
        return ids, offset + len(ids) if ids else matches.count()


def _title(row: Any) -> str:
    return str(row["title"] if isinstance(row, dict) else row.title)


def _pk(row: Any) -> int:
    return int(row["id"] if isinstance(row, dict) else row.pk)


def search_works(queryset: QuerySet[Any], text: str) -> QuerySet[Any]:
    """Works whose titles or contributors' names match ``text`` in any tier, or whose ISWC/ISRC is it.

    Unordered: for a list in rank order, use :meth:`WorkSearch.ranked`.
    """
    return WorkSearch(text).filter(queryset)
