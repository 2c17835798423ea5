"""The licence online: declare, see whom to pay, take an offer, sign, countersign; refusals only on a ground;
remuneration agreements for the rights to remuneration; what an agreement covers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from licensing import actions, offers
from licensing.models import (
    AgreementKind,
    CountersignPolicy,
    LicenceStatus,
    RepertoireScope,
    ReportDue,
)
from licensing.repertoire import coverage
from licensing.tariffs import Term
from licensing.tests.helpers import (
    accredit,
    cafe_declaration,
    category,
    countersigned,
    licence_in_force,
    published,
    signed_by_user,
)
from mandates.tests.request_helpers import make_signatory
from registers.models import Contract, ContractStatus
from tests import factories as f
from tests.personas import Personas
from udp.accounts.models import Role
from udp.notices.models import Notice

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def cafe(personas: Personas) -> Personas:
    """The personas' music user is a café (a company): its director may sign for it."""
    p = personas
    licensee = p.licensee.licensee
    assert licensee is not None
    licensee.category = category("restaurant")
    licensee.save()
    make_signatory_for_user(p)
    return p


def make_signatory_for_user(p: Personas) -> None:
    from udp.documents.signing import enter_signatory

    party = p.licensee.licensee.party  # type: ignore[union-attr]
    enter_signatory(
        by=None, entity_bin=party.bin or "", entity_name=party.name, account=p.licensee, iin=f.make_iin(),
        position="Director", basis="Charter", valid_from=dt.date(2020, 1, 1),
    )  # fmt: skip


def test_the_user_sees_whom_to_pay_accredited_first_with_a_quote_each(cafe: Personas, clock: object) -> None:
    p = cafe
    accredit(p, p.cmo, 1)
    published(p.cmo_staff, terms=[Term(shape="per_unit", unit="m2", amount=Decimal("120"), period="month")])
    published(p.other_cmo_staff, terms=[Term(shape="fixed", amount=Decimal("5000"), period="month")])
    published(
        p.other_cmo_staff,
        item=5,
        terms=[Term(shape="per_unit", unit="m2", amount=Decimal("50"), period="month")],
    )
    answer = offers.needs(
        category_id=category("restaurant").pk, use="background", parameters={"m2": Decimal("80")}, revenue=None,
        day=dt.date(2026, 6, 1),
    )  # fmt: skip
    assert [need.area.item for need in answer] == [1, 5]
    first = answer[0]
    assert [(o.cmo.short_name, o.accredited, o.scope) for o in first.offers] == [
        ("KAZ", True, RepertoireScope.EXTENDED), ("QAZ", False, RepertoireScope.MANDATED),
    ]  # fmt: skip
    assert first.offers[0].quotes[0].monthly == Decimal("9600")
    assert answer[1].kind == AgreementKind.REMUNERATION and answer[1].offers[0].quotes[0].monthly == Decimal(
        "4000"
    )


@pytest.mark.statute("A44.2-1-via-udp")
def test_a_licence_is_concluded_online_signed_by_both_and_entered_in_the_register(cafe: Personas) -> None:
    p = cafe
    accredit(p, p.cmo, 1)
    make_signatory(p.cmo_staff, p.cmo)
    published(p.cmo_staff, report_frequency="monthly", report_due_days=10)
    declaration = cafe_declaration(p.licensee)
    licence = actions.request_agreement(declaration, by=p.licensee, cmo=p.cmo, kind="licence")
    contract = licence.contract
    assert contract.number.startswith("LIC-") and contract.status == ContractStatus.DRAFT
    assert licence.document is not None and licence.document.file.read(4) == b"%PDF"
    assert licence.monthly_amount == Decimal("9600") and licence.lines.get().scope == RepertoireScope.EXTENDED
    # the CMO cannot sign first; nobody else signs at all
    with pytest.raises(ValidationError):
        countersigned(licence, p.cmo_staff)
    with pytest.raises(PermissionError):
        signed_by_user(licence, p.other_cmo_staff)
    licence = signed_by_user(licence, p.licensee)
    assert licence.status == LicenceStatus.AWAITING_CMO
    assert Notice.objects.filter(recipient=p.cmo_staff, code="licence_signed_by_user").exists()
    licence = countersigned(licence, p.cmo_staff)
    assert licence.status == LicenceStatus.IN_FORCE
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE and contract.licensee_id == p.licensee.licensee_id
    signatures = licence.document.signatures.all()  # type: ignore[union-attr]
    assert {s.on_behalf_bin for s in signatures} == {p.cmo.party.bin, p.licensee.licensee.party.bin}  # type: ignore[union-attr]
    dues = list(ReportDue.objects.filter(licence=licence))
    assert len(dues) in (12, 13) and dues[0].due_on == dues[0].period_end + dt.timedelta(days=10)
    assert dues[-1].period_end == licence.ends_on


def test_the_cmo_countersigns_automatically_where_its_policy_says_so(cafe: Personas) -> None:
    p = cafe
    signatory = make_signatory(p.cmo_admin, p.cmo)
    CountersignPolicy.objects.create(cmo=p.cmo, signatory=signatory, set_by=p.cmo_admin)
    published(p.cmo_staff, auto_countersign=True)
    licence = actions.request_agreement(
        cafe_declaration(p.licensee), by=p.licensee, cmo=p.cmo, kind="licence"
    )
    licence = signed_by_user(licence, p.licensee)
    assert licence.status == LicenceStatus.IN_FORCE
    assert licence.cmo_signature is not None and licence.cmo_signature.account == p.cmo_admin


@pytest.mark.statute("A44.2-no-refusal")
def test_a_cmo_refuses_only_on_a_ground_and_the_regulator_is_told(cafe: Personas) -> None:
    p = cafe
    published(p.cmo_staff)
    licence = signed_by_user(
        actions.request_agreement(cafe_declaration(p.licensee), by=p.licensee, cmo=p.cmo, kind="licence"),
        p.licensee,
    )
    for ground, note in (("", "we do not want to"), ("dislike", "we do not want to"), ("unpaid", "  ")):
        with pytest.raises(ValidationError):
            actions.refuse_agreement(licence, by=p.cmo_staff, ground=ground, note=note)
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.AWAITING_CMO
    with pytest.raises(PermissionError):
        actions.refuse_agreement(licence, by=p.other_cmo_staff, ground="unpaid", note="Invoice 5 unpaid")
    actions.refuse_agreement(licence, by=p.cmo_staff, ground="unpaid", note="Invoice INV-0000005 is unpaid")
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.REFUSED and licence.refusal_ground == "unpaid"
    assert Contract.objects.get(pk=licence.contract_id).status == ContractStatus.TERMINATED
    assert Notice.objects.filter(recipient=p.regulator, code="licence_refused_regulator").exists()
    assert Notice.objects.filter(recipient=p.licensee, code="licence_refused").exists()
    # the agreement's PDF, checked by its link, says it never came into force; the refusal's note stays private
    from urllib.parse import urlparse

    from django.test import Client

    assert licence.document is not None
    client = Client()
    client.cookies["django_language"] = "en"
    page = client.get(urlparse(licence.document.verification_url).path).content.decode()
    assert (
        'id="document-standing"' in page
        and "The CMO refused the agreement: it never came into force." in page
    )
    assert "INV-0000005" not in page


@pytest.mark.statute("A45.3-no-licence")
def test_a_right_to_remuneration_is_collected_under_a_remuneration_agreement(cafe: Personas) -> None:
    p = cafe
    make_signatory(p.other_cmo_staff, p.other_cmo)
    published(
        p.other_cmo_staff,
        item=5,
        terms=[Term(shape="per_unit", unit="m2", amount=Decimal("50"), period="month")],
    )
    declaration = cafe_declaration(p.licensee)
    with pytest.raises(ValidationError):
        actions.request_agreement(declaration, by=p.licensee, cmo=p.other_cmo, kind="licence")
    agreement = actions.request_agreement(declaration, by=p.licensee, cmo=p.other_cmo, kind="remuneration")
    assert agreement.kind == AgreementKind.REMUNERATION
    assert agreement.contract.kind == "remuneration" and agreement.contract.number.startswith("REM-")
    agreement = countersigned(signed_by_user(agreement, p.licensee), p.other_cmo_staff)
    assert agreement.status == LicenceStatus.IN_FORCE and agreement.monthly_amount == Decimal("4000")


def test_an_unaccredited_cmo_licenses_only_its_mandated_repertoire(cafe: Personas) -> None:
    p = cafe
    licence = licence_in_force(p)
    assert licence.lines.get().scope == RepertoireScope.MANDATED
    # the personas' holder mandated area 1 to this CMO; the other holder to the other CMO
    own = f.make_work(p.holder, (p.holder_party, "CA", {"PR": Decimal("100")}))
    foreign = f.make_work(p.other_holder, (p.other_party, "CA", {"PR": Decimal("100")}))
    assert coverage(licence, own).covered
    assert not coverage(licence, foreign).covered


def test_an_accredited_cmo_licenses_holders_without_a_mandate_but_not_those_of_another_cmo(
    cafe: Personas,
) -> None:
    p = cafe
    accredit(p, p.cmo, 1)
    licence = licence_in_force(p)
    assert licence.lines.get().scope == RepertoireScope.EXTENDED
    nobody = f.make_person(name_ru="Без Мандата")
    account = f.make_account("free@example.kz", Role.HOLDER, party=nobody)
    unmanaged = f.make_work(account, (nobody, "CA", {"PR": Decimal("100")}))
    managed_elsewhere = f.make_work(p.other_holder, (p.other_party, "CA", {"PR": Decimal("100")}))
    assert coverage(licence, unmanaged).covered
    assert not coverage(licence, managed_elsewhere).covered


def test_the_user_cannot_ask_for_an_agreement_for_another_users_declaration(cafe: Personas) -> None:
    p = cafe
    published(p.cmo_staff)
    declaration = cafe_declaration(p.licensee)
    other = f.make_account("shop@example.kz", Role.LICENSEE, licensee=f.make_licensee())
    with pytest.raises(PermissionError):
        actions.request_agreement(declaration, by=other, cmo=p.cmo, kind="licence")
    with pytest.raises(PermissionError):
        actions.declare_use(by=p.holder, category=category("restaurant"), use="background")


def test_an_agreement_renews_or_ends_by_its_terms(cafe: Personas, clock: object) -> None:
    p = cafe
    licence = licence_in_force(p)
    ends = licence.ends_on
    assert actions.end_or_renew_due(ends) == (0, 0)
    assert actions.end_or_renew_due(ends + dt.timedelta(days=1)) == (1, 0)
    licence.refresh_from_db()
    assert (
        licence.ends_on > ends and ReportDue.objects.filter(licence=licence, period_start__gt=ends).exists()
    )
    assert actions.end_or_renew_due(ends + dt.timedelta(days=1)) == (0, 0)  # twice changes nothing
    licence.renewal = "ends"
    licence.save()
    assert actions.end_or_renew_due(licence.ends_on + dt.timedelta(days=1)) == (0, 1)
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.ENDED
    # its PDF, checked by its link, says it is no longer in force from the day after its last day
    from urllib.parse import urlparse

    from django.test import Client

    assert licence.document is not None
    client = Client()
    client.cookies["django_language"] = "ru"
    page = client.get(urlparse(licence.document.verification_url).path).content.decode()
    from django.utils import translation
    from django.utils.formats import date_format

    with translation.override("ru"):
        after = date_format(licence.ends_on + dt.timedelta(days=1), "DATE_FORMAT")
    assert "Договор больше не действует." in page and f"(с {after})" in page


def test_report_periods_follow_the_calendar_and_the_term() -> None:
    periods = actions.report_periods(dt.date(2026, 2, 15), dt.date(2027, 2, 14), "quarterly", 15)
    assert periods[0] == (dt.date(2026, 2, 15), dt.date(2026, 3, 31), dt.date(2026, 4, 15))
    assert periods[1][:2] == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert periods[-1][:2] == (dt.date(2027, 1, 1), dt.date(2027, 2, 14))


def test_a_suspended_cmo_licenses_only_its_mandated_repertoire(cafe: Personas) -> None:
    from accreditation.models import Accreditation, Suspension
    from udp.core import clock as platform_clock

    p = cafe
    accredit(p, p.cmo, 1)
    today = platform_clock.today()
    Suspension.objects.create(
        accreditation=Accreditation.objects.get(cmo=p.cmo, area__item=1), ground="late_annual_report",
        status="decided", starts_on=today - dt.timedelta(days=1), ends_on=today + dt.timedelta(days=90),
    )  # fmt: skip
    licence = licence_in_force(p)
    assert licence.lines.get().scope == RepertoireScope.MANDATED
    offer = offers.needs(
        category_id=category("restaurant").pk, use="background", parameters={"m2": Decimal("80")}, revenue=None,
        day=today,
    )[0].offers[0]  # fmt: skip
    assert offer.cmo == p.cmo and not offer.accredited
