"""Foreign societies, reciprocal agreements, copies and their deadline, memberships and paths."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction

from registers import reciprocal
from registers.models import (
    CMO,
    Area,
    Conflict,
    ConflictKind,
    Contract,
    ForeignSociety,
    ReciprocalArea,
    SocietyMembership,
)
from registers.public_selectors import reciprocal_paths
from tests import factories as f
from tests.personas import Personas
from udp.accounts.models import Role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def society(code: str = "058", short_name: str = "SACEM", country: str = "FR") -> ForeignSociety:
    return ForeignSociety.objects.create(
        name=f"{short_name} society", short_name=short_name, cisac_code=code, country=country
    )


def area(item: int) -> Area:
    return Area.objects.get(item=item)


def agree(by: Any, cmo: CMO, soc: ForeignSociety, *, items: tuple[int, ...] = (1,), **kw: Any) -> Contract:
    return reciprocal.record_reciprocal_agreement(
        by=by, cmo=cmo, society=soc, areas=[area(i) for i in items],
        concluded_on=kw.pop("concluded_on", dt.date(2026, 3, 2)), valid_from=dt.date(2026, 3, 2), **kw,
    )  # fmt: skip


def test_a_foreign_society_is_a_partner_with_a_three_digit_cisac_code_never_kazakh() -> None:
    society()
    with pytest.raises(IntegrityError), transaction.atomic():
        society(code="58", short_name="X")
    with pytest.raises(IntegrityError), transaction.atomic():
        society(code="999", short_name="KZS", country="KZ")
    with pytest.raises(IntegrityError), transaction.atomic():
        society(code="058", short_name="SACEM2")  # the CISAC code is unique


def test_only_the_operator_enters_foreign_societies(personas: Personas) -> None:
    with pytest.raises(PermissionError):
        reciprocal.enter_foreign_society(by=personas.cmo_admin, reason="x", name="G", short_name="GEMA",
                                         cisac_code="035", country="DE")  # fmt: skip
    made = reciprocal.enter_foreign_society(
        by=personas.operator,
        reason="agreement filed",
        name="GEMA",
        short_name="GEMA",
        cisac_code="035",
        country="de",
    )
    assert made.country == "DE"


def test_an_agreement_with_a_foreign_society_is_a_rec_contract_with_one_row_per_area(
    personas: Personas,
) -> None:
    soc = society()
    contract = agree(personas.cmo_admin, personas.cmo, soc, items=(1, 7))
    assert contract.number.startswith("REC")
    assert contract.foreign_society == soc and contract.counterparty_cmo is None
    rows = ReciprocalArea.objects.filter(contract=contract)
    assert sorted(r.area.item for r in rows) == [1, 7]
    assert {r.cmo for r in rows} == {personas.cmo}


def test_a_reciprocal_contract_names_exactly_one_counterparty_in_the_database(personas: Personas) -> None:
    soc = society()
    base = {"number": "REC-X", "kind": "reciprocal", "cmo": personas.cmo, "concluded_on": dt.date(2026, 1, 1),
            "valid_from": dt.date(2026, 1, 1)}  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.create(**base)
    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.create(**base, foreign_society=soc, counterparty_cmo=personas.other_cmo)


@pytest.mark.statute("A43.4-foreign")
def test_a_foreign_society_mandates_only_one_domestic_cmo_per_area(personas: Personas) -> None:
    soc = society()
    first = agree(personas.cmo_admin, personas.cmo, soc)
    other_admin = f.make_account("admin@qaz.kz", Role.CMO_ADMIN, cmo=personas.other_cmo)
    contracts_before = Contract.objects.count()
    with pytest.raises(ValidationError) as refused:
        agree(other_admin, personas.other_cmo, soc)
    assert "KAZ" in str(refused.value) and first.number in str(refused.value)
    assert Contract.objects.count() == contracts_before  # nothing of the attempt stays but the conflict
    conflict = Conflict.objects.get(kind=ConflictKind.COMPETING_RECIPROCAL)
    assert set(conflict.cmos.all()) == {personas.cmo, personas.other_cmo}
    assert conflict.society == soc and conflict.area == area(1) and conflict.status == "open"
    # both CMOs and the regulator see it
    from registers.claims import conflicts_visible_to

    for reader in (personas.cmo_staff, personas.other_cmo_staff, personas.regulator):
        assert conflicts_visible_to(reader).filter(pk=conflict.pk).exists()
    assert not conflicts_visible_to(personas.other_holder).filter(pk=conflict.pk).exists()
    # a second attempt finds the same conflict open
    with pytest.raises(ValidationError):
        agree(other_admin, personas.other_cmo, soc)
    assert Conflict.objects.filter(kind=ConflictKind.COMPETING_RECIPROCAL).count() == 1


@pytest.mark.statute("A43.4-foreign")
def test_the_database_refuses_a_second_active_cmo_for_a_society_and_area(personas: Personas) -> None:
    soc = society()
    contract = agree(personas.cmo_admin, personas.cmo, soc)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReciprocalArea.objects.create(contract=contract, society=soc, cmo=personas.other_cmo, area=area(1),
                                      valid_from=dt.date(2026, 1, 1))  # fmt: skip


def test_after_an_agreement_ends_the_society_may_mandate_another_cmo(personas: Personas) -> None:
    soc = society()
    first = agree(personas.cmo_admin, personas.cmo, soc)
    reciprocal.end_reciprocal_agreement(first, by=personas.cmo_admin, ended_on=dt.date(2026, 6, 30))
    other_admin = f.make_account("admin@qaz.kz", Role.CMO_ADMIN, cmo=personas.other_cmo)
    second = agree(other_admin, personas.other_cmo, soc, concluded_on=dt.date(2026, 7, 1))
    assert second.reciprocal_areas.get().status == "active"


@pytest.mark.django_db(transaction=True)
@pytest.mark.statute("A43.4-foreign")
def test_two_cmos_racing_for_one_society_and_area_give_exactly_one_agreement(personas: Personas) -> None:
    soc = society()
    other_admin = f.make_account("admin@qaz.kz", Role.CMO_ADMIN, cmo=personas.other_cmo)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(by: Any, cmo: CMO) -> None:
        try:
            barrier.wait(timeout=10)
            agree(by, cmo, soc)
            outcomes.append("made")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=a) for a in ((personas.cmo_admin, personas.cmo),
                                                                  (other_admin, personas.other_cmo))]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["made", "refused"]
    assert ReciprocalArea.objects.filter(society=soc, area=area(1), status="active").count() == 1
    assert Conflict.objects.filter(kind=ConflictKind.COMPETING_RECIPROCAL).count() == 1


def test_only_the_cmos_administrator_or_the_operator_enters_its_agreements(personas: Personas) -> None:
    soc = society()
    for outsider in (personas.cmo_staff, personas.other_cmo_staff, personas.holder, personas.regulator):
        with pytest.raises(PermissionError):
            agree(outsider, personas.cmo, soc)
    with pytest.raises(ValidationError):  # the operator gives a reason
        agree(personas.operator, personas.cmo, soc)
    assert agree(personas.operator, personas.cmo, soc, reason="paper agreement of 2 March").pk


def test_an_agreement_names_areas_the_cmo_works_in(personas: Personas) -> None:
    with pytest.raises(ValidationError):
        agree(personas.cmo_admin, personas.cmo, society(), items=(5,))  # KAZ works in 1 and 7


@pytest.mark.statute("A46.1.10-domestic-reciprocal")
def test_each_cmo_sees_which_domestic_agreements_it_lacks(personas: Personas) -> None:
    third = f.make_cmo("AVT", areas=(7,))
    missing = {
        row.cmo.short_name: {c.short_name for c in row.missing}
        for row in reciprocal.missing_domestic_agreements()
    }
    assert missing == {"AVT": {"KAZ", "QAZ"}, "KAZ": {"AVT", "QAZ"}, "QAZ": {"AVT", "KAZ"}}
    reciprocal.record_reciprocal_agreement(
        by=personas.cmo_admin, cmo=personas.cmo, counterparty_cmo=personas.other_cmo, areas=[area(1)],
        concluded_on=dt.date(2026, 1, 10), valid_from=dt.date(2026, 1, 10),
    )  # fmt: skip
    assert {c.short_name for c in reciprocal.missing_for(personas.other_cmo)} == {
        "AVT"
    }  # either side entered it
    assert {c.short_name for c in reciprocal.missing_for(third)} == {"KAZ", "QAZ"}
    with pytest.raises(ValidationError):
        reciprocal.record_reciprocal_agreement(
            by=personas.cmo_admin, cmo=personas.cmo, counterparty_cmo=personas.cmo, areas=[area(1)],
            concluded_on=dt.date(2026, 1, 10), valid_from=dt.date(2026, 1, 10),
        )  # fmt: skip


def test_an_agreement_that_expired_counts_as_missing(personas: Personas, clock: Any) -> None:
    reciprocal.record_reciprocal_agreement(
        by=personas.cmo_admin, cmo=personas.cmo, counterparty_cmo=personas.other_cmo, areas=[area(1)],
        concluded_on=dt.date(2026, 1, 10), valid_from=dt.date(2026, 1, 10), valid_until=dt.date(2026, 12, 31),
    )  # fmt: skip
    clock.travel_to(dt.date(2026, 12, 31))
    assert reciprocal.missing_for(personas.cmo) == []
    clock.travel_to(dt.date(2027, 1, 1))
    assert reciprocal.missing_for(personas.cmo) == [personas.other_cmo]


@pytest.mark.statute("A46.1.12-10wd")
def test_the_copy_is_due_ten_working_days_after_conclusion_and_a_late_one_is_flagged(
    personas: Personas, clock: Any
) -> None:
    # concluded Friday 20 March 2026; Nauryz (21-23 March, the weekend days moved to 24-25 March) is not
    # counted, so the ten working days are 26, 27, 30, 31 March and 1, 2, 3, 6, 7, 8 April
    contract = agree(personas.cmo_admin, personas.cmo, society(), concluded_on=dt.date(2026, 3, 20))
    assert contract.copy_due_on == dt.date(2026, 4, 8)
    clock.travel_to(dt.date(2026, 4, 8))
    assert not reciprocal.late_copies().filter(pk=contract.pk).exists()
    clock.travel_to(dt.date(2026, 4, 9))
    assert reciprocal.late_copies().filter(pk=contract.pk).exists()
    # the administrator is sent to the agreement's page to place it
    from tests import factories as f

    page = f.signed_in(personas.cmo_admin).get("/publications/").content.decode()
    assert f'href="/cmo/reciprocal/{contract.pk}/">Place the copy</a>' in page
    placed = reciprocal.place_agreement_copy(
        contract, by=personas.cmo_admin, upload=SimpleUploadedFile("rec.pdf", PDF, "application/pdf")
    )
    assert placed.copy_placed_on == dt.date(2026, 4, 9) and placed.copy_late
    assert reciprocal.late_copies().filter(pk=contract.pk).exists()  # placed, but late: stays flagged


@pytest.mark.statute("A46.1.12-10wd")
def test_a_copy_placed_in_time_is_not_flagged(personas: Personas, clock: Any) -> None:
    contract = agree(personas.cmo_admin, personas.cmo, society(), concluded_on=dt.date(2026, 3, 20))
    clock.travel_to(dt.date(2026, 4, 3))
    reciprocal.place_agreement_copy(
        contract, by=personas.cmo_admin, upload=SimpleUploadedFile("rec.pdf", PDF, "application/pdf")
    )
    clock.travel_to(dt.date(2026, 5, 1))
    assert not reciprocal.late_copies().filter(pk=contract.pk).exists()
    contract.refresh_from_db()
    assert not contract.copy_late


def test_a_copy_must_be_a_pdf_or_a_scan_and_only_a_party_places_it(personas: Personas) -> None:
    contract = agree(personas.cmo_admin, personas.cmo, society())
    with pytest.raises(ValidationError):
        reciprocal.place_agreement_copy(
            contract,
            by=personas.cmo_admin,
            upload=SimpleUploadedFile("x.pdf", b"MZ\x90\x00", "application/pdf"),
        )
    with pytest.raises(PermissionError):
        reciprocal.place_agreement_copy(
            contract, by=personas.other_cmo_staff, upload=SimpleUploadedFile("x.pdf", PDF, "application/pdf")
        )


def test_reciprocal_paths_name_the_domestic_cmo_society_and_agreement_on_a_day(personas: Personas) -> None:
    soc = society()
    contract = agree(personas.cmo_admin, personas.cmo, soc)
    foreign = f.make_person(name_lat="Camille Martin", citizenship="FR", resident=False)
    reciprocal.record_society_membership(by=personas.cmo_staff, party=foreign, society=soc, area=area(1),
                                         since=dt.date(2010, 1, 1))  # fmt: skip
    (path,) = reciprocal_paths({foreign.pk}, dt.date(2026, 4, 1))
    assert (path.holder_id, path.area_id, path.cmo, path.society, path.contract) == (
        foreign.pk, area(1).pk, personas.cmo, soc, contract
    )  # fmt: skip
    assert reciprocal_paths({foreign.pk}, dt.date(2026, 3, 1)) == []  # before the agreement
    reciprocal.end_reciprocal_agreement(contract, by=personas.cmo_admin, ended_on=dt.date(2026, 6, 30))
    assert len(reciprocal_paths({foreign.pk}, dt.date(2026, 6, 30))) == 1
    assert reciprocal_paths({foreign.pk}, dt.date(2026, 7, 1)) == []


def test_memberships_are_entered_by_the_societys_domestic_cmo_or_the_operator(personas: Personas) -> None:
    soc = society()
    agree(personas.cmo_admin, personas.cmo, soc)
    foreign = f.make_person(name_lat="Anna Müller", citizenship="DE", resident=False)
    with pytest.raises(PermissionError):
        reciprocal.record_society_membership(
            by=personas.other_cmo_staff, party=foreign, society=soc, area=area(1)
        )
    reciprocal.record_society_membership(by=personas.cmo_staff, party=foreign, society=soc, area=area(1))
    with pytest.raises(ValidationError):
        reciprocal.record_society_membership(by=personas.cmo_staff, party=foreign, society=soc, area=area(1))
    assert SocietyMembership.objects.filter(party=foreign).count() == 1


def test_a_cwr_files_society_fields_record_the_foreign_memberships_the_platform_knows(
    personas: Personas, settings: Any, tmp_path: Any
) -> None:
    from registers.tests.test_cwr import REAL_FILE, import_cwr

    settings.MEDIA_ROOT = tmp_path
    ascap = society(code="010", short_name="ASCAP", country="US")
    prs = society(code="052", short_name="PRS", country="GB")
    batch = import_cwr(personas.cmo_staff, REAL_FILE.read_bytes())
    assert batch.status == "done"
    rows = {
        (m.party.ipi_names.get().name_number, m.society.short_name, m.area.item, m.source)
        for m in SocietyMembership.objects.select_related("party", "society", "area")
    }
    # the writers name ASCAP (010) for performing; the publisher PRS (052) for performing and 044
    # (a society the platform does not know) for mechanical rights
    assert rows == {
        ("00000000199", "ASCAP", 1, "cwr"),
        ("00000000297", "ASCAP", 1, "cwr"),
        ("09000000020", "PRS", 1, "cwr"),
    }
    assert {ascap, prs} == set(ForeignSociety.objects.exclude(memberships=None))
