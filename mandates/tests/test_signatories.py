"""Who may sign for an organisation is on record: a CMO's admin enters the people who sign for the CMO, and a
rightsholder that is a company enters the people who sign for it (IIN, position, basis, period)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework.test import APIClient

from mandates import signatories as keeping
from mandates.models import RequestStatus
from mandates.tests.request_helpers import accepted, make_signatory, sign
from registers.models import Mandate
from tests import factories as f
from tests.personas import Personas
from udp.accounts.models import Moderation, Role, User
from udp.accounts.scopes import Scope
from udp.accounts.tests.test_api_keys import issue, machine
from udp.documents.models import Signatory
from udp.notices.models import Notice


def test_the_cmo_admin_enters_a_signatory_on_the_page_and_they_then_sign(personas: Personas) -> None:
    p = personas
    iin = f.make_iin()
    admin = f.signed_in(p.cmo_admin)
    response = admin.post(
        "/mandates/signatories/",
        {
            "account": p.cmo_staff.pk,
            "iin": iin,
            "position": "Deputy director",
            "basis": "Power of attorney 5",
        },
    )
    assert response.status_code == 302
    row = Signatory.objects.get()
    assert row.entity_bin == p.cmo.party.bin and row.iin == iin and row.account == p.cmo_staff
    made = sign(accepted(p.holder, p.cmo, p.cmo_staff, 7), p.cmo_staff)
    assert made.cmo_signature is not None and made.cmo_signature.signer_iin == iin
    assert made.cmo_signature.signatory == row
    # staff read the list; only the admin adds, and the staff member is told they were entered
    page = f.signed_in(p.cmo_staff).get("/mandates/signatories/").content.decode()
    assert "Deputy director" in page and "Add a signatory" not in page
    assert Notice.objects.filter(recipient=p.cmo_staff, code="signatory_entered").exists()


def test_a_signatory_is_one_of_the_cmos_own_accounts_with_a_valid_iin(personas: Personas) -> None:
    p = personas
    with pytest.raises(ValidationError):
        keeping.enter_own_signatory(
            by=p.cmo_admin, account=p.other_cmo_staff, iin=f.make_iin(), position="x", basis="y"
        )
    with pytest.raises(ValidationError):
        keeping.enter_own_signatory(
            by=p.cmo_admin, account=p.cmo_staff, iin="123456789012", position="x", basis="y"
        )
    with pytest.raises(PermissionError):
        keeping.enter_own_signatory(
            by=p.cmo_staff, account=p.cmo_staff, iin=f.make_iin(), position="x", basis="y"
        )
    assert not Signatory.objects.exists()
    # a rightsholder who is a person signs for themselves: there is nobody to enter
    assert f.signed_in(p.holder).get("/mandates/signatories/").status_code == 403
    with pytest.raises(PermissionError):
        keeping.enter_own_signatory(by=p.holder, account=p.holder, iin=f.make_iin(), position="x", basis="y")


def company(name: str = "Dala Music LLP") -> tuple[User, User]:
    """A rightsholder that is a company, with two approved accounts (its director and its lawyer)."""
    party = f.make_entity(name_lat=name, name_ru=name)
    director = f.make_account(f"director@{party.pk}.kz", Role.HOLDER, party=party, full_name="Director")
    lawyer = f.make_account(f"lawyer@{party.pk}.kz", Role.HOLDER, party=party, full_name="Lawyer")
    return director, lawyer


def test_a_company_holder_enters_who_signs_for_it_and_signs_its_mandate_agreement(personas: Personas) -> None:
    p = personas
    make_signatory(p.cmo_admin, p.cmo)
    director, lawyer = company()
    party = director.party
    assert party is not None and party.bin
    made = accepted(director, p.cmo, p.cmo_staff, 7)
    browser = f.signed_in(director)
    # before anyone is entered, the agreement's page says what to do instead of offering a signature that fails
    page = browser.get(f"/mandates/{made.pk}/").content.decode()
    assert 'id="needs-signatory"' in page and "Sign the agreement" not in page
    portal = browser.get("/portal/").content.decode()
    assert "Who signs for the organisation" in portal
    with pytest.raises(ValidationError, match="not on record as a person who may sign"):
        sign(made, director)

    iin = f.make_iin()
    entered = browser.post(
        "/mandates/signatories/",
        {"account": director.pk, "iin": iin, "position": "Director", "basis": "Charter of 2019"},
    )
    assert entered.status_code == 302
    row = Signatory.objects.get(entity_bin=party.bin)
    assert (row.account, row.iin, row.entity_name) == (director, iin, party.name)
    # the company's other account is told, so nobody is entered unseen
    assert Notice.objects.filter(recipient=lawyer, code="signatory_entered").exists()
    assert not Notice.objects.filter(recipient=director, code="signatory_entered").exists()

    page = browser.get(f"/mandates/{made.pk}/").content.decode()
    assert 'id="needs-signatory"' not in page and "Sign the agreement" in page
    assert made.document is not None
    signed = browser.post(f"/mandates/{made.pk}/sign/", {"sha256": made.document.sha256, "confirm": "on"})
    assert signed.status_code == 302
    made.refresh_from_db()
    signature = made.holder_signature
    assert signature is not None
    assert (signature.signer_iin, signature.on_behalf_bin, signature.signatory) == (iin, party.bin, row)
    made = sign(made, p.cmo_admin)
    assert made.status == RequestStatus.IN_FORCE
    assert Mandate.objects.filter(holder=party, cmo=p.cmo, area__item=7).exists()
    # the lawyer, not on record, may not sign for the company
    assert keeping.holder_needs_signatory(lawyer, party)


def test_an_ended_authority_signs_no_more_and_the_row_stays(personas: Personas, clock) -> None:  # type: ignore[no-untyped-def]
    p = personas
    make_signatory(p.cmo_admin, p.cmo)
    director, lawyer = company()
    party = director.party
    assert party is not None
    clock.travel_to(dt.date(2026, 12, 1))
    row = keeping.enter_own_signatory(by=director, account=lawyer, iin=f.make_iin(), position="Lawyer",
                                      basis="Power of attorney 12 of 1 Dec 2026")  # fmt: skip
    clock.travel_to(dt.date(2026, 12, 10))
    made = accepted(director, p.cmo, p.cmo_staff, 7)
    ended = f.signed_in(director).post(f"/mandates/signatories/{row.pk}/end/", {f"end{row.pk}-last_day": ""})
    assert ended.status_code == 302
    row.refresh_from_db()
    assert row.valid_until == dt.date(2026, 12, 9)
    assert Notice.objects.filter(recipient=lawyer, code="signatory_ended").exists()
    with pytest.raises(ValidationError, match="not on record"):
        sign(made, lawyer)
    # ending it again, or to a later day, is refused: an end only moves earlier
    with pytest.raises(ValidationError):
        keeping.end_own_signatory(by=director, signatory=row, last_day=dt.date(2026, 12, 20))
    page = f.signed_in(director).get("/mandates/signatories/").content.decode()
    assert "Power of attorney 12" in page and "May not sign" in page


def test_nobody_reads_or_changes_another_organisations_signatories(personas: Personas) -> None:
    p = personas
    director, _lawyer = company()
    other_director, _ = company("Steppe Records LLP")
    row = keeping.enter_own_signatory(by=director, account=director, iin=f.make_iin(), position="Director",
                                      basis="Charter")  # fmt: skip
    # another company's account: the page lists nothing of theirs and the end is not found
    other = f.signed_in(other_director)
    assert "Charter" not in other.get("/mandates/signatories/").content.decode()
    assert other.post(f"/mandates/signatories/{row.pk}/end/", {}).status_code == 404
    with pytest.raises(ValidationError):
        keeping.enter_own_signatory(by=other_director, account=director, iin=f.make_iin(), position="x",
                                    basis="y")  # fmt: skip
    # a CMO's staff, the regulator and an anonymous visitor neither
    assert f.signed_in(p.cmo_admin).post(f"/mandates/signatories/{row.pk}/end/", {}).status_code == 404
    assert f.signed_in(p.regulator).get("/mandates/signatories/").status_code == 403
    anonymous = Client().get("/mandates/signatories/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    # an account the operator has not approved yet is sent to wait
    pending = f.make_account("pending@dala.kz", Role.HOLDER, party=director.party)
    pending.moderation = Moderation.PENDING
    pending.save()
    assert f.signed_in(pending).get("/mandates/signatories/").status_code == 302
    # CMO staff who have not set up their second factor do not reach the page
    no_mfa = f.make_account("no-mfa@kaz.kz", Role.CMO_ADMIN, cmo=p.cmo, mfa=False)
    assert f.signed_in(no_mfa).get("/mandates/signatories/").status_code != 200
    row.refresh_from_db()
    assert row.valid_until is None


def test_the_api_enters_lists_and_ends_signatories_with_the_same_rules(personas: Personas) -> None:
    p = personas
    director, lawyer = company()
    api = APIClient()
    api.force_authenticate(director)
    made = api.post(
        "/api/me/signatories/",
        {"account": lawyer.pk, "iin": f.make_iin(), "position": "Lawyer", "basis": "Power of attorney 3"},
        format="json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert director.party is not None
    assert body["account_name"] == "Lawyer" and body["is_current"]
    assert body["entity_bin"] == director.party.bin
    wrong = api.post(
        "/api/me/signatories/",
        {"account": p.holder.pk, "iin": f.make_iin(), "position": "x", "basis": "y"},
        format="json",
    )
    assert wrong.status_code == 400 and "account" in wrong.json()
    bad_iin = api.post(
        "/api/me/signatories/",
        {"account": director.pk, "iin": "123456789012", "position": "x", "basis": "y"},
        format="json",
    )
    assert bad_iin.status_code == 400 and "iin" in bad_iin.json()
    # a person holder has no organisation: an empty list and a refusal to write
    person = APIClient()
    person.force_authenticate(p.holder)
    assert person.get("/api/me/signatories/").json()["count"] == 0
    assert person.post("/api/me/signatories/", {}, format="json").status_code == 403
    assert person.post(f"/api/me/signatories/{body['id']}/end/", {}, format="json").status_code == 404
    assert APIClient().get("/api/me/signatories/").status_code in (401, 403)
    # a key reads with registers:read and writes only with mandates:write
    _, read_key = issue(director, Scope.REGISTERS_READ)
    assert machine(read_key).get("/api/me/signatories/").json()["count"] == 1
    end_url = f"/api/me/signatories/{body['id']}/end/"
    assert machine(read_key).post(end_url, {}, format="json").status_code == 403
    _, write_key = issue(director, Scope.REGISTERS_READ, Scope.MANDATES_WRITE, name="Office")
    ended = machine(write_key).post(f"/api/me/signatories/{body['id']}/end/", {}, format="json")
    assert ended.status_code == 200 and not ended.json()["is_current"]
    # entered today and ended at once: the authority never began (its period closes before its start)
    assert ended.json()["valid_until"] < ended.json()["valid_from"]
