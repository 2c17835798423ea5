"""The REST API: search, the same permission rules as the pages, writes through actions, tokens."""

from __future__ import annotations

from decimal import Decimal

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from registers.models import IPIName, Work
from tests import factories as f
from udp.identifiers import format_iswc

HUNDRED = {"PR": Decimal("100")}


def _api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


@pytest.fixture
def own_work(personas) -> Work:
    return f.make_work(
        personas.holder, (personas.holder_party, "CA", HUNDRED), title="Айгүл әні", iswc=f.make_iswc()
    )


@pytest.fixture
def others_unpublished_work(personas) -> Work:
    work = f.make_work(personas.other_holder, (personas.other_party, "CA", HUNDRED), title="Ерлан draft")
    Work.objects.filter(pk=work.pk).update(public=False)
    return work


# --- reading ----------------------------------------------------------------------------------


@pytest.mark.smoke
def test_works_are_searched_by_title_in_any_script_iswc_and_name(personas, own_work):
    client = _api()
    assert _titles(client.get("/api/works/", {"q": "әні"})) == ["Айгүл әні"]
    assert _titles(client.get("/api/works/", {"q": "aigul ani"})) == ["Айгүл әні"]
    assert _titles(client.get("/api/works/", {"q": format_iswc(own_work.iswc)})) == ["Айгүл әні"]
    assert _titles(client.get("/api/works/", {"iswc": own_work.iswc})) == ["Айгүл әні"]
    assert _titles(client.get("/api/works/", {"q": "Серикова"})) == ["Айгүл әні"]
    assert _titles(client.get("/api/works/", {"q": "nothing like it"})) == []


def test_works_are_filtered_by_managing_cmo_and_contributor(personas, own_work):
    f.make_work(personas.other_holder, (personas.other_party, "CA", HUNDRED), title="Other song")
    client = _api()
    assert _titles(client.get("/api/works/", {"cmo": "KAZ"})) == ["Айгүл әні"]
    assert _titles(client.get("/api/works/", {"cmo": personas.other_cmo.pk})) == ["Other song"]
    assert _titles(client.get("/api/works/", {"contributor": personas.other_party.pk})) == ["Other song"]


def test_the_works_list_pages_without_counting(personas):
    for n in range(3):
        f.make_work(personas.holder, (personas.holder_party, "CA", HUNDRED), title=f"Paged {n}")
    client = _api()
    with CaptureQueriesContext(connection) as queries:
        first = client.get("/api/works/", {"q": "paged", "page_size": 2}).json()
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    assert "count" not in first
    assert len(first["results"]) == 2 and first["next"] and first["previous"] is None
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None and second["previous"]


def test_the_works_list_runs_a_fixed_number_of_queries(personas, django_assert_max_num_queries):
    for n in range(5):
        f.make_work(personas.holder, (personas.holder_party, "CA", HUNDRED), title=f"Many {n}")
    with django_assert_max_num_queries(3):
        assert len(_titles(_api().get("/api/works/", {"q": "many"}))) == 5


def test_the_work_detail_answers_who_to_pay(personas, own_work):
    body = _api().get(f"/api/works/{own_work.pk}/").json()
    assert body["who_to_pay"] == [
        {"area": 1, "area_name": body["who_to_pay"][0]["area_name"], "cmos": [
            {"cmo": {"id": personas.cmo.pk, "short_name": "KAZ"}, "shares": {"PR": "100.00"}}
        ]}
    ]  # fmt: skip
    assert body["contributors"][0]["shares"] == {"PR": "100.00"}


def test_holders_are_found_by_ipi_and_by_managing_cmo(personas):
    ipi = IPIName.objects.create(party=personas.holder_party, name_number=f.make_ipi())
    client = _api()
    by_ipi = client.get("/api/holders/", {"ipi": ipi.name_number}).json()["results"]
    assert [h["id"] for h in by_ipi] == [personas.holder_party.pk]
    by_cmo = client.get("/api/holders/", {"cmo": "QAZ"}).json()["results"]
    assert [h["id"] for h in by_cmo] == [personas.other_party.pk]
    assert by_cmo[0]["managing_cmos"][0]["cmo"]["short_name"] == "QAZ"


@pytest.mark.statute("A45-1.2-cmos")
def test_the_cmo_endpoint_gives_bin_areas_representatives_and_branches(personas):
    personas.cmo.representatives.create(name="Representative One")
    personas.cmo.branches.create(city="Шымкент")
    body = _api().get(f"/api/cmos/{personas.cmo.pk}/").json()
    assert body["bin"] == personas.cmo.party.bin
    assert sorted(a["item"] for a in body["areas"]) == [1, 7]
    assert body["representatives"][0]["name"] == "Representative One"
    assert body["branches"][0]["city"] == "Шымкент"


@pytest.mark.statute("A45-1.2-users")
def test_the_users_endpoint_gives_category_and_location_cities(personas):
    licensee = personas.licensee.licensee
    licensee.locations.create(name="Studio", city="Алматы", address="Hidden street 5")
    rows = _api().get("/api/users/", {"category": "radio", "city": "Алматы"}).json()["results"]
    assert [r["id"] for r in rows] == [licensee.pk]
    assert rows[0]["category"]["code"] == "radio"
    assert rows[0]["locations"] == [{"name": "Studio", "city": "Алматы", "category": None}]
    assert "Hidden street" not in _api().get(f"/api/users/{licensee.pk}/").content.decode()


def test_the_contracts_register_gives_public_facts(personas):
    rows = _api().get("/api/contracts/", {"kind": "mandate", "cmo": "KAZ"}).json()["results"]
    assert len(rows) == 1
    party = personas.holder_party
    assert rows[0]["counterparty"] in (party.name_kk, party.name_ru, party.name_lat)
    assert rows[0]["areas"] == [1] and rows[0]["location"] is None
    detail = _api().get(f"/api/contracts/{rows[0]['number']}/")
    assert detail.status_code == 200


def test_reference_data_is_listed(db):
    assert [a["item"] for a in _api().get("/api/areas/").json()] == [1, 2, 3, 4, 5, 7]
    assert "radio" in [c["code"] for c in _api().get("/api/user-categories/").json()]


def test_the_openapi_schema_generates_with_every_register_path(db):
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/works/", "/api/works/{id}/", "/api/holders/", "/api/cmos/", "/api/users/",
                 "/api/contracts/", "/api/areas/", "/api/user-categories/", "/api/auth/token/"):  # fmt: skip
        assert path in paths


# --- permissions ------------------------------------------------------------------------------


def test_anonymous_visitors_read_but_cannot_write(personas, own_work):
    client = _api()
    assert client.get(f"/api/works/{own_work.pk}/").status_code == 200
    assert client.post("/api/works/", {"title": "X"}, format="json").status_code in (401, 403)
    assert client.patch(f"/api/works/{own_work.pk}/", {"title": "X"}, format="json").status_code in (401, 403)
    assert client.patch(
        f"/api/holders/{personas.holder_party.pk}/", {"phone": "1"}, format="json"
    ).status_code in (401, 403)
    assert Work.objects.get(pk=own_work.pk).title == "Айгүл әні"


def test_a_holder_updates_their_own_work(personas, own_work):
    response = _api(personas.holder).patch(
        f"/api/works/{own_work.pk}/",
        {"title": "Айгүл әні (2026)", "alternate_titles": ["Aigul song"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Айгүл әні (2026)"
    assert [t["title"] for t in response.json()["titles"]] == ["Aigul song"]


def test_a_holder_cannot_see_another_holders_unpublished_work(personas, others_unpublished_work):
    assert _api(personas.holder).get(f"/api/works/{others_unpublished_work.pk}/").status_code == 404
    assert _api(personas.other_holder).get(f"/api/works/{others_unpublished_work.pk}/").status_code == 200
    assert "Ерлан draft" not in _api(personas.holder).get("/api/works/", {"q": "draft"}).content.decode()


def test_a_holder_cannot_change_another_holders_work(personas):
    theirs = f.make_work(personas.other_holder, (personas.other_party, "CA", HUNDRED), title="Their song")
    response = _api(personas.holder).patch(f"/api/works/{theirs.pk}/", {"title": "Mine now"}, format="json")
    assert response.status_code in (403, 404)
    assert Work.objects.get(pk=theirs.pk).title == "Their song"


def test_a_holder_registers_a_work_with_shares(personas):
    payload = {
        "title": "Жаңа ән",
        "iswc": format_iswc(f.make_iswc()),
        "contributors": [
            {"party": personas.holder_party.pk, "role": "C", "shares": {"PR": "70", "MR": "100"}},
            {"party": personas.other_party.pk, "role": "A", "shares": {"PR": "30"}},
        ],
    }
    response = _api(personas.holder).post("/api/works/", payload, format="json")
    assert response.status_code == 201, response.content
    work = Work.objects.get(pk=response.json()["id"])
    assert work.submitted_by == personas.holder and work.shares.count() == 3


def test_shares_that_do_not_sum_to_100_are_refused_with_a_clear_error(personas):
    payload = {
        "title": "Bad shares",
        "contributors": [{"party": personas.holder_party.pk, "role": "C", "shares": {"PR": "90"}}],
    }
    response = _api(personas.holder).post("/api/works/", payload, format="json")
    assert response.status_code == 400
    assert "100" in response.content.decode()
    assert not Work.objects.filter(title="Bad shares").exists()


def test_a_licensee_may_not_register_works(personas):
    response = _api(personas.licensee).post("/api/works/", {"title": "Nope"}, format="json")
    assert response.status_code == 403


def test_staff_of_another_cmo_cannot_update_our_members_party(personas):
    url = f"/api/holders/{personas.holder_party.pk}/"
    assert _api(personas.other_cmo_staff).patch(
        url, {"phone": "+7 700 000 00 00"}, format="json"
    ).status_code in (403, 404)
    response = _api(personas.cmo_staff).patch(url, {"phone": "+7 700 111 11 11"}, format="json")
    assert response.status_code == 200, response.content
    personas.holder_party.refresh_from_db()
    assert personas.holder_party.phone == "+7 700 111 11 11"


def test_the_operator_must_give_a_reason_for_a_change(personas, own_work):
    client = _api(personas.operator)
    refused = client.patch(f"/api/works/{own_work.pk}/", {"title": "Operator edit"}, format="json")
    assert refused.status_code == 400
    assert "reason" in refused.json()
    assert Work.objects.get(pk=own_work.pk).title == "Айгүл әні"
    accepted = client.patch(
        f"/api/works/{own_work.pk}/", {"title": "Operator edit", "reason": "Ticket 42: typo"}, format="json"
    )
    assert accepted.status_code == 200
    party_refused = client.patch(f"/api/holders/{personas.holder_party.pk}/", {"phone": "1"}, format="json")
    assert party_refused.status_code == 400 and "reason" in party_refused.json()


# --- tokens -----------------------------------------------------------------------------------


def _current_code() -> str:
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(f.TOTP_SECRET, counters[len(counters) // 2]))


def test_a_machine_client_works_with_a_token(personas):
    client = APIClient()
    wrong = client.post(
        "/api/auth/token/", {"email": "holder@example.kz", "password": "wrong"}, format="json"
    )
    assert wrong.status_code in (401, 403)
    token = client.post(
        "/api/auth/token/", {"email": "holder@example.kz", "password": f.PASSWORD}, format="json"
    )
    assert token.status_code == 200, token.content
    machine = APIClient()
    machine.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    payload = {
        "title": "Machine song",
        "contributors": [{"party": personas.holder_party.pk, "role": "CA", "shares": {"PR": "100"}}],
    }
    assert machine.post("/api/works/", payload, format="json").status_code == 201


def test_an_account_that_needs_mfa_gets_a_token_only_with_its_code(personas):
    client = APIClient()
    without = client.post(
        "/api/auth/token/", {"email": "operator@udp.kz", "password": f.PASSWORD}, format="json"
    )
    assert without.status_code in (401, 403)
    with_code = client.post(
        "/api/auth/token/",
        {"email": "operator@udp.kz", "password": f.PASSWORD, "code": _current_code()},
        format="json",
    )
    assert with_code.status_code == 200, with_code.content


@pytest.mark.statute("A9-2.1.7")
@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_the_api_docs_load_nothing_from_outside_the_platform(client, url):
    """A closed government network has no CDN: Swagger UI and ReDoc come from our own static files."""
    import re as _re

    html = client.get(url).content.decode()
    sources = _re.findall(r'(?:src|href)="([^"]+)"', html) + _re.findall(r"(?:src|href)='([^']+)'", html)
    assert sources, html[:500]
    outside = [s for s in sources if s.startswith(("http://", "https://", "//"))]
    assert not outside, outside
    assert any("drf_spectacular_sidecar" in s for s in sources)


def test_the_owner_opens_their_work_in_the_browsable_api(personas, own_work):
    client = f.login(APIClient(), personas.holder)

    response = client.get(f"/api/works/{own_work.pk}/", HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert own_work.title in response.content.decode() and 'name="_content"' in response.content.decode()
