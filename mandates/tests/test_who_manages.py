"""Who manages this work, on the work's page and in the API, at dates before and after a withdrawal."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from mandates import withdrawing
from mandates.tests.conftest import EFFECTIVE
from registers import public_selectors as selectors
from registers import who_manages
from registers.models import CMO, Area, Conflict, Contract, Work
from tests import factories as f
from tests.personas import Personas

pytestmark = pytest.mark.django_db

BEFORE = (EFFECTIVE - dt.timedelta(days=1)).isoformat()
AFTER = EFFECTIVE.isoformat()


def _api(work: Work, on: str) -> dict[str, Any]:
    response = Client().get(f"/api/works/{work.pk}/management/", {"on": on})
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def _page(work: Work, on: str) -> str:
    response = Client().get(f"/works/{work.pk}/", {"on": on}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('id="who-manages"') :]


@pytest.mark.statute("A46.2-no-license-after")
def test_the_answer_is_right_before_and_after_an_area_is_withdrawn(
    personas: Personas, song: Work, on_receipt_day: Any
) -> None:
    withdrawing.file_withdrawal(by=personas.holder, cmo=personas.cmo, area=Area.objects.get(item=1))
    before = _api(song, BEFORE)
    assert [(r["area"], r["cmo_short_name"], r["path"], r["until"]) for r in before["rows"]] == [
        (1, "KAZ", "mandate", AFTER)
    ]
    assert before["rows"][0]["contract"].startswith("MAN")
    assert before["unmanaged"] == []
    after = _api(song, AFTER)
    assert after["rows"] == []
    assert after["unmanaged"] == [{"holder": personas.holder_party.pk, "holder_name": "Aigul Serikova"}]
    # the page says the same, before and after
    assert "KAZ" in _page(song, BEFORE)
    page_after = _page(song, AFTER)
    assert "KAZ" not in page_after
    assert "manage their rights themselves" in page_after
    # and after the job, with the holder's new mandate to QAZ, the past still reads as it was
    on_receipt_day.travel_to(EFFECTIVE)
    withdrawing.apply_due_withdrawals()
    from tests.personas import mandate_to

    new = mandate_to(personas.holder_party, personas.other_cmo, area_item=1)
    new.valid_from = EFFECTIVE
    new.save(update_fields=["valid_from"])
    assert [r["cmo_short_name"] for r in _api(song, BEFORE)["rows"]] == ["KAZ"]
    assert [r["cmo_short_name"] for r in _api(song, AFTER)["rows"]] == ["QAZ"]


@pytest.mark.statute("A46.2-no-license-after")
def test_a_withdrawn_work_leaves_the_answer_from_its_effective_date_and_its_sibling_stays(
    personas: Personas, song: Work, second_song: Work, on_receipt_day: Any
) -> None:
    withdrawing.file_withdrawal(
        by=personas.holder, cmo=personas.cmo, area=Area.objects.get(item=1), works=[song]
    )
    assert [r["until"] for r in _api(song, BEFORE)["rows"]] == [AFTER]
    assert _api(song, AFTER)["rows"] == []
    assert [r["until"] for r in _api(second_song, AFTER)["rows"]] == [None]


def test_open_conflicts_hold_the_work(personas: Personas, song: Work) -> None:
    conflict = Conflict.objects.create(kind="over_claim", work=song, code="over_claim")
    conflict.parties.add(personas.holder_party)
    body = _api(song, dt.date.today().isoformat())
    assert body["held"] is True
    assert body["conflicts"][0]["kind"] == "over_claim"
    assert "Conflicting claims hold this work" in _page(song, dt.date.today().isoformat())


def test_a_bad_date_is_a_clear_answer(song: Work) -> None:
    response = Client().get(f"/api/works/{song.pk}/management/", {"on": "31.02.2026"})
    assert response.status_code == 400
    assert "on" in response.json()
    page = Client().get(f"/works/{song.pk}/", {"on": "tomorrow"})
    assert page.status_code == 200
    assert "Enter a date as YYYY-MM-DD." in page.content.decode()


@dataclass
class _Path:
    holder_id: int
    area_id: int
    cmo: CMO
    society: str
    contract: Contract | None


def test_a_foreign_members_rights_come_through_the_reciprocal_path_where_the_register_provides_it(
    personas: Personas, monkeypatch: Any
) -> None:
    foreign = f.make_person(name_lat="Jean Dupont", name_ru="Жан Дюпон")
    work = f.make_work(
        personas.operator, (foreign, "CA", {"PR": Decimal("100")}), title="Chanson", public=True
    )
    assert who_manages.who_manages(work).unmanaged == [foreign]
    area = Area.objects.get(item=1)

    def reciprocal_paths(holder_ids: set[int], day: dt.date) -> list[_Path]:  # the register's stand-in
        return [_Path(pk, area.pk, personas.cmo, "SACEM", None) for pk in holder_ids if pk == foreign.pk]

    monkeypatch.setattr(selectors, "reciprocal_paths", reciprocal_paths, raising=False)
    answer = who_manages.who_manages(work)
    assert [(r.cmo, r.path, r.society) for r in answer.rows] == [(personas.cmo, "reciprocal", "SACEM")]
    assert answer.unmanaged == []


def test_extended_collective_management_answers_nothing_until_accreditation(
    personas: Personas, song: Work
) -> None:
    assert who_manages.extended_collective_management(song, {personas.other_party.pk}, dt.date.today()) == []
