"""Each party answers for its own claim; a change to someone else's is a proposal they accept, or a conflict.

These reproduce what an outside probe did (a holder made themselves sole author of a CMO's work, one
CMO's staff removed another CMO's publisher and renamed its work, a holder registered a work naming
only someone else) and prove the rules of :mod:`registers.claims`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from rest_framework.test import APIClient

from registers.models import ClaimsStatus, Conflict, Proposal, Share, Work
from registers.tests.test_editing_works import work_post
from tests import factories as f
from tests.personas import mandate_to

P = Decimal

pytestmark = pytest.mark.usefixtures("english")


def _api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _shares(work: Work) -> set[tuple[int, str, str, Decimal]]:
    return {
        (s.contributor.party_id, s.contributor.role, s.right_type, s.percent)
        for s in Share.objects.filter(work=work).select_related("contributor")
    }


@pytest.fixture
def publisher(personas):
    """A publisher that is a member of the other CMO."""
    party = f.make_entity(name_lat="Steppe Music Publishing", name_ru="Степь Мьюзик")
    mandate_to(party, personas.other_cmo, area_item=1)
    return party


@pytest.fixture
def kaz_work(personas, publisher):
    """Registered by KAZ staff for its member; the other CMO's publisher holds 50 % PR and 100 % MR."""
    work = f.make_work(
        personas.operator,
        (personas.holder_party, "CA", {"PR": P("50")}),
        (publisher, "E", {"PR": P("50"), "MR": P("100")}),
        title="Көктем",
    )
    Work.objects.filter(pk=work.pk).update(registered_by_cmo=personas.cmo, submitted_by=personas.cmo_staff)
    work.refresh_from_db()
    return work


def _sole_author(party_id: int) -> dict:
    return {"contributors": [{"party": party_id, "role": "CA", "shares": {"PR": "100", "MR": "100"}}]}


def _joint_work(personas) -> Work:
    """Registered by the operator: the holder and the other holder, 50 % PR each."""
    return f.make_work(
        personas.operator,
        (personas.holder_party, "C", {"PR": P("50")}),
        (personas.other_party, "A", {"PR": P("50")}),
    )


def _holder_takes_all(personas, work: Work) -> int:
    """The holder proposes to be the work's sole author; returns the proposal's id."""
    response = _api(personas.holder).patch(
        f"/api/works/{work.pk}/", _sole_author(personas.holder_party.pk), format="json"
    )
    assert response.status_code == 202, response.content
    return response.json()["id"]


@pytest.mark.statute("A9-2.1.9")
def test_a_holder_cannot_make_themselves_sole_author_of_a_cmos_work(personas, kaz_work):
    before = _shares(kaz_work)

    response = _api(personas.holder).patch(
        f"/api/works/{kaz_work.pk}/", _sole_author(personas.holder_party.pk), format="json"
    )

    assert response.status_code == 202, response.content
    assert _shares(kaz_work) == before  # the agreed shares are untouched
    proposal = Proposal.objects.get(pk=response.json()["id"])
    assert response["Location"] == f"/api/proposals/{proposal.pk}/"
    answerers = set(proposal.answers.values_list("party_id", flat=True))
    # the publisher (via its CMO) and the registering CMO, for the publisher's claim and the work
    assert kaz_work.contributors.get(role="E").party_id in answerers


@pytest.mark.statute("A9-2.1.9")
def test_one_cmo_cannot_remove_another_cmos_publisher_or_rename_its_work(personas, kaz_work, publisher):
    before, title = _shares(kaz_work), kaz_work.title
    staff = personas.other_cmo_staff  # the publisher's CMO may see it; KAZ registered the work
    put = _api(staff).put(
        f"/api/works/{kaz_work.pk}/",
        {"title": "Renamed", **_sole_author(publisher.pk)},
        format="json",
    )
    assert put.status_code == 202, put.content
    assert _shares(kaz_work) == before and Work.objects.get(pk=kaz_work.pk).title == title

    client = Client()
    f.login(client, staff)
    rows = [
        {"party": personas.holder_party.pk, "role": "CA", "pr": "50"},
        {"party": publisher.pk, "role": "E", "pr": "50", "mr": "100"},
    ]
    page = client.post(f"/entries/work/{kaz_work.pk}/", work_post("Renamed by form", rows))
    assert page.status_code == 302 and "/claims/proposals/" in page.url, page.content.decode()[:2000]
    assert Work.objects.get(pk=kaz_work.pk).title == title


@pytest.mark.statute("A45-1.2-works")
def test_the_publishers_cmo_may_change_the_publishers_own_role_at_once(personas, kaz_work, publisher):
    """Staff of the publisher's CMO answer for its claim: changing only how it is credited applies now."""
    rows = [
        {"party": personas.holder_party.pk, "role": "CA", "shares": {"PR": "50"}},
        {"party": publisher.pk, "role": "E", "shares": {"PR": "50", "MR": "100"}, "credited_as": "Steppe"},
    ]
    response = _api(personas.other_cmo_staff).patch(
        f"/api/works/{kaz_work.pk}/", {"contributors": rows}, format="json"
    )
    assert response.status_code == 200, response.content
    assert kaz_work.contributors.get(party=publisher).credited_as == "Steppe"


@pytest.mark.statute("A9-2.1.9")
def test_a_holder_cannot_register_a_work_naming_only_someone_else(personas):
    response = _api(personas.holder).post(
        "/api/works/",
        {"title": "Not mine", **_sole_author(personas.other_party.pk)},
        format="json",
    )
    assert response.status_code == 400
    assert "register only works you contribute to" in response.content.decode()
    assert not Work.objects.filter(title="Not mine").exists()
    portal = Client()
    f.login(portal, personas.other_holder)
    assert "Not mine" not in portal.get("/portal/").content.decode()


@pytest.mark.statute("A45-1.2-works")
def test_a_co_author_confirms_a_work_before_it_is_public(personas):
    response = _api(personas.holder).post(
        "/api/works/",
        {
            "title": "Екеуміздің әніміз",
            "contributors": [
                {"party": personas.holder_party.pk, "role": "C", "shares": {"PR": "50"}},
                {"party": personas.other_party.pk, "role": "A", "shares": {"PR": "50"}},
            ],
        },
        format="json",
    )
    assert response.status_code == 201
    work = Work.objects.get(pk=response.json()["id"])
    assert (work.public, work.claims_status) == (False, ClaimsStatus.AWAITING)
    assert response.json()["claims_status"] == "awaiting"
    assert Client().get(f"/works/{work.pk}/").status_code == 404

    proposal = Proposal.objects.get(work=work)
    listing = _api(personas.other_holder).get("/api/proposals/").json()
    assert [p["id"] for p in listing["results"]] == [proposal.pk]
    assert listing["results"][0]["you_may_answer"] is True
    assert _api(personas.holder).post(f"/api/proposals/{proposal.pk}/accept/", {}).status_code == 403

    accepted = _api(personas.other_holder).post(f"/api/proposals/{proposal.pk}/accept/", {"note": "yes"})

    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    work.refresh_from_db()
    assert (work.public, work.claims_status) == (True, ClaimsStatus.AGREED)
    answer = accepted.json()["answers"][0]
    assert answer["decided_by"] == personas.other_holder.public_label
    assert personas.other_holder.email not in accepted.content.decode()


@pytest.mark.statute("A45-1.2-works")
def test_an_accepted_change_applies_and_the_history_shows_who_proposed_and_accepted(personas):
    work = _joint_work(personas)
    rows = [
        {"party": personas.holder_party.pk, "role": "C", "shares": {"PR": "60"}},
        {"party": personas.other_party.pk, "role": "A", "shares": {"PR": "40"}},
    ]
    proposed = _api(personas.holder).patch(f"/api/works/{work.pk}/", {"contributors": rows}, format="json")
    assert proposed.status_code == 202
    pk = proposed.json()["id"]
    assert _api(personas.other_holder).post(f"/api/proposals/{pk}/accept/", {}).status_code == 200

    assert (personas.holder_party.pk, "C", "PR", P("60.00")) in _shares(work)
    client = Client()
    f.login(client, personas.other_holder)
    page = client.get(f"/claims/proposals/{pk}/").content.decode()
    assert personas.holder.public_label in page and personas.other_holder.public_label in page
    page = client.get(f"/history/work/{work.pk}/").content.decode()
    proposals = page.split('id="history-proposals"')[1].split("</table>")[0]
    assert personas.holder.public_label in proposals and personas.other_holder.public_label in proposals
    history = page.split('align-middle history"')[1]
    assert personas.other_holder.public_label in history  # the accepting account wrote the change
    assert personas.holder.email not in history and personas.other_holder.email not in history


@pytest.mark.statute("A45-1.2-works")
def test_a_rejected_change_becomes_a_conflict_that_the_operator_resolves(personas):
    work = _joint_work(personas)
    before = _shares(work)
    pk = _holder_takes_all(personas, work)

    rejected = _api(personas.other_cmo_staff).post(
        f"/api/proposals/{pk}/reject/", {"note": "I wrote the lyrics"}
    )

    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert _shares(work) == before
    assert Work.objects.get(pk=work.pk).claims_status == ClaimsStatus.DISPUTED
    conflict = Conflict.objects.get(proposal_id=pk)
    assert {personas.holder_party.pk, personas.other_party.pk} <= set(
        conflict.parties.values_list("pk", flat=True)
    )
    seen = _api(personas.holder).get("/api/conflicts/").json()["results"]
    assert [c["id"] for c in seen] == [conflict.pk]
    assert _api(personas.licensee).get(f"/api/conflicts/{conflict.pk}/").status_code == 404
    assert (
        _api(personas.holder).post(f"/api/conflicts/{conflict.pk}/resolve/", {"resolution": "x"}).status_code
        == 403
    )

    resolved = _api(personas.operator).post(
        f"/api/conflicts/{conflict.pk}/resolve/", {"resolution": "Agreement of 1 Dec signed by both"}
    )
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"
    assert Work.objects.get(pk=work.pk).claims_status == ClaimsStatus.AGREED


def test_a_proposal_on_a_work_that_changed_meanwhile_is_superseded(personas):
    work = _joint_work(personas)
    pk = _holder_takes_all(personas, work)
    from registers.actions import change_work

    change_work(work, by=personas.operator, reason="ISWC from CISAC", iswc=f.make_iswc())

    answered = _api(personas.other_holder).post(f"/api/proposals/{pk}/accept/", {})
    assert answered.json()["status"] == "superseded"
    assert (personas.other_party.pk, "A", "PR", P("50.00")) in _shares(work)


@pytest.mark.statute("A9-2.1.9")
def test_strangers_see_no_proposal(personas):
    work = _joint_work(personas)
    pk = _holder_takes_all(personas, work)
    stranger = f.make_account("third@example.kz", "holder", party=f.make_person(name_lat="Third Person"))
    assert _api(stranger).get(f"/api/proposals/{pk}/").status_code == 404
    assert _api(stranger).post(f"/api/proposals/{pk}/accept/", {}).status_code == 404
    assert _api().get("/api/proposals/").status_code in (401, 403)
    client = Client()
    f.login(client, stranger)
    assert client.get(f"/claims/proposals/{pk}/").status_code == 404
    assert _api(personas.regulator).get(f"/api/proposals/{pk}/").status_code == 200  # oversight reads


@pytest.mark.statute("A45-1.2-holders")
def test_a_holder_proposes_their_death_date_and_the_operator_confirms_it_with_evidence(personas):
    party = personas.holder_party

    response = _api(personas.holder).patch(
        f"/api/holders/{party.pk}/", {"death_date": "2026-01-01", "phone": "+7 701 111 2233"}, format="json"
    )

    assert response.status_code == 202, response.content
    party.refresh_from_db()
    assert party.death_date is None and party.phone == "+7 701 111 2233"  # the rest applies at once
    public = _api().get(f"/api/holders/{party.pk}/").json()
    assert public.get("birth_date") in (None, "")  # still alive on the register: birth date stays private
    pk = int(response["Location"].rstrip("/").rsplit("/", 1)[1])
    assert _api(personas.regulator).get(f"/api/proposals/{pk}/").status_code == 404  # confidential facts
    assert _api(personas.operator).post(f"/api/proposals/{pk}/accept/", {}).status_code == 400  # no evidence

    accepted = _api(personas.operator).post(
        f"/api/proposals/{pk}/accept/", {"note": "Death certificate No. 123 of 2026-01-05"}
    )

    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    party.refresh_from_db()
    assert party.death_date == dt.date(2026, 1, 1)


@pytest.mark.statute("A45-1.2-holders")
def test_the_holders_own_form_cannot_set_a_death_date_directly(personas):
    client = Client()
    f.login(client, personas.holder)
    party = personas.holder_party
    from registers.actions import update_party_with_facts

    proposal = update_party_with_facts(party, by=personas.holder, rehabilitated_on=dt.date(1990, 1, 1))
    party.refresh_from_db()
    assert proposal is not None and party.rehabilitated_on is None
    assert client.get(f"/claims/proposals/{proposal.pk}/").status_code == 200


def test_the_operator_changes_facts_directly_with_a_reason(personas):
    from registers.actions import update_party_with_facts

    party = personas.other_party
    assert (
        update_party_with_facts(
            party, by=personas.operator, reason="court decision 7", death_date=dt.date(2020, 5, 5)
        )
        is None
    )
    party.refresh_from_db()
    assert party.death_date == dt.date(2020, 5, 5)


def test_the_claims_pages_let_a_co_author_accept_in_the_browser_flow(personas):
    work = _joint_work(personas)
    pk = _holder_takes_all(personas, work)
    client = Client()
    f.login(client, personas.other_holder)
    overview = client.get("/claims/").content.decode()
    assert f"/claims/proposals/{pk}/" in overview.split('id="waiting"')[1].split("</section>")[0]
    detail = client.get(f"/claims/proposals/{pk}/").content.decode()
    assert 'id="answer-form"' in detail

    client.post(f"/claims/proposals/{pk}/", {"decision": "reject", "note": "no"})

    assert Proposal.objects.get(pk=pk).status == "rejected"
    assert Conflict.objects.filter(proposal_id=pk, status="open").exists()
