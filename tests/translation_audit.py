"""Which strings a page looked up in a language's catalogue and did not find there.

Django translates a string by looking it up in one merged catalogue per language (Django's own, each
installed app's, then ``LOCALE_PATHS``, ours winning). A string missing from the Kazakh catalogue
does not stay in English: Django falls back to ``LANGUAGE_CODE`` (Russian in production, English in
the tests), so a Kazakh reader silently gets Russian. Comparing the output with the input cannot see
that; :class:`MissedLookups` asks the catalogue itself.

While it is active, every ``gettext``, ``ngettext``, ``pgettext`` and ``npgettext`` made with one of
the audited languages active (templates' ``{% translate %}`` and ``{% blocktranslate %}``, lazy
strings, form and validator messages, allauth's, DRF's and django-filter's strings alike) is checked
against that language's own catalogue, without its fallback. A string the catalogue lacks is recorded
with the place it was looked up from, unless it is in the allow-list file.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import trans_real

ROOT = Path(__file__).resolve().parent.parent
PENDING = ROOT / "locale" / "pending"
#: Strings that read the same in every language and need no catalogue entry: one msgid a line, as
#: written in the source; lines starting with "#" are comments.
ALLOWED = Path(__file__).resolve().parent / "data" / "untranslated_allowed.txt"
CONTEXT_SEPARATOR = "\x04"


def allowed_untranslated() -> frozenset[str]:
    lines = ALLOWED.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line.strip() and not line.startswith("#"))


def _normalised(message: str) -> str:
    return str(message).replace("\r\n", "\n").replace("\r", "\n")


class MissedLookups:
    """Records the msgids looked up, while one of ``languages`` is active, that its catalogue lacks."""

    def __init__(self, languages: Iterable[str] = ("kk",)) -> None:
        self.languages = frozenset(languages)
        self.allowed = allowed_untranslated()
        self.where = ""
        #: (language, msgid) -> the places (``where``) it was looked up from
        self.missed: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.lookups = 0

    @contextmanager
    def at(self, where: str) -> Iterator[None]:
        """Name the page or e-mail being rendered, for the report."""
        before, self.where = self.where, where
        try:
            yield
        finally:
            self.where = before

    def _language(self) -> str | None:
        language = translation.get_language()
        return language if language in self.languages else None

    def _check(self, key: str, found: Callable[[Any], bool], message: Any = None) -> None:
        language = self._language()
        if language is None or not key or isinstance(message, Promise):
            # a lazy string handed to gettext again is already translated: its own lookup was checked
            return
        self.lookups += 1
        shown = key.split(CONTEXT_SEPARATOR, 1)[-1]
        if not any(map(found, _own_catalogues(language))) and shown not in self.allowed:
            self.missed[(language, key)].add(self.where)

    def gettext(self, real: Callable[[str], str]) -> Callable[[str], str]:
        def gettext(message: str) -> str:
            key = _normalised(message)
            self._check(key, lambda source: _has(source, key), message)
            return real(message)

        return gettext

    def pgettext(self, real: Callable[[str, str], str]) -> Callable[[str, str], str]:
        def pgettext(context: str, message: str) -> str:
            key = f"{context}{CONTEXT_SEPARATOR}{_normalised(message)}"
            self._check(key, lambda source: _has(source, key), message)
            return real(context, message)

        return pgettext

    def ngettext(self, real: Callable[[str, str, int], str]) -> Callable[[str, str, int], str]:
        def ngettext(singular: str, plural: str, number: int) -> str:
            self._check(singular, lambda source: _has_plural(source, singular, number))
            return real(singular, plural, number)

        return ngettext

    def npgettext(self, real: Callable[[str, str, str, int], str]) -> Callable[[str, str, str, int], str]:
        def npgettext(context: str, singular: str, plural: str, number: int) -> str:
            key = f"{context}{CONTEXT_SEPARATOR}{singular}"
            self._check(key, lambda source: _has_plural(source, key, number))
            return real(context, singular, plural, number)

        return npgettext

    def install(self, monkeypatch: Any) -> MissedLookups:
        """Wrap the translation functions every caller goes through (``django.utils.translation._trans``)."""
        for name in ("gettext", "ngettext", "pgettext", "npgettext"):
            # ``_trans`` is Django's private dispatcher, the one place every lookup passes through
            trans = translation._trans  # type: ignore[attr-defined]
            real = getattr(trans, name)  # the first access binds the real function
            monkeypatch.setattr(trans, name, getattr(self, name)(real))
        return self

    def report(self) -> str:
        lines = []
        for (language, key), places in sorted(self.missed.items()):
            shown = key.replace(CONTEXT_SEPARATOR, " | ")
            lines.append(f"[{language}] {shown!r}  (at {', '.join(sorted(places)[:3])})")
        return "\n".join(lines)


def _own_catalogues(language: str) -> Iterator[Any]:
    """The catalogues ``language`` is translated from, without the fallback to ``LANGUAGE_CODE``.

    That is the merged catalogue, and the translations a library's catalogue brought along as its own
    fallbacks (DRF ships ``ru_RU`` beside ``ru``: gettext loads the first and chains the second). The
    fallback to the default language is the one that is itself a ``DjangoTranslation``.
    """
    translation_ = trans_real.translation(language)
    yield translation_
    fallback = translation_._fallback  # type: ignore[attr-defined]  # gettext's chain, not in the stubs
    while fallback is not None and not isinstance(fallback, trans_real.DjangoTranslation):
        yield fallback
        fallback = fallback._fallback


def _has(translation_: Any, key: str) -> bool:
    return key in (translation_._catalog or {})


def _has_plural(translation_: Any, msgid: str, number: int) -> bool:
    catalog = translation_._catalog or {}
    if isinstance(catalog, trans_real.TranslationCatalog):
        try:
            catalog.plural(msgid, number)
        except KeyError:
            return False
        return True
    return (msgid, translation_.plural(number)) in catalog


def pending_messages(language: str) -> dict[str, Any]:
    """The translations waiting in ``locale/pending/*.json`` for ``language`` (gettext keys: a context
    is joined to its msgid with EOT; a plural's msgid and msgid_plural by "|", with a list of forms)."""
    messages: dict[str, Any] = {}
    for path in sorted(PENDING.glob("*.json")):
        for msgid, texts in json.loads(path.read_text(encoding="utf-8")).items():
            if texts.get(language):
                messages[msgid] = texts[language]
    return messages


def compile_pending(target: Path) -> Path:
    """Compile the pending translations into a locale directory at ``target`` (to append to
    ``LOCALE_PATHS``, so that a page reads as it will once they are merged into the catalogues)."""
    import polib

    for language in ("kk", "ru"):
        mo = polib.MOFile()
        mo.metadata = {
            "Content-Type": "text/plain; charset=UTF-8",
            "Plural-Forms": _plural_forms(language),
        }
        for key, text in pending_messages(language).items():
            context, _sep, msgid = key.rpartition(CONTEXT_SEPARATOR)
            if isinstance(text, list):
                singular, plural = msgid.split("|", 1)
                entry = polib.MOEntry(
                    msgctxt=context or None,
                    msgid=singular,
                    msgid_plural=plural,
                    msgstr_plural=dict(enumerate(text)),
                )
            else:
                entry = polib.MOEntry(msgctxt=context or None, msgid=msgid, msgstr=text)
            mo.append(entry)
        directory = target / language / "LC_MESSAGES"
        directory.mkdir(parents=True, exist_ok=True)
        mo.save(str(directory / "django.mo"))
    return target


def _plural_forms(language: str) -> str:
    """The plural rule of our own catalogue for ``language``."""
    import polib

    po = polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))
    return po.metadata["Plural-Forms"]
