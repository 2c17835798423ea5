#!/usr/bin/env python
"""Merge the translations waiting in ``locale/pending/*.json`` into the Kazakh and Russian catalogues.

Each JSON file maps a msgid to its translations: ``{"msgid": {"kk": "...", "ru": "..."}}``. A msgid
with a context is written ``"context\\u0004msgid"`` (as gettext stores it); a plural is keyed
``"msgid|msgid_plural"`` with a list of forms per language (as many as the catalogue's Plural-Forms).
A language left out keeps what the catalogue, or the library the string comes from, already says.

For every entry, in ``locale/{kk,ru}/LC_MESSAGES/django.po``: the entry is added (or brought back, if
``makemessages`` had made it obsolete) or its translation replaced, and its fuzzy flag cleared. An
entry that ``makemessages`` would not find, because the string is not in our sources but in a
library's (Django, django-allauth, DRF, django-filter, drf-spectacular), is marked with the comment
"library string". ``makemessages`` makes such entries obsolete, so run this script after every
``makemessages``, then ``compilemessages``; the library strings stay in their JSON file for good.

Prints what it changed and the msgids still untranslated in each catalogue; exits with status 1 if
there are any. Files to merge may be named on the command line (default: all of locale/pending/).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
PENDING = LOCALE / "pending"
LANGUAGES = ("kk", "ru")
CONTEXT_SEPARATOR = "\x04"
LIBRARY_COMMENT = "library string"
#: Where makemessages looks for our strings (the project's own code and templates).
SOURCE_SUFFIXES = (".py", ".html", ".txt")
SKIP_DIRS = {".venv", ".git", "node_modules", "locale", ".data", "build", "tests"}
#: A printf-style placeholder: such an entry gets the python-format flag, as makemessages gives it.
_PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[-#0 +]?\d*(?:\.\d+)?[sdifr]")


def load_pending(paths: list[Path]) -> dict[str, dict[str, Any]]:
    """All pending translations; a later file wins for the same msgid and language."""
    merged: dict[str, dict[str, Any]] = {}
    for path in paths:
        for key, texts in json.loads(path.read_text(encoding="utf-8")).items():
            merged.setdefault(key, {}).update({lang: text for lang, text in texts.items() if text})
    return merged


def split_key(key: str, text: Any) -> tuple[str | None, str, str | None]:
    """(context, msgid, msgid_plural) of a pending key."""
    context, _sep, rest = key.rpartition(CONTEXT_SEPARATOR)
    if isinstance(text, list):
        msgid, plural = rest.split("|", 1)
        return context or None, msgid, plural
    return context or None, rest, None


def our_sources() -> str:
    """The text of every file makemessages reads, to tell our strings from the libraries'."""
    chunks = []
    for path in ROOT.rglob("*"):
        if path.suffix in SOURCE_SUFFIXES and not SKIP_DIRS.intersection(path.relative_to(ROOT).parts):
            chunks.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(chunks)


_CALL = r"(?:\b_|gettext(?:_lazy)?|ngettext(?:_lazy)?|pgettext(?:_lazy)?|npgettext(?:_lazy)?|translate|trans)"
_CONTEXT_ARG = r"""(?:(?:"[^"\n]*"|'[^'\n]*')\s*,\s*)?"""


def in_our_sources(msgid: str, sources: str) -> bool:
    """Whether makemessages would find ``msgid``: as the string of a gettext call or of a template's
    ``{% translate %}``, or (a long one) as a ``{% blocktranslate %}``, where ``%(name)s`` is ``{{ name }}``."""
    quoted = "|".join(re.escape(q + msgid + q) for q in ('"', "'"))
    if re.search(_CALL + r"\s*\(?\s*" + _CONTEXT_ARG + f"(?:{quoted})", sources):
        return True
    as_template = re.sub(r"%\((\w+)\)s", r"{{ \1 }}", msgid.replace("%%", "%"))
    return len(msgid) >= 25 and (msgid in sources or as_template in sources)


def merge_entry(po: polib.POFile, key: str, text: Any, sources: str) -> str:
    """Add or update one entry; returns what happened ("added", "updated" or "")."""
    context, msgid, plural = split_key(key, text)
    entry = po.find(msgid, msgctxt=context, include_obsolete_entries=True)
    change = ""
    if entry is None:
        entry = polib.POEntry(msgid=msgid, msgctxt=context, msgid_plural=plural or "")
        if _PLACEHOLDER.search(msgid):
            entry.flags.append("python-format")
        po.append(entry)
        change = "added"
    if entry.obsolete:
        entry.obsolete = False
        change = change or "updated"
    ours = bool(entry.occurrences) or in_our_sources(msgid, sources)
    if not ours and LIBRARY_COMMENT not in entry.comment:
        entry.comment = LIBRARY_COMMENT if not entry.comment else f"{entry.comment}\n{LIBRARY_COMMENT}"
    if plural:
        forms = {index: form for index, form in enumerate(text)}
        if entry.msgstr_plural != forms:
            entry.msgid_plural = plural
            entry.msgstr_plural = forms
            change = change or "updated"
    elif entry.msgstr != text:
        entry.msgstr = text
        change = change or "updated"
    if entry.fuzzy:
        entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        change = change or "updated"
    return change


def untranslated(po: polib.POFile) -> list[str]:
    return [entry.msgid for entry in po if not entry.obsolete and (not entry.translated() or entry.fuzzy)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="pending JSON files (default: all)")
    args = parser.parse_args(argv)
    files = args.files or sorted(PENDING.glob("*.json"))
    pending = load_pending(files)
    sources = our_sources()
    missing_total = 0
    for language in LANGUAGES:
        path = LOCALE / language / "LC_MESSAGES" / "django.po"
        po = polib.pofile(str(path))
        counts = {"added": 0, "updated": 0}
        for key, texts in pending.items():
            if language in texts:
                change = merge_entry(po, key, texts[language], sources)
                if change:
                    counts[change] += 1
        po.save(str(path))
        missing = untranslated(po)
        missing_total += len(missing)
        print(f"{path.relative_to(ROOT)}: {counts['added']} added, {counts['updated']} updated")
        for msgid in missing:
            print(f"  untranslated: {msgid!r}")
    return 1 if missing_total else 0


if __name__ == "__main__":
    sys.exit(main())
