"""The pages and the API of the requests for management and the paper mandates, and who may load what."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import Client

from mandates import access, actions, paper
from mandates.models import HolderAnswer, MandateRequest, PaperMandate, RequestStatus
from mandates.tests.request_helpers import accepted, area, make_signatory, requested
from registers.models import Mandate
from registers.models.claims import Conflict
from registers.models.contracts import MandateStatus
from tests import factories as f
from tests.personas import Personas, everyone

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def api_key(user: Any, *scopes: str) -> Client:
    """A client that calls the API with a key of ``user`` carrying ``scopes``."""
    from udp.accounts.actions import issue_api_key

    _key, secret = issue_api_key(by=user, name="back office", scopes=list(scopes))
    return Client(HTTP_AUTHORIZATION=f"Api-Key {secret}")


# --- access ---------------------------------------------------------------------------------------


def test_a_request_is_seen_by_its_holder_its_cmo_and_the_officials_only(personas: Personas) -> None:
    made = requested(personas.holder, personas.cmo, 7)
    seen = {"holder", "cmo_staff", "cmo_admin", "regulator", "operator", "cmo_staff_without_mfa"}
    writes = {"holder", "cmo_staff", "cmo_admin", "cmo_staff_without_mfa"}
    for name, user in everyone(personas).items():
        for write, allowed in ((False, seen), (True, writes)):
            if name in allowed:
                assert access.get_request_for_user(user, made.pk, write=write) == made, (name, write)
            else:
                with pytest.raises(Http404):
                    access.get_request_for_user(user, made.pk, write=write)


def test_a_paper_mandate_is_answered_by_its_holder_only(personas: Personas) -> None:
    entered = _paper(personas)
    for name, user in everyone(personas).items():
        if name == "holder":
            assert access.get_paper_mandate_for_user(user, entered.pk, write=True) == entered
        else:
            with pytest.raises(Http404):
                access.get_paper_mandate_for_user(user, entered.pk, write=True)
    assert access.paper_mandates_visible_to(AnonymousUser()).count() == 0
    assert access.paper_mandates_visible_to(personas.other_cmo_staff).count() == 0


# --- pages ----------------------------------------------------------------------------------------


def test_the_holder_asks_the_cmo_accepts_and_both_sign_on_the_pages(personas: Personas) -> None:
    p = personas
    make_signatory(p.cmo_admin, p.cmo)
    holder = f.signed_in(p.holder)
    page = holder.get("/mandates/new/?area=7")
    assert page.status_code == 200 and 'value="7"' not in page.content.decode()[:0]
    response = holder.post(
        "/mandates/new/", {"cmo": p.cmo.pk, "areas": [area(7).pk], "language": "en", "note": "Hi"}
    )
    made = MandateRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/mandates/{made.pk}/"

    cmo = f.signed_in(p.cmo_staff)
    listing = cmo.get("/mandates/")
    assert "1 request waits for your answer" in listing.content.decode()
    assert cmo.post(f"/mandates/{made.pk}/accept/").status_code == 302
    made.refresh_from_db()
    assert made.status == RequestStatus.AWAITING_SIGNATURES and made.document is not None
    detail = holder.get(f"/mandates/{made.pk}/").content.decode()
    assert made.document.sha256 in detail and "Sign the agreement" in detail
    pdf = holder.get(f"/mandates/{made.pk}/agreement.pdf")
    assert pdf.status_code == 200 and pdf["X-Document-SHA256"] == made.document.sha256

    sha = made.document.sha256
    holder.post(f"/mandates/{made.pk}/sign/", {"sha256": sha, "confirm": "on"})
    admin = f.signed_in(p.cmo_admin)
    admin.post(f"/mandates/{made.pk}/sign/", {"sha256": sha, "confirm": "on"})
    made.refresh_from_db()
    assert made.status == RequestStatus.IN_FORCE
    assert Mandate.objects.filter(
        holder=p.holder_party, cmo=p.cmo, area__item=7, status=MandateStatus.ACTIVE
    ).exists()
    # the regulator reads the request but not the agreement (it holds the holder's IIN)
    regulator = f.signed_in(p.regulator)
    assert regulator.get(f"/mandates/{made.pk}/").status_code == 200
    assert regulator.get(f"/mandates/{made.pk}/agreement.pdf").status_code == 404
    assert f.signed_in(p.other_cmo_staff).get(f"/mandates/{made.pk}/").status_code == 404


@pytest.mark.statute("A44.1-must-accept")
def test_the_regulator_lists_every_refusal_with_its_ground(personas: Personas) -> None:
    p = personas
    made = requested(p.holder, p.cmo, 7)
    cmo = f.signed_in(p.cmo_staff)
    cmo.post(
        f"/mandates/{made.pk}/refuse/", {"ground": "rights_not_established", "note": "No proof of authorship"}
    )
    made.refresh_from_db()
    assert made.status == RequestStatus.REFUSED
    page = f.signed_in(p.regulator).get("/mandates/?status=refused").content.decode()
    assert "The applicant&#x27;s rights are not established" in page and p.holder_party.name in page
    assert f.signed_in(p.other_holder).get("/mandates/?status=refused").content.decode().count("<tr>") == 0


def test_a_second_cmo_on_the_request_page_gives_a_clear_message_and_the_conflict(personas: Personas) -> None:
    p = personas
    response = f.signed_in(p.holder).post(
        "/mandates/new/", {"cmo": p.other_cmo.pk, "areas": [area(1).pk], "language": "en"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "KAZ already manages area 1" in body
    conflict = Conflict.objects.get()
    assert f"/claims/conflicts/{conflict.pk}/" in body
    assert not MandateRequest.objects.exists()


def _paper(personas: Personas) -> Any:
    return paper.enter_paper_mandate(
        by=personas.cmo_staff, holder=personas.holder_party, areas=[area(7)], concluded_on=dt.date(2024, 5, 1),
        valid_from=dt.date(2024, 5, 1), scan=SimpleUploadedFile("scan.png", PNG), paper_number="17/2024",
    )  # fmt: skip


def test_a_cmo_enters_a_paper_mandate_and_the_holder_confirms_it(personas: Personas) -> None:
    p = personas
    staff = f.signed_in(p.cmo_staff)
    ipi = f.make_person()
    response = staff.post(
        "/mandates/paper/new/",
        {"holder": p.holder_party.iin, "areas": [area(7).pk], "concluded_on": "2024-05-01", "valid_from": "2024-05-01",
         "paper_number": "17/2024", "scan": SimpleUploadedFile("scan.png", PNG)},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    entered = PaperMandate.objects.get()
    assert entered.contract.number.startswith("MAN-") and (entered.scan.name or "").endswith(".png")
    assert Mandate.objects.filter(
        holder=p.holder_party, cmo=p.cmo, area__item=7, status=MandateStatus.ACTIVE
    ).exists()
    holder = f.signed_in(p.holder)
    assert "Confirm this mandate" in holder.get(f"/mandates/paper/{entered.pk}/").content.decode()
    holder.post(f"/mandates/paper/{entered.pk}/confirm/")
    entered.refresh_from_db()
    assert entered.holder_answer == HolderAnswer.CONFIRMED
    assert ipi.pk  # another person in the register does not matter


def test_a_scan_that_is_not_a_pdf_jpeg_or_png_is_refused(personas: Personas) -> None:
    response = f.signed_in(personas.cmo_staff).post(
        "/mandates/paper/new/",
        {"holder": personas.holder_party.iin, "areas": [area(7).pk], "concluded_on": "2024-05-01",
         "valid_from": "2024-05-01", "scan": SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf")},
    )  # fmt: skip
    assert response.status_code == 200 and "must be a PDF, JPEG or PNG" in response.content.decode()
    assert not PaperMandate.objects.exists()
    assert not Mandate.objects.filter(area__item=7).exists()


def test_a_disputed_paper_mandate_opens_a_conflict_the_cmo_sees(personas: Personas) -> None:
    from registers.claims import conflicts_visible_to

    entered = _paper(personas)
    response = f.signed_in(personas.holder).post(
        f"/mandates/paper/{entered.pk}/dispute/", {"note": "I never signed it"}
    )
    conflict = Conflict.objects.get()
    assert response["Location"] == f"/claims/conflicts/{conflict.pk}/"
    entered.refresh_from_db()
    assert entered.holder_answer == HolderAnswer.DISPUTED and entered.dispute_note == "I never signed it"
    assert conflicts_visible_to(personas.cmo_staff).filter(pk=conflict.pk).exists()
    with pytest.raises(Exception, match="already answered"):
        paper.confirm_paper_mandate(entered, by=personas.holder)


@pytest.mark.statute("A43.4-one-cmo")
def test_a_paper_mandate_over_another_cmos_mandate_is_refused_with_a_conflict(personas: Personas) -> None:
    with pytest.raises(actions.MandateRefused, match="QAZ already manages area 1"):
        paper.enter_paper_mandate(
            by=personas.cmo_staff, holder=personas.other_party, areas=[area(1)], concluded_on=dt.date(2024, 5, 1),
            valid_from=dt.date(2024, 5, 1), scan=SimpleUploadedFile("scan.png", PNG),
        )  # fmt: skip
    assert Conflict.objects.filter(parties=personas.cmo.party).exists()
    assert not PaperMandate.objects.exists()


# --- API ------------------------------------------------------------------------------------------


def test_the_api_takes_a_request_from_asking_to_in_force(personas: Personas) -> None:
    p = personas
    make_signatory(p.cmo_admin, p.cmo)
    holder = api_key(p.holder, "registers:read", "mandates:write")
    response = holder.post(
        "/api/mandate-requests/", {"cmo": p.cmo.pk, "areas": [7]}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["status"] == "requested" and response.json()["areas"] == [7]
    staff = api_key(p.cmo_staff, "registers:read", "mandates:write")
    accepted_ = staff.post(f"/api/mandate-requests/{pk}/accept/")
    assert accepted_.status_code == 200 and accepted_.json()["status"] == "awaiting_signatures"
    sha = accepted_.json()["agreement"]["sha256"]
    for key in (holder, api_key(p.cmo_admin, "registers:read", "mandates:write")):
        signed = key.post(
            f"/api/mandate-requests/{pk}/sign/", {"sha256": sha}, content_type="application/json"
        )
        assert signed.status_code == 200, signed.content
    assert signed.json()["status"] == "in_force" and len(signed.json()["signatures"]) == 2
    pdf = holder.get(f"/api/mandate-requests/{pk}/agreement/")
    assert pdf.status_code == 200 and pdf["X-Document-SHA256"] == sha


def test_the_api_refuses_a_second_cmo_with_the_conflict_and_a_key_needs_the_scope(personas: Personas) -> None:
    p = personas
    reader = api_key(p.holder, "registers:read")
    body = {"cmo": p.other_cmo.pk, "areas": [1]}
    assert reader.post("/api/mandate-requests/", body, content_type="application/json").status_code == 403
    writer = api_key(p.holder, "registers:read", "mandates:write")
    response = writer.post("/api/mandate-requests/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["conflict"] == str(Conflict.objects.get().pk)
    assert "KAZ already manages area 1" in response.json()["detail"][0]


def test_the_api_refusal_and_the_other_cmo(personas: Personas) -> None:
    p = personas
    made = requested(p.holder, p.cmo, 7)
    other = api_key(p.other_cmo_staff, "registers:read", "mandates:write")
    body = {"ground": "incomplete", "note": "x"}
    assert (
        other.post(
            f"/api/mandate-requests/{made.pk}/refuse/", body, content_type="application/json"
        ).status_code
        == 404
    )
    staff = api_key(p.cmo_staff, "registers:read", "mandates:write")
    response = staff.post(f"/api/mandate-requests/{made.pk}/refuse/", body, content_type="application/json")
    assert response.status_code == 200 and response.json()["refusal_ground"] == "incomplete"
    listed = api_key(p.regulator, "registers:read").get("/api/mandate-requests/").json()
    assert [r["id"] for r in listed["results"]] == [made.pk]


def test_the_api_enters_a_paper_mandate_and_the_holder_disputes_it(personas: Personas) -> None:
    p = personas
    staff = api_key(p.cmo_staff, "registers:read", "mandates:write")
    response = staff.post(
        "/api/paper-mandates/",
        {"holder": p.holder_party.iin, "areas": [7], "concluded_on": "2024-05-01", "valid_from": "2024-05-01",
         "scan": SimpleUploadedFile("scan.png", PNG)},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    holder = api_key(p.holder, "registers:read", "mandates:write")
    disputed = holder.post(
        f"/api/paper-mandates/{pk}/dispute/", {"note": "Not mine"}, content_type="application/json"
    )
    assert disputed.status_code == 200 and disputed.json()["holder_answer"] == "disputed"


def test_an_accepted_request_cannot_be_accepted_twice(personas: Personas) -> None:
    made = accepted(personas.holder, personas.cmo, personas.cmo_staff, 7)
    with pytest.raises(Exception, match="no longer"):
        actions.accept_request(made, by=personas.cmo_staff)
