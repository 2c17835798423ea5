"""Suspension, revocation and termination of accreditation (Art. 47-1, 47-2, 47-3), and what they change in
"who manages this work" (Art. 46-1). Certificates and their lines are created as rows here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone, translation

from accreditation import sanctions, selectors
from accreditation.models import (
    Accreditation,
    Certificate,
    Revocation,
    Suspension,
    SuspensionGround,
    SuspensionStatus,
    Termination,
    TerminationReason,
)
from accreditation.tasks import apply_sanctions
from registers.models import CMO, Area
from registers.who_manages import Path, who_manages
from reporting.models import AnnualFiling
from tests import factories as f
from udp.accounts.models import Moderation, Role, User
from udp.notices.models import Notice

pytestmark = pytest.mark.django_db

DAY_AFTER_DUE = dt.date(2027, 4, 16)  # the 2026 annual report was due by 15 April 2027


def make_line(
    cmo: CMO,
    area_item: int,
    valid_from: dt.date = dt.date(2024, 1, 10),
    valid_until: dt.date = dt.date(2030, 1, 9),
) -> Accreditation:
    certificate = Certificate.objects.create(number=f"ACC-T{f.next_serial()}", cmo=cmo, issued_on=valid_from)
    return Accreditation.objects.create(
        certificate=certificate,
        cmo=cmo,
        area=Area.objects.get(item=area_item),
        valid_from=valid_from,
        valid_until=valid_until,
    )


def filed(cmo: CMO, year: int, on: dt.date) -> AnnualFiling:
    return AnnualFiling.objects.create(
        cmo=cmo, year=year, filed_at=dt.datetime.combine(on, dt.time(10), tzinfo=dt.UTC)
    )


def liquidation_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("liquidation.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def notices(code: str, user: User | None = None) -> list[Notice]:
    rows = Notice.objects.filter(code=code)
    return list(rows.filter(recipient=user) if user else rows)


# -- suspension (Art. 47-3) ----------------------------------------------------------------------------
@pytest.mark.statute("A47-3.suspension")
def test_a_missing_annual_report_drafts_a_suspension_once_after_15_april(personas: Any, clock: Any) -> None:
    p = personas
    line = make_line(p.cmo, 1)
    other = make_line(p.other_cmo, 1)
    filed(p.other_cmo, 2026, dt.date(2027, 4, 15))  # on the last day: in time
    for cmo in (p.cmo, p.other_cmo):
        filed(cmo, 2025, dt.date(2026, 3, 1))  # the year before: in time
    clock.travel_to(dt.date(2027, 4, 15))
    assert apply_sanctions()["drafted"] == 0  # the due day itself is still in time
    clock.travel_to(DAY_AFTER_DUE)
    assert apply_sanctions()["drafted"] == 1
    assert apply_sanctions()["drafted"] == 0  # run twice: nothing doubles
    draft = Suspension.objects.get()
    assert draft.accreditation == line and draft.status == SuspensionStatus.DRAFTED
    assert draft.ground == SuspensionGround.LATE_ANNUAL_REPORT
    assert draft.evidence == {"year": 2026, "due_on": "2027-04-15", "filing": None}
    assert not Suspension.objects.filter(accreditation=other).exists()
    # drafted, not decided: the line stays in force until the authorized body decides
    assert selectors.is_accredited(p.cmo.pk, line.area_id, DAY_AFTER_DUE)
    assert notices("accreditation_suspension_drafted", p.regulator)


@pytest.mark.statute("A47-3.suspension")
def test_the_job_still_reads_last_due_report_before_the_next_15_april(personas: Any, clock: Any) -> None:
    make_line(personas.cmo, 1)
    make_line(personas.other_cmo, 1, valid_from=dt.date(2027, 5, 1))  # granted after the due day
    clock.travel_to(dt.date(2028, 1, 20))  # the 2026 report was due on 15 April 2027; 2027's not yet
    assert apply_sanctions()["drafted"] == 1
    assert Suspension.objects.get().evidence["year"] == 2026


@pytest.mark.statute("A47-3.suspension")
def test_a_report_filed_late_is_still_evidence_of_the_late_report(personas: Any, clock: Any) -> None:
    make_line(personas.cmo, 7)
    filed(personas.cmo, 2026, dt.date(2027, 4, 20))
    clock.travel_to(dt.date(2027, 4, 21))
    apply_sanctions()
    draft = Suspension.objects.get()
    assert draft.evidence["filing"]["filed_at"].startswith("2027-04-20")


@pytest.mark.statute("A47-3.suspension")
def test_a_report_filed_an_hour_into_16_april_in_kazakhstan_is_late(personas: Any, clock: Any) -> None:
    """Days are Kazakhstan's: 01:00 on 16 April in Almaty is still 15 April in UTC, and it is late."""
    line = make_line(personas.cmo, 1)
    filing = AnnualFiling.objects.create(
        cmo=personas.cmo, year=2026, filed_at=timezone.make_aware(dt.datetime(2027, 4, 16, 1, 0))
    )
    filing.refresh_from_db()
    assert filing.filed_at is not None and filing.filed_at.astimezone(dt.UTC).date() == dt.date(2027, 4, 15)
    assert filing.late
    clock.travel_to(dt.date(2027, 4, 16))
    assert apply_sanctions()["drafted"] == 1
    assert Suspension.objects.get().accreditation == line
    filing.filed_at = timezone.make_aware(dt.datetime(2027, 4, 15, 23, 30))
    assert not filing.late


@pytest.mark.statute("A47-3.suspension")
def test_the_authorized_body_suspends_for_three_months_published_within_a_day_then_it_ends(
    personas: Any, clock: Any
) -> None:
    p = personas
    line = make_line(p.cmo, 1)
    clock.travel_to(DAY_AFTER_DUE)
    apply_sanctions()
    draft = Suspension.objects.get()
    # the CMO's staff do not see a draft; the regulator decides it on its page
    assert (
        f.signed_in(p.cmo_staff).get(f"/accreditation/sanctions/suspensions/{draft.pk}/").status_code == 404
    )
    regulator = f.signed_in(p.regulator)
    page = regulator.get(f"/accreditation/sanctions/suspensions/{draft.pk}/")
    assert page.status_code == 200 and b"2027-04-15" in page.content
    response = regulator.post(f"/accreditation/sanctions/suspensions/{draft.pk}/decide/", {"note": ""})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == SuspensionStatus.DECIDED
    assert (draft.starts_on, draft.ends_on) == (DAY_AFTER_DUE, dt.date(2027, 7, 16))
    assert draft.publish_by == dt.date(2027, 4, 17)
    assert draft.published_at is not None and draft.published_at.date() <= draft.publish_by
    assert notices("accreditation_suspended", p.cmo_admin)
    # suspended: not accredited while it lasts; the public register shows it
    assert selectors.status_on(line) == selectors.LineStatus.SUSPENDED
    assert not selectors.is_accredited(p.cmo.pk, line.area_id, dt.date(2027, 7, 15))
    public = Client().get("/accreditation/sanctions/")
    assert public.status_code == 200 and b"KAZ" in public.content
    # deciding twice is refused
    with pytest.raises(sanctions.SanctionRefused):
        sanctions.decide_suspension(draft, by=p.regulator)
    # it ends by itself after three months; the CMO is told once
    clock.travel_to(dt.date(2027, 7, 16))
    assert selectors.is_accredited(p.cmo.pk, line.area_id)
    assert apply_sanctions()["resumed_told"] == 1
    assert apply_sanctions()["resumed_told"] == 0
    assert len(notices("accreditation_suspension_ended", p.cmo_admin)) == 1
    # the same year's late report is not drafted again
    assert Suspension.objects.count() == 1


@pytest.mark.statute("A47-3.suspension")
def test_a_draft_is_dismissed_only_with_a_note(personas: Any, clock: Any) -> None:
    p = personas
    line = make_line(p.cmo, 1)
    clock.travel_to(DAY_AFTER_DUE)
    apply_sanctions()
    draft = Suspension.objects.get()
    with pytest.raises(sanctions.SanctionRefused):
        sanctions.dismiss_suspension(draft, by=p.regulator, note=" ")
    response = f.signed_in(p.regulator).post(
        f"/accreditation/sanctions/suspensions/{draft.pk}/dismiss/", {"note": "Filed on paper on 14 April"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == SuspensionStatus.DISMISSED and draft.note == "Filed on paper on 14 April"
    assert selectors.is_accredited(p.cmo.pk, line.area_id)


@pytest.mark.statute("A47-3.suspension")
def test_the_authorized_body_suspends_by_hand_for_knowingly_false_information(
    personas: Any, clock: Any
) -> None:
    p = personas
    line = make_line(p.cmo, 1)
    clock.travel_to(dt.date(2027, 2, 1))
    url = f"/accreditation/sanctions/lines/{line.pk}/suspend/"
    assert f.signed_in(p.cmo_admin).post(url, {"note": "x"}).status_code == 403
    regulator = f.signed_in(p.regulator)
    regulator.post(url, {"note": ""})
    assert not Suspension.objects.exists()
    regulator.post(url, {"note": "The 2025 report overstates the payouts"})
    suspension = Suspension.objects.get()
    assert suspension.ground == SuspensionGround.FALSE_INFORMATION
    assert (suspension.starts_on, suspension.ends_on) == (dt.date(2027, 2, 1), dt.date(2027, 5, 1))
    assert not selectors.is_accredited(p.cmo.pk, line.area_id)


# -- revocation (Art. 47-1) ----------------------------------------------------------------------------
@pytest.mark.statute("A47-1.revocation")
def test_revocation_shows_the_evidence_for_its_ground_keeps_a_copy_and_terminates(
    personas: Any, clock: Any
) -> None:
    p = personas
    line = make_line(p.cmo, 1)
    clock.travel_to(DAY_AFTER_DUE)
    regulator = f.signed_in(p.regulator)
    page = regulator.get(f"/accreditation/sanctions/lines/{line.pk}/?ground=late_annual_report")
    assert b"The annual report for 2026" in page.content and b"is not filed" in page.content
    # grounds 6 and 9 get their evidence when payouts and tariffs exist
    page = regulator.get(f"/accreditation/sanctions/lines/{line.pk}/?ground=late_payment")
    assert b"payouts and tariffs" in page.content
    url = f"/accreditation/sanctions/lines/{line.pk}/revoke/"
    regulator.post(url, {"ground": "late_annual_report", "reasons": ""})  # reasons required
    assert not Revocation.objects.exists()
    assert (
        f.signed_in(p.cmo_admin).post(url, {"ground": "late_annual_report", "reasons": "x"}).status_code
        == 403
    )
    regulator.post(
        url, {"ground": "late_annual_report", "reasons": "The 2026 annual report was not submitted."}
    )
    revocation = Revocation.objects.get()
    assert revocation.ground == "late_annual_report" and revocation.effective_on == DAY_AFTER_DUE
    codes = [item["code"] for item in revocation.evidence["items"]]
    assert "annual_report_missing" in codes
    termination = Termination.objects.get(accreditation=line)
    assert termination.reason == TerminationReason.REVOCATION and termination.ended_on == DAY_AFTER_DUE
    assert selectors.status_on(line) == selectors.LineStatus.TERMINATED
    assert notices("accreditation_revoked", p.cmo_admin)
    with pytest.raises(sanctions.SanctionRefused):
        sanctions.revoke(line, by=p.regulator, ground="false_documents", reasons="again")


@pytest.mark.statute("A47-1.revocation")
def test_ground_5_evidence_reads_late_copies_of_reciprocal_agreements(personas: Any, clock: Any) -> None:
    from registers.reciprocal import late_copies, record_reciprocal_agreement

    p = personas
    line = make_line(p.cmo, 1)
    record_reciprocal_agreement(
        by=p.cmo_admin, cmo=p.cmo, counterparty_cmo=p.other_cmo, areas=[Area.objects.get(item=1)],
        concluded_on=dt.date(2026, 1, 5), valid_from=dt.date(2026, 1, 5),
    )  # fmt: skip
    clock.travel_to(dt.date(2026, 6, 1))
    assert late_copies().filter(cmo=p.cmo).exists()
    items = sanctions.gather_evidence(line, "art46_duties")
    assert [item.code for item in items] == ["reciprocal_copy_late"]
    assert sanctions.gather_evidence(make_line(p.other_cmo, 5), "art46_duties") == []


# -- termination (Art. 47-2) ---------------------------------------------------------------------------
@pytest.mark.statute("A47-2.termination")
def test_the_daily_job_terminates_an_expired_line_once(personas: Any, clock: Any) -> None:
    p = personas
    line = make_line(p.cmo, 1, valid_until=dt.date(2027, 3, 31))
    clock.travel_to(dt.date(2027, 3, 31))
    assert apply_sanctions()["terminated"] == 0
    assert selectors.is_accredited(p.cmo.pk, line.area_id)
    clock.travel_to(dt.date(2027, 4, 1))
    assert apply_sanctions()["terminated"] == 1
    assert apply_sanctions()["terminated"] == 0
    termination = Termination.objects.get()
    assert termination.reason == TerminationReason.EXPIRY and termination.ended_on == dt.date(2027, 4, 1)
    assert termination.publish_by == dt.date(2027, 5, 1)
    assert not sanctions.is_published_late(termination)
    assert notices("accreditation_terminated", p.cmo_admin) and notices(
        "accreditation_terminated", p.regulator
    )
    assert b"KAZ" in Client().get("/accreditation/sanctions/").content


@pytest.mark.statute("A47-2.termination")
def test_a_termination_published_half_an_hour_into_the_day_after_its_deadline_is_late(
    personas: Any, clock: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    p = personas
    line = make_line(p.cmo, 1)
    clock.travel_to(timezone.make_aware(dt.datetime(2027, 4, 2, 0, 30)))  # 1 April, 19:30 in UTC
    f.signed_in(p.regulator).post(
        f"/accreditation/sanctions/lines/{line.pk}/terminate/",
        {"reason": "liquidation", "ended_on": "2027-03-01", "document": liquidation_pdf()},
    )
    termination = Termination.objects.get()
    assert termination.publish_by == dt.date(2027, 4, 1)
    assert termination.published_at is not None
    assert termination.published_at.astimezone(dt.UTC).date() == dt.date(2027, 4, 1)
    assert sanctions.is_published_late(termination)
    assert notices("accreditation_termination_late", p.regulator)


@pytest.mark.statute("A47-2.termination")
def test_liquidation_needs_its_document_and_a_late_one_is_flagged(
    personas: Any, clock: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    p = personas
    line = make_line(p.cmo, 1)
    clock.travel_to(dt.date(2027, 5, 10))
    url = f"/accreditation/sanctions/lines/{line.pk}/terminate/"
    regulator = f.signed_in(p.regulator)
    regulator.post(url, {"reason": "liquidation", "ended_on": "2027-03-01"})
    assert not Termination.objects.exists()
    document = liquidation_pdf()
    regulator.post(url, {"reason": "liquidation", "ended_on": "2027-03-01", "document": document})
    termination = Termination.objects.get()
    assert termination.reason == TerminationReason.LIQUIDATION and termination.source_document
    assert termination.publish_by == dt.date(2027, 4, 1)
    assert sanctions.is_published_late(termination)
    assert notices("accreditation_termination_late", p.regulator)
    workspace = regulator.get("/accreditation/sanctions/regulator/")
    assert b'class="table-warning late"' in workspace.content


@pytest.mark.statute("A47-2.termination")
def test_the_cmo_asks_to_return_and_the_authorized_body_records_it(personas: Any, clock: Any) -> None:
    p = personas
    line = make_line(p.cmo, 7)
    clock.travel_to(dt.date(2027, 2, 1))
    url = f"/accreditation/sanctions/lines/{line.pk}/return/"
    assert f.signed_in(p.cmo_staff).post(url, {"note": "x"}).status_code == 403  # the administrator asks
    f.signed_in(p.cmo_admin).post(url, {"note": "We stop managing this area."})
    assert notices("accreditation_return_asked", p.regulator)
    f.signed_in(p.regulator).post(
        f"/accreditation/sanctions/lines/{line.pk}/terminate/",
        {"reason": "voluntary_return", "note": "Agreed"},
    )
    termination = Termination.objects.get()
    assert termination.reason == TerminationReason.VOLUNTARY_RETURN and termination.ended_on == dt.date(
        2027, 2, 1
    )
    assert not selectors.is_accredited(p.cmo.pk, line.area_id)


# -- consequences: extended collective management (Art. 46-1) ------------------------------------------
@pytest.mark.statute("A46-1.extended")
def test_who_manages_follows_accreditation(personas: Any, clock: Any) -> None:
    p = personas
    author = f.make_person(name_ru="Без Мандата", name_lat="Bez Mandata")
    work = f.make_work(p.operator, (author, "CA", {"PR": Decimal("100")}), title="Unmandated song")
    clock.travel_to(dt.date(2027, 2, 1))
    assert [party.pk for party in who_manages(work).unmanaged] == [author.pk]  # nobody accredited yet
    line = make_line(p.cmo, 1)
    make_line(p.cmo, 7)  # area 7 manages MR: the work has none of it, so no row there
    answer = who_manages(work)
    assert [(r.cmo.short_name, r.area.item, r.path) for r in answer.rows] == [("KAZ", 1, Path.EXTENDED)]
    assert not answer.unmanaged
    api = Client().get(f"/api/works/{work.pk}/management/").json()
    assert [row["path"] for row in api["rows"]] == ["extended"]
    # suspended: it covers nobody without a mandate
    sanctions.suspend_for_false_information(line, by=p.regulator, note="False payouts")
    assert not who_manages(work).rows and who_manages(work).unmanaged
    assert Client().get(f"/api/works/{work.pk}/management/").json()["rows"] == []
    # back after three months; then terminated: none again
    clock.travel_to(dt.date(2027, 5, 1))
    assert [r.cmo.short_name for r in who_manages(work).rows] == ["KAZ"]
    sanctions.record_termination(line, by=p.regulator, reason="voluntary_return")
    assert not who_manages(work).rows
    # two CMOs in force in one area: both answered
    make_line(p.cmo, 1, valid_from=dt.date(2027, 5, 1))
    make_line(p.other_cmo, 1, valid_from=dt.date(2027, 5, 1))
    assert sorted(r.cmo.short_name for r in who_manages(work).rows) == ["KAZ", "QAZ"]


@pytest.mark.statute("A46-1.extended")
def test_a_mandate_comes_before_extended_management(personas: Any, clock: Any) -> None:
    p = personas  # the holder has a mandate to KAZ in area 1
    work = f.make_work(p.holder, (p.holder_party, "CA", {"PR": Decimal("100")}), title="Mandated song")
    make_line(p.other_cmo, 1)
    rows = who_manages(work).rows
    assert [(r.cmo.short_name, r.path) for r in rows] == [("KAZ", Path.MANDATE)]


# -- access ---------------------------------------------------------------------------------------------
def test_who_reaches_a_line_and_a_draft(personas: Any, clock: Any) -> None:
    p = personas
    line = make_line(p.cmo, 1)
    clock.travel_to(DAY_AFTER_DUE)
    apply_sanctions()
    draft = Suspension.objects.get()
    line_url = f"/accreditation/sanctions/lines/{line.pk}/"
    draft_url = f"/accreditation/sanctions/suspensions/{draft.pk}/"
    assert f.signed_in(p.cmo_staff).get(line_url).status_code == 200
    assert f.signed_in(p.operator).get(line_url).status_code == 200
    assert f.signed_in(p.other_cmo_staff).get(line_url).status_code == 404
    assert f.signed_in(p.other_cmo_staff).get(draft_url).status_code == 404
    assert Client().get(line_url).status_code == 302  # to sign in
    assert Client().get(draft_url).status_code == 404
    pending = User.objects.create_user("pending-b@example.kz", f.PASSWORD, moderation=Moderation.PENDING)
    client = Client()
    client.force_login(pending)
    assert client.get(line_url).status_code in (302, 403, 404)
    nomfa = f.make_account("nomfa-b@kaz.kz", Role.CMO_STAFF, cmo=p.cmo, mfa=False)
    client = Client()
    client.post("/accounts/login/", {"login": nomfa.email, "password": f.PASSWORD})
    response = client.get(line_url)
    assert response.status_code == 302 and "/accounts/" in response["Location"]
    # the operator reads but does not decide
    assert f.signed_in(p.operator).post(f"{draft_url}decide/").status_code == 403
    # the API: the other CMO does not see KAZ's line; anonymous readers see no draft
    assert f.signed_in(p.other_cmo_staff).get(f"/api/sanctions/lines/{line.pk}/").status_code == 404
    assert Client().get("/api/sanctions/suspensions/").json()["results"] == []
    assert (
        f.signed_in(p.cmo_staff)
        .get(f"/api/sanctions/lines/{line.pk}/evidence/?ground=late_annual_report")
        .status_code
        == 404
    )


def test_the_api_decides_revokes_and_records(personas: Any, clock: Any) -> None:
    p = personas
    line = make_line(p.cmo, 1)
    second = make_line(p.cmo, 7)
    clock.travel_to(DAY_AFTER_DUE)
    apply_sanctions()
    api = f.signed_in(p.regulator)
    drafts = api.get("/api/sanctions/suspensions/").json()["results"]
    assert {d["status"] for d in drafts} == {"drafted"}
    evidence = api.get(f"/api/sanctions/lines/{line.pk}/evidence/?ground=late_annual_report").json()
    assert evidence[0]["code"] == "annual_report_missing"
    draft = Suspension.objects.get(accreditation=line)
    decided = api.post(f"/api/sanctions/suspensions/{draft.pk}/decide/", {}, content_type="application/json")
    assert decided.status_code == 200 and decided.json()["ends_on"] == "2027-07-16"
    assert f.signed_in(p.cmo_admin).post(
        "/api/sanctions/revocations/", {"line": second.pk, "ground": "late_annual_report", "reasons": "x"},
        content_type="application/json",
    ).status_code == 403  # fmt: skip
    revoked = api.post(
        "/api/sanctions/revocations/", {"line": second.pk, "ground": "late_annual_report", "reasons": "Not filed"},
        content_type="application/json",
    )  # fmt: skip
    assert revoked.status_code == 201
    assert Client().get("/api/sanctions/terminations/").json()["results"][0]["reason"] == "revocation"
    public = Client().get("/api/sanctions/suspensions/").json()["results"]
    assert [s["status"] for s in public] == ["decided"]
    url = f"/api/sanctions/lines/{line.pk}/return/"
    body = {"note": "We stop managing this area."}
    assert f.signed_in(p.other_cmo_staff).post(url, body, content_type="application/json").status_code == 404
    assert f.signed_in(p.cmo_staff).post(url, body, content_type="application/json").status_code == 403
    assert f.signed_in(p.cmo_admin).post(url, body, content_type="application/json").status_code == 202
    assert notices("accreditation_return_asked", p.regulator)


@pytest.mark.statute("A47-2.termination")
def test_the_management_command_runs_the_daily_job(personas: Any, clock: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    make_line(personas.cmo, 1, valid_until=dt.date(2027, 3, 31))
    clock.travel_to(dt.date(2027, 4, 2))
    out = StringIO()
    call_command("apply_sanctions", stdout=out)
    assert "1 line(s) terminated on expiry" in out.getvalue()
    call_command("apply_sanctions", stdout=out)
    assert Termination.objects.count() == 1


def test_the_pages_read_in_kazakh_and_russian(personas: Any, clock: Any) -> None:
    p = personas
    line = make_line(p.cmo, 1)
    clock.travel_to(DAY_AFTER_DUE)
    apply_sanctions()
    with translation.override("en"):  # the pages' language does not outlive the test
        for language, text in (("kk", "Кері қайтарып алу"), ("ru", "Отозвать")):
            page = f.signed_in(p.regulator, language=language).get(
                f"/accreditation/sanctions/lines/{line.pk}/"
            )
            assert text in page.content.decode()
        page = Client(headers={"accept-language": "ru"}).get("/accreditation/sanctions/")
        assert "Приостановления" in page.content.decode()
