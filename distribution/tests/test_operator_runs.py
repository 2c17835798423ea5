"""The operator reads every CMO's distribution runs (Art. 46.1 (2): the money's deductions and its way to the
holders, open to the platform's expert organization): a list filtered by CMO, status, area and year with its
totals, each run's page without the forms its CMO's staff act with, and the same filters in the API. Nobody
else sees another CMO's runs there."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from distribution.models import Run
from distribution.runs import approve_run, start_run
from distribution.tests.run_world import Q1, RunWorld, make_run_world
from tests import factories as f
from udp.accounts.models import Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def runs(personas: Any) -> dict[str, Run]:
    world: RunWorld = make_run_world(personas)
    calculated = start_run(
        personas.cmo,
        world.area,
        *Q1,
        by=personas.cmo_staff,
        costs_percent=Decimal(15),
        funds_percent=Decimal(5),
    )
    approved = approve_run(calculated, by=personas.cmo_admin)
    second = start_run(
        personas.other_cmo, world.area, *Q1, by=personas.other_cmo_staff, weights={world.own.pk: 1},
        pool_tiyn=50_000,
    )  # fmt: skip
    return {"approved": approved, "other": second}


def test_the_operator_lists_every_cmo_s_runs_filters_them_and_reads_one_without_acting_on_it(
    personas: Any, runs: dict[str, Run]
) -> None:
    operator = f.signed_in(personas.operator)
    home = operator.get("/home/", follow=True).content.decode()
    assert "/operator/distribution/runs/" in home
    page = operator.get("/operator/distribution/runs/")
    assert page.status_code == 200
    html = page.content.decode()
    approved, other = runs["approved"], runs["other"]
    assert f'id="run-{approved.pk}"' in html and f'id="run-{other.pk}"' in html
    assert 'id="total-runs">2<' in html and 'id="total-awaiting">1<' in html
    assert 'id="total-pool">3,000.00 tenge' in html and 'id="total-deducted">600.00 tenge' in html

    mine = operator.get(f"/operator/distribution/runs/?cmo={personas.other_cmo.pk}").content.decode()
    assert f'id="run-{other.pk}"' in mine and f'id="run-{approved.pk}"' not in mine
    by_name = operator.get(
        f"/operator/distribution/runs/?cmo={personas.cmo.short_name.lower()}"
    ).content.decode()
    assert f'id="run-{approved.pk}"' in by_name and f'id="run-{other.pk}"' not in by_name
    waiting = operator.get("/operator/distribution/runs/?status=calculated&year=2026&area=1").content.decode()
    assert f'id="run-{other.pk}"' in waiting and f'id="run-{approved.pk}"' not in waiting
    assert not re.search(
        r'id="run-\d', operator.get("/operator/distribution/runs/?year=2025").content.decode()
    )
    refused = operator.get("/operator/distribution/runs/?status=paid").content.decode()
    assert 'id="filter-errors"' in refused and not re.search(r'id="run-\d', refused)

    detail = operator.get(f"/operator/distribution/runs/{other.pk}/")
    assert detail.status_code == 200
    text = detail.content.decode()
    assert 'id="approve"' not in text and "run_recalculate" not in text and "/recalculate/" not in text
    assert "Only the CMO&#x27;s own staff approve its runs." in text
    assert 'href="/operator/distribution/runs/"' in text  # back to the operator's list
    assert operator.post(f"/cmo/distribution/runs/{other.pk}/approve/").status_code == 403
    assert Run.objects.get(pk=other.pk).status == "calculated"

    # the API: the same filters
    listed = operator.get(f"/api/distribution-runs/?cmo={personas.other_cmo.pk}").json()
    assert [row["id"] for row in listed["results"]] == [other.pk]
    assert [
        row["id"] for row in operator.get("/api/distribution-runs/?status=approved").json()["results"]
    ] == [approved.pk]


def test_nobody_else_reads_the_operator_s_run_pages(personas: Any, runs: dict[str, Run]) -> None:
    other = runs["other"]
    for user in (personas.cmo_staff, personas.holder, personas.regulator, personas.licensee):
        client = f.signed_in(user)
        assert client.get("/operator/distribution/runs/").status_code == 403
        assert client.get(f"/operator/distribution/runs/{other.pk}/").status_code == 403
    # a CMO's staff see their own CMO's runs only, on their pages and in the API
    staff = f.signed_in(personas.cmo_staff)
    assert staff.get(f"/cmo/distribution/runs/{other.pk}/").status_code == 404
    assert staff.get(f"/api/distribution-runs/?cmo={personas.other_cmo.pk}").json()["results"] == []
    assert staff.get(f"/api/distribution-runs/{other.pk}/").status_code == 404
    anonymous = Client().get("/operator/distribution/runs/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert Client().get("/api/distribution-runs/").status_code in (401, 403)
    no_mfa = f.make_account("new-operator@udp.kz", Role.OPERATOR, mfa=False)
    client = Client()
    client.post("/accounts/login/", {"login": no_mfa.email, "password": f.PASSWORD})
    answer = client.get("/operator/distribution/runs/")
    assert answer.status_code == 302 and "/accounts/" in answer["Location"]


def test_a_list_of_many_runs_pages_forward_with_its_filters(personas: Any, runs: dict[str, Run]) -> None:
    """The pager keeps the filters and moves to the next page number (it used to link to no page at all)."""
    import datetime as dt

    own = Run.objects.get(pk=runs["approved"].pk)
    for month in range(1, 27):
        Run.objects.create(
            cmo=personas.other_cmo, area=own.area, period_start=dt.date(2020, 1, 1) + dt.timedelta(days=month),
            period_end=dt.date(2020, 1, 1) + dt.timedelta(days=month), started_by=personas.other_cmo_staff,
            pool_tiyn=0,
        )  # fmt: skip
    operator = f.signed_in(personas.operator)
    first = operator.get(f"/operator/distribution/runs/?cmo={personas.other_cmo.pk}").content.decode()
    assert f"?cmo={personas.other_cmo.pk}&amp;page=2" in first and "Page 1 of 2" in first
    second = operator.get(f"/operator/distribution/runs/?cmo={personas.other_cmo.pk}&page=2").content.decode()
    assert "Page 2 of 2" in second and f"?cmo={personas.other_cmo.pk}&amp;page=1" in second
