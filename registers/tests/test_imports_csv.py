"""The CSV/XLSX works template: import, export, and a round trip through both."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from registers import tabular
from registers.models import Party, Work
from registers.tests.imports import import_file
from tests import factories as f

HEADER = (
    "work_ref,kind,title,alternate_titles,iswc,language,creation_year,"
    "contributor_name,party_id,ipi_name_number,role,pr_share,mr_share\n"
)

pytestmark = pytest.mark.usefixtures("media_in_tmp")


def snapshot(works: Any) -> list[tuple[Any, ...]]:
    """What a work is, for comparing before and after a round trip."""
    out = []
    for work in works.order_by("pk"):
        contributors = sorted(
            (c.party_id, c.role, tuple(sorted((s.right_type, s.percent) for s in c.shares.all())))
            for c in work.contributors.all()
        )
        titles = sorted(work.titles.values_list("title", flat=True))
        out.append(
            (
                work.pk,
                work.kind,
                work.title,
                work.iswc,
                work.language,
                work.creation_year,
                titles,
                contributors,
            )
        )
    return out


@pytest.mark.statute("A45-1.2-works")
def test_a_csv_file_enters_works_with_identifiers_contributors_and_shares(personas: Any) -> None:
    iswc, ipi = f.make_iswc(), f.make_ipi()
    csv = HEADER + (
        f"S-1,musical,Менің елім,Menin elim|My Land,{iswc},kk,1998,Айгүл Серікова,{personas.holder_party.pk},,C,60,100\n"
        f"S-1,,,,,,,Бауыржан Қасымов,,{ipi},A,40,\n"
        f"S-2,literary,Көшпенділер,,,kk,2001,,{personas.holder_party.pk},,A,100,\n"
    )
    batch = import_file(personas.cmo_staff, csv.encode())

    assert (batch.status, batch.works_created) == ("done", 2), f.problems_of(batch)
    work = Work.objects.get(iswc=iswc)
    assert (work.title, work.language, work.creation_year, work.registered_by_cmo) == (
        "Менің елім",
        "kk",
        1998,
        personas.cmo,
    )
    assert set(work.titles.values_list("title", flat=True)) == {"Menin elim", "My Land"}
    new = Party.objects.get(ipi_names__name_number=ipi)
    assert (new.name_kk, new.registered_by_cmo, new.iin) == ("Бауыржан Қасымов", personas.cmo, None)
    shares = {
        (s.contributor.party_id, s.right_type): s.percent for s in work.shares.select_related("contributor")
    }
    assert shares == {
        (personas.holder_party.pk, "PR"): Decimal("60.00"),
        (personas.holder_party.pk, "MR"): Decimal("100.00"),
        (new.pk, "PR"): Decimal("40.00"),
    }
    assert Work.objects.get(submitter_ref="S-2").kind == "literary"


def test_bad_lines_are_named_and_keep_good_imports_the_rest(personas: Any) -> None:
    csv = HEADER + (
        "OK,musical,Good,,,,,Writer One,,,CA,100,\n"
        "BAD,musical,Bad,,T1234567890,,,Writer Two,,,CA,100,\n"
        "SUM,musical,Shares,,,,,Writer Three,,,CA,70,\n"
        "ROLE,musical,Role,,,,,Writer Four,,,XX,100,\n"
    )
    batch = import_file(personas.cmo_staff, csv.encode())

    assert (batch.status, batch.works_created) == ("partial", 1)
    errors = {(e["line"], e["field"]) for e in f.problems_of(batch)}
    assert errors == {(3, "iswc"), (4, ""), (5, "role")}
    assert any(e["line"] == 4 and "sum to 70.00" in e["reason"] for e in f.problems_of(batch)), f.problems_of(
        batch
    )
    assert list(
        Work.objects.filter(submitter_ref__in=["OK", "BAD", "SUM", "ROLE"]).values_list(
            "submitter_ref", flat=True
        )
    ) == ["OK"]


def test_all_or_nothing_refuses_a_csv_with_one_bad_line(personas: Any) -> None:
    csv = HEADER + "OK,musical,Good,,,,,Writer One,,,CA,100,\nSUM,musical,Shares,,,,,Writer Three,,,CA,70,\n"
    parties = Party.objects.count()

    batch = import_file(personas.cmo_staff, csv.encode(), policy="all_or_nothing")

    assert (batch.status, batch.works_created) == ("refused", 0)
    assert not Work.objects.filter(submitter_ref="OK").exists()
    assert Party.objects.count() == parties


def test_a_party_id_the_importer_may_not_see_is_refused(personas: Any) -> None:
    hidden = f.make_person(verified=False)
    csv = HEADER + f"X,musical,Hidden,,,,,,{hidden.pk},,CA,100,\n"

    batch = import_file(personas.holder, csv.encode())

    assert batch.status == "refused"
    assert f.problems_of(batch)[0]["field"] == "party_id"


def test_a_file_without_the_required_columns_is_refused_on_line_1(personas: Any) -> None:
    batch = import_file(personas.cmo_staff, b"name,share\nA,100\n")

    assert batch.status == "refused"
    assert f.problems_of(batch)[0]["line"] == 1 and "work_ref" in f.problems_of(batch)[0]["reason"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_gives_the_same_works(personas: Any, fmt: str) -> None:
    publisher = f.make_entity()
    f.make_work(
        personas.cmo_staff,
        (personas.holder_party, "CA", {"PR": Decimal("50"), "MR": Decimal("33.33")}),
        (publisher, "E", {"PR": Decimal("50"), "MR": Decimal("66.67")}),
        iswc=f.make_iswc(),
        language="kk",
        creation_year=2003,
        alternate_titles=["Alt two"],
    )
    f.make_work(personas.cmo_staff, (personas.holder_party, "A", {"PR": Decimal("100")}), kind="literary")
    mine = Work.objects.filter(registered_by_cmo=personas.cmo)
    before = snapshot(mine)
    rows = list(tabular.export_rows(mine))
    data = tabular.write_xlsx(rows) if fmt == "xlsx" else tabular.write_csv(rows)

    batch = import_file(personas.cmo_staff, data, fmt)

    assert (batch.status, batch.works_created, batch.works_updated) == ("done", 0, 2), f.problems_of(batch)
    assert snapshot(mine) == before


def test_the_xlsx_template_reads_back_as_its_example(personas: Any) -> None:
    parsed = tabular.read_xlsx(tabular.write_xlsx(tabular.EXAMPLE))

    [work] = parsed.works
    assert parsed.log.kept == []
    assert (work.title, work.alternate_titles, work.creation_year) == (
        "Менің Қазақстаным",
        ["Meniñ Qazaqstanym", "My Kazakhstan"],
        1956,
    )
    assert [(c.name, c.role, c.shares["PR"]) for c in work.contributors] == [
        ("Шәмші Қалдаяқов", "C", Decimal("50.00")),
        ("Жұмекен Нәжімеденов", "A", Decimal("50.00")),
    ]


def test_reasons_are_kept_as_codes_and_read_in_each_readers_language(personas: Any) -> None:
    """An import run in Russian stores why a work was refused so that a Kazakh or English reader
    reads it in their own language; each refused work is counted once, however many reasons it has."""
    csv = (
        HEADER
        + "SUM,musical,Shares,,,,,Writer Three,,,CA,70,\n"
        + "SUM2,musical,Both,,,,,Writer Four,,,CA,70,70\n"
    )
    with translation.override("ru"):
        batch = import_file(personas.cmo_staff, csv.encode())

    assert batch.works_rejected == 2 and batch.errors_count == 3
    texts = {}
    for language in ("en", "ru", "kk"):
        with translation.override(language):
            texts[language] = [e["reason"] for e in f.problems_of(batch) if e["line"] == 2]
    assert any("sum to 70.00" in t for t in texts["en"])
    # the number is written as each language writes numbers
    assert any("70,00" in t and "sum to" not in t for t in texts["ru"])
    assert any("70,00" in t for t in texts["kk"])
    assert texts["kk"] != texts["ru"] and texts["kk"] != texts["en"]
