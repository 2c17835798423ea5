"""The demo world: coherent, valid identifiers, every kind of actor can log in, safe to seed twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Count, Sum
from django.test import Client

from demo import world as demo
from registers.models import (
    CMO,
    BankAccount,
    Contract,
    EmbodiedWork,
    IPIName,
    Licensee,
    Mandate,
    Party,
    Share,
    Succession,
    Work,
    WorkContributor,
    WorkTitle,
)
from registers.search import search_works
from udp import identifiers
from udp.accounts.models import Moderation, Role, User

MODELS = (Party, IPIName, BankAccount, Succession, CMO, Contract, Mandate, Licensee, Work, WorkTitle,
          WorkContributor, Share, EmbodiedWork, User, Authenticator)  # fmt: skip


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS}


@pytest.fixture(scope="module")
def demo_world(django_db_setup: None, django_db_blocker: Any) -> Any:
    """Seed once for the module (it takes a while); the data stays for this module's tests only."""
    with django_db_blocker.unblock():
        from django.db import connection

        before = counts()
        summary = demo.seed_demo()
        yield summary
        # Clean up so other modules start from an empty register.
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE registers_embodiedwork, registers_share, registers_workcontributor, registers_worktitle, "
                "registers_work, registers_mandate, registers_contract_areas, registers_contract, "
                "registers_licenseelocation, registers_licensee, registers_cmoarea, registers_cmorepresentative, "
                "registers_cmobranch, accreditation_requirement, licensing_minimumrate, mfa_authenticator, account_emailaddress, "
                "accounts_user CASCADE"
            )
            cursor.execute(
                "TRUNCATE registers_cmo, registers_succession, registers_bankaccount, registers_pseudonym, "
                "registers_ipiname, registers_party, registers_foreignsociety, core_registersequence, "
                # the search vocabulary is kept by row triggers on the works, which TRUNCATE does not fire
                "registers_searchword CASCADE"
            )
            # a run's bulk rows name their run, works and holders with no database key, so no CASCADE reaches them
            cursor.execute(
                "TRUNCATE distribution_runweight, distribution_allocation, distribution_payee, distribution_runpath, "
                "distribution_withholding, distribution_usagekey, distribution_workkey, distribution_matchingmonth, "
                "licensing_usage_line CASCADE"
            )
        assert before["Work"] == 0


pytestmark = pytest.mark.django_db


def test_seeding_the_demo_a_second_time_creates_nothing_new(demo_world: Any) -> None:
    before = counts()
    summary = demo.seed_demo()
    assert summary.created == {}
    assert counts() == before
    assert before["Work"] > 2000 and before["Party"] > 300


def test_the_seed_demo_command_prints_every_login_and_the_totp_secret(
    demo_world: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "nothing new was created" in out
    for email, *_ in demo.LOGINS:
        assert email in out
    assert demo.DEMO_PASSWORD in out and demo.DEMO_TOTP_SECRET in out


@pytest.mark.statute("A2.21-2")
def test_the_demo_has_an_approved_verified_login_for_every_kind_of_actor(demo_world: Any) -> None:
    users = User.objects.filter(email__in=[e for e, *_ in demo.LOGINS])
    assert {u.role for u in users} == set(Role.values)
    for user in users:
        assert user.moderation == Moderation.APPROVED
        assert EmailAddress.objects.filter(user=user, verified=True).exists()
    holder_party = users.get(role=Role.HOLDER, email="holder@demo.udp.kz").party
    assert holder_party is not None and holder_party.contributions.exists()
    company = users.get(email="publisher@demo.udp.kz").party
    assert company is not None and company.kind == "entity" and company.bin
    assert all(user.licensee is not None for user in users.filter(role=Role.LICENSEE))
    assert {str(u.cmo) for u in users.filter(role__in=[Role.CMO_ADMIN, Role.CMO_STAFF])} == {
        "KazAK",
        "KazPerform",
    }


def test_every_demo_login_signs_in_with_the_password_and_mfa_roles_with_the_demo_code(
    demo_world: Any,
) -> None:
    for email, role, *_ in demo.LOGINS:
        client = Client()
        response = client.post("/accounts/login/", {"login": email, "password": demo.DEMO_PASSWORD})
        assert response.status_code == 302, email
        if role in {Role.CMO_ADMIN, Role.CMO_STAFF, Role.REGULATOR, Role.OPERATOR}:
            assert "/accounts/2fa/authenticate/" in response["Location"], email
            response = client.post(response["Location"], {"code": demo.demo_totp_code()})
            assert response.status_code == 302, email
        assert "_auth_user_id" in client.session, email


def test_a_wrong_totp_code_does_not_let_a_demo_operator_in(demo_world: Any) -> None:
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": "operator@demo.udp.kz", "password": demo.DEMO_PASSWORD}
    )
    wrong = f"{(int(demo.demo_totp_code()) + 1) % 1_000_000:06d}"
    client.post(response["Location"], {"code": wrong})
    assert "_auth_user_id" not in client.session


def test_every_demo_work_has_shares_summing_to_exactly_100_per_right_type(demo_world: Any) -> None:
    sums = Share.objects.values("work", "right_type").annotate(total=Sum("percent"))
    assert sums.count() > 2000
    assert {row["total"] for row in sums} == {Decimal("100.00")}
    assert not Work.objects.annotate(n=Count("shares")).filter(n=0).exists()


def test_demo_identifiers_are_valid(demo_world: Any) -> None:
    for iin, bin_ in Party.objects.values_list("iin", "bin"):
        if iin:
            assert identifiers.validate_iin(iin) == iin
        if bin_:
            assert identifiers.validate_bin(bin_) == bin_
    assert Party.objects.exclude(iin=None).count() > 200 and Party.objects.exclude(bin=None).count() > 20
    ibans = list(BankAccount.objects.values_list("iban", flat=True))
    assert len(ibans) > 200 and all(identifiers.validate_kz_iban(i) == i for i in ibans)
    iswcs = list(Work.objects.exclude(iswc=None).values_list("iswc", flat=True))
    assert len(iswcs) > 2000 and all(i and identifiers.validate_iswc(i) == i for i in iswcs)
    isrcs = list(Work.objects.exclude(isrc=None).values_list("isrc", flat=True))
    assert len(isrcs) == demo.DEMO_RECORDINGS and all(i and identifiers.validate_isrc(i) == i for i in isrcs)
    ipis = list(IPIName.objects.values_list("name_number", flat=True))
    assert all(identifiers.validate_ipi_name_number(i) == i for i in ipis)


def test_the_demo_iban_check_digits_are_computed_not_guessed() -> None:
    import random

    iban = demo.make_kz_iban(random.Random(1))
    broken = f"{iban[:2]}{(int(iban[2:4]) + 1) % 100:02d}{iban[4:]}"
    with pytest.raises(ValidationError):
        identifiers.validate_kz_iban(broken)


@pytest.mark.statute("A43.4-foreign")
def test_kazak_carries_foreign_repertoire_through_reciprocal_agreements(demo_world: Any) -> None:
    from registers.models import ForeignSociety, SocietyMembership
    from registers.public_selectors import reciprocal_paths

    kazak = CMO.objects.get(short_name="KazAK")
    reciprocal = Contract.objects.filter(kind="reciprocal", cmo=kazak, foreign_society__isnull=False)
    societies = {c.foreign_society for c in reciprocal}
    assert {s.short_name for s in societies if s} == {"ASCAP", "GEMA", "PRS", "SACEM"}
    assert all(s is not None and len(s.cisac_code) == 3 for s in societies)
    assert not CMO.objects.filter(short_name__in=["ASCAP", "GEMA", "PRS", "SACEM"]).exists()
    members = set(SocietyMembership.objects.values_list("party_id", flat=True))
    assert len(members) == demo.FOREIGN_HOLDERS
    paths = reciprocal_paths(members)
    assert len(paths) == demo.FOREIGN_HOLDERS and {p.cmo for p in paths} == {kazak}
    assert ForeignSociety.objects.count() == 4
    assert Work.objects.filter(contributors__party__in=members).distinct().count() == demo.FOREIGN_WORKS


def test_each_domestic_cmo_has_a_charter_areas_representatives_and_branches(demo_world: Any) -> None:
    for short_name, items in (("KazAK", {1, 2}), ("QazAvtor", {1}), ("KazPerform", {5}), ("KazRepro", {7})):
        cmo = CMO.objects.get(short_name=short_name)
        assert cmo.charter_date
        assert {a.item for a in cmo.areas.all()} == items
        assert cmo.representatives.exists() and cmo.branches.exists()
        assert cmo.party.bin and identifiers.validate_bin(cmo.party.bin)


def test_long_dead_authors_works_are_in_the_public_domain_and_living_ones_protected(demo_world: Any) -> None:
    sary = Work.objects.get(title="Сарыарқа", contributors__party__name_lat="Kurmangazy Sagyrbayuly")
    assert sary.in_public_domain
    living = Work.objects.filter(
        contributors__party__iin__isnull=False, contributors__party__death_date=None, kind="musical"
    )
    assert living.exists() and not any(w.in_public_domain for w in living[:50])


def test_demo_works_are_found_by_title_in_another_script_and_by_pseudonym(demo_world: Any) -> None:
    found = search_works(Work.objects.all(), "Saryarqa Kurmangazy")
    assert found.filter(title="Сарыарқа", contributors__party__name_lat="Kurmangazy Sagyrbayuly").exists()
    party = Party.objects.filter(pseudonyms__isnull=False, contributions__isnull=False).first()
    assert party is not None
    pseudonym = party.pseudonyms.first()
    assert pseudonym is not None
    assert search_works(Work.objects.all(), pseudonym.name).exists()


def test_recordings_embody_musical_works_and_carry_related_rights_shares(demo_world: Any) -> None:
    recording = Work.objects.filter(kind="recording").first()
    assert recording is not None
    assert recording.embodied_works.filter(kind="musical").exists()
    assert set(recording.shares.values_list("right_type", flat=True)) == {"RR"}


def test_heirs_inherit_from_deceased_holders_only(demo_world: Any) -> None:
    successions = Succession.objects.select_related("predecessor", "successor")
    assert successions.exists()
    assert all(s.predecessor.death_date and s.successor.death_date is None for s in successions)


def test_no_holder_has_two_active_mandates_for_one_area(demo_world: Any) -> None:
    dupes = (
        Mandate.objects.filter(status="active")
        .values("holder", "area")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not dupes.exists()
    # foreign holders come through their societies' agreements, not through mandates
    assert Mandate.objects.values("holder").distinct().count() > 200
    assert not Mandate.objects.filter(holder__society_memberships__isnull=False).exists()


def test_the_demo_totp_command_prints_the_current_code(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("demo_totp")
    assert capsys.readouterr().out.strip() == demo.demo_totp_code()


def test_the_demo_starts_from_the_countrys_accreditation_state(demo_world: Any) -> None:
    from accreditation import selectors
    from accreditation.models import Application, Certificate

    certificates = Certificate.objects.filter(source="pre_platform")
    assert certificates.count() == 3 and all(c.source_document for c in certificates)
    in_force = {(line.cmo.short_name, line.area.item) for line in selectors.in_force_on(dt.date(2026, 12, 4))}
    assert in_force == {("KazAK", 1), ("KazAK", 2), ("KazPerform", 5)}  # KazRepro's term ended on 30 November
    waiting = Application.objects.get()
    assert waiting.status == "submitted" and waiting.cmo.short_name == "KazAK"
    assert not waiting.documents.filter(sha256="").exists()


def test_the_demo_has_an_approved_run_whose_statements_the_demo_holder_and_staff_read(
    demo_world: Any,
) -> None:
    from distribution.models import Allocation, Payee, PaymentBatch, Run, Statement
    from tests.factories import signed_in

    run = Run.objects.get(cmo__short_name="KazAK", period_start=dt.date(2026, 7, 1))
    assert run.status == "approved" and run.started_by != run.approved_by
    assert sum(Payee.objects.filter(run=run).values_list("gross_tiyn", flat=True)) == run.pool_tiyn
    holder = User.objects.get(email="holder@demo.udp.kz")
    statement = Statement.objects.get(run=run, party=holder.party)
    page = signed_in(holder).get(f"/portal/distribution/statements/{statement.pk}/")
    assert page.status_code == 200 and b"statement-works" in page.content
    staff = signed_in(User.objects.get(email="staff@kazak.demo.udp.kz"))
    assert staff.get(f"/cmo/distribution/runs/{run.pk}/").status_code == 200
    assert PaymentBatch.objects.filter(cmo=run.cmo).count() == 1
    # the bank's statement of it: the file paid, one holder's transfer (not the demo holder's) sent back
    from distribution.models import PayoutStatement

    batch = PaymentBatch.objects.get(cmo=run.cmo)
    bank = PayoutStatement.objects.get(cmo=run.cmo)
    assert (bank.file_format, bank.booked, bank.returned, bank.others, bank.bad) == (
        "camt", batch.lines_count, 1, 1, 0,
    )  # fmt: skip
    returned = batch.lines.get(status="returned")
    assert returned.return_reason == "AC04" and returned.party_id != holder.party_id
    assert batch.lines.filter(status="booked").count() == batch.lines_count - 1
    assert b"AC04: the account is closed" in staff.get(f"/cmo/distribution/payouts/{batch.pk}/").content
    # a song with no holder when the run was calculated: the demo holder claimed what was kept for it, KazAK accepted
    from distribution.models import RemunerationClaim

    claim = RemunerationClaim.objects.get(party=holder.party, cmo=run.cmo)
    line = claim.lines.get()
    assert (claim.status, line.run_id, line.route) == ("accepted", run.pk, "no_holder")
    assert claim.total_tiyn == line.amount_tiyn > 0 and claim.tax_tiyn > 0
    for path in (
        f"/portal/distribution/remuneration-claims/{claim.pk}/",
        f"/portal/distribution/remuneration-claims/{claim.pk}/pdf/",
    ):
        assert signed_in(holder).get(path).status_code == 200
    # one of the demo holder's songs was held by a conflict the expert organization settled after the run: the
    # holder was told, and the held money waits to be claimed on "Money kept for you"
    from distribution import remuneration
    from udp.notices.models import Notice

    party = holder.party
    assert party is not None
    held = Payee.objects.get(run=run, party=party, route="held_conflict")
    song = Allocation.objects.get(run=run, party=party, route="held_conflict").work_id
    # the song's held money, claimed under the song by the shares the settlement left (all the holder's)
    assert [(k.run_id, k.work_id, k.route, k.amount_tiyn) for k in remuneration.claimable(party)] == [
        (run.pk, song, "held_conflict", held.net_tiyn)
    ]
    assert held.net_tiyn > 0
    notice = Notice.objects.get(recipient=holder, code="held_money_released")
    assert notice.params["cmo"] == "KazAK" and notice.link == "/portal/distribution/kept/"
    page = signed_in(holder).get("/portal/distribution/kept/")
    assert page.status_code == 200 and f'id="kept-{run.cmo_id}"'.encode() in page.content
    assert b'class="claim-form"' in page.content


def test_the_radio_stations_report_is_matched_and_kazak_staff_see_what_is_left_to_identify(
    demo_world: Any,
) -> None:
    from distribution.models import MatchingMonth, UsageKey
    from licensing.models import UsageReport
    from tests.factories import signed_in

    report = UsageReport.objects.get(licence__licensee__accounts__email="user@demo.udp.kz")
    assert (report.status, report.lines_good, report.lines_bad) == ("accepted", 7, 0)
    kazak = CMO.objects.get(short_name="KazAK")
    keys = UsageKey.objects.filter(cmo_id=kazak.pk)
    assert sorted(keys.values_list("status", "stage")) == [
        ("matched", 1), ("matched", 1), ("matched", 1), ("matched", 1), ("matched", 3), ("unmatched", 0),
        ("unmatched", 0),
    ]  # fmt: skip
    assert MatchingMonth.objects.get(period=report.period_start.replace(day=1)).finished_at is not None
    staff = signed_in(User.objects.get(email="staff@kazak.demo.udp.kz"))
    page = staff.get("/cmo/distribution/review/").content.decode()
    assert "Түнгі қала" in page and "Summer in Almaty" in page and 'id="matching-months"' in page


def test_kazak_s_year_2025_is_remitted_to_the_foreign_societies_one_paid_one_returned_by_the_bank(
    demo_world: Any,
) -> None:
    from distribution.models import ForeignRun, Payee, Remittance, Route
    from licensing import ledger
    from tests.factories import signed_in

    kazak = CMO.objects.get(short_name="KazAK")
    year = ForeignRun.objects.get(cmo=kazak, year=2025)
    assert year.status == "approved" and year.started_by != year.approved_by
    remittances = {
        r.society.short_name: r for r in Remittance.objects.filter(run=year).select_related("society")
    }
    assert set(remittances) == {"ASCAP", "GEMA", "PRS", "SACEM"}
    assert {name: r.currency for name, r in remittances.items()} == {
        "ASCAP": "USD", "GEMA": "EUR", "PRS": "GBP", "SACEM": "EUR",
    }  # fmt: skip
    # every tiyn routed to the societies by the fourth quarter's run is in a remittance
    routed = Payee.objects.filter(run__cmo=kazak, run__period_start=dt.date(2025, 10, 1), route=Route.FOREIGN)
    assert sum(routed.values_list("net_tiyn", flat=True)) == sum(r.amount_tiyn for r in remittances.values())
    gema, prs = remittances["GEMA"], remittances["PRS"]
    assert gema.transfer is not None and gema.transfers.count() == 1
    assert prs.transfer is None and prs.transfers.get().return_reference.startswith("RTN")
    assert remittances["SACEM"].transfer is None and not remittances["SACEM"].transfers.exists()
    owed = ledger.balances(kazak, by=("account",), accounts=[ledger.SOCIETIES_PAYABLE])
    assert -sum(row["balance"] for row in owed) == sum(
        r.amount_tiyn for name, r in remittances.items() if name != "GEMA"
    )
    staff = signed_in(User.objects.get(email="staff@kazak.demo.udp.kz"))
    page = staff.get(f"/cmo/distribution/foreign/remittances/{prs.pk}/")
    assert page.status_code == 200 and b'id="remittance-transfers"' in page.content
    assert b'id="record-paid"' in page.content
    assert staff.get(f"/cmo/distribution/foreign/{year.pk}/").status_code == 200
