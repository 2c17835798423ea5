"""Synthetic registers for benchmarks: loaded through COPY, valid, searchable, and loadable again."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum

from demo.synthetic import load_synthetic, share_sums_off
from registers.actions import _search_parts
from registers.models import IPIName, Party, Share, Work, WorkContributor, WorkTitle
from registers.search import build_search_text, search_works
from udp import identifiers

pytestmark = pytest.mark.django_db


def test_a_small_synthetic_register_loads_with_every_row_counted() -> None:
    result = load_synthetic(works=2000, holders=300)
    assert (result.works, result.parties) == (2000, 300)
    assert Work.objects.count() == 2000 and Party.objects.count() == 300
    assert IPIName.objects.count() == 300
    assert WorkContributor.objects.count() == result.contributors > 2000
    assert Share.objects.count() == result.shares
    assert WorkTitle.objects.count() == result.titles > 0


def test_synthetic_shares_sum_to_exactly_100_for_every_work_and_right_type() -> None:
    load_synthetic(works=2000, holders=300)
    assert share_sums_off() == 0
    totals = Share.objects.values("work", "right_type").annotate(total=Sum("percent"))
    assert {row["total"] for row in totals} == {Decimal("100.00")}
    assert not Work.objects.annotate(n=Count("shares")).filter(n=0).exists()


def test_the_share_check_notices_a_broken_sum() -> None:
    load_synthetic(works=50, holders=20)
    share = Share.objects.filter(percent=Decimal("100.00")).first()
    assert share is not None
    from django.db import connection

    with connection.cursor() as cursor:  # bypass the deferred trigger the way the loader does
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE registers_share SET percent = 90 WHERE id = %s", [share.pk])
        cursor.execute("SET session_replication_role = origin")
    assert share_sums_off() == 1


def test_synthetic_identifiers_are_valid_and_unique() -> None:
    load_synthetic(works=1000, holders=200)
    iswcs = list(Work.objects.values_list("iswc", flat=True))
    assert len(set(iswcs)) == 1000 and all(i and identifiers.validate_iswc(i) == i for i in iswcs)
    assert all(
        identifiers.validate_ipi_name_number(n) for n in IPIName.objects.values_list("name_number", flat=True)
    )
    assert not Party.objects.exclude(iin=None).exists()


def test_a_second_load_adds_rows_beside_the_first() -> None:
    load_synthetic(works=500, holders=100)
    load_synthetic(works=700, holders=50)
    assert Work.objects.count() == 1200 and Party.objects.count() == 150
    assert share_sums_off() == 0
    assert len(set(Work.objects.values_list("title", flat=True))) > 300


def test_synthetic_search_text_is_what_the_register_actions_would_compute() -> None:
    load_synthetic(works=300, holders=60)
    for work in Work.objects.order_by("?")[:25]:
        assert work.search_text == build_search_text(_search_parts(work))


def test_a_synthetic_title_is_found_by_search_in_its_own_and_latin_script() -> None:
    load_synthetic(works=2000, holders=300)
    rng = random.Random(3)
    works = list(Work.objects.filter(language__in=["kk", "ru"]).only("id", "title"))
    for work in rng.sample(works, 10):
        assert search_works(Work.objects.all(), work.title).filter(pk=work.pk).exists()
    work = works[0]
    from registers.search import transliterate

    assert search_works(Work.objects.all(), transliterate(work.title)).filter(pk=work.pk).exists()


def test_the_seed_synthetic_command_reports_what_it_loaded(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("seed_synthetic", works=200, holders=40)
    assert "Loaded 40 parties, 200 works" in capsys.readouterr().out
    assert Work.objects.count() == 200
