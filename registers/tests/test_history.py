"""The change history of register entries: who, when, what, before and after, why; never editable;
read in the reader's language, with nothing confidential shown to those who may not see it."""

from __future__ import annotations

import datetime as dt
import json
import re
import struct
from decimal import Decimal
from pathlib import Path

import pghistory
import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from registers.actions import (
    ContributorInput,
    audited,
    change_work,
    create_party,
    update_party,
)
from registers.importing import run_import
from registers.models import (  # type: ignore[attr-defined]  # pghistory makes WorkEvent as the models load
    BankAccount,
    ImportBatch,
    Pseudonym,
    Work,
    WorkContributor,
    WorkEvent,
)
from tests import ROOT
from tests import factories as f

PENDING = ROOT / "locale" / "pending"

pytestmark = pytest.mark.usefixtures("english")


def as_user(user, language: str = "en") -> Client:
    client = Client(headers={"accept-language": language})
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    f.login(client, user)
    return client


def history_table(response) -> str:
    """The table of changes, as the reader sees it (tags dropped, spaces collapsed)."""
    html = response.content.decode()
    start = re.search(r'<table class="[^"]*\bhistory\b[^"]*"', html)
    assert start is not None, "the page has a table of changes"
    table = html[start.start() : html.index("</table>", start.start())]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", table))


def _write_mo(path: Path, messages: dict[str, str]) -> None:
    """A GNU gettext catalogue (the format ``msgfmt`` writes) of ``messages``."""
    entries = {"": "Content-Type: text/plain; charset=UTF-8\n", **messages}
    keys = sorted(entries)
    ids = strs = b""
    spans = []
    for key in keys:
        k, v = key.encode(), entries[key].encode()
        spans.append((len(k), len(ids), len(v), len(strs)))
        ids, strs = ids + k + b"\0", strs + v + b"\0"
    n = len(keys)
    ids_at = 7 * 4 + 16 * n
    strs_at = ids_at + len(ids)
    table_k = b"".join(struct.pack("<2I", length, ids_at + at) for length, at, _, _ in spans)
    table_v = b"".join(struct.pack("<2I", length, strs_at + at) for _, _, length, at in spans)
    header = struct.pack("<7I", 0x950412DE, 0, n, 7 * 4, 7 * 4 + 8 * n, 0, 0)
    path.write_bytes(header + table_k + table_v + ids + strs)


@pytest.fixture
def pending_translations(settings, tmp_path):
    """The Kazakh and Russian of new strings wait in ``locale/pending/*.json`` until they are merged into
    the catalogues; compile them into a locale directory of the lowest priority, so a page reads as it
    will once merged (a string already merged reads from the project's own catalogue)."""
    for language in ("kk", "ru"):
        messages = {}
        for path in sorted(PENDING.glob("*.json")):
            pending = json.loads(path.read_text(encoding="utf-8"))
            messages.update(  # plurals (lists of forms) left out: this catalogue has no Plural-Forms
                {
                    msgid: texts[language]
                    for msgid, texts in pending.items()
                    if isinstance(texts.get(language), str)
                }
            )
        target = tmp_path / language / "LC_MESSAGES"
        target.mkdir(parents=True)
        _write_mo(target / "django.mo", messages)
    settings.LOCALE_PATHS = [*settings.LOCALE_PATHS, tmp_path]


def history_url(kind: str, pk: int) -> str:
    return reverse("history:object", args=[kind, pk])


@pytest.fixture
def corrected_work(personas):
    """A holder registers a work; the operator then corrects its title and splits the shares, giving a reason."""
    work = f.make_work(
        personas.holder, (personas.holder_party, "CA", {"PR": Decimal("100")}), title="Менің елім"
    )
    change_work(
        work,
        by=personas.operator,
        reason="Обращение №42: опечатка в названии",
        title="Менің елім-ай",
        contributors=[
            ContributorInput(personas.holder_party, "CA", {"PR": Decimal("60")}),
            ContributorInput(personas.other_party, "A", {"PR": Decimal("40")}),
        ],
    )
    return work


@pytest.mark.statute("A9-2.1.4")
def test_the_history_shows_who_changed_what_when_from_what_to_what_and_why(personas, corrected_work):
    response = as_user(personas.holder).get(history_url("work", corrected_work.pk))

    assert response.status_code == 200
    entries = response.context["entries"]
    title_change = next(
        e for e in entries if e.label == "update" and any(c.name == "title" for c in e.changes)
    )
    change = next(c for c in title_change.changes if c.name == "title")
    assert (change.before, change.after) == ("Менің елім", "Менің елім-ай")
    assert title_change.who == personas.operator.public_label
    assert title_change.reason == "Обращение №42: опечатка в названии"
    assert title_change.when is not None
    created = [e for e in entries if e.label == "insert" and e.model == "registers.Work"]
    assert len(created) == 1 and created[0].who == personas.holder.public_label
    html = response.content.decode()
    assert "Обращение №42" in html and "Менің елім-ай" in html


def test_the_history_of_a_work_includes_its_contributors_and_shares_in_words(personas, corrected_work):
    entries = as_user(personas.operator).get(history_url("work", corrected_work.pk)).context["entries"]

    shares = {(e.label, e.what, c.before or c.after)
              for e in entries if e.model == "registers.Share" for c in e.changes if c.name == "percent"}  # fmt: skip
    performing = "Performing and communication"
    assert shares == {
        ("insert", f"Share of Aigul Serikova in {performing}", "100 %"),
        ("delete", f"Share of Aigul Serikova in {performing}", "100 %"),
        ("insert", f"Share of Aigul Serikova in {performing}", "60 %"),
        ("insert", f"Share of Yerlan Akhmetov in {performing}", "40 %"),
    }
    added = [e for e in entries if e.model == "registers.WorkContributor" and e.label == "insert"]
    assert "Contributor Yerlan Akhmetov (Author (lyricist))" in {e.what for e in added}
    assert ("Author or rightsholder", "Yerlan Akhmetov") in {
        (c.field, c.after) for e in added for c in e.changes
    }
    # the link of a row to the work whose history this is, ids and ordering numbers go without saying
    names = {c.name for e in entries for c in e.changes}
    assert not names & {"id", "work", "sequence", "created_at", "updated_at", "search_text"}


def test_the_history_of_a_party_includes_pseudonyms_and_bank_accounts(personas):
    party = personas.holder_party
    Pseudonym.objects.create(party=party, name="Айгуль С.")
    BankAccount.objects.create(party=party, iban="KZ86125KZT5004100100")

    entries = as_user(personas.holder).get(history_url("party", party.pk)).context["entries"]

    values = {c.after for e in entries for c in e.changes}
    assert "Айгуль С." in values and "KZ86125KZT5004100100" in values


@pytest.mark.statute("A9-2.1.9")
def test_confidential_values_in_the_history_are_masked_for_those_who_may_not_see_them(personas):
    party = personas.holder_party
    update_party(party, by=personas.holder, address="Астана, пр. Мангилик Ел 8")
    BankAccount.objects.create(party=party, iban="KZ86125KZT5004100100")

    for reader in (personas.holder, personas.cmo_staff, personas.operator):
        html = as_user(reader).get(history_url("party", party.pk)).content.decode()
        assert "Мангилик Ел" in html and "KZ86125KZT5004100100" in html and party.iin in html

    response = as_user(personas.regulator).get(history_url("party", party.pk))
    html = response.content.decode()
    assert response.status_code == 200 and "Айгуль Серикова" in html
    for secret in ("Мангилик Ел", "ул. Абая", "KZ86125KZT5004100100", party.iin):
        assert secret not in html


@pytest.mark.statute("A9-2.1.9")
@pytest.mark.parametrize("persona", ["other_holder", "other_cmo_staff", "licensee"])
def test_the_history_is_hidden_from_everyone_but_the_owner_and_officials(personas, persona):
    work = f.make_work(personas.holder, (personas.holder_party, "CA", {"PR": Decimal("100")}))
    client = as_user(getattr(personas, persona))

    assert as_user(personas.cmo_staff).get(history_url("work", work.pk)).status_code == 200
    assert client.get(history_url("work", work.pk)).status_code == 404
    assert client.get(history_url("party", personas.holder_party.pk)).status_code == 404


def test_an_anonymous_visitor_gets_404_for_any_history(personas, corrected_work, client):
    assert client.get(history_url("work", corrected_work.pk)).status_code == 404
    assert client.get(history_url("nonsense", 1)).status_code == 404


def test_owners_and_officials_read_the_history_of_cmos_and_users(personas):
    cmo_url = history_url("cmo", personas.cmo.pk)
    licensee_url = history_url("licensee", personas.licensee.licensee_id)

    assert as_user(personas.cmo_admin).get(cmo_url).status_code == 200
    assert as_user(personas.other_cmo_staff).get(cmo_url).status_code == 404
    assert as_user(personas.licensee).get(licensee_url).status_code == 200
    assert as_user(personas.holder).get(licensee_url).status_code == 404
    for official in (personas.operator, personas.regulator):
        assert as_user(official).get(cmo_url).status_code == 200
        assert as_user(official).get(licensee_url).status_code == 200


def test_a_party_created_by_a_cmo_records_the_cmo_staff_as_author(personas):
    party = create_party(by=personas.cmo_staff, kind="person", name_ru="Новый Автор", iin=f.make_iin())

    entries = as_user(personas.cmo_staff).get(history_url("party", party.pk)).context["entries"]

    assert entries[-1].label == "insert" and entries[-1].who == personas.cmo_staff.public_label


@pytest.fixture
def worded_work(personas):
    """The CMO registers a member's work; the operator then corrects it: title, disclosure date,
    anonymity, an alternate title and the shares, giving a reason."""
    work = f.make_work(
        personas.cmo_staff, (personas.holder_party, "CA", {"PR": Decimal("100")}), title="Менің елім"
    )
    change_work(
        work,
        by=personas.operator,
        reason="Обращение №42",
        title="Менің елім-ай",
        disclosed_on=dt.date(2009, 5, 9),
        anonymous=True,
        alternate_titles=["Ескі атау"],
        contributors=[
            ContributorInput(personas.holder_party, "CA", {"PR": Decimal("60")}),
            ContributorInput(personas.other_party, "A", {"PR": Decimal("40")}),
        ],
    )
    return work


IN_WORDS = {
    "kk": [
        "Атауы Менің елім → Менің елім-ай",
        "Анонимді түрде жарияланған Жоқ → Иә",
        "Заңды түрде жария етілген күні — → 09.05.2009",
        "Тіркеуге ұсынған KAZ",
        "Тіркеген ҚҰБҰ KAZ",
        "Үлес: Айгүл Серікова — Көпшілік алдында орындау және хабарлау",
        "Құқық түрі Көпшілік алдында орындау және хабарлау Үлес, % 60 %",
        "Қатысушы Айгүл Серікова (Композитор және мәтін авторы)",
        "Балама атау «Ескі атау» құрылды",
        "Туынды өзгертілді",
    ],
    "ru": [
        "Название Менің елім → Менің елім-ай",
        "Опубликовано анонимно Нет → Да",
        "Дата правомерного обнародования — → 9 мая 2009 г.",
        "Кем подано KAZ",
        "Зарегистрировано ОКУП KAZ",
        "Доля: Айгуль Серикова — Публичное исполнение и сообщение",
        "Вид права Публичное исполнение и сообщение Доля, % 60 %",
        "Участник Айгуль Серикова (Композитор и автор текста)",
        "Альтернативное название «Ескі атау» создано",
    ],
    "en": [
        "Title Менің елім → Менің елім-ай",
        "Published anonymously No → Yes",
        "Lawfully disclosed on — → 9 May 2009",
        "Submitted by KAZ",
        "Registered by CMO KAZ",
        "Share of Aigul Serikova in Performing and communication",
        "Right type Performing and communication Share, % 60 %",
        "Contributor Aigul Serikova (Composer and author)",
        "Alternative title “Ескі атау” created",
    ],
}


@pytest.mark.statute("A9-2.1.4")
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_history_of_a_work_reads_in_the_readers_language(
    personas, worded_work, pending_translations, language
):
    response = as_user(personas.holder, language).get(history_url("work", worded_work.pk))

    table = history_table(response)
    for words in IN_WORDS[language]:
        assert words in table
    assert "Обращение №42" in table  # a reason a person typed reads as typed
    for raw in ("Share #", "#", "True", "False", "None", "@", "2009-05-09", "Мамыр 9", "100.00", "60.00"):
        assert raw not in table
    for actor in (personas.operator, personas.cmo_staff):  # named by their public labels only
        assert actor.email not in response.content.decode()


def test_an_import_is_recorded_as_a_reason_code_and_read_in_each_language(
    personas, pending_translations, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    csv = (
        "work_ref,kind,title,contributor_name,party_id,role,pr_share\n"
        f"W1,musical,Импортталған,Айгуль Серикова,{personas.holder_party.pk},CA,100\n"
    ).encode()
    batch = ImportBatch.objects.create(
        format="csv", policy="keep_good", filename="works.csv", uploaded_by=personas.holder,
        file=ContentFile(csv, name="works.csv"),
    )  # fmt: skip
    run_import(batch.pk)
    work = Work.objects.get(title="Импортталған")

    context = WorkEvent.objects.get(pgh_obj=work, pgh_label="insert").pgh_context.metadata
    assert (context["reason_code"], context["reason_params"]) == (
        "import",
        {"name": "works.csv", "id": batch.pk},
    )
    assert not context.get("reason")  # no text in the language of whoever imported
    read = {
        lang: history_table(as_user(personas.holder, lang).get(history_url("work", work.pk)))
        for lang in IN_WORDS
    }
    assert f"Импорт: works.csv (топтама {batch.pk})" in read["kk"]
    assert f"Импорт works.csv (пакет {batch.pk})" in read["ru"]
    assert f"Import of works.csv (batch {batch.pk})" in read["en"]


def test_reasons_stored_as_plain_english_before_they_were_codes_still_read_in_each_language(
    personas, pending_translations
):
    work = f.make_work(personas.holder, (personas.holder_party, "CA", {"PR": Decimal("100")}))
    with pghistory.context(reason="demo data"):  # as the demo data was loaded before
        work.title = "Демо"
        work.save()

    kk = history_table(as_user(personas.holder, "kk").get(history_url("work", work.pk)))

    assert "Демо деректер жүктелді" in kk and "demo data" not in kk


def test_a_change_of_the_contributors_order_reads_as_such(personas, corrected_work):
    first = corrected_work.contributors.order_by("sequence").first()
    with audited(personas.holder):
        WorkContributor.objects.filter(pk=first.pk).update(sequence=9)

    entries = as_user(personas.holder).get(history_url("work", corrected_work.pk)).context["entries"]

    moved = next(e for e in entries if e.model == "registers.WorkContributor" and e.label == "update")
    assert [(c.field, c.note, c.before, c.after) for c in moved.changes] == [
        ("Order", "order changed", None, None)
    ]


@pytest.mark.statute("A9-2.1.9")
def test_a_changed_iin_is_shown_only_to_those_who_may_see_it(personas, client):
    party = personas.holder_party
    old_iin, new_iin = party.iin, f.make_iin()
    update_party(party, by=personas.operator, reason="Документ удостоверения личности", iin=new_iin)
    work = f.make_work(
        personas.holder,
        (party, "CA", {"PR": Decimal("50")}),
        (personas.other_party, "A", {"PR": Decimal("50")}),
    )
    party_url, work_url = history_url("party", party.pk), history_url("work", work.pk)

    for reader in (personas.holder, personas.cmo_staff, personas.operator):
        table = history_table(as_user(reader).get(party_url))
        assert f"IIN {old_iin} → {new_iin}" in table
    regulator = as_user(personas.regulator).get(party_url)
    assert regulator.status_code == 200 and "IIN ••• → •••" in history_table(regulator)
    co_author = as_user(personas.other_holder)
    assert co_author.get(work_url).status_code == 200  # a co-author reads the work's history...
    assert co_author.get(party_url).status_code == 404  # ...but not the other author's entry
    for response in (regulator, co_author.get(work_url), as_user(personas.other_cmo_staff).get(party_url),
                     client.get(party_url), client.get(work_url)):  # fmt: skip
        html = response.content.decode()
        assert old_iin not in html and new_iin not in html


@pytest.mark.statute("A9-2.1.4")
@pytest.mark.parametrize("statement", ["UPDATE {table} SET pgh_label = 'forged'", "DELETE FROM {table}"])
def test_nobody_can_edit_or_delete_the_history(personas, corrected_work, statement):
    from registers.models import WorkEvent

    table = WorkEvent._meta.db_table
    assert WorkEvent.objects.filter(pgh_obj=corrected_work).exists()

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement.format(table=table))
    with pytest.raises(DatabaseError), transaction.atomic():
        WorkEvent.objects.filter(pgh_obj=corrected_work).delete()

    assert WorkEvent.objects.filter(pgh_obj=corrected_work, pgh_label="insert").count() == 1
