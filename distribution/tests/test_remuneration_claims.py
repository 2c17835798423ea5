"""Claims of remuneration (Art. 46.2): a holder the CMO did not represent, or who was not on record for a
work when the CMO distributed, demands what the CMO kept; the CMO answers; the money is then paid."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from distribution import calculating, remuneration
from distribution.engine import RunError
from distribution.models import Allocation, DemandStatus, Payee, RemunerationClaim, Run, RunStatus
from distribution.payouts import actions as payouts
from distribution.payouts.posting import reverse_run, run_posting
from distribution.payouts.selectors import claim_paid_status
from distribution.runs import approve_run, start_run
from distribution.tests.test_payouts import give_bank_account, statement_csv
from licensing import ledger
from licensing.models import Entry, SourceKind, Transaction
from registers.answers import resolve_conflict
from registers.models import Area, Conflict, Share, WorkContributor
from tests import factories as f
from tests.personas import mandate_to
from udp.accounts.models import Role
from udp.notices.models import Notice

Q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept_world(personas: Any) -> dict[str, Any]:
    """The CMO (not accredited) distributes 1 000 tenge of area 1 for two works used 3 and 1 times, 15 % for
    costs and 5 % for special funds. Work 1 is half the CMO's member's (the holder), half the other holder's,
    who gave their mandate to another CMO: the CMO does not represent them, so it keeps their money. Work 2
    has no holder of the performing right on record: its money is kept too.

    Work 1: 75 000 tiyn, 37 500 each; work 2: 25 000. A fifth of each is deducted: nets 30 000, 30 000 and
    20 000. After the run, the other holder is put on record for 60 % of work 2's performing right."""
    by = personas.operator
    member, other = personas.holder_party, personas.other_party
    w1 = f.make_work(by, (member, "C", {"PR": D("50")}), (other, "A", {"PR": D("50")}))
    stranger = f.make_person(name_lat="Someone Else")
    w2 = f.make_work(by, (stranger, "C", {"MR": D("100")}))
    run = start_run(
        personas.cmo, Area.objects.get(item=1), *Q1, by=personas.cmo_staff, weights={w1.pk: 3, w2.pk: 1},
        pool_tiyn=100_000, costs_percent=D("15"), funds_percent=D("5"),
    )  # fmt: skip
    run = approve_run(run, by=personas.cmo_admin)
    for party, percent in ((other, D("60")), (stranger, D("40"))):
        contributor = WorkContributor.objects.create(work=w2, party=party, role="A", sequence=9)
        Share.objects.create(work=w2, contributor=contributor, right_type="PR", percent=percent)
    return {"run": run, "w1": w1, "w2": w2, "member": member, "other": other}


def _undistributed(cmo: Any, **which: Any) -> int:
    total = Entry.objects.filter(transaction__cmo=cmo, account__code=ledger.UNDISTRIBUTED, **which)
    return -sum(e.amount_tiyn for e in total)


@pytest.mark.statute("A46.2-claim")
def test_a_holder_the_cmo_did_not_represent_claims_what_it_kept_and_is_paid_less_tax_by_the_next_file(
    personas: Any, kept_world: dict[str, Any]
) -> None:
    """Kept for the other holder: their own 30 000 tiyn (not represented) and 60 % of work 2's 20 000 = 12 000.
    Claimed 42 000; tax 10 % (a resident natural person) = 4 200; to be paid 37 800."""
    run, other, w2 = kept_world["run"], kept_world["other"], kept_world["w2"]
    routes = {(p.party_id, p.work_id): (p.route, p.net_tiyn) for p in Payee.objects.filter(run=run)}
    assert routes[(other.pk, None)] == ("not_represented", 30_000)
    # the works with no holder on record are one payee; work 2's part of its net is kept under the work
    assert routes[(None, None)] == ("no_holder", 20_000)
    assert _undistributed(personas.cmo, work=w2) == 20_000
    kept = {(k.work_id, k.route): k.amount_tiyn for k in remuneration.claimable(other)}
    assert kept == {(None, "not_represented"): 30_000, (w2.pk, "no_holder"): 12_000}

    claim = remuneration.file_remuneration_claim(
        other, personas.cmo, note="My half of work 1", by=personas.other_holder
    )
    assert (claim.status, claim.total_tiyn, claim.lines.count()) == (DemandStatus.PENDING, 42_000, 2)
    assert claim.answer_due > claim.filed_at.date()
    assert Notice.objects.filter(recipient=personas.cmo_staff, code="remuneration_claim_filed").exists()

    claim = remuneration.decide_remuneration_claim(claim, accept=True, by=personas.cmo_staff)
    assert (claim.status, claim.tax_tiyn, claim.payable_tiyn) == (DemandStatus.ACCEPTED, 4_200, 37_800)
    # the kept balance falls by what was paid; 8 000 of work 2 stays kept for its other holder
    assert _undistributed(personas.cmo, party=other) == 0
    assert _undistributed(personas.cmo, work=w2) == 8_000
    owed = ledger.balances(personas.cmo, by=("party",), accounts=[ledger.HOLDERS_PAYABLE, ledger.TAX_PAYABLE])
    assert {(r["party"], r["balance"]) for r in owed if r["party"] == other.pk} == {(other.pk, -42_000)}
    assert remuneration.claimable(other) == []
    assert Notice.objects.filter(recipient=personas.other_holder, code="remuneration_claim_accepted").exists()

    give_bank_account(personas.cmo.party, 1)
    give_bank_account(other, 2)
    batch = payouts.create_batch(personas.cmo, by=personas.cmo_staff, execution_date=dt.date(2026, 5, 4))
    line = batch.lines.get(party=other)
    assert line.amount_tiyn == 37_800
    assert claim_paid_status(other, personas.cmo, claim.pk).in_transit_tiyn == 37_800
    payouts.import_statement(
        by=personas.cmo_staff, cmo=personas.cmo, filename="statement.csv",
        file=statement_csv([(line.end_to_end_id, "378.00", "booked", "2026-05-05")]),
    )  # fmt: skip
    paid = claim_paid_status(other, personas.cmo, claim.pk)
    assert (paid.paid_tiyn, paid.owed_tiyn, paid.paid_on) == (37_800, 0, dt.date(2026, 5, 5))


@pytest.mark.statute("A46.2-claim")
def test_a_claim_is_settled_once_however_often_it_is_filed_or_answered(
    personas: Any, kept_world: dict[str, Any]
) -> None:
    other = kept_world["other"]
    claim = remuneration.file_remuneration_claim(other, personas.cmo, by=personas.other_holder)
    with pytest.raises(ValidationError):  # one waiting claim per holder and CMO
        remuneration.file_remuneration_claim(other, personas.cmo, by=personas.other_holder)
    remuneration.decide_remuneration_claim(claim, accept=True, by=personas.cmo_staff)
    with pytest.raises(ValidationError):
        remuneration.decide_remuneration_claim(claim, accept=True, by=personas.cmo_admin)
    with pytest.raises(ValidationError):  # nothing is left to claim
        remuneration.file_remuneration_claim(other, personas.cmo, by=personas.other_holder)
    assert Transaction.objects.filter(source_kind=SourceKind.REMUNERATION_CLAIM).count() == 1
    assert _undistributed(personas.cmo, party=other) == 0


@pytest.mark.statute("A46.2-claim")
def test_a_refusal_needs_a_reason_and_leaves_the_money_kept_to_claim_again(
    personas: Any, kept_world: dict[str, Any]
) -> None:
    other = kept_world["other"]
    claim = remuneration.file_remuneration_claim(other, personas.cmo, by=personas.other_holder)
    with pytest.raises(ValidationError):
        remuneration.decide_remuneration_claim(claim, accept=False, reason="  ", by=personas.cmo_staff)
    refused = remuneration.decide_remuneration_claim(
        claim, accept=False, reason="The work is disputed", by=personas.cmo_staff
    )
    assert (refused.status, refused.reason) == (DemandStatus.REFUSED, "The work is disputed")
    assert Notice.objects.filter(recipient=personas.other_holder, code="remuneration_claim_refused").exists()
    assert _undistributed(personas.cmo, party=other) == 30_000
    assert sum(k.amount_tiyn for k in remuneration.claimable(other)) == 42_000


@pytest.mark.statute("A46.2-claim")
def test_a_reversed_run_keeps_nothing_to_claim_and_a_claimed_run_is_not_reversed(
    personas: Any, kept_world: dict[str, Any]
) -> None:
    """A correction reverses the run's posting: the 42 000 tiyn it kept for the other holder are kept no more,
    so nothing is offered to claim. A run whose kept money a holder has claimed (pending or accepted) is not
    reversed; a refused claim does not stand in the way."""
    run, other = kept_world["run"], kept_world["other"]
    claim = remuneration.file_remuneration_claim(other, personas.cmo, by=personas.other_holder)
    with pytest.raises(RunError) as refused:
        reverse_run(run, by=personas.cmo_admin)
    assert (refused.value.code, refused.value.params) == ("claimed", {"claim": claim.pk})
    with translation.override("en"), pytest.raises(ValidationError) as said:  # as the page and API say it
        calculating.correct(run, by=personas.cmo_admin, reason="Wrong pool")
    assert f"Claim No. {claim.pk} asks for money this run kept" in str(said.value)
    page = _client(personas.cmo_admin).get(f"/cmo/distribution/runs/{run.pk}/").content.decode()
    assert 'id="why-not-correct"' in page and 'id="correct"' not in page  # said before the form, not after
    remuneration.decide_remuneration_claim(claim, accept=False, reason="Not yet", by=personas.cmo_staff)
    assert sum(k.amount_tiyn for k in remuneration.claimable(other)) == 42_000

    reverse_run(run, by=personas.cmo_admin)
    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED
    assert _undistributed(personas.cmo) == 0
    assert remuneration.claimable(other) == []
    assert remuneration.kept_for(other.pk) == []
    with pytest.raises(ValidationError):
        remuneration.file_remuneration_claim(other, personas.cmo, by=personas.other_holder)


@pytest.mark.statute("A46.2-claim")
def test_a_claim_on_a_run_reversed_after_it_was_filed_is_not_accepted(
    personas: Any, kept_world: dict[str, Any]
) -> None:
    """Filed while the run's correction was being posted (each saw the other not yet committed): accepting it
    would pay money the ledger no longer keeps, so only a refusal answers it, and the ledger stays balanced."""
    run, other = kept_world["run"], kept_world["other"]
    claim = remuneration.file_remuneration_claim(other, personas.cmo, by=personas.other_holder)
    posting = run_posting(run)
    assert posting is not None
    # the correction as it commits beside the claim (past the check that would refuse it now): the posting
    # reversed and the run cancelled, as reverse_run leaves them
    ledger.reverse(
        posting,
        by=personas.cmo_admin,
        source=(SourceKind.RUN_REVERSAL, run.pk),
        memo=("run_reversal", {"run": run.pk}),
    )
    Run.objects.filter(pk=run.pk).update(status=RunStatus.CANCELLED)
    with pytest.raises(ValidationError) as refused:
        remuneration.decide_remuneration_claim(claim, accept=True, by=personas.cmo_staff)
    assert "corrected" in str(refused.value)
    assert not Transaction.objects.filter(source_kind=SourceKind.REMUNERATION_CLAIM).exists()
    remuneration.decide_remuneration_claim(
        claim, accept=False, reason="The run was corrected", by=personas.cmo_staff
    )
    assert _undistributed(personas.cmo) == 0


@pytest.mark.statute("A44.5-unclaimed-forever")
def test_money_kept_for_a_holder_is_paid_in_full_when_claimed_years_later(
    personas: Any, kept_world: dict[str, Any], clock: Any
) -> None:
    other = kept_world["other"]
    clock.travel_to(dt.date(2034, 2, 1))  # eight years on: nothing expired
    claim = remuneration.file_remuneration_claim(other, personas.cmo, by=personas.other_holder)
    claim = remuneration.decide_remuneration_claim(claim, accept=True, by=personas.cmo_staff)
    assert (claim.total_tiyn, claim.payable_tiyn) == (42_000, 37_800)


def test_the_cmo_must_answer_within_fifteen_working_days_or_the_claim_is_overdue(
    personas: Any, kept_world: dict[str, Any], clock: Any
) -> None:
    # filed on a Friday; 16 December is Independence Day, 1 and 2 January the New Year, and 2 January falling
    # on a Saturday, Monday 4 January is off too: the fifteenth working day is 6 January
    clock.travel_to(dt.date(2026, 12, 11))
    claim = remuneration.file_remuneration_claim(kept_world["other"], personas.cmo, by=personas.other_holder)
    assert claim.answer_due == dt.date(2027, 1, 6)
    clock.travel_to(dt.date(2027, 1, 6))
    assert not remuneration.is_overdue(claim)
    clock.travel_to(dt.date(2027, 1, 7))
    assert remuneration.is_overdue(claim)


def test_only_the_holder_claims_for_themselves_and_only_the_claimed_cmo_answers(
    personas: Any, kept_world: dict[str, Any]
) -> None:
    other = kept_world["other"]
    with pytest.raises(PermissionError):
        remuneration.file_remuneration_claim(other, personas.cmo, by=personas.holder)
    with pytest.raises(PermissionError):
        remuneration.file_remuneration_claim(other, personas.cmo, by=personas.cmo_staff)
    claim = remuneration.file_remuneration_claim(other, personas.cmo, by=personas.other_holder)
    for outsider in (personas.other_cmo_staff, personas.holder, personas.other_holder, personas.operator):
        with pytest.raises(PermissionError):
            remuneration.decide_remuneration_claim(claim, accept=True, by=outsider)


def _client(user: Any) -> Client:
    return f.signed_in(user)


def test_the_pages_show_each_side_only_its_own_and_the_staff_answer_there(
    personas: Any, kept_world: dict[str, Any]
) -> None:
    holder = _client(personas.other_holder)
    page = holder.get("/portal/distribution/kept/")
    assert page.status_code == 200
    assert b"420.00" in page.content.replace(b"\xc2\xa0", b"").replace(b" ", b"")
    answer = holder.post(f"/portal/distribution/kept/{personas.cmo.pk}/claim/", {"note": "mine"})
    claim = RemunerationClaim.objects.get(party=kept_world["other"])
    assert answer.status_code == 302 and answer["Location"].endswith(f"/remuneration-claims/{claim.pk}/")
    assert holder.get(f"/portal/distribution/remuneration-claims/{claim.pk}/").status_code == 200
    # another holder, another CMO's staff: as if it did not exist
    assert (
        _client(personas.holder).get(f"/portal/distribution/remuneration-claims/{claim.pk}/").status_code
        == 404
    )
    other_staff = _client(personas.other_cmo_staff)
    assert other_staff.get(f"/cmo/distribution/remuneration-claims/{claim.pk}/").status_code == 404
    assert (
        other_staff.post(
            f"/cmo/distribution/remuneration-claims/{claim.pk}/decide/", {"accept": "on"}
        ).status_code
        == 404
    )
    anonymous = Client().get(f"/cmo/distribution/remuneration-claims/{claim.pk}/")
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    no_second_factor = f.make_account("new@kaz.kz", Role.CMO_STAFF, cmo=personas.cmo, mfa=False)
    assert (
        f.signed_in(no_second_factor).get(f"/cmo/distribution/remuneration-claims/{claim.pk}/").status_code
        == 302
    )

    staff = _client(personas.cmo_staff)
    listing = staff.get("/cmo/distribution/remuneration-claims/")
    assert listing.status_code == 200 and f"remuneration-claim-{claim.pk}".encode() in listing.content
    refused = staff.post(f"/cmo/distribution/remuneration-claims/{claim.pk}/decide/", {"reason": ""})
    assert refused.status_code == 400
    accepted = staff.post(f"/cmo/distribution/remuneration-claims/{claim.pk}/decide/", {"accept": "on"})
    assert accepted.status_code == 302
    claim.refresh_from_db()
    assert claim.status == DemandStatus.ACCEPTED


def test_the_api_files_follows_and_answers_a_claim_with_the_same_rules(
    personas: Any, kept_world: dict[str, Any]
) -> None:
    holder = _client(personas.other_holder)
    kept = holder.get("/api/remuneration-claims/kept/").json()
    assert [(k["cmo"], k["claimable_tiyn"]) for k in kept] == [(personas.cmo.pk, 42_000)]
    assert _client(personas.cmo_staff).get("/api/remuneration-claims/kept/").status_code == 403
    made = holder.post("/api/remuneration-claims/", {"cmo": personas.cmo.pk}, content_type="application/json")
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert made.json()["total_tiyn"] == 42_000 and not made.json()["overdue"]
    assert _client(personas.holder).get(f"/api/remuneration-claims/{pk}/").status_code == 404
    url = f"/api/remuneration-claims/{pk}/decide/"
    assert (
        _client(personas.other_cmo_staff)
        .post(url, {"accept": True}, content_type="application/json")
        .status_code
        == 404
    )
    assert holder.post(url, {"accept": True}, content_type="application/json").status_code in (403, 404)
    staff = _client(personas.cmo_staff)
    assert staff.post(url, {"accept": False}, content_type="application/json").status_code == 400
    decided = staff.post(url, {"accept": True}, content_type="application/json")
    assert decided.status_code == 200 and decided.json()["payable_tiyn"] == 37_800


def test_a_holder_paid_in_the_run_has_nothing_to_claim(personas: Any, kept_world: dict[str, Any]) -> None:
    assert remuneration.claimable(kept_world["member"]) == []
    with pytest.raises(ValidationError):
        remuneration.file_remuneration_claim(kept_world["member"], personas.cmo, by=personas.holder)
    assert Run.objects.get(pk=kept_world["run"].pk).status == "approved"


@pytest.mark.statute("A46.2-claim")
def test_the_answer_to_a_claim_is_a_pdf_for_both_sides_and_nobody_else(
    personas: Any, kept_world: dict[str, Any], settings: Any, tmp_path: Any
) -> None:
    """Once answered, the claim's PDF shows the lines, the tax and what is paid, in the reader's language; it is
    issued the first time it is opened and the same document after, by page and by API."""
    import io

    from pypdf import PdfReader

    from udp.documents.models import IssuedDocument

    settings.MEDIA_ROOT = tmp_path
    claim = remuneration.file_remuneration_claim(kept_world["other"], personas.cmo, by=personas.other_holder)
    holder = _client(personas.other_holder)
    page, api = (
        f"/portal/distribution/remuneration-claims/{claim.pk}/",
        f"/api/remuneration-claims/{claim.pk}/",
    )
    assert holder.get(page + "pdf/").status_code == 404  # not answered yet: no PDF
    assert holder.get(api + "pdf/").status_code == 404
    assert b'id="claim-pdf"' not in holder.get(page).content
    remuneration.decide_remuneration_claim(claim, accept=True, by=personas.cmo_staff)
    assert b'id="claim-pdf"' in holder.get(page).content
    # filed just after midnight in Astana, the evening before in UTC: its documents name Astana's day
    from django.utils import timezone

    filed = timezone.localdate(claim.filed_at)
    just_after_midnight = timezone.make_aware(dt.datetime.combine(filed, dt.time(0, 30)))
    type(claim).objects.filter(pk=claim.pk).update(filed_at=just_after_midnight)
    assert just_after_midnight.astimezone(dt.UTC).date() < filed

    first = holder.get(page + "pdf/")
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    number = first["X-Document-Number"]
    content = f.streamed(first)
    text = " ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(content)).pages).replace(
        "\xa0", " "
    )
    for figure in ("420.00", "300.00", "120.00", "42.00", "378.00"):  # claimed, its two lines, tax, to pay
        assert figure in text.replace(",", ""), figure
    assert number.startswith("DRC-") and kept_world["w2"].title in text
    assert holder.get(api + "pdf/")["X-Document-Number"] == number
    staff = _client(personas.cmo_staff).get(f"/cmo/distribution/remuneration-claims/{claim.pk}/pdf/")
    assert staff["X-Document-Number"] == number
    russian = f.signed_in(personas.other_holder, language="ru").get(page + "pdf/")
    assert russian.status_code == 200 and russian["X-Document-Number"] != number
    assert [d.language for d in IssuedDocument.objects.filter(kind="distribution_claim").order_by("pk")] == [
        "en", "ru",
    ]  # fmt: skip
    # another holder, another CMO's staff, an anonymous visitor: nothing
    assert _client(personas.holder).get(page + "pdf/").status_code == 404
    assert _client(personas.holder).get(api + "pdf/").status_code == 404
    assert (
        _client(personas.other_cmo_staff)
        .get(f"/cmo/distribution/remuneration-claims/{claim.pk}/pdf/")
        .status_code
        == 404
    )
    anonymous = Client().get(page + "pdf/")
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    # its verification page names the CMO and the day the claim was filed, as the reader's language writes it
    assert (
        IssuedDocument.objects.get(number=number).public_label
        == f"{personas.cmo.short_name} · {filed:%Y-%m-%d}"
    )
    verify = Client()
    verify.cookies["django_language"] = "ru"
    answer = verify.get(IssuedDocument.objects.get(number=number).verification_path)
    assert f"{personas.cmo.short_name} · {filed:%d.%m.%Y}" in answer.content.decode()


@pytest.mark.statute("A44.5-unclaimed-forever")
def test_the_works_with_no_holder_are_one_payee_whose_net_is_kept_under_each_work_to_the_tiyn(
    personas: Any,
) -> None:
    """1 000 tiyn of area 1 for three works used once each, none with a holder of the performing right on
    record: 334, 333 and 333 (the spare tiyn to the first work). One payee keeps them: 1 000 gross, 150 for
    costs and 50 for special funds, 800 net. Its net is kept under each work by largest remainder:
    334 × 800 / 1 000 = 267.2, 333 × 800 / 1 000 = 266.4 twice; 799 in whole tiyn, the spare one to the
    larger remainder, the second work (the first of the two ties): 267, 267, 266 = 800. A holder later put on
    record for all of the second work may claim its 267, one for half of the first 133 (133.5 rounded down)."""
    by = personas.operator
    strangers = [f.make_person(name_lat=f"Nobody {n}") for n in range(3)]
    works = [f.make_work(by, (s, "C", {"MR": D("100")})) for s in strangers]
    run = start_run(
        personas.cmo, Area.objects.get(item=1), *Q1, by=personas.cmo_staff, weights={w.pk: 1 for w in works},
        pool_tiyn=1_000, costs_percent=D("15"), funds_percent=D("5"),
    )  # fmt: skip
    kept = Payee.objects.get(run=run)
    assert (kept.party_id, kept.work_id, kept.route) == (None, None, "no_holder")
    assert (kept.gross_tiyn, kept.costs_tiyn, kept.funds_tiyn, kept.net_tiyn) == (1_000, 150, 50, 800)
    gross = {a.work_id: a.gross_tiyn for a in run.allocations.all()}
    assert gross == {works[0].pk: 334, works[1].pk: 333, works[2].pk: 333}

    approve_run(run, by=personas.cmo_admin)
    parts = [_undistributed(personas.cmo, work=w) for w in works]
    assert parts == [267, 267, 266] and sum(parts) == kept.net_tiyn

    other = personas.other_party
    for work, party, percent in (
        (works[1], other, D("100")), (works[0], other, D("50")), (works[0], strangers[0], D("50"))
    ):  # fmt: skip
        contributor = WorkContributor.objects.create(work=work, party=party, role="A", sequence=9)
        Share.objects.create(work=work, contributor=contributor, right_type="PR", percent=percent)
    claimable = {(k.run_id, k.work_id, k.route): k.amount_tiyn for k in remuneration.claimable(other)}
    assert claimable == {(run.pk, works[1].pk, "no_holder"): 267, (run.pk, works[0].pk, "no_holder"): 133}


@pytest.fixture
def held_world(personas: Any) -> dict[str, Any]:
    """The CMO distributes 1 000 tenge of area 1 (15 % costs, 5 % special funds) for work 1, used 3 times, which
    an open conflict holds, and work 3, used once. Work 1 is half the member's, half the other holder's (whom the
    CMO does not represent); work 3 is the other holder's alone.

    Work 1: 75 000 tiyn, 37 500 each, held: nets 30 000 each. Work 3: 25 000 kept, not represented: net 20 000."""
    by = personas.operator
    member, other = personas.holder_party, personas.other_party
    w1 = f.make_work(by, (member, "C", {"PR": D("50")}), (other, "A", {"PR": D("50")}))
    w3 = f.make_work(by, (other, "C", {"PR": D("100")}))
    conflict = Conflict.objects.create(kind="competing_work_claims", status="open", work=w1, code="test")
    run = start_run(
        personas.cmo, Area.objects.get(item=1), *Q1, by=personas.cmo_staff, weights={w1.pk: 3, w3.pk: 1},
        pool_tiyn=100_000, costs_percent=D("15"), funds_percent=D("5"),
    )  # fmt: skip
    run = approve_run(run, by=personas.cmo_admin)
    return {"run": run, "conflict": conflict, "member": member, "other": other, "w1": w1}


@pytest.mark.statute("A46.2-claim")
def test_money_held_by_a_conflict_is_claimed_once_the_conflict_is_settled(
    personas: Any, held_world: dict[str, Any]
) -> None:
    run, member, other, w1 = held_world["run"], held_world["member"], held_world["other"], held_world["w1"]
    routes = {(p.party_id, p.route): p.net_tiyn for p in Payee.objects.filter(run=run)}
    assert routes == {
        (member.pk, "held_conflict"): 30_000, (other.pk, "held_conflict"): 30_000, (other.pk, "not_represented"): 20_000
    }  # fmt: skip
    # kept under each holder and the work it was held for
    assert _undistributed(personas.cmo, party=member, work=w1) == 30_000
    assert _undistributed(personas.cmo, work=w1) == 60_000
    # while the conflict is open, the held money is not to be claimed; the other holder's own kept money is
    assert remuneration.claimable(member) == []
    with pytest.raises(ValidationError):
        remuneration.file_remuneration_claim(member, personas.cmo, by=personas.holder)
    kept = {(k.work_id, k.route): k.amount_tiyn for k in remuneration.claimable(other)}
    assert kept == {(None, "not_represented"): 20_000}
    first = remuneration.file_remuneration_claim(other, personas.cmo, by=personas.other_holder)
    remuneration.decide_remuneration_claim(first, accept=True, by=personas.cmo_staff)

    assert not Notice.objects.filter(code="held_money_released").exists()
    resolve_conflict(held_world["conflict"], by=personas.operator, resolution="Both authors confirmed")
    # each holder is told, in the notification centre (and by e-mail), what they may now claim
    told = {(n.recipient_id, n.params["cmo"], n.params["amount"], n.link)
            for n in Notice.objects.filter(code="held_money_released")}  # fmt: skip
    assert told == {
        (account.pk, personas.cmo.short_name, "300.00", "/portal/distribution/kept/")
        for account in (personas.holder, personas.other_holder)
    }
    # released: the work's held money by the shares on record (half each), apart from what was claimed on
    # another line of the run
    assert {(k.work_id, k.route): k.amount_tiyn for k in remuneration.claimable(member)} == {
        (w1.pk, "held_conflict"): 30_000
    }
    assert {(k.work_id, k.route): k.amount_tiyn for k in remuneration.claimable(other)} == {
        (w1.pk, "held_conflict"): 30_000
    }
    claim = remuneration.file_remuneration_claim(member, personas.cmo, by=personas.holder)
    assert [(line.route, line.amount_tiyn) for line in claim.lines.all()] == [("held_conflict", 30_000)]
    # the CMO may refuse in view of the settlement; the money stays kept
    remuneration.decide_remuneration_claim(
        claim, accept=False, reason="The conflict went the other way", by=personas.cmo_staff
    )
    assert _undistributed(personas.cmo, work=w1) == 60_000
    claim = remuneration.file_remuneration_claim(member, personas.cmo, by=personas.holder)
    claim = remuneration.decide_remuneration_claim(claim, accept=True, by=personas.cmo_staff)
    assert (claim.tax_tiyn, claim.payable_tiyn) == (3_000, 27_000)
    # taken from the work's held money; the other holder's half stays kept under the work
    assert _undistributed(personas.cmo, work=w1) == 30_000
    owed = ledger.balances(personas.cmo, by=("party",), accounts=[ledger.HOLDERS_PAYABLE, ledger.TAX_PAYABLE])
    assert {r["balance"] for r in owed if r["party"] == member.pk} == {-30_000}
    assert remuneration.claimable(member) == []


@pytest.mark.statute("A46.2-claim")
def test_money_stays_held_while_any_conflict_holds_the_work_or_its_holder(
    personas: Any, held_world: dict[str, Any]
) -> None:
    member, w1 = held_world["member"], held_world["conflict"].work
    second = Conflict.objects.create(kind="competing_work_claims", status="open", work=w1, code="test")
    resolve_conflict(held_world["conflict"], by=personas.operator, resolution="Settled")
    assert remuneration.claimable(member) == []
    assert not Notice.objects.filter(code="held_money_released").exists()  # nothing released, nobody told
    # competing claims on one of the work's holders, in the run's area, hold it as well
    on_holder = Conflict.objects.create(
        kind="competing_holder_claims", status="open", area=Area.objects.get(item=1), code="test"
    )
    on_holder.parties.add(held_world["other"])
    resolve_conflict(second, by=personas.operator, resolution="Settled")
    assert remuneration.claimable(member) == []
    # one in another area does not
    on_holder.area = Area.objects.get(item=2)
    on_holder.save()
    assert [k.amount_tiyn for k in remuneration.claimable(member)] == [30_000]


@pytest.mark.statute("A46.2-claim")
def test_held_money_goes_by_the_shares_the_settlement_left_on_record(personas: Any) -> None:
    """The member and the other holder each claim 60 % of work 1's performing right: an over-claim, held. The
    CMO distributes 1 000 tenge for it (15 % costs, 5 % special funds): 500 tenge each by the shares claimed
    (60 of 120), held; 400 tenge net each, 800 kept under the work.

    The operator settles it: the other holder's claim was wrong and leaves the record, and a third author the
    claims had left out is put on record with 40 %. Of the 800 tenge, the member claims 60 % (480) and the new
    author 40 % (320); the other holder claims nothing and is not told. The parts sum to the held money."""
    by = personas.operator
    member, other = personas.holder_party, personas.other_party
    w1 = f.make_work(by, (member, "C", {"PR": D("60")}), (other, "A", {"PR": D("40")}))
    Share.objects.filter(work=w1, contributor__party=other).update(percent=D("60"))  # the other's claim
    conflict = Conflict.objects.create(kind="competing_work_claims", status="open", work=w1, code="test")
    conflict.parties.add(member, other)
    run = start_run(
        personas.cmo, Area.objects.get(item=1), *Q1, by=personas.cmo_staff, weights={w1.pk: 1},
        pool_tiyn=100_000, costs_percent=D("15"), funds_percent=D("5"),
    )  # fmt: skip
    held = {(a.party_id, a.route): a.gross_tiyn for a in run.allocations.all()}
    assert held == {(member.pk, "held_conflict"): 50_000, (other.pk, "held_conflict"): 50_000}
    approve_run(run, by=personas.cmo_admin)
    assert _undistributed(personas.cmo, party=member, work=w1) == 40_000
    assert _undistributed(personas.cmo, party=other, work=w1) == 40_000

    author = f.make_person(name_lat="Third Author")
    author_account = f.make_account("third@author.kz", Role.HOLDER, party=author)
    WorkContributor.objects.filter(work=w1, party=other).delete()
    contributor = WorkContributor.objects.create(work=w1, party=author, role="A", sequence=9)
    Share.objects.create(work=w1, contributor=contributor, right_type="PR", percent=D("40"))
    assert remuneration.claimable(author) == []  # still held
    resolve_conflict(
        conflict, by=personas.operator, resolution="The publishing contract names the third author"
    )

    def kept(party: Any) -> dict[tuple[int | None, str], int]:
        return {(k.work_id, k.route): k.amount_tiyn for k in remuneration.claimable(party)}

    assert kept(member) == {(w1.pk, "held_conflict"): 48_000}
    assert kept(author) == {(w1.pk, "held_conflict"): 32_000}
    assert kept(other) == {}
    told = {(n.recipient_id, n.params["amount"]) for n in Notice.objects.filter(code="held_money_released")}
    assert told == {(personas.holder.pk, "480.00"), (author_account.pk, "320.00")}

    claim = remuneration.file_remuneration_claim(author, personas.cmo, by=author_account)
    assert [(line.work_id, line.route, line.amount_tiyn) for line in claim.lines.all()] == [
        (w1.pk, "held_conflict", 32_000)
    ]
    # the CMO answers in view of the settlement, shown with the line; the new author, no party to the conflict,
    # does not see it
    staff_page = _client(personas.cmo_staff).get(f"/cmo/distribution/remuneration-claims/{claim.pk}/")
    assert "Held by a conflict, since settled" in staff_page.content.decode()
    assert "The publishing contract names the third author" in staff_page.content.decode()
    assert f'href="/claims/conflicts/{conflict.pk}/"' in staff_page.content.decode()
    own_page = _client(author_account).get(f"/portal/distribution/remuneration-claims/{claim.pk}/")
    assert own_page.status_code == 200
    assert "The publishing contract" not in own_page.content.decode()
    # the API says the same to each
    staff_api = _client(personas.cmo_staff).get(f"/api/remuneration-claims/{claim.pk}/").json()
    assert [(s["conflict"], s["resolution"]) for s in staff_api["lines"][0]["settlements"]] == [
        (conflict.pk, "The publishing contract names the third author")
    ]
    own_api = _client(author_account).get(f"/api/remuneration-claims/{claim.pk}/").json()
    assert own_api["lines"][0]["settlements"] == []
    remuneration.decide_remuneration_claim(claim, accept=True, by=personas.cmo_staff)
    assert kept(author) == {}
    assert kept(member) == {(w1.pk, "held_conflict"): 48_000}  # the member's part is untouched
    assert _undistributed(personas.cmo, work=w1) == 48_000


@pytest.mark.statute("A46.2-claim")
@pytest.mark.statute("A39.split")
def test_in_area_5_held_money_is_released_side_by_side(personas: Any) -> None:
    """The other CMO distributes 1 000 tiyn of area 5 (no deductions) for one recording an open conflict holds:
    its label holds 40 % of the related right and its singer 60 %. The sides are split half and half (Art. 39),
    so 500 is held on the producers' side (the label's) and 500 on the performers' side (the singer's). The
    settlement puts a second performer on record: the singer and the player hold 30 % each. Side by side, the
    label claims the producers' 500, the singer and the player 250 each of the performers' 500 (over both sides,
    by the shares alone, it would have been 400, 300 and 300)."""
    by = personas.operator
    singer, label, player = (
        f.make_person(name_lat="Singer H"),
        f.make_entity(name_lat="Label H"),
        f.make_person(),
    )
    rec = f.make_work(by, (label, "PRD", {"RR": D("40")}), (singer, "PER", {"RR": D("60")}), kind="recording")
    conflict = Conflict.objects.create(kind="competing_work_claims", status="open", work=rec, code="test")
    run = start_run(
        personas.other_cmo, Area.objects.get(item=5), *Q1, by=personas.other_cmo_staff, weights={rec.pk: 1},
        pool_tiyn=1_000,
    )  # fmt: skip
    held = {(a.party_id, a.side, a.route): a.gross_tiyn for a in Allocation.objects.filter(run=run)}
    assert held == {
        (label.pk, "producers", "held_conflict"): 500,
        (singer.pk, "performers", "held_conflict"): 500,
    }
    admin = f.make_account("admin@qaz.kz", Role.CMO_ADMIN, cmo=personas.other_cmo)
    approve_run(run, by=admin)
    assert _undistributed(personas.other_cmo, work=rec) == 1_000

    Share.objects.filter(work=rec, contributor__party=singer).update(percent=D("30"))
    contributor = WorkContributor.objects.create(work=rec, party=player, role="PER", sequence=9)
    Share.objects.create(work=rec, contributor=contributor, right_type="RR", percent=D("30"))
    assert remuneration.claimable(player) == []  # still held
    resolve_conflict(conflict, by=personas.operator, resolution="Two performers")

    def kept(party: Any) -> dict[int | None, int]:
        return {k.work_id: k.amount_tiyn for k in remuneration.claimable(party) if k.route == "held_conflict"}

    assert kept(label) == {rec.pk: 500}
    assert kept(singer) == kept(player) == {rec.pk: 250}


@pytest.mark.statute("A46.2-claim")
@pytest.mark.statute("A39.split")
def test_in_area_5_a_holder_claims_only_from_the_side_that_was_kept(personas: Any) -> None:
    """The other CMO distributes 2 000 tiyn of area 5 (no deductions) for two recordings used once each: 1 000
    each, half to the producers' side and half to the performers'. Recording A has only its performer on record
    (all of its related right): the producers' 500 is kept. Recording B has nobody on record: all its 1 000 is
    kept, 500 a side.

    Then A's producer is put on record, the related right now half theirs and half the performer's: the
    producers' side of A is the producer's alone, so they claim its 500; A's performer, paid the performers'
    half in the run, claims nothing of A (over both sides, each would have claimed 250). B's producer (50 %)
    and two performers (25 % each) are put on record: the producer claims 500, each performer 250."""
    by = personas.operator
    singer, label, nobody = (
        f.make_person(name_lat="Singer S"),
        f.make_entity(name_lat="Label L"),
        f.make_person(),
    )
    mandate_to(singer, personas.other_cmo, area_item=5)
    rec_a = f.make_work(by, (singer, "PER", {"RR": D("100")}), kind="recording")
    rec_b = f.make_work(by, (nobody, "C", {"MR": D("100")}), kind="recording")
    run = start_run(
        personas.other_cmo, Area.objects.get(item=5), *Q1, by=personas.other_cmo_staff, weights={rec_a.pk: 1, rec_b.pk: 1},
        pool_tiyn=2_000,
    )  # fmt: skip
    kept = {(a.work_id, a.side): a.gross_tiyn for a in Allocation.objects.filter(run=run, party=None)}
    assert kept == {(rec_a.pk, "producers"): 500, (rec_b.pk, "producers"): 500, (rec_b.pk, "performers"): 500}
    admin = f.make_account("admin@qaz.kz", Role.CMO_ADMIN, cmo=personas.other_cmo)
    approve_run(run, by=admin)
    assert _undistributed(personas.other_cmo, work=rec_a) == 500
    assert _undistributed(personas.other_cmo, work=rec_b) == 1_000

    def put_on_record(work: Any, party: Any, role: str, percent: str) -> None:
        contributor = WorkContributor.objects.create(work=work, party=party, role=role, sequence=9)
        Share.objects.create(work=work, contributor=contributor, right_type="RR", percent=D(percent))

    Share.objects.filter(work=rec_a, right_type="RR").update(percent=D("50"))
    put_on_record(rec_a, label, "PRD", "50")
    b_label, b_singer, b_player = f.make_entity(name_lat="Label B"), f.make_person(), f.make_person()
    put_on_record(rec_b, b_label, "PRD", "50")
    put_on_record(rec_b, b_singer, "PER", "25")
    put_on_record(rec_b, b_player, "PER", "25")

    def kept_for(party: Any) -> dict[int | None, int]:
        return {k.work_id: k.amount_tiyn for k in remuneration.claimable(party) if k.route == "no_holder"}

    assert kept_for(label) == {rec_a.pk: 500}
    assert kept_for(singer) == {}
    assert kept_for(b_label) == {rec_b.pk: 500}
    assert kept_for(b_singer) == kept_for(b_player) == {rec_b.pk: 250}


@pytest.mark.statute("A46.2-claim")
def test_money_a_cmo_keeps_for_a_holder_waits_on_their_portal_until_they_claim_it(
    personas: Any, kept_world: dict[str, Any]
) -> None:
    from udp.accounts.consoles import console_view

    def waiting(user: Any) -> list[tuple[str, int | None]]:
        return [(card.key, card.count) for card in console_view("portal", user).waiting]

    # the other holder: the CMO keeps their money; the member was paid in the run and has nothing to claim
    assert ("kept-money", 1) in waiting(personas.other_holder)
    assert "kept-money" not in dict(waiting(personas.holder))
    body = _client(personas.other_holder).get("/portal/").content.decode()
    assert "Money kept for you" in body.split('id="waiting"', 1)[1].split("</section>", 1)[0]

    remuneration.file_remuneration_claim(kept_world["other"], personas.cmo, by=personas.other_holder)
    assert "kept-money" not in dict(waiting(personas.other_holder))  # claimed: it waits for the CMO now
