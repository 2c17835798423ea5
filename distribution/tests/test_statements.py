"""Each holder's statement of an approved run (A46.1.1-statement), on the page, in the API and as a PDF, and
the runs' API: the same steps and access rules as the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from distribution import quarters
from distribution.models import RequestStatus, Run, RunRequest, Statement
from distribution.tests.run_world import RunWorld, make_run_world
from tests import factories as f
from udp.accounts.actions import issue_api_key
from udp.accounts.models import Role
from udp.core import clock
from udp.documents.models import IssuedDocument

pytestmark = pytest.mark.usefixtures("english", "fresh_cache")


@pytest.fixture
def world(personas: Any) -> RunWorld:
    return make_run_world(personas)


START = {"area": 1, "year": 2026, "quarter": 1, "costs_percent": "15", "funds_percent": "5"}


def _approved(personas: Any, capture: Any) -> Run:
    """Started through the API by the staff, approved through the API by the administrator."""
    with capture(execute=True):
        started = f.signed_in(personas.cmo_staff).post(
            "/api/distribution-runs/", START, content_type="application/json"
        )
    assert started.status_code == 202, started.content
    asked = RunRequest.objects.get(pk=started.json()["id"])
    assert asked.status == RequestStatus.DONE
    follow = f.signed_in(personas.cmo_staff).get(f"/api/distribution-run-requests/{asked.pk}/").json()
    assert follow["status"] == "done" and follow["run"] == asked.run_id
    with capture(execute=True):
        approved = f.signed_in(personas.cmo_admin).post(f"/api/distribution-runs/{asked.run_id}/approve/")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert asked.run_id is not None
    return Run.objects.get(pk=asked.run_id)


@pytest.mark.django_db
@pytest.mark.statute("A46.1.1-statement")
@pytest.mark.statute("A44.5-distribute")
def test_the_holder_s_statement_shows_use_by_work_and_source_the_gross_each_deduction_and_the_net(
    personas: Any, world: RunWorld, eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    """The holder: Dala 2 250.00 (3 plays) + Kok 25 % of 750.00 = 187.50 (1 play): gross 2 437.50, costs
    365.63, special funds 121.87, net 1 950.00 (see the pages' worked example)."""
    run = _approved(personas, django_capture_on_commit_callbacks)
    holder = f.signed_in(personas.holder)
    (listed,) = holder.get("/api/statements/").json()["results"]
    statement = holder.get(f"/api/statements/{listed['id']}/").json()
    assert statement["totals"] == {
        "gross_tiyn": 243_750, "costs_tiyn": 36_563, "funds_tiyn": 12_187, "net_tiyn": 195_000,
        "payable_tiyn": 195_000, "held_tiyn": 0,
        # a resident's 10 % income tax withheld; nothing sent to the bank yet, so all of it still owed
        "tax_tiyn": 19_500, "tax_percent": "10.00", "to_pay_tiyn": 175_500, "paid_tiyn": 0, "in_transit_tiyn": 0,
        "owed_tiyn": 175_500, "paid_on": None,
    }  # fmt: skip
    assert (statement["basis"], statement["costs_percent"], statement["funds_percent"]) == (
        ["ownership"],
        "15.00",
        "5.00",
    )
    works = {w["title"]: w for w in statement["works"]}
    assert works["Dala"]["gross_tiyn"] == 225_000 and works["Kok"]["gross_tiyn"] == 18_750
    user = str(world.licence.licensee)
    assert works["Dala"]["sources"] == [{"licence": world.licence.contract.number, "user": user, "plays": 3}]
    assert works["Kok"]["sources"][0]["plays"] == 1

    page = holder.get(f"/portal/distribution/statements/{listed['id']}/").content.decode()
    assert "Agreed ownership shares" in page and "2,437.50 tenge" in page and "−365.63 tenge" in page
    assert "−121.87 tenge" in page and "1,950.00 tenge" in page
    assert f"{user} (agreement {world.licence.contract.number}): 3 plays" in page
    assert "Deduction for costs (15 %)" in page
    assert listed["run"] == run.pk and statement["basis"] == ["ownership"]
    assert f.signed_in(personas.other_holder).get("/api/statements/").json()["results"] == []


@pytest.mark.django_db
@pytest.mark.statute("A46.1.1-statement")
def test_the_statement_pdf_is_rendered_when_first_opened_and_the_same_document_after(
    personas: Any,
    world: RunWorld,
    eager: None,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
    tmp_path: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    _approved(personas, django_capture_on_commit_callbacks)
    statement = Statement.objects.get(party=personas.holder_party)
    assert not IssuedDocument.objects.filter(kind="distribution_statement").exists()
    holder = f.signed_in(personas.holder)
    first = holder.get(f"/portal/distribution/statements/{statement.pk}/pdf/")
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    number = first["X-Document-Number"]
    assert number.startswith("DST-") and f.streamed(first).startswith(b"%PDF")
    again = holder.get(f"/api/statements/{statement.pk}/pdf/")
    assert again["X-Document-Number"] == number
    staff = f.signed_in(personas.cmo_staff).get(f"/cmo/distribution/statements/{statement.pk}/pdf/")
    assert staff["X-Document-Number"] == number
    kazakh = f.signed_in(personas.holder, language="kk").get(
        f"/portal/distribution/statements/{statement.pk}/pdf/"
    )
    assert kazakh["X-Document-Number"] != number
    issued = IssuedDocument.objects.filter(kind="distribution_statement").order_by("pk")
    assert [d.language for d in issued] == ["en", "kk"]
    from urllib.parse import urlparse

    verified = Client().get(urlparse(issued[0].verification_url).path)
    assert verified.status_code == 200 and number in verified.content.decode()


@pytest.mark.django_db
@pytest.mark.statute("A46.1.1-statement")
def test_only_the_holder_its_cmo_s_staff_and_the_operator_see_a_statement(
    personas: Any, world: RunWorld, eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    _approved(personas, django_capture_on_commit_callbacks)
    pk = Statement.objects.get(party=personas.holder_party).pk
    api, page, cmo_page = (
        f"/api/statements/{pk}/",
        f"/portal/distribution/statements/{pk}/",
        f"/cmo/distribution/statements/{pk}/",
    )
    assert f.signed_in(personas.holder).get(api).status_code == 200
    assert f.signed_in(personas.cmo_staff).get(cmo_page).status_code == 200
    assert f.signed_in(personas.operator).get(api).status_code == 200
    other = f.signed_in(personas.other_holder)
    assert other.get(api).status_code == 404 and other.get(page).status_code == 404
    assert other.get(page + "pdf/").status_code == 404
    other_cmo = f.signed_in(personas.other_cmo_staff)
    assert other_cmo.get(api).status_code == 404 and other_cmo.get(cmo_page).status_code == 404
    assert f.signed_in(personas.licensee).get(api).status_code == 404
    assert Client().get(api).status_code in (401, 403) and Client().get(page).status_code == 302
    without_mfa = f.make_account("nomfa@kaz.kz", Role.CMO_STAFF, cmo=personas.cmo, mfa=False)
    nomfa = Client()
    nomfa.post("/accounts/login/", {"login": without_mfa.email, "password": f.PASSWORD})
    assert nomfa.get(cmo_page).status_code == 302 and nomfa.get(api).status_code in (401, 403)


@pytest.mark.django_db
def test_the_api_refuses_what_the_pages_refuse(
    personas: Any, world: RunWorld, eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    holder = f.signed_in(personas.holder)
    assert holder.post("/api/distribution-runs/", START, content_type="application/json").status_code == 403
    staff = f.signed_in(personas.cmo_staff)
    capped = staff.post(
        "/api/distribution-runs/", {**START, "funds_percent": "6"}, content_type="application/json"
    )
    assert capped.status_code == 400 and "20 %" in str(capped.json())
    # the page offers the quarters that have ended; the API refuses the others, as the page would
    current = quarters.quarter_of(clock.today())[0]
    for year, number in ((current.year, (current.month - 1) // 3 + 1), (2099, 1)):
        early = staff.post(
            "/api/distribution-runs/",
            {**START, "year": year, "quarter": number},
            content_type="application/json",
        )
        assert early.status_code == 400 and "has not ended" in str(early.json()), early.content
    assert not RunRequest.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        started = staff.post("/api/distribution-runs/", START, content_type="application/json")
    run_id = RunRequest.objects.get(pk=started.json()["id"]).run_id
    same = staff.post(f"/api/distribution-runs/{run_id}/approve/")
    assert same.status_code == 400 and "does not approve it" in str(same.json())
    assert (
        f.signed_in(personas.other_cmo_staff).post(f"/api/distribution-runs/{run_id}/approve/").status_code
        == 404
    )
    payees = staff.get(f"/api/distribution-runs/{run_id}/payees/", {"q": "Bolat"}).json()["results"]
    assert [p["party"] for p in payees] == [world.co_holder.pk]
    _key, secret = issue_api_key(by=personas.cmo_admin, name="books", scopes=["distribution:read"])
    machine = Client(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    seen = machine.get(f"/api/distribution-runs/{run_id}/")
    assert seen.status_code == 200, seen.content
    assert machine.post(f"/api/distribution-runs/{run_id}/approve/").status_code == 403
    assert Run.objects.get().status == "calculated"
    with django_capture_on_commit_callbacks(execute=True):
        nothing = staff.post("/api/distribution-runs/", {**START, "area": 7}, content_type="application/json")
    failed = staff.get(f"/api/distribution-run-requests/{nothing.json()['id']}/").json()
    assert failed["status"] == "failed" and failed["error_code"] == "empty_pool"
    assert "Nothing was collected" in failed["error"]


@pytest.mark.django_db
@pytest.mark.statute("A44.5-distribute")
def test_the_api_corrects_an_approved_run_with_the_page_s_rules(
    personas: Any, world: RunWorld, eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    """Only the CMO's administrator, with a reason, and with a key that may write; then the run reads as
    cancelled, and a second correction is refused."""
    run = _approved(personas, django_capture_on_commit_callbacks)
    url = f"/api/distribution-runs/{run.pk}/correct/"
    reason = {"reason": "Wrong pool"}
    staff, admin = f.signed_in(personas.cmo_staff), f.signed_in(personas.cmo_admin)
    assert staff.post(url, reason, content_type="application/json").status_code == 403
    assert (
        f.signed_in(personas.other_cmo_staff).post(url, reason, content_type="application/json").status_code
        == 404
    )
    assert Client().post(url, reason, content_type="application/json").status_code in (401, 403)
    _key, secret = issue_api_key(by=personas.cmo_admin, name="books", scopes=["distribution:read"])
    reader = Client(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    assert reader.post(url, reason, content_type="application/json").status_code == 403
    assert admin.post(url, {}, content_type="application/json").status_code == 400
    run.refresh_from_db()
    assert run.status == "approved"
    _key, secret = issue_api_key(by=personas.cmo_admin, name="desk", scopes=["distribution:write"])
    writer = Client(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    with django_capture_on_commit_callbacks(execute=True):
        corrected = writer.post(url, reason, content_type="application/json")
    assert corrected.status_code == 200, corrected.content
    assert corrected.json()["status"] == "cancelled"
    assert admin.post(url, reason, content_type="application/json").status_code == 403


@pytest.mark.django_db
@pytest.mark.statute("A44.5-distribute")
def test_the_api_gives_a_run_s_money_per_route_and_per_work_as_its_page_does(
    personas: Any, world: RunWorld, eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    """The worked example's pool, 3 000 000 tiyn: its routes' gross sums to it and its works' allocations too."""
    run = _approved(personas, django_capture_on_commit_callbacks)
    staff = f.signed_in(personas.cmo_staff)
    seen = staff.get(f"/api/distribution-runs/{run.pk}/").json()
    assert sum(r["gross_tiyn"] for r in seen["routes"]) == run.pool_tiyn
    assert sum(r["net_tiyn"] + r["costs_tiyn"] + r["funds_tiyn"] for r in seen["routes"]) == run.pool_tiyn
    assert {r["route"]: r["route_label"] for r in seen["routes"]}["payable"] == "To be paid"
    rows, url = [], f"/api/distribution-runs/{run.pk}/allocations/"
    while url:
        page = staff.get(url).json()
        rows += page["results"]
        url = page["next"]
    assert sum(r["gross_tiyn"] for r in rows) == run.pool_tiyn
    assert {r["title"] for r in rows} == {"Dala", "Kok"}
    page_html = staff.get(f"/cmo/distribution/runs/{run.pk}/").content.decode()
    assert all(r["title"] in page_html for r in rows)
    other = f.signed_in(personas.other_cmo_staff).get(f"/api/distribution-runs/{run.pk}/allocations/")
    assert other.status_code == 404
