"""What the pages say to a person: codes as names, the glossary and help, the public-domain answer,
the error summary of forms, the language select."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests import ROOT
from tests import factories as f

HUNDRED = {"PR": Decimal("100")}


def _client(language: str) -> Client:
    client = Client()
    client.cookies["django_language"] = language
    return client


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Glossary", "Right types", "Mandate", "Tariff", "Area of collective management"]),
        # the law's terms as the catalogue has them (the glossary's own sentences: locale/pending/ui.json)
        ("ru", ["Сфера коллективного управления", "Публичное исполнение", "Идентификаторы"]),
        ("kk", ["Ұжымдық басқару саласы", "Көпшілік алдында орындау және хабарлау", "Сәйкестендіргіштер"]),
    ],
)
@pytest.mark.django_db
def test_the_glossary_explains_the_terms_in_each_language_with_anchors(language, words):
    html = _client(language).get(reverse("public:glossary")).content.decode()
    assert f'<html lang="{language}">' in html
    for anchor in (
        "pr",
        "mr",
        "sr",
        "ipi",
        "iswc",
        "isrc",
        "area",
        "mandate",
        "tariff",
        "roles",
        "public-domain",
    ):
        assert f'id="{anchor}"' in html, anchor
    for word in words:
        assert word in html, (language, word)
    assert 'href="/glossary/"' in html  # the footer links to it on every page


def test_every_sentence_of_the_glossary_and_help_has_kazakh_and_russian():
    import polib

    catalogues = {
        language: {
            e.msgid: e.msgstr
            for e in polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))
        }
        for language in ("kk", "ru")
    }
    for name in ("glossary.html", "help.html"):
        text = (ROOT / "templates" / "registers" / "public" / name).read_text()
        msgids = re.findall(r'{% translate "([^"]+)" %}', text)
        assert msgids, name
        for msgid in msgids:
            for language, catalogue in catalogues.items():
                assert catalogue.get(msgid) or catalogue.get(msgid.replace("%", "%%")), (
                    name,
                    language,
                    msgid,
                )


@pytest.mark.django_db
def test_the_help_page_has_a_section_for_each_actor_and_each_home_links_to_it(personas):
    html = _client("en").get(reverse("public:help")).content.decode()
    for anchor in ("public", "holder", "cmo", "user", "regulator", "operator"):
        assert f'id="{anchor}"' in html
    for user, home, anchor in [
        (personas.holder, "portal:home", "holder"),
        (personas.cmo_staff, "cmo:home", "cmo"),
        (personas.operator, "operator:home", "operator"),
        (personas.regulator, "regulator:home", "regulator"),
    ]:
        page = f.login(Client(), user).get(reverse(home)).content.decode()
        assert f'href="/help/#{anchor}"' in page, home


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "quotes"), [("en", "“”"), ("kk", "«»"), ("ru", "«»")])
def test_each_place_the_help_page_sends_an_actor_to_is_a_card_of_their_workspace(language, quotes):
    """A step of the help page names where it is done as that actor's workspace names it: every quoted name in
    an actor's section is the title of one of the cards on their home page, in each language."""
    from udp.accounts import consoles

    html = _client(language).get(reverse("public:help")).content.decode()
    pages = {
        "holder": "portal",
        "cmo": "cmo",
        "user": "space",
        "regulator": "regulator",
        "operator": "operator",
    }
    # places that are not cards: the holders' proposals and the work page's heading
    elsewhere = {"Proposals", "Who do I pay for this?", "Ұсыныстар", "Предложения", "Кому платить за это?"}
    named = 0
    with translation.override(language):
        for anchor, console in pages.items():
            section = html.split(f'id="{anchor}"')[1].split("</section>")[0]
            cards = {str(card.label) for card in consoles._cards[console].values()}
            for name in re.findall(f"{quotes[0]}(.+?){quotes[1]}", section):
                named += 1
                assert name in cards or name in elsewhere, (language, anchor, name)
    assert named >= 15, named


@pytest.mark.django_db
def test_a_public_domain_work_says_nobody_is_paid_and_not_to_ask_the_rightsholders(personas):
    classic = f.make_person(
        name_ru="Абай Кунанбаев", birth_date=dt.date(1845, 8, 10), death_date=dt.date(1904, 7, 6)
    )
    work = f.make_work(personas.operator, (classic, "CA", HUNDRED), title="Көзімнің қарасы", reason="classic")
    assert work.in_public_domain
    html = _client("en").get(reverse("public:work", args=[work.pk])).content.decode()
    who = html.split('id="who-to-pay"')[1]
    since = work.protection_ends_on + dt.timedelta(days=1)
    assert "Nobody: the work is in the public domain since" in who
    assert since.strftime("%Y") in who
    assert "Ask the rightsholders directly" not in html and "no-mandates" not in who


@pytest.mark.django_db
def test_a_protected_work_shows_shares_with_the_names_of_right_types_and_areas(client, personas):
    work = f.make_work(
        personas.operator,
        (personas.holder_party, "CA", {"PR": Decimal("83.34")}),
        (personas.other_party, "PER", {"PR": Decimal("16.66")}),
        language="kk",
        reason="entered from the paper register",
    )
    html = _client("en").get(reverse("public:work", args=[work.pk])).content.decode()
    who = html.split('id="who-to-pay"')[1]
    assert "Performing and communication (PR) 83.34 %" in who
    assert "(item 1 of Art. 43.3)" in who  # the area by its name and item, not "1"
    assert "Composer and author (CA)" in html and "Performer (PER)" in html
    assert "Performing and communication (PR), %" in html  # the shares table's column
    assert "Kazakh (kk)" in html
    assert not re.search(r">\s*(PR|MR|CA|PER)\s*<", html)  # never a code alone in a cell


def test_codes_become_names_in_the_readers_language():
    template = Template(
        "{% load labels %}{{ 'PR'|right_name }}|{{ 'CA'|role_name }}|{{ 'ru'|language_name }}|{{ 'XX'|role_name }}"
    )
    with translation.override("en"):
        assert template.render(Context()) == (
            "Performing and communication (PR)|Composer and author (CA)|Russian (ru)|code XX"
        )
    with translation.override("ru"):
        rendered = template.render(Context())
    assert "(PR)" in rendered and "(CA)" in rendered and not rendered.startswith("Performing")


@pytest.mark.django_db
def test_the_work_form_offers_languages_by_name_in_a_select(personas):
    html = f.login(Client(headers={"accept-language": "en"}), personas.holder).get(
        reverse("edit:work_create")
    )
    page = html.content.decode()
    select = re.search(r'<select name="language"[^>]*>(.*?)</select>', page, re.S)
    assert select, "the language is chosen from a list, not typed as a code"
    assert '<option value="kk">Kazakh</option>' in select.group(1)
    assert '<option value="ru">Russian</option>' in select.group(1)
    assert 'name="language" maxlength' not in page and 'type="text" name="language"' not in page


@pytest.mark.django_db
def test_a_form_with_errors_has_a_summary_linking_to_each_marked_field(personas):
    client = f.login(Client(headers={"accept-language": "en"}), personas.holder)
    data = {
        "kind": "musical", "title": "", "alternate_titles": "", "iswc": "not-an-iswc", "isrc": "", "isan": "",
        "language": "kk", "creation_year": "", "disclosed_on": "",
        "c-TOTAL_FORMS": "1", "c-INITIAL_FORMS": "0", "c-MIN_NUM_FORMS": "0", "c-MAX_NUM_FORMS": "60",
        "c-0-party": str(personas.holder_party.pk), "c-0-party_label": "", "c-0-new_name": "", "c-0-role": "CA",
        "c-0-pr": "abc", "c-0-mr": "", "c-0-sr": "",
    }  # fmt: skip
    response = client.post(reverse("edit:work_create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    summary = html.split('id="error-summary"')[1].split("</div>")[0]
    assert 'href="#id_title"' in summary and 'href="#id_iswc"' in summary and 'href="#id_c-0-pr"' in summary
    assert html.index('id="error-summary"') < html.index('name="title"')  # at the top of the form
    for name in ("title", "iswc", "c-0-pr"):
        field = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
        assert field and "is-invalid" in field.group(0), name


@pytest.mark.django_db
def test_a_form_without_errors_has_no_summary(personas):
    html = f.login(Client(), personas.holder).get(reverse("edit:work_create")).content.decode()
    assert 'id="error-summary"' not in html and "is-invalid" not in html
