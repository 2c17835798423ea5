"""The platform finds conflicts itself, the parties add evidence, the operator decides, money waits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from registers import answers, conflicts, reciprocal
from registers.actions import ContributorInput, change_work
from registers.models import Area, Conflict, ConflictKind, ForeignSociety, SocietyMembership, Work
from registers.tasks import detect_conflicts
from tests import factories as f
from tests.personas import Personas
from udp.accounts.models import Role

pytestmark = pytest.mark.django_db

D = Decimal


def area(item: int) -> Area:
    return Area.objects.get(item=item)


def sacem_through(personas: Personas) -> ForeignSociety:
    """SACEM's repertoire in area 1 reaches Kazakhstan through the other CMO (QAZ)."""
    society = ForeignSociety.objects.create(name="SACEM", short_name="SACEM", cisac_code="058", country="FR")
    admin = f.make_account("admin@qaz.kz", Role.CMO_ADMIN, cmo=personas.other_cmo)
    reciprocal.record_reciprocal_agreement(
        by=admin, cmo=personas.other_cmo, society=society, areas=[area(1)],
        concluded_on=dt.date(2026, 1, 5), valid_from=dt.date(2026, 1, 5),
    )  # fmt: skip
    return society


def co_written(personas: Personas) -> Work:
    """A work of the holder (KAZ's member) and the other holder (QAZ's member), 50/50 performing."""
    return f.make_work(
        personas.operator,
        (personas.holder_party, "CA", {"PR": D(50)}),
        (personas.other_party, "CA", {"PR": D(50)}),
        reason="registration",
    )


def test_co_authors_in_different_cmos_are_not_a_conflict(personas: Personas) -> None:
    sacem_through(personas)
    co_written(personas)
    assert detect_conflicts() == 0
    assert not Conflict.objects.exists()


def test_two_cmos_claiming_one_holder_and_their_works_are_found_per_contributor_and_right_type(
    personas: Personas, clock: Any
) -> None:
    clock.travel_to(dt.date(2026, 3, 1))
    society = sacem_through(personas)
    work = co_written(personas)
    solo = f.make_work(personas.operator, (personas.other_party, "CA", {"PR": D(100)}), reason="registration")
    # the holder, mandated to KAZ for area 1, is also a SACEM member for area 1, which QAZ represents
    SocietyMembership.objects.create(party=personas.holder_party, society=society, area=area(1), source="cmo")
    assert detect_conflicts() == 2  # one on the holder, one on the holder's share in the work
    holder_conflict = Conflict.objects.get(kind=ConflictKind.COMPETING_HOLDER_CLAIMS)
    assert set(holder_conflict.cmos.all()) == {personas.cmo, personas.other_cmo}
    assert personas.holder_party in holder_conflict.parties.all() and holder_conflict.area == area(1)
    assert "SACEM" in holder_conflict.params["claims"] and "MAN-" in holder_conflict.params["claims"]
    work_conflict = Conflict.objects.get(kind=ConflictKind.COMPETING_WORK_CLAIMS)
    assert (work_conflict.work, work_conflict.right_type, work_conflict.area) == (work, "PR", area(1))
    assert personas.other_party not in work_conflict.parties.all()  # the co-author's share is not disputed
    # found again, not opened twice
    assert detect_conflicts() == 0 and Conflict.objects.filter(status="open").count() == 2
    # money: the work waits in area 1 (and the co-author's solo work does not); area 7 is not touched
    held = conflicts.held_by_conflict([work.pk, solo.pk], area(1))
    assert set(held) == {work.pk} and set(held[work.pk]) == {holder_conflict.pk, work_conflict.pk}
    assert conflicts.held_by_conflict([work.pk], area(7)) == {}
    # the cause goes (the membership ends): the checks close both, and the money is free
    SocietyMembership.objects.filter(party=personas.holder_party).update(until=dt.date(2026, 3, 31))
    clock.travel_to(dt.date(2026, 4, 1))
    detect_conflicts()
    assert not Conflict.objects.filter(status="open").exists()
    assert conflicts.held_by_conflict([work.pk], area(1)) == {}


def test_a_membership_entered_by_a_cmo_is_checked_at_once(personas: Personas) -> None:
    society = sacem_through(personas)
    reciprocal.record_society_membership(
        by=personas.other_cmo_staff, party=personas.holder_party, society=society, area=area(1)
    )
    assert Conflict.objects.filter(kind=ConflictKind.COMPETING_HOLDER_CLAIMS, status="open").count() == 1


def test_open_claims_of_different_claimants_above_100_percent_are_an_over_claim(personas: Personas) -> None:
    work = co_written(personas)
    holder_claims = change_work(work, by=personas.holder, contributors=[
        ContributorInput(party=personas.holder_party, role="CA", shares={"PR": D(70)}),
        ContributorInput(party=personas.other_party, role="CA", shares={"PR": D(30)}),
    ])  # fmt: skip
    assert holder_claims.proposal is not None
    assert conflicts.detect_over_claims({work.pk}) == []  # one claimant: a proposal, not a conflict
    change_work(work, by=personas.other_holder, contributors=[
        ContributorInput(party=personas.holder_party, role="CA", shares={"PR": D(40)}),
        ContributorInput(party=personas.other_party, role="CA", shares={"PR": D(60)}),
    ])  # fmt: skip
    (over,) = conflicts.detect_over_claims({work.pk})
    assert (over.kind, over.work, over.right_type, over.params["total"]) == (
        "over_claim",
        work,
        "PR",
        "130.00",
    )
    assert set(over.parties.all()) == {personas.holder_party, personas.other_party}
    assert list(conflicts.held_by_conflict([work.pk], area(1))) == [work.pk]
    # one claim is withdrawn: the rest add up to no more than 100 %, and the checks close the conflict
    answers.withdraw(holder_claims.proposal, by=personas.holder)
    conflicts.detect_over_claims({work.pk})
    over.refresh_from_db()
    assert over.status == "resolved" and over.resolved_by is None


def test_parties_and_their_cmos_add_evidence_and_the_operator_decides(personas: Personas) -> None:
    society = sacem_through(personas)
    SocietyMembership.objects.create(party=personas.holder_party, society=society, area=area(1), source="cmo")
    conflicts.detect_for_holders({personas.holder_party.pk})
    conflict = Conflict.objects.get(kind=ConflictKind.COMPETING_HOLDER_CLAIMS)
    pdf = SimpleUploadedFile("mandate.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    mine = conflicts.add_evidence(conflict, by=personas.holder, text="I left SACEM in 2019.", upload=pdf)
    assert (mine.party, mine.cmo, mine.file_name) == (personas.holder_party, None, "mandate.pdf")
    theirs = conflicts.add_evidence(conflict, by=personas.other_cmo_staff, text="SACEM lists the holder.")
    assert (theirs.party, theirs.cmo) == (None, personas.other_cmo)
    for outsider in (personas.other_holder, personas.licensee, personas.regulator):
        with pytest.raises(PermissionError):
            conflicts.add_evidence(conflict, by=outsider, text="x")
    with pytest.raises(ValidationError):
        conflicts.add_evidence(conflict, by=personas.holder, text=" ")
    with pytest.raises(PermissionError):
        answers.resolve_conflict(conflict, by=personas.cmo_admin, resolution="ours")
    answers.resolve_conflict(
        conflict, by=personas.operator, resolution="SACEM confirmed the holder left in 2019."
    )
    conflict.refresh_from_db()
    assert conflict.status == "resolved" and conflict.resolved_by == personas.operator
    with pytest.raises(PermissionError):  # a decided conflict takes no more evidence
        conflicts.add_evidence(conflict, by=personas.holder, text="more")


def test_the_holder_is_told_when_a_conflict_concerns_them(personas: Personas) -> None:
    from udp.notices.models import Notice

    society = sacem_through(personas)
    SocietyMembership.objects.create(party=personas.holder_party, society=society, area=area(1), source="cmo")
    conflicts.detect_for_holders({personas.holder_party.pk})
    told = set(Notice.objects.filter(code="conflict_opened").values_list("recipient__email", flat=True))
    assert {"holder@example.kz", "staff@kaz.kz", "staff@qaz.kz", "admin@kaz.kz"} <= told
    assert "other-holder@example.kz" not in told


def test_an_agreement_that_brings_a_member_to_a_second_cmo_is_checked_at_once(personas: Personas) -> None:
    society = ForeignSociety.objects.create(name="GEMA", short_name="GEMA", cisac_code="035", country="DE")
    SocietyMembership.objects.create(
        party=personas.holder_party, society=society, area=area(1), source="operator"
    )
    assert not Conflict.objects.exists()  # no agreement yet: GEMA's members reach no CMO
    admin = f.make_account("admin@qaz.kz", Role.CMO_ADMIN, cmo=personas.other_cmo)
    reciprocal.record_reciprocal_agreement(
        by=admin, cmo=personas.other_cmo, society=society, areas=[area(1)],
        concluded_on=dt.date(2026, 1, 5), valid_from=dt.date(2026, 1, 5),
    )  # fmt: skip
    conflict = Conflict.objects.get(kind=ConflictKind.COMPETING_HOLDER_CLAIMS)
    assert set(conflict.cmos.all()) == {personas.cmo, personas.other_cmo}
