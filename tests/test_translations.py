"""Our own strings exist in Kazakh and Russian, and the compiled catalogues match the sources."""

import gettext
import re
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def _unquote(s: str) -> str:
    return (
        "".join(re.findall(r'"(.*)"', s)).encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
    )


def _po_entries(path: Path) -> dict[str, str]:
    """msgid → msgstr of a PO file (plain entries; the header is skipped). A msgid with a context is
    keyed as gettext stores it: the context, EOT, the msgid."""
    entries: dict[str, str] = {}
    text = path.read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        if "#, fuzzy" in block:
            entries["<fuzzy>" + block] = ""
            continue
        m = re.search(r'^msgid ((?:".*"\n?)+)msgstr ((?:".*"\n?)+)', block, re.M)
        if not m:
            continue
        msgid, msgstr = _unquote(m.group(1)), _unquote(m.group(2))
        context = re.search(r'^msgctxt ((?:".*"\n?)+)msgid ', block, re.M)
        if msgid and context:
            msgid = f"{_unquote(context.group(1))}\x04{msgid}"
        if msgid:
            entries[msgid] = msgstr
    return entries


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_string_of_ours_is_translated_and_compiled(language):
    entries = _po_entries(LOCALE / language / "LC_MESSAGES" / "django.po")
    untranslated = [msgid for msgid, msgstr in entries.items() if not msgstr]
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:3]}"
    with open(LOCALE / language / "LC_MESSAGES" / "django.mo", "rb") as fh:
        catalog = gettext.GNUTranslations(fh)
    stale = [msgid for msgid, msgstr in entries.items() if catalog.gettext(msgid) != msgstr]
    assert not stale, f"django.mo is older than django.po (run compilemessages): {stale[:3]}"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("kk", "Бірыңғай цифрлық платформа"),
        ("ru", "Единая цифровая платформа"),
        ("en", "Unified Digital Platform"),
    ],
)
def test_the_home_page_speaks_the_chosen_language(db, language, expected):
    client = Client()
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    response = client.get("/")
    assert f'<html lang="{language}">' in response.content.decode()
    assert expected in response.content.decode()
    translation.activate("en")
