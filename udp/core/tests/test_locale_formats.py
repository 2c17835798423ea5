"""Dates, times and numbers as each language writes them; choice lists and date fields that work in each.

Kazakh (``udp/formats/kk``): 31.12.1974, 09:00, 31 желтоқсан, 1974 ж. желтоқсан, 33,33. Russian keeps
Django's formats but for "31 декабря" and for date fields, which must be filled in ISO.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import Client
from django.utils import timezone, translation

from registers.models import ImportBatch
from tests import factories as f
from tests.translation_audit import compile_pending

NEW_YEARS_EVE = dt.date(1974, 12, 31)


@pytest.fixture(autouse=True)
def pending_catalogue(settings: Any, tmp_path: Any) -> None:
    settings.LOCALE_PATHS = [*settings.LOCALE_PATHS, compile_pending(tmp_path / "pending-locale")]


def client_in(language: str, user: Any = None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return f.login(client, user) if user is not None else client


def render(language: str, source: str, **context: Any) -> str:
    with translation.override(language):
        return Template("{% load humanize %}" + source).render(Context(context))


def test_a_date_on_a_kazakh_page_is_day_month_year(db: Any) -> None:
    party = f.make_person(
        name_kk="Мұқағали Мақатаев", birth_date=dt.date(1931, 2, 9), death_date=dt.date(1976, 3, 27)
    )
    party.death_date = NEW_YEARS_EVE
    party.save(update_fields=["death_date"])

    page = client_in("kk").get(f"/holders/{party.pk}/").content.decode()

    assert "31.12.1974" in page
    assert "Жел." not in page and "Dec" not in page


@pytest.mark.parametrize(
    ("language", "written", "not_written"),
    [
        ("kk", "02.03.2026 09:00", ["Т.Ж.", "a.m."]),
        # 03/02/2026 reads as 2 March in the United States and 3 February here: English says it in words
        ("en", "2 Mar 2026, 09:00", ["03/02/2026", "a.m."]),
    ],
)
def test_an_upload_time_is_day_first_on_the_24_hour_clock(
    personas: Any, language: str, written: str, not_written: list[str]
) -> None:
    nine = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0))
    batch = ImportBatch.objects.create(
        uploaded_by=personas.holder, format="csv", filename="works.csv", file="imports/2026/03/x.csv"
    )
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=nine)

    page = client_in(language, personas.holder).get("/imports/").content.decode()

    assert written in page
    assert not any(wrong in page for wrong in not_written)


@pytest.mark.parametrize(
    ("language", "written"),
    [
        (
            "kk",
            "31.12.1974 | 09:05 | 31 желтоқсан | 1974 ж. желтоқсан | 31 желтоқсан 1974 | 1 234 567 | 33,33",
        ),
        (
            "ru",
            "31 декабря 1974 г. | 9:05 | 31 декабря | Декабрь 1974 г. | 31 декабря 1974 | 1 234 567 | 33,33",
        ),
        (
            "en",
            "31 December 1974 | 09:05 | 31 December | December 1974 | 31 December 1974 | 1,234,567 | 33.33",
        ),
    ],
)
def test_dates_times_and_numbers_are_written_as_the_language_writes_them(language: str, written: str) -> None:
    source = (
        "{{ day }} | {{ moment|time }} | {{ day|date:'MONTH_DAY_FORMAT' }} | {{ day|date:'YEAR_MONTH_FORMAT' }}"
        " | {{ day|date:'j E Y' }} | {{ big|intcomma }} | {{ share }}"
    )
    context = {"day": NEW_YEARS_EVE, "moment": dt.time(9, 5), "big": 1234567, "share": Decimal("33.33")}

    assert render(language, source, **context) == written.replace("1 234 567", "1\xa0234\xa0567")


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_a_date_field_shows_the_stored_date_in_every_language(personas: Any, language: str) -> None:
    party = personas.holder_party  # born 17 May 1980
    page = client_in(language, personas.holder).get(f"/entries/party/{party.pk}/").content.decode()

    assert 'type="date" name="birth_date" value="1980-05-17"' in page


@pytest.mark.parametrize(("language", "blank"), [("kk", "- Таңдаңыз -"), ("ru", "- Выберите -")])
def test_a_choice_list_invites_a_choice_in_the_readers_language(db: Any, language: str, blank: str) -> None:
    page = client_in(language).get("/accounts/signup/").content.decode()

    assert f'<option value="" selected>{blank}</option>' in page
    assert "Select an option" not in page
