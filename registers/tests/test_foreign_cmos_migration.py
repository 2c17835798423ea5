"""The data migration: foreign "CMOs" leave the register of CMOs and become reciprocal partners."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("registers", "0013_foreign_societies_reciprocal_areas_conflict_evidence")]
AFTER = [("registers", "0015_cmo_register_is_domestic")]


def _apps_at(target: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@contextlib.contextmanager
def _empty_database() -> Iterator[None]:
    """The connection moved to an empty database of its own on the same server, dropped afterwards: the
    migrations go forward from nothing to ``BEFORE`` (only what it depends on) and on to ``AFTER``, and the test
    database is neither taken back nor brought forward again (which took minutes)."""
    original = connection.settings_dict["NAME"]
    name = f"{original}_migrations"

    def run(sql: str) -> None:
        with connection._nodb_cursor() as cursor:
            cursor.execute(sql)

    run(f'DROP DATABASE IF EXISTS "{name}"')
    run(f'CREATE DATABASE "{name}"')
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original
        run(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.mark.django_db(transaction=True)
@pytest.mark.statute("A43.4-foreign")
def test_foreign_cmos_become_societies_with_their_agreements_and_members() -> None:
    with _empty_database():
        _foreign_cmos_become_societies()


def _foreign_cmos_become_societies() -> None:
    apps = _apps_at(BEFORE)
    Party = apps.get_model("registers", "Party")
    CMO = apps.get_model("registers", "CMO")
    Area = apps.get_model("registers", "Area")
    Contract = apps.get_model("registers", "Contract")
    Mandate = apps.get_model("registers", "Mandate")
    Work = apps.get_model("registers", "Work")
    area = Area.objects.get(item=1)
    kazak = CMO.objects.create(party=Party.objects.create(kind="entity", name_ru="КазАК", bin="050340000019"),
                               short_name="KazAK")  # fmt: skip
    sacem_party = Party.objects.create(kind="entity", name_lat="Société des auteurs")
    sacem = CMO.objects.create(party=sacem_party, short_name="SACEM", is_foreign=True, country="FR",
                               cisac_code="058", website="https://www.sacem.fr")  # fmt: skip
    on = dt.date(2015, 1, 1)
    rec = Contract.objects.create(number="REC-0000001", kind="reciprocal", cmo=kazak, counterparty_cmo=sacem,
                                  concluded_on=on, valid_from=on)  # fmt: skip
    rec.areas.add(area)
    writer = Party.objects.create(kind="person", name_lat="Camille Martin", citizenship="FR")
    man = Contract.objects.create(number="MAN-0000001", kind="mandate", cmo=sacem, holder=writer,
                                  concluded_on=on, valid_from=on)  # fmt: skip
    Mandate.objects.create(contract=man, holder=writer, cmo=sacem, area=area, valid_from=on)
    work = Work.objects.create(kind="musical", title="Chanson", registered_by_cmo=sacem)

    apps = _apps_at(AFTER)
    ForeignSociety = apps.get_model("registers", "ForeignSociety")
    society = ForeignSociety.objects.get(cisac_code="058")
    assert (society.short_name, society.country, society.name) == ("SACEM", "FR", "Société des auteurs")
    assert list(apps.get_model("registers", "CMO").objects.values_list("short_name", flat=True)) == ["KazAK"]
    rec = apps.get_model("registers", "Contract").objects.get(number="REC-0000001")
    assert (rec.foreign_society_id, rec.counterparty_cmo_id, rec.cmo_id) == (society.pk, None, kazak.pk)
    row = apps.get_model("registers", "ReciprocalArea").objects.get()
    assert (row.society_id, row.cmo_id, row.area_id, row.status) == (
        society.pk,
        kazak.pk,
        area.pk,
        "active",
    )
    member = apps.get_model("registers", "SocietyMembership").objects.get()
    assert (member.party_id, member.society_id, member.area_id, member.since) == (
        writer.pk,
        society.pk,
        area.pk,
        on,
    )
    assert not apps.get_model("registers", "Mandate").objects.exists()
    assert apps.get_model("registers", "Work").objects.get(pk=work.pk).registered_by_cmo_id is None
    assert apps.get_model("registers", "Party").objects.filter(pk=sacem_party.pk).exists()
