"""Queries typed the way people type them, for measuring search (``manage.py bench search``).

From a clean query (a work's title and its first writer's name) each kind of noise makes one that
search should still answer with that work:

- ``kazakh_letters``: typed without Kazakh letters (``ә`` → ``а``, ``қ`` → ``к``, ``ұ``/``ү`` → ``у``…);
- ``other_script``: Cyrillic written in Latin letters, by the official transliteration, the Kazakh
  Latin alphabet of 2021 or the informal habit (``Saryarka``), or Latin written letter for letter
  in Cyrillic;
- ``typo``: one letter inserted, deleted, replaced or two neighbours swapped, in one word.
"""

from __future__ import annotations

import random
import re

from registers.search import fold, transliterate

KINDS = ("kazakh_letters", "other_script", "typo")

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_CYRILLIC = re.compile(r"[а-яёәғқңөұүһі]")
_KAZAKH = re.compile(r"[әғқңөұүһі]")

#: The Kazakh Latin alphabet of 2021 (letters that differ from the plain transliteration).
_LATIN_2021 = {
    "ә": "ä", "ғ": "ğ", "ж": "j", "и": "i", "й": "i", "қ": "q", "ң": "ñ", "ө": "ö", "ұ": "ū", "ү": "ü",
    "х": "h", "һ": "h", "ч": "ç", "ш": "ş", "ы": "y", "і": "ı", "ц": "c", "щ": "şç", "ю": "iu", "я": "ia",
}  # fmt: skip
#: Common informal Latin: no marks, ``k`` for ``қ``, ``y`` for ``й``.
_INFORMAL = {"қ": "k", "й": "y", "ю": "yu", "я": "ya", "ж": "zh", "х": "kh", "ц": "ts", "ё": "yo"}

_LATIN_TO_CYRILLIC = {
    "a": "а", "b": "б", "c": "ц", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х", "i": "и", "j": "ж",
    "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "q": "қ", "r": "р", "s": "с", "t": "т",
    "u": "у", "v": "в", "w": "в", "x": "кс", "y": "ы", "z": "з",
}  # fmt: skip
_LATIN_DIGRAPHS = (("sh", "ш"), ("ch", "ч"), ("zh", "ж"), ("kh", "х"), ("ya", "я"), ("yu", "ю"))

_ALPHABETS = {"cyrillic": "абвгдежзийклмнопрстуфхцчшыэюяәғқңөұүһі", "latin": "abcdefghijklmnopqrstuvwxyz"}


def name_in_script_of(title: str, kk: str, ru: str, lat: str) -> str:
    """A person's name as written beside a title: Kazakh beside Kazakh, Russian beside Russian, else Latin."""
    lowered = title.lower()
    if _KAZAKH.search(lowered):
        return kk or ru or lat
    if _CYRILLIC.search(lowered):
        return ru or kk or lat
    return lat or ru or kk


def query_for(title: str, name: str) -> str:
    """The clean query for a work: its title's words and its first writer's name, lower case."""
    return " ".join(_WORD.findall(f"{title} {name}".lower()))


def make_noisy(kind: str, query: str, rng: random.Random) -> str | None:
    """``query`` with one kind of noise, or None when that kind cannot change it."""
    if kind == "kazakh_letters":
        noisy = fold(query) if _KAZAKH.search(query) else None
    elif kind == "other_script":
        noisy = other_script(query, rng)
    elif kind == "typo":
        noisy = typo(query, rng)
    else:
        raise ValueError(f"no such kind of noise: {kind}")
    return noisy if noisy and noisy != query else None


def other_script(text: str, rng: random.Random) -> str:
    """Cyrillic to Latin (official, 2021 or informal, chosen at random), or Latin to Cyrillic."""
    if not _CYRILLIC.search(text):
        for latin, cyrillic in _LATIN_DIGRAPHS:
            text = text.replace(latin, cyrillic)
        return "".join(_LATIN_TO_CYRILLIC.get(ch, ch) for ch in text)
    scheme = rng.choice(("official", "2021", "informal"))
    if scheme == "official":
        return transliterate(text)
    letters = _LATIN_2021 if scheme == "2021" else _INFORMAL
    return "".join(letters.get(ch) or transliterate(ch) for ch in text)


def typo(text: str, rng: random.Random) -> str | None:
    """One insertion, deletion, substitution or transposition in one word of four letters or more."""
    words = text.split(" ")
    long = [i for i, w in enumerate(words) if len(w) >= 4]
    if not long:
        return None
    i = rng.choice(long)
    word = words[i]
    letters = _ALPHABETS["cyrillic" if _CYRILLIC.search(word) else "latin"]
    at = rng.randrange(1, len(word))  # people rarely mistype the first letter
    edit = rng.choice(("insert", "delete", "substitute", "transpose"))
    if edit == "insert":
        word = word[:at] + rng.choice(letters) + word[at:]
    elif edit == "delete":
        word = word[:at] + word[at + 1 :]
    elif edit == "substitute":
        word = word[:at] + rng.choice([c for c in letters if c != word[at]]) + word[at + 1 :]
    elif at + 1 < len(word) and word[at] != word[at + 1]:
        word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    else:
        word = word[: at - 1] + word[at] + word[at - 1] + word[at + 1 :]
    words[i] = word
    return " ".join(words)
