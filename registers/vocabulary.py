"""The vocabulary of the register: every word of works' titles and contributors' names, for typos.

``registers_searchword`` holds each word of the works' search vectors (as written, transliterated
and as search keys, marked ``κ``) with its search key (``folded``) and the number of works it is in.
``registers_searchdeletion`` holds the *deletion neighbourhood* of every search key and of every
Cyrillic word folded (``ю`` is one letter in Cyrillic but two, ``iu``, in a key, so a typo typed in
Cyrillic may be one edit away only there): the word itself and each string made by deleting one of
its letters. A word's frequency is that of its key. Two words are one insertion, deletion,
substitution or transposition apart only if their neighbourhoods share a string ("symmetric
delete"), so the words one typo away from a query word are found with one btree lookup of the
query word's own neighbourhood, and confirmed here with the edit distance.

Both tables are kept by the database itself, set-based: statement triggers on ``registers_work``
add the words of inserted rows, subtract those of deleted ones and apply the difference when a
row's ``search_text`` changes, whichever code wrote it. Bulk loads that bypass triggers (COPY with
``session_replication_role = replica``, see :mod:`demo.synthetic`) call :func:`count_works`.
The SQL functions behind them are created by the migration ``search_vocabulary``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

#: A query word is taken for a typo when fewer works than this have it…
FEW_HITS = 5
#: …or when a word one edit away is in this many times as many works.
MORE_LIKELY = 20
#: At most this many corrections per word, the most frequent first.
MAX_CORRECTIONS = 6


def deletions(word: str) -> set[str]:
    """The word and every string made by deleting one of its letters."""
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}


def one_edit_apart(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by exactly one insertion, deletion, substitution or transposition."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) != len(b):
        short, long = (a, b) if len(a) < len(b) else (b, a)
        return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    if len(diff) == 1:
        return True
    i = diff[0]
    return diff == [i, i + 1] and a[i] == b[i + 1] and a[i + 1] == b[i]


def corrections(
    keys: Iterable[str], *, min_length: int, prefixes: Iterable[str] = ()
) -> dict[str, list[str]]:
    """For each word (a search key or a folded Cyrillic word) that looks mistyped, the register's
    words of the same kind one typo away, most frequent first (by the number of works of their key).

    One query for all the words. A key is taken for a typo when it is in fewer than
    :data:`FEW_HITS` works, or when a key one edit away is :data:`MORE_LIKELY` times as frequent.
    A key in ``prefixes`` (the word still being typed) that begins a word of the register is no typo.
    """
    prefixes = set(prefixes)
    wanted = sorted({k for k in keys if len(k) >= min_length})
    if not wanted:
        return {}
    neighbourhood = sorted({d for k in wanted for d in deletions(k)})
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT d.folded, v.frequency, false
              FROM registers_searchdeletion d
              JOIN registers_searchword v ON v.word = 'κ' || registers_search_key(d.folded)
             WHERE d.deletion = ANY(%s)
            UNION ALL
            SELECT p, 0, true FROM unnest(%s::text[]) AS p, registers_search_key(p) AS k
             WHERE EXISTS (SELECT FROM registers_searchword v
                            WHERE v.word > 'κ' || k AND v.word < 'κ' || k || chr(1114111))
            """,
            [neighbourhood, sorted(prefixes & set(wanted))],
        )
        rows = cursor.fetchall()
    frequency = {word: n for word, n, begins in rows if not begins}
    begun = {word for word, _, begins in rows if begins}
    found: dict[str, list[str]] = {}
    for key in wanted:
        if key in begun:  # still being typed: it finds the words it begins
            continue
        near = sorted((w for w in frequency if one_edit_apart(key, w)), key=lambda w: (-frequency[w], w))
        own = frequency.get(key, 0)
        if near and (own < FEW_HITS or frequency[near[0]] >= MORE_LIKELY * own):
            found[key] = near[:MAX_CORRECTIONS]
    return found


def count_works(first_id: int, last_id: int) -> None:
    """Add the words of works ``first_id`` to ``last_id`` to the vocabulary (after a load without triggers)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT registers_searchword_count_works(%s, %s)", [first_id, last_id])
