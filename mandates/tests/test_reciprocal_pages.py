"""Reciprocal agreements and conflicts on the pages and in the API, as each actor uses them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from registers.models import Area, Conflict, ConflictKind, Contract, ForeignSociety, SocietyMembership
from tests import factories as f
from tests.personas import Personas
from udp.accounts.models import Role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def sacem() -> ForeignSociety:
    return ForeignSociety.objects.create(
        name="Société des auteurs",
        short_name="SACEM",
        cisac_code="058",
        country="FR",
        territory="France, Monaco",
    )


def _enter(client: Any, society: ForeignSociety, **extra: Any) -> Any:
    data = {"society": society.pk, "areas": [Area.objects.get(item=1).pk], "concluded_on": "2026-03-20",
            "valid_from": "2026-04-01", **extra}  # fmt: skip
    return client.post("/cmo/reciprocal/new/", data)


@pytest.mark.statute("A43.4-foreign")
def test_a_cmo_enters_an_agreement_and_a_second_cmo_is_refused_with_the_conflict_recorded(
    personas: Personas, sacem: ForeignSociety
) -> None:
    response = _enter(f.signed_in(personas.cmo_admin), sacem)
    contract = Contract.objects.get(kind="reciprocal", foreign_society=sacem)
    assert response.status_code == 302 and response["Location"] == f"/cmo/reciprocal/{contract.pk}/"
    page = f.signed_in(personas.cmo_admin).get(response["Location"]).content.decode()
    assert contract.number in page and "France, Monaco" in page and "058" in page

    other_admin = f.make_account("admin@qaz.kz", Role.CMO_ADMIN, cmo=personas.other_cmo)
    refused = _enter(f.signed_in(other_admin), sacem)
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "already mandates KAZ" in text and contract.number in text
    assert Contract.objects.filter(kind="reciprocal").count() == 1
    conflict = Conflict.objects.get(kind=ConflictKind.COMPETING_RECIPROCAL)
    seen = f.signed_in(personas.other_cmo_staff).get(f"/claims/conflicts/{conflict.pk}/").content.decode()
    assert "KAZ" in seen and "QAZ" in seen and "SACEM" in seen
    listed = f.signed_in(personas.regulator).get("/claims/conflicts/").content.decode()
    assert f"/claims/conflicts/{conflict.pk}/" in listed


def test_cmo_staff_read_the_agreements_but_only_the_administrator_enters_them(
    personas: Personas, sacem: ForeignSociety
) -> None:
    staff = f.signed_in(personas.cmo_staff)
    assert staff.get("/cmo/reciprocal/").status_code == 200
    assert staff.get("/cmo/reciprocal/new/").status_code == 403
    assert _enter(staff, sacem).status_code == 403
    assert not Contract.objects.filter(kind="reciprocal").exists()


@pytest.mark.statute("A46.1.12-10wd")
def test_the_copy_is_placed_from_the_agreement_page_and_a_late_one_is_flagged_for_the_regulator(
    personas: Personas, sacem: ForeignSociety, clock: Any
) -> None:
    clock.travel_to(dt.date(2026, 3, 20))
    _enter(f.signed_in(personas.cmo_admin), sacem)
    contract = Contract.objects.get(kind="reciprocal")
    regulator = f.signed_in(personas.regulator)
    assert "late" not in _row(regulator.get("/regulator/reciprocal/").content.decode(), contract.number)
    clock.travel_to(dt.date(2026, 4, 9))  # the tenth working day was 8 April
    assert "copy-late" in _row(regulator.get("/regulator/reciprocal/").content.decode(), contract.number)
    admin = f.signed_in(personas.cmo_admin)
    bad = admin.post(
        f"/cmo/reciprocal/{contract.pk}/", {"step": "copy", "copy": SimpleUploadedFile("a.pdf", b"MZ")}
    )
    assert bad.status_code == 200 and "must be a PDF, PNG or JPEG" in bad.content.decode()
    placed = admin.post(
        f"/cmo/reciprocal/{contract.pk}/", {"step": "copy", "copy": SimpleUploadedFile("a.pdf", PDF)}
    )
    assert placed.status_code == 302
    contract.refresh_from_db()
    assert contract.copy_placed_on == dt.date(2026, 4, 9) and contract.copy_late
    download = f.signed_in(personas.cmo_staff).get(f"/cmo/reciprocal/{contract.pk}/copy/")
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    assert (
        f.signed_in(personas.other_cmo_staff).get(f"/cmo/reciprocal/{contract.pk}/copy/").status_code == 404
    )


def _row(page: str, number: str) -> str:
    start = page.index(number)
    return page[page.rfind("<tr", 0, start) : page.index("</tr>", start)]


@pytest.mark.statute("A46.1.10-domestic-reciprocal")
def test_the_cmo_and_the_regulator_see_which_domestic_agreements_are_missing(personas: Personas) -> None:
    f.make_cmo("AVT", areas=(7,))
    page = f.signed_in(personas.cmo_admin).get("/cmo/reciprocal/").content.decode()
    missing = page[page.index('id="missing"') : page.index("</section>", page.index('id="missing"'))]
    assert "QAZ" in missing and "AVT" in missing
    f.signed_in(personas.cmo_admin).post("/cmo/reciprocal/new/", {
        "counterparty_cmo": personas.other_cmo.pk, "areas": [Area.objects.get(item=1).pk],
        "concluded_on": "2026-01-10", "valid_from": "2026-01-10",
    })  # fmt: skip
    page = f.signed_in(personas.cmo_admin).get("/cmo/reciprocal/").content.decode()
    missing = page[page.index('id="missing"') : page.index("</section>", page.index('id="missing"'))]
    assert "QAZ" not in missing and "AVT" in missing
    told = personas.other_cmo_staff.notices.filter(code="reciprocal_entered")
    assert told.count() == 1
    regulator = f.signed_in(personas.regulator).get("/regulator/reciprocal/").content.decode()
    assert "AVT" in regulator[regulator.index('id="missing"') :]
    api = APIClient().get("/api/reciprocal-agreements/missing/").json()
    assert {row["cmo"]: sorted(row["missing"]) for row in api} == {
        "AVT": ["KAZ", "QAZ"], "KAZ": ["AVT"], "QAZ": ["AVT"]
    }  # fmt: skip


def test_the_operator_enters_foreign_societies_outside_the_register_of_cmos(personas: Personas) -> None:
    operator = f.signed_in(personas.operator)
    response = operator.post("/operator/societies/new/", {
        "short_name": "GEMA", "name": "GEMA", "cisac_code": "035", "country": "de", "reason": "agreement filed",
    })  # fmt: skip
    assert response.status_code == 302
    society = ForeignSociety.objects.get(cisac_code="035")
    assert society.country == "DE"
    assert "GEMA" in operator.get("/operator/societies/").content.decode()
    assert "GEMA" not in f.signed_in(personas.regulator).get("/regulator/").content.decode()
    assert "GEMA" not in operator.get("/cmos/").content.decode()
    assert f.signed_in(personas.cmo_admin).post("/operator/societies/new/", {}).status_code in (302, 403)
    assert ForeignSociety.objects.count() == 1


def test_a_cmo_records_a_membership_by_ipi_and_the_conflict_it_causes_is_found(
    personas: Personas, sacem: ForeignSociety
) -> None:
    other_admin = f.make_account("admin@qaz.kz", Role.CMO_ADMIN, cmo=personas.other_cmo)
    _enter(f.signed_in(other_admin), sacem)
    ipi = personas.holder_party.ipi_names.first()
    if ipi is None:
        ipi = personas.holder_party.ipi_names.create(name_number=f.make_ipi(), name="SERIKOVA AIGUL")
    response = f.signed_in(personas.other_cmo_staff).post("/cmo/reciprocal/memberships/new/", {
        "ipi": ipi.name_number, "society": sacem.pk, "area": Area.objects.get(item=1).pk,
    })  # fmt: skip
    assert response.status_code == 302
    assert SocietyMembership.objects.filter(party=personas.holder_party, society=sacem).exists()
    conflict = Conflict.objects.get(kind=ConflictKind.COMPETING_HOLDER_CLAIMS)
    page = f.signed_in(personas.holder).get("/claims/conflicts/").content.decode()
    assert f"/claims/conflicts/{conflict.pk}/" in page


def test_parties_add_evidence_on_the_conflict_page_and_the_operator_decides(
    personas: Personas, sacem: ForeignSociety
) -> None:
    from registers.conflicts import detect_for_holders

    other_admin = f.make_account("admin@qaz.kz", Role.CMO_ADMIN, cmo=personas.other_cmo)
    _enter(f.signed_in(other_admin), sacem)
    SocietyMembership.objects.create(party=personas.holder_party, society=sacem, area=Area.objects.get(item=1),
                                     source="cmo")  # fmt: skip
    detect_for_holders({personas.holder_party.pk})
    conflict = Conflict.objects.get(kind=ConflictKind.COMPETING_HOLDER_CLAIMS)
    url = f"/claims/conflicts/{conflict.pk}/"
    holder = f.signed_in(personas.holder)
    assert "Add your evidence" in holder.get(url).content.decode()
    holder.post(url, {"step": "evidence", "text": "I left SACEM in 2019.",
                      "file": SimpleUploadedFile("letter.pdf", PDF)})  # fmt: skip
    evidence = conflict.evidence.get()
    page = f.signed_in(personas.other_cmo_staff).get(url).content.decode()
    assert "I left SACEM in 2019." in page and "letter.pdf" in page
    download = f.signed_in(personas.other_cmo_staff).get(f"{url}evidence/{evidence.pk}/")
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    assert f.signed_in(personas.other_holder).get(url).status_code == 404
    # the operator decides, with a reason
    f.signed_in(personas.operator).post(url, {"step": "decide", "resolution": "SACEM confirmed she left."})
    conflict.refresh_from_db()
    assert conflict.status == "resolved" and conflict.resolution == "SACEM confirmed she left."


def test_the_api_enters_agreements_places_copies_and_adds_evidence(
    personas: Personas, sacem: ForeignSociety
) -> None:
    admin = APIClient()
    admin.force_authenticate(personas.cmo_admin)
    made = admin.post("/api/reciprocal-agreements/", {"society": "058", "areas": [1], "concluded_on": "2026-03-20",
                                                      "valid_from": "2026-04-01"}, format="json")  # fmt: skip
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["foreign_society"]["cisac_code"] == "058" and body["copy_due_on"] == "2026-04-08"
    copy = admin.post(f"/api/reciprocal-agreements/{body['id']}/copy/",
                      {"copy": SimpleUploadedFile("c.pdf", PDF)}, format="multipart")  # fmt: skip
    assert copy.status_code == 200 and copy.json()["has_copy"]
    other = APIClient()
    other.force_authenticate(f.make_account("admin@qaz.kz", Role.CMO_ADMIN, cmo=personas.other_cmo))
    refused = other.post("/api/reciprocal-agreements/", {"society": "058", "areas": [1],
                                                         "concluded_on": "2026-03-20", "valid_from": "2026-04-01"},
                         format="json")  # fmt: skip
    assert refused.status_code == 400 and "KAZ" in str(refused.json())
    societies = APIClient().get("/api/foreign-societies/").json()["results"]
    assert societies[0]["represented_by"] == [{"cmo": "KAZ", "area": 1, "contract": body["number"]}]
    conflict = Conflict.objects.get(kind=ConflictKind.COMPETING_RECIPROCAL)
    added = other.post(
        f"/api/conflicts/{conflict.pk}/evidence/", {"text": "Our agreement is older."}, format="json"
    )
    assert added.status_code == 201 and added.json()["evidence"][0]["cmo"] == "QAZ"
    holder = APIClient()
    holder.force_authenticate(personas.holder)
    assert (
        holder.post(f"/api/conflicts/{conflict.pk}/evidence/", {"text": "x"}, format="json").status_code
        == 404
    )
