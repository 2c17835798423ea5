"""Extracts from the registers: real PDFs, read back as text, in each language; who sees what."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from registers.models import BankAccount, IPIName, WorkTitle
from tests import factories as f
from tests.translation_audit import compile_pending
from udp.accounts.models import ConfidentialAccess
from udp.documents.models import IssuedDocument

IIN = "800517300011"
IBAN = "KZ86125KZT5004100100"


@pytest.fixture(autouse=True)
def media_and_catalogue(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.UDP_SITE_URL = settings.SITE_URL = "https://udp.example.kz"
    settings.LOCALE_PATHS = [*settings.LOCALE_PATHS, compile_pending(tmp_path / "pending-locale")]


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def font_names(content: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(content))
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font") or {}  # type: ignore[union-attr]
        for ref in fonts.values():
            names.add(str(ref.get_object()["/BaseFont"]))
    return names


def flat(text: str) -> str:
    """Text as extracted, with line breaks and repeated spaces made single spaces."""
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def song(personas: Any) -> Any:
    party = personas.holder_party
    party.iin = IIN
    party.save(update_fields=["iin"])
    IPIName.objects.create(party=party, name_number="00052210040")
    BankAccount.objects.create(party=party, iban=IBAN, bank_name="Halyk Bank", is_primary=True)
    work = f.make_work(
        personas.operator,
        (party, "C", {"PR": Decimal("50"), "MR": Decimal("50")}),
        (personas.other_party, "A", {"PR": Decimal("50"), "MR": Decimal("50")}),
        title="Сағыныш әні",
        iswc="T0345246801",
        kind="musical",
        reason="Entered from the paper register",
    )
    WorkTitle.objects.create(work=work, title="Saginysh", kind="TL", language="")
    return work


def post_extract(client: Client, path: str, **data: str) -> Any:
    response = client.post(path, data)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    return f.streamed(response)


EXPECTED_DATE = {"kk": "%d.%m.%Y", "ru": None, "en": None}
MONTHS_RU = "января февраля марта апреля мая июня июля августа сентября октября ноября декабря".split()
MONTHS_EN = "January February March April May June July August September October November December".split()


def date_in(language: str, day: dt.date) -> str:
    """The issue date as each language writes it (DATE_FORMAT: ours for Kazakh and English, Django's for Russian)."""
    if language == "kk":
        return day.strftime("%d.%m.%Y")
    if language == "ru":
        return f"{day.day} {MONTHS_RU[day.month - 1]} {day.year} г."
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


HEADINGS = {
    "kk": "Туындылар тізілімінен үзінді-көшірме",
    "ru": "Выписка из реестра произведений",
    "en": "Extract from the register of works",
}


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_a_work_extract_reads_in_the_language_asked_for(
    personas: Any, song: Any, language: str, tmp_path: Any
) -> None:
    content = post_extract(Client(), f"/extracts/works/{song.pk}/", lang=language)

    document = IssuedDocument.objects.get()
    text = flat(pdf_text(content))
    Path(django_settings.BASE_DIR / "tests" / "artifacts").mkdir(exist_ok=True)
    (django_settings.BASE_DIR / "tests" / "artifacts" / f"extract-work-{language}.pdf").write_bytes(content)
    assert HEADINGS[language] in text
    assert "Сағыныш әні" in text and "T-034.524.680-1" in text
    assert document.number in text and document.number.startswith("EXW-")
    assert date_in(language, timezone.localdate()) in text
    assert document.verification_url in text.replace(" ", "")
    assert {"ru": "Композитор", "en": "Composer", "kk": "Композитор"}[language] in text
    assert "KAZ" in text  # the managing CMO (mandate in area 1)
    # only our face (DejaVu Sans, from UDP_PDF_FONT_DIR) is embedded: no fallback to whatever the machine has
    assert {name.split("+", 1)[1] for name in font_names(content)} <= {
        "UDP-Document-Sans",
        "UDP-Document-Sans-Bold",
    }
    assert document.language == language and document.requested_by is None


def test_kazakh_letters_survive_in_the_pdf_text(personas: Any, song: Any) -> None:
    song_title = "ә ғ қ ң ө ұ ү һ і Ә Ғ Қ Ң Ө Ұ Ү Һ І"
    song.title = song_title
    song.save(update_fields=["title"])

    text = pdf_text(post_extract(Client(), f"/extracts/works/{song.pk}/", lang="kk"))

    assert song_title in text


def test_the_stored_hash_is_the_hash_of_the_bytes_handed_out(personas: Any, song: Any) -> None:
    content = post_extract(f.login(Client(), personas.holder), f"/extracts/works/{song.pk}/", lang="ru")

    document = IssuedDocument.objects.get()
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    with document.file.open("rb") as stored:
        assert stored.read() == content
    assert document.size == len(content)


def test_numbers_run_without_gaps_across_extracts(personas: Any, song: Any) -> None:
    client = Client()
    post_extract(client, f"/extracts/works/{song.pk}/", lang="kk")
    post_extract(client, f"/extracts/works/{song.pk}/", lang="ru")
    post_extract(client, f"/extracts/holders/{personas.holder_party.pk}/", lang="en")
    post_extract(client, f"/extracts/holders/{personas.other_party.pk}/", lang="en")

    works = list(IssuedDocument.objects.filter(kind="register_extract_work").order_by("pk"))
    holders = list(IssuedDocument.objects.filter(kind="register_extract_holder").order_by("pk"))
    assert [int(d.number.split("-")[1]) for d in works] == [1, 2]
    assert [int(d.number.split("-")[1]) for d in holders] == [1, 2]


def test_the_same_extract_asked_twice_the_same_day_is_the_same_document(personas: Any, song: Any) -> None:
    client = Client()
    first = post_extract(client, f"/extracts/works/{song.pk}/", lang="en")
    second = post_extract(client, f"/extracts/works/{song.pk}/", lang="en")
    assert first == second and IssuedDocument.objects.count() == 1

    song.title = "Сағыныш әні (2)"
    song.save(update_fields=["title"])
    post_extract(client, f"/extracts/works/{song.pk}/", lang="en")
    assert IssuedDocument.objects.count() == 2  # the register changed: a new extract, a new number


CONFIDENTIAL = (IIN, IBAN, "Абая 1")


def holder_extract_as(client: Client, party: Any, **data: str) -> str:
    return flat(pdf_text(post_extract(client, f"/extracts/holders/{party.pk}/", lang="en", **data)))


@pytest.mark.parametrize("who", ["holder", "cmo_staff", "operator"])
def test_the_confidential_part_is_for_the_holder_its_cmo_and_the_operator(
    personas: Any, song: Any, who: str
) -> None:
    content = post_extract(
        f.login(Client(), getattr(personas, who)), f"/extracts/holders/{personas.holder_party.pk}/"
    )
    text = flat(pdf_text(content))
    (django_settings.BASE_DIR / "tests" / "artifacts" / f"extract-holder-as-{who}.pdf").write_bytes(content)

    assert "Aigul Serikova" in text and "00052210040" in text and "KAZ" in text
    for secret in CONFIDENTIAL:
        assert secret in text, (who, secret)
    assert IssuedDocument.objects.get().has_confidential


@pytest.mark.parametrize("who", ["anonymous", "other_holder", "other_cmo_staff", "licensee", "regulator"])
def test_the_confidential_part_is_absent_for_everyone_else(personas: Any, song: Any, who: str) -> None:
    client = Client() if who == "anonymous" else f.login(Client(), getattr(personas, who))

    text = holder_extract_as(client, personas.holder_party)

    assert "Aigul Serikova" in text and "00052210040" in text
    for secret in CONFIDENTIAL:
        assert secret not in text, (who, secret)
    assert "Confidential" not in text
    assert not IssuedDocument.objects.get().has_confidential


def test_the_regulator_gets_the_confidential_part_with_a_recorded_reason(personas: Any, song: Any) -> None:
    client = f.login(Client(), personas.regulator)

    text = holder_extract_as(client, personas.holder_party, reason="Complaint No. 12 of 3 March")

    assert IIN in text and IBAN in text
    access = ConfidentialAccess.objects.get()
    assert access.user == personas.regulator and access.party == personas.holder_party
    assert access.reason == "Complaint No. 12 of 3 March"


def test_a_holder_reason_is_not_a_way_in(personas: Any, song: Any) -> None:
    text = holder_extract_as(
        f.login(Client(), personas.other_holder), personas.holder_party, reason="curious"
    )

    assert IIN not in text and not ConfidentialAccess.objects.exists()


def test_a_work_extract_shows_the_contributors_own_iin_only_to_them(personas: Any, song: Any) -> None:
    own = flat(pdf_text(post_extract(f.login(Client(), personas.holder), f"/extracts/works/{song.pk}/")))
    other = flat(
        pdf_text(post_extract(f.login(Client(), personas.other_cmo_staff), f"/extracts/works/{song.pk}/"))
    )
    public = flat(pdf_text(post_extract(Client(), f"/extracts/works/{song.pk}/")))

    assert IIN in own and "Agreed" in own
    assert personas.other_party.iin in other and IIN not in other  # QAZ acts for the co-author only
    assert IIN not in public and personas.other_party.iin not in public and "Confidential" not in public


def test_an_extract_of_an_entry_the_reader_may_not_see_is_not_found(personas: Any) -> None:
    hidden = f.make_work(personas.holder, (personas.holder_party, "CA", {"PR": Decimal("100")}))
    type(hidden).objects.filter(pk=hidden.pk).update(public=False)
    unverified = f.make_person(verified=False)

    assert Client().post(f"/extracts/works/{hidden.pk}/").status_code == 404
    assert Client().post(f"/extracts/holders/{unverified.pk}/").status_code == 404
    assert Client().get(f"/extracts/works/{hidden.pk}/").status_code == 405
    assert not IssuedDocument.objects.exists()


def test_the_verification_page_works_anonymously_and_shows_no_confidential_data(
    personas: Any, song: Any
) -> None:
    content = post_extract(
        f.login(Client(), personas.holder), f"/extracts/holders/{personas.holder_party.pk}/"
    )
    document = IssuedDocument.objects.get()
    assert IIN in pdf_text(content)

    page = Client().get(document.verification_path)

    html = page.content.decode()
    assert page.status_code == 200
    assert document.number in html and document.sha256 in html and "Aigul Serikova" in html
    for secret in (*CONFIDENTIAL, personas.holder.email):
        assert secret not in html
    assert Client().get(f"/verify/{document.number}/").status_code == 404  # the number is not the key


def test_a_visitor_compares_a_copy_with_the_document_issued(personas: Any, song: Any) -> None:
    content = post_extract(Client(), f"/extracts/works/{song.pk}/", lang="kk")
    path = IssuedDocument.objects.get().verification_path

    same = Client().post(path, {"file": io.BytesIO(content)})
    altered = Client().post(path, {"file": io.BytesIO(content + b"%tampered\n")})
    typed = Client().post(path, {"sha256": hashlib.sha256(content).hexdigest().upper()})

    assert 'id="compare-result"' in same.content.decode() and "Yes: your copy" in same.content.decode()
    assert "No: your copy differs" in altered.content.decode()
    assert "Yes: your copy" in typed.content.decode()


def test_a_holder_extract_makes_the_same_queries_for_one_work_or_six(personas: Any, song: Any) -> None:
    from django.test.utils import CaptureQueriesContext

    client = f.login(Client(), personas.holder)
    path = f"/extracts/holders/{personas.holder_party.pk}/"
    post_extract(client, path, lang="en")  # (the content type of holders is cached from then on)
    with CaptureQueriesContext(connection) as one:
        post_extract(client, path, lang="ru")
    for n in range(5):
        f.make_work(
            personas.operator, (personas.holder_party, "CA", {"PR": Decimal("100")}), title=f"Extra {n}"
        )
    with CaptureQueriesContext(connection) as six:
        text = flat(pdf_text(post_extract(client, path, lang="kk")))

    assert "Extra 4" in text
    assert len(six) == len(one)


# --- the API -----------------------------------------------------------------------------------


def api_key(user: Any, *scopes: str) -> dict[str, str]:
    from udp.accounts.actions import issue_api_key

    _key, secret = issue_api_key(by=user, name="back office", scopes=list(scopes))
    return {"HTTP_AUTHORIZATION": f"Api-Key {secret}"}


def test_a_key_with_the_documents_scope_gets_an_extract_in_the_language_asked_for(
    personas: Any, song: Any
) -> None:
    headers = api_key(personas.holder, "registers:read", "documents:write")

    response = Client().post(f"/api/works/{song.pk}/extract/?lang=kk", **headers)  # type: ignore[arg-type]

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    content = f.streamed(response)
    document = IssuedDocument.objects.get()
    assert response["X-Document-Number"] == document.number
    assert response["X-Document-SHA256"] == hashlib.sha256(content).hexdigest() == document.sha256
    text = flat(pdf_text(content))
    assert HEADINGS["kk"] in text and IIN in text  # the holder's own IIN: the holder may see it
    assert document.requested_by == personas.holder


def test_a_key_without_the_documents_scope_is_refused_and_no_number_is_taken(
    personas: Any, song: Any
) -> None:
    headers = api_key(personas.holder, "registers:read")

    response = Client().post(f"/api/holders/{personas.holder_party.pk}/extract/", **headers)  # type: ignore[arg-type]

    assert response.status_code == 403 and "documents:write" in response.content.decode()
    assert not IssuedDocument.objects.exists()


def test_the_api_holder_extract_follows_the_same_rules_as_the_pages(personas: Any, song: Any) -> None:
    path = f"/api/holders/{personas.holder_party.pk}/extract/?lang=ru"
    other = f.login(Client(), personas.other_cmo_staff).post(path)
    regulator = f.login(Client(), personas.regulator).post(
        path, {"reason": "Проверка жалобы № 7"}, content_type="application/json"
    )

    assert IIN not in pdf_text(b"".join(other.streaming_content))
    assert IIN in pdf_text(b"".join(regulator.streaming_content))
    assert ConfidentialAccess.objects.get().reason == "Проверка жалобы № 7"
    assert Client().post(path).status_code in (401, 403)  # the API's extracts are for accounts and keys


def test_the_schema_declares_the_extracts_with_their_scope_and_media_type(personas: Any) -> None:
    schema = Client().get("/api/schema/?format=json").json()

    for path in ("/api/works/{id}/extract/", "/api/holders/{id}/extract/"):
        operation = schema["paths"][path]["post"]
        assert operation["x-api-key-scope"] == "documents:write"
        assert "application/pdf" in operation["responses"]["200"]["content"]
        assert [p["name"] for p in operation["parameters"] if p["in"] == "query"] == ["lang"]
