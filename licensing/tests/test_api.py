"""The licensing API: the same steps and rules as the pages, for machines and people's scripts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from licensing.models import Licence, LicenceStatus, Tariff
from licensing.tests.helpers import accredit, licence_in_force
from licensing.tests.test_licences import make_signatory_for_user
from mandates.tests.request_helpers import make_signatory
from tests import factories as f
from tests.personas import Personas
from udp.accounts.models import Role
from udp.accounts.scopes import Scope
from udp.accounts.tests.test_api_keys import issue, machine

pytestmark = pytest.mark.usefixtures("english")

TERMS = [{"shape": "per_unit", "unit": "m2", "amount": "120", "period": "month"}]


def _tariff(client: APIClient) -> int:
    made = client.post(
        "/api/tariffs/",
        {
            "area": 1,
            "category": "restaurant",
            "use": "background",
            "valid_from": "2026-01-01",
            "terms": TERMS,
        },
        format="json",
    )
    assert made.status_code == 201, made.content
    published = client.post(f"/api/tariffs/{made.json()['id']}/publish/")
    assert published.status_code == 200 and published.json()["status"] == "published"
    return int(made.json()["id"])


@pytest.mark.statute("A44.2-1-via-udp")
def test_a_user_concludes_a_licence_through_the_api(personas: Personas) -> None:
    p = personas
    make_signatory_for_user(p)
    make_signatory(p.cmo_staff, p.cmo)
    accredit(p, p.cmo, 1)
    _tariff(machine(issue(p.cmo_staff, Scope.LICENSING_WRITE, Scope.REGISTERS_READ)[1]))
    user = machine(issue(p.licensee, Scope.LICENSING_WRITE, Scope.REGISTERS_READ)[1])
    declared = user.post(
        "/api/declarations/",
        {"category": "restaurant", "use": "background", "parameters": {"m2": "80"}},
        format="json",
    )
    assert declared.status_code == 201, declared.content
    need = declared.json()["needs"][0]
    assert need["area"] == 1 and need["offers"][0]["cmo"] == "KAZ" and need["offers"][0]["accredited"] is True
    assert need["offers"][0]["quotes"][0]["monthly"] == "9600.00"
    made = user.post(
        "/api/licences/",
        {"declaration": declared.json()["id"], "cmo": p.cmo.pk, "kind": "licence"},
        format="json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    signed = user.post(
        f"/api/licences/{body['id']}/sign/", {"sha256": body["document_sha256"]}, format="json"
    )
    assert signed.status_code == 200 and signed.json()["status"] == "awaiting_cmo"
    cmo = machine(issue(p.cmo_staff, Scope.LICENSING_WRITE, Scope.REGISTERS_READ)[1])
    countersigned = cmo.post(
        f"/api/licences/{body['id']}/sign/", {"sha256": body["document_sha256"]}, format="json"
    )
    assert countersigned.json()["status"] == "in_force"
    public = APIClient().get("/api/contracts/users/").json()
    assert [row["number"] for row in public["results"]] == [body["number"]]


@pytest.mark.statute("A44.2-no-refusal")
def test_the_api_refuses_a_refusal_without_a_ground(personas: Personas) -> None:
    p = personas
    make_signatory_for_user(p)
    _tariff(machine(issue(p.cmo_staff, Scope.LICENSING_WRITE, Scope.REGISTERS_READ)[1]))
    user = machine(issue(p.licensee, Scope.LICENSING_WRITE, Scope.REGISTERS_READ)[1])
    declared = user.post("/api/declarations/", {"category": "restaurant", "use": "background",
                                                 "parameters": {"m2": "80"}}, format="json").json()  # fmt: skip
    made = user.post(
        "/api/licences/", {"declaration": declared["id"], "cmo": p.cmo.pk, "kind": "licence"}, format="json"
    ).json()
    cmo = machine(issue(p.cmo_staff, Scope.LICENSING_WRITE, Scope.REGISTERS_READ)[1])
    assert (
        cmo.post(
            f"/api/licences/{made['id']}/refuse/", {"ground": "dislike", "note": "no"}, format="json"
        ).status_code
        == 400
    )
    assert (
        cmo.post(f"/api/licences/{made['id']}/refuse/", {"ground": "unpaid"}, format="json").status_code
        == 400
    )
    assert Licence.objects.get().status == LicenceStatus.AWAITING_USER
    other = machine(issue(p.other_cmo_staff, Scope.LICENSING_WRITE, Scope.REGISTERS_READ)[1])
    assert (
        other.post(
            f"/api/licences/{made['id']}/refuse/", {"ground": "unpaid", "note": "x"}, format="json"
        ).status_code
        == 404
    )
    done = cmo.post(
        f"/api/licences/{made['id']}/refuse/", {"ground": "unpaid", "note": "INV-1 unpaid"}, format="json"
    )
    assert done.status_code == 200 and done.json()["status"] == "refused"


def test_keys_scopes_and_other_parties(personas: Personas) -> None:
    p = personas
    make_signatory_for_user(p)
    licence = licence_in_force(p)
    read_only = machine(issue(p.licensee, Scope.REGISTERS_READ)[1])
    assert read_only.get(f"/api/licences/{licence.pk}/").status_code == 200
    assert (
        read_only.post(
            "/api/declarations/", {"category": "restaurant", "use": "background"}, format="json"
        ).status_code
        == 403
    )
    stranger = f.make_account("shop@example.kz", Role.LICENSEE, licensee=f.make_licensee())
    client = machine(issue(stranger, Scope.REGISTERS_READ, Scope.LICENSING_WRITE)[1])
    assert client.get(f"/api/licences/{licence.pk}/").status_code == 404
    assert client.get("/api/licences/").json()["results"] == []
    assert APIClient().get("/api/licences/").status_code in (401, 403)
    # a CMO's staff cannot declare a use; a user cannot write tariffs; drafts are not public
    cmo = machine(issue(p.cmo_staff, Scope.LICENSING_WRITE, Scope.REGISTERS_READ)[1])
    assert (
        cmo.post(
            "/api/declarations/", {"category": "restaurant", "use": "background"}, format="json"
        ).status_code
        == 403
    )
    assert client.post("/api/tariffs/", {}, format="json").status_code == 403
    draft = Tariff.objects.create(cmo=p.cmo, area=licence.lines.get().area, category=licence.declaration.category,
                                  use="live", valid_from=licence.starts_on)  # fmt: skip
    assert APIClient().get(f"/api/tariffs/{draft.pk}/").status_code == 404
    assert cmo.get(f"/api/tariffs/{draft.pk}/").status_code == 200
    assert Decimal(APIClient().get("/api/index-values/").json()["results"][0]["value"]) > 0
