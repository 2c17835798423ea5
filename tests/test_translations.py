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


def _api_routes(patterns, prefix=""):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _api_routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.callback


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_api_view_is_named_in_the_readers_language(language):
    """The browsable API's titles (and OPTIONS' names) come from the models' verbose names, the steps'
    names and the views' titles, so a new view or step with none shows up here in English."""
    from django.urls import get_resolver
    from rest_framework.views import APIView

    from udp.core.api_names import view_name

    # the schema and its two readers are not pages of the browsable API
    skip = ("api/schema/", "api/docs/", "api/redoc/")
    english = []
    with translation.override(language):
        for path, callback in _api_routes(get_resolver().url_patterns):
            cls = getattr(callback, "cls", None)
            if not path.startswith("api/") or path in skip or cls is None or not issubclass(cls, APIView):
                continue
            view = cls(**(getattr(callback, "initkwargs", None) or {}))
            actions = getattr(callback, "actions", None)
            if actions:
                view.action = next(iter(actions.values()))
            view.kwargs = {}
            name = view_name(view)
            if name != "API" and not re.search(r"[а-яәғқңөұүһі]", name, re.I):
                english.append((path, name))
    assert not english, english


@pytest.mark.django_db
def test_the_browsable_api_titles_a_page_in_kazakh():
    from django.conf import settings

    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "kk"
    page = client.get("/api/works/", HTTP_ACCEPT="text/html").content.decode()
    assert "<title>Туындылар" in page and "Work List" not in page
    page = client.get("/api/", HTTP_ACCEPT="text/html").content.decode()
    assert "Api Root" not in page and "The default basic root view" not in page
    assert "Платформаның API-і" in page


@pytest.mark.django_db
def test_the_browsable_api_gives_a_kazakh_reader_no_english_forms_or_docstrings(personas):
    """DRF's forms have fixed English tabs ("HTML form", "Raw data"), and the views' docstrings are written
    for developers in English: a Kazakh reader gets neither, an English reader both."""
    from django.conf import settings

    from tests import factories as f

    client = f.signed_in(personas.cmo_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "kk"
    page = client.get("/api/keys/", HTTP_ACCEPT="text/html").content.decode()
    assert "API кілттері" in page
    assert "HTML form" not in page and "Raw data" not in page and "Media type" not in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/api/keys/", HTTP_ACCEPT="text/html").content.decode()
    assert "HTML form" in page and "Raw data" in page


@pytest.mark.django_db
def test_the_error_pages_speak_the_readers_language(personas):
    from django.conf import settings

    from tests import factories as f

    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "kk"
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and "Бет табылмады" in missing.content.decode()
    assert "Not Found" not in missing.content.decode()
    holder = f.signed_in(personas.holder)
    holder.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    refused = holder.get("/publications/")
    assert refused.status_code == 403 and "Недоступно для вашей учётной записи" in refused.content.decode()


def test_the_500_and_400_pages_render_alone_in_the_readers_language():
    """They render with no context and no static files (the error may be in either), in the active language."""
    from django.test import RequestFactory
    from django.views.defaults import bad_request, server_error

    with translation.override("kk"):
        failed = server_error(RequestFactory().get("/"))
        unread = bad_request(RequestFactory().get("/"), exception=ValueError())
    assert failed.status_code == 500 and "Бірдеңе дұрыс болмады" in failed.content.decode()
    assert unread.status_code == 400 and "Сұрауды оқу мүмкін болмады" in unread.content.decode()
