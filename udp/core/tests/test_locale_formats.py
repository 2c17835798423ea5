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


def test_a_time_on_a_kazakh_page_is_on_the_24_hour_clock(personas: Any) -> None:
    nine = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0))
    batch = ImportBatch.objects.create(
        uploaded_by=personas.holder, format="csv", filename="works.csv", file="imports/2026/03/x.csv"
    )
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=nine)

    page = client_in("kk", personas.holder).get("/imports/").content.decode()

    assert "02.03.2026 09:00" in page
    assert "Т.Ж." not in page and "a.m." not in page


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


def test_an_english_page_writes_the_day_before_the_month(personas: Any) -> None:
    """12/04/2026 reads as 4 December in the United States and 12 April here: English says it in words."""
    nine = timezone.make_aware(dt.datetime(2026, 12, 4, 14, 40))
    batch = ImportBatch.objects.create(
        uploaded_by=personas.holder, format="csv", filename="works.csv", file="imports/2026/12/x.csv"
    )
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=nine)

    page = client_in("en", personas.holder).get("/imports/").content.decode()

    assert "4 Dec 2026, 14:40" in page
    assert "12/04/2026" not in page and "p.m." not in page
