"""What each statutory register stores (Art. 45-1.2), and the invariants the database itself enforces.

Constraint tests write past Python validation (``objects.create``, ``bulk_create``, raw SQL) to show
that the database refuses the row on its own, and name the constraint that does it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from registers.actions import ContributorInput, register_work, validate_shares
from registers.models import (
    CMO,
    Area,
    BankAccount,
    CMOArea,
    Contract,
    EmbodiedWork,
    IPIName,
    Licensee,
    LicenseeLocation,
    Mandate,
    Party,
    PartyKind,
    Pseudonym,
    Share,
    Succession,
    UserCategory,
    Work,
    WorkContributor,
    WorkKind,
)
from registers.models.contracts import CONTRACT_SERIES, ContractKind, MandateStatus
from tests import factories as f
from udp.core.numbering import allocate_number

D = dt.date
P = Decimal

#: Registered July 2015, type 4, digit 1 (the factories always use 0 there, so no clash), serial 00007.
#: Weights 1..11 give 142 = 10 (mod 11), so the second pass decides: 115 = 5 (mod 11).
ENTITY_BIN = "150741000075"


def refused_by(constraint: str) -> Any:
    """Expect the database to refuse the write, naming ``constraint`` (use with transaction.atomic())."""
    return pytest.raises(IntegrityError, match=constraint)


@contextlib.contextmanager
def checked_as_at_commit() -> Iterator[None]:
    """Run the block in a savepoint and fire the deferred constraints at its end, as a commit would."""
    with transaction.atomic():
        yield
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with connection.cursor() as cursor:  # back to the default for the rest of the test
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def in_own_connection(scenario: Callable[[], Any]) -> Any:
    """Run ``scenario`` in a thread with its own database connection, whose transactions really commit."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = scenario()
        except BaseException as exc:  # handed back to the test
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def two_author_work(by: Any, shares_a: dict[str, Decimal], shares_b: dict[str, Decimal]) -> Work:
    a, b = f.make_person(), f.make_person()
    return register_work(
        by=by,
        title="Two authors",
        contributors=[ContributorInput(a, "C", shares_a), ContributorInput(b, "A", shares_b)],
    )


# --- Shares: for each work and right type they sum to exactly 100 -------------------------------------

works = pytest.mark.statute("A45-1.2-works")


@works
@pytest.mark.parametrize(("second", "total"), [(P("49.99"), "99.99"), (P("50.01"), "100.01")])
def test_the_database_refuses_bulk_created_shares_that_miss_100(personas, second, total):
    work = two_author_work(personas.operator, {}, {})
    first_contributor, second_contributor = work.contributors.all()
    with refused_by(f"sum to {total}, not 100"), checked_as_at_commit():
        Share.objects.bulk_create(
            [
                Share(work=work, contributor=first_contributor, right_type="PR", percent=P("50.00")),
                Share(work=work, contributor=second_contributor, right_type="PR", percent=second),
            ]
        )
    assert not Share.objects.filter(work=work).exists()


@works
def test_the_database_accepts_bulk_created_shares_that_make_exactly_100(personas):
    work = two_author_work(personas.operator, {}, {})
    first_contributor, second_contributor = work.contributors.all()
    with checked_as_at_commit():
        Share.objects.bulk_create(
            [
                Share(work=work, contributor=first_contributor, right_type="PR", percent=P("50.01")),
                Share(work=work, contributor=second_contributor, right_type="PR", percent=P("49.99")),
            ]
        )
    assert Share.objects.filter(work=work).count() == 2


@works
def test_the_database_refuses_a_raw_sql_update_that_breaks_the_sum(personas):
    work = two_author_work(personas.operator, {"PR": P(50), "MR": P(50)}, {"PR": P(50), "MR": P(50)})
    share = work.shares.filter(right_type="MR").first()
    with refused_by("right type MR sum to 99.99, not 100"), checked_as_at_commit():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE registers_share SET percent = 49.99 WHERE id = %s", [share.pk])
    assert Share.objects.get(pk=share.pk).percent == P("50.00")


@works
def test_shares_that_miss_100_are_refused_when_the_transaction_commits(personas):
    """No SET CONSTRAINTS here: a separate connection commits, and the commit itself fails."""

    def scenario() -> int:
        party = Party.objects.create(name_lat="Committed Author")
        work = Work.objects.create(title="Committed work")
        contributor = WorkContributor.objects.create(work=work, party=party, role="CA")
        try:
            with refused_by("sum to 99.99, not 100"), transaction.atomic():
                Share.objects.create(work=work, contributor=contributor, right_type="PR", percent=P("99.99"))
            return Share.objects.filter(work=work).count()
        finally:
            work.delete()
            party.delete()

    assert in_own_connection(scenario) == 0


@works
def test_a_share_moved_to_another_work_than_its_contributor_is_refused(personas):
    first = f.make_work(personas.operator, (f.make_person(), "CA", {"PR": P(100)}))
    second = f.make_work(personas.operator, (f.make_person(), "CA", {"PR": P(100)}))
    first_share, second_share = first.shares.get(), second.shares.get()
    # Swapping keeps each work at 100 %, so only the contributor check can refuse it.
    with refused_by("belongs to another work than its contributor"), checked_as_at_commit():
        Share.objects.filter(pk=first_share.pk).update(work=second)
        Share.objects.filter(pk=second_share.pk).update(work=first)
    assert Share.objects.get(pk=first_share.pk).work_id == first.pk


@works
def test_deleting_every_share_of_a_right_type_is_allowed_but_not_just_one(personas):
    work = two_author_work(personas.operator, {"PR": P(50), "MR": P(50)}, {"PR": P(50), "MR": P(50)})
    with checked_as_at_commit():
        work.shares.filter(right_type="PR").delete()
    assert list(work.shares.values_list("right_type", flat=True)) == ["MR", "MR"]
    with refused_by("right type MR sum to 50.00, not 100"), checked_as_at_commit():
        work.shares.filter(right_type="MR").first().delete()


@works
def test_validate_shares_names_the_right_type_whose_sum_is_wrong(db, english):
    a, b = f.make_person(), f.make_person()
    with pytest.raises(ValidationError) as excinfo:
        validate_shares(
            [
                ContributorInput(a, "C", {"PR": P("50"), "MR": P("50")}),
                ContributorInput(b, "A", {"PR": P("49.99"), "MR": P("50")}),
            ]
        )
    assert excinfo.value.messages == ["Shares for PR sum to 99.99 %, not 100 %."]


@works
def test_register_work_refuses_shares_that_miss_100_and_stores_nothing(personas):
    before = Work.objects.count()
    with pytest.raises(ValidationError, match="100.01"):
        two_author_work(personas.operator, {"PR": P("50.01")}, {"PR": P(50)})
    assert Work.objects.count() == before


# --- The register of works -------------------------------------------------------------------------


@works
def test_the_register_of_works_keeps_every_kind_with_its_identifiers_contributors_and_shares(personas):
    assert set(WorkKind.values) == {
        "musical", "recording", "performance", "audiovisual", "literary", "fine_art"
    }  # fmt: skip
    composer, lyricist, publisher = f.make_person(), f.make_person(), f.make_entity()
    song = register_work(
        by=personas.operator,
        title="Менің Қазақстаным",
        iswc="T-034.524.680-1",
        contributors=[
            ContributorInput(composer, "C", {"PR": P("33.34"), "MR": P("25")}),
            ContributorInput(lyricist, "A", {"PR": P("33.33"), "MR": P("25")}),
            ContributorInput(publisher, "E", {"PR": P("33.33"), "MR": P("50")}),
        ],
    )
    recording = register_work(
        by=personas.operator,
        kind="recording",
        title="Менің Қазақстаным (live)",
        isrc="KZ-A01-25-00001",
        embodied_works=[song],
        contributors=[ContributorInput(f.make_person(), "PER", {"RR": P(100)})],
    )
    film = register_work(
        by=personas.operator,
        kind="audiovisual",
        title="Фильм",
        isan="0000-0000-D07A-0090-Q-0000-0000-X",
        contributors=[ContributorInput(f.make_person(), "DIR", {})],
    )
    others = {
        kind: register_work(
            by=personas.operator, kind=kind, title=kind, contributors=[ContributorInput(composer, "A", {})]
        )
        for kind in ("performance", "literary", "fine_art")
    }

    assert Work.objects.get(pk=song.pk).iswc == "T0345246801"
    assert Work.objects.get(pk=recording.pk).isrc == "KZA012500001"
    assert Work.objects.get(pk=film.pk).isan == "00000000D07A0090Q00000000X"
    assert {kind: Work.objects.get(pk=w.pk).kind for kind, w in others.items()} == {
        "performance": "performance", "literary": "literary", "fine_art": "fine_art"
    }  # fmt: skip
    assert list(song.contributors.values_list("party_id", "role")) == [
        (composer.pk, "C"),
        (lyricist.pk, "A"),
        (publisher.pk, "E"),
    ]
    mechanical = song.shares.filter(right_type="MR").order_by("contributor__sequence")
    assert list(mechanical.values_list("percent", flat=True)) == [P(25), P(25), P(50)]
    assert list(song.recordings.all()) == [recording]
    assert list(recording.embodied_works.all()) == [song]


@works
def test_the_database_keeps_each_identifier_on_its_kind_of_work(db):
    with refused_by("work_iswc_only_musical"), transaction.atomic():
        Work.objects.create(kind="recording", title="Recording with an ISWC", iswc="T0345246801")
    with refused_by("work_isrc_only_recordings"), transaction.atomic():
        Work.objects.create(kind="musical", title="Song with an ISRC", isrc="KZA012500001")
    with refused_by("work_iswc_format"), transaction.atomic():
        Work.objects.create(kind="musical", title="Song with a dotted ISWC", iswc="X0345246801")


@works
def test_a_recording_cannot_embody_itself(db):
    recording = Work.objects.create(kind="recording", title="Self")
    with refused_by("embodied_work_not_self"), transaction.atomic():
        EmbodiedWork.objects.create(recording=recording, work=recording)


# --- The register of authors and rightsholders -----------------------------------------------------

holders = pytest.mark.statute("A45-1.2-holders")


@holders
def test_the_register_of_holders_keeps_persons_with_their_identifiers_names_dates_and_heirs(db):
    author = f.make_person(
        name_kk="Шәмші Қалдаяқов",
        name_ru="Шамши Калдаяков",
        name_lat="Shamshi Kaldayakov",
        iin="850714301234",
        birth_date=D(1985, 7, 14),
        death_date=D(2020, 3, 29),
        citizenship="KZ",
        resident=True,
        isni="000000012281955X",
        ipi_base_number="I-000000229-7",
    )
    Pseudonym.objects.create(party=author, name="Шәмші")
    IPIName.objects.create(party=author, name_number="00000000199", name_type="PA", name="KALDAYAKOV SHAMSHI")
    IPIName.objects.create(party=author, name_number="00000000297", name_type="PP", name="SHAMSHI")
    heir = f.make_person(name_lat="Heir One", citizenship="RU", resident=False)
    Succession.objects.create(predecessor=author, successor=heir, share=P(100), since=D(2020, 9, 30))
    publisher = f.make_entity(bin=ENTITY_BIN)

    stored = Party.objects.get(pk=author.pk)
    assert (stored.kind, stored.iin, stored.isni) == (PartyKind.PERSON, "850714301234", "000000012281955X")
    assert (stored.birth_date, stored.death_date, stored.citizenship, stored.resident) == (
        D(1985, 7, 14),
        D(2020, 3, 29),
        "KZ",
        True,
    )
    assert list(stored.pseudonyms.values_list("name", flat=True)) == ["Шәмші"]
    assert sorted(stored.ipi_names.values_list("name_number", "name_type")) == [
        ("00000000199", "PA"), ("00000000297", "PP")
    ]  # fmt: skip
    assert [(s.successor_id, s.share) for s in stored.successions.all()] == [(heir.pk, P("100.00"))]
    assert Party.objects.get(pk=heir.pk).resident is False
    stored_publisher = Party.objects.get(pk=publisher.pk)
    assert (stored_publisher.kind, stored_publisher.bin, stored_publisher.iin) == ("entity", ENTITY_BIN, None)


@holders
def test_the_database_refuses_an_iin_on_an_entity_a_bin_on_a_person_and_death_before_birth(db):
    with refused_by("party_iin_only_for_persons"), transaction.atomic():
        Party.objects.create(kind=PartyKind.ENTITY, name_lat="Entity with an IIN", iin="850714301234")
    with refused_by("party_bin_only_for_entities"), transaction.atomic():
        Party.objects.create(kind=PartyKind.PERSON, name_lat="Person with a BIN", bin=ENTITY_BIN)
    with refused_by("party_death_after_birth"), transaction.atomic():
        Party.objects.create(name_lat="Died before born", birth_date=D(1950, 1, 2), death_date=D(1950, 1, 1))
    with refused_by("party_entities_have_no_life_dates"), transaction.atomic():
        Party.objects.create(kind=PartyKind.ENTITY, name_lat="Entity born", birth_date=D(2000, 1, 1))
    with refused_by("party_has_a_name"), transaction.atomic():
        Party.objects.create(kind=PartyKind.PERSON)
    with refused_by("party_iin_12_digits"), transaction.atomic():
        Party.objects.create(name_lat="Short IIN", iin="85071430123")


@holders
def test_the_database_refuses_a_foreign_iban_and_a_malformed_ipi_name_number(db):
    party = f.make_person()
    with refused_by("bank_account_kz_iban"), transaction.atomic():
        BankAccount.objects.create(party=party, iban="DE89370400440532013000")
    with refused_by("ipi_name_number_11_digits"), transaction.atomic():
        IPIName.objects.create(party=party, name_number="199")
    BankAccount.objects.create(party=party, iban="KZ86125KZT5004100100")
    assert party.bank_accounts.get().iban == "KZ86125KZT5004100100"


@holders
def test_model_validation_explains_what_is_wrong_with_a_party(db, english):
    entity_with_iin = Party(kind=PartyKind.ENTITY, name_lat="X", iin="850714301234")
    with pytest.raises(ValidationError) as excinfo:
        entity_with_iin.full_clean()
    assert excinfo.value.message_dict["iin"] == ["A legal entity has a BIN, not an IIN."]

    wrong_birth = Party(name_lat="Y", iin="850714301234", birth_date=D(1985, 7, 15))
    with pytest.raises(ValidationError) as excinfo:
        wrong_birth.full_clean()
    assert excinfo.value.message_dict["iin"] == ["The IIN encodes a different date of birth."]

    dead_before_born = Party(name_lat="Z", birth_date=D(1950, 1, 2), death_date=D(1950, 1, 1))
    with pytest.raises(ValidationError) as excinfo:
        dead_before_born.full_clean()
    assert excinfo.value.message_dict["death_date"] == ["The date of death is before the date of birth."]


@holders
def test_an_heir_cannot_inherit_from_themselves_or_take_more_than_100_percent(db):
    author = f.make_person()
    with refused_by("succession_not_self"), transaction.atomic():
        Succession.objects.create(predecessor=author, successor=author, share=P(100))
    with refused_by("succession_share_range"), transaction.atomic():
        Succession.objects.create(predecessor=author, successor=f.make_person(), share=P("100.01"))


# --- The register of CMOs ---------------------------------------------------------------------------


@pytest.mark.statute("A45-1.2-cmos")
def test_the_register_of_cmos_keeps_bin_charter_areas_representatives_branches_and_foreign_societies(db):
    party = f.make_entity(name_ru="ОКУП Тест", name_lat="Test CMO", bin=ENTITY_BIN)
    cmo = CMO.objects.create(
        party=party,
        short_name="TST",
        charter="cmo/charters/tst.pdf",
        charter_date=D(2005, 3, 1),
        legal_address="Астана",
    )
    CMOArea.objects.create(cmo=cmo, area=Area.objects.get(item=1), since=D(2005, 4, 1))
    CMOArea.objects.create(cmo=cmo, area=Area.objects.get(item=5), since=D(2010, 1, 1))
    cmo.representatives.create(name="Асель Нурланова", position="Representative", region="Алматы")
    cmo.branches.create(city="Шымкент", address="ул. Тауке хана 1", head="Бауыржан Оспанов")

    stored = CMO.objects.get(pk=cmo.pk)
    assert (stored.party.bin, stored.charter.name, stored.charter_date) == (
        ENTITY_BIN, "cmo/charters/tst.pdf", D(2005, 3, 1)
    )  # fmt: skip
    assert sorted(stored.areas.values_list("item", flat=True)) == [1, 5]
    assert list(stored.representatives.values_list("name", "region")) == [("Асель Нурланова", "Алматы")]
    assert list(stored.branches.values_list("city", flat=True)) == ["Шымкент"]
    with refused_by("cmo_area_unique"), transaction.atomic():
        CMOArea.objects.create(cmo=cmo, area=Area.objects.get(item=1))


# --- The register of users ------------------------------------------------------------------------


@pytest.mark.statute("A45-1.2-users")
def test_the_register_of_users_keeps_entities_and_persons_with_a_category_and_locations(db):
    restaurant = Licensee.objects.create(
        party=f.make_entity(bin=ENTITY_BIN),
        category=UserCategory.objects.get(code="restaurant"),
        trade_name="Дастархан",
    )
    restaurant.locations.create(name="Дастархан на Абая", city="Алматы", address="пр. Абая 10", area_m2=120)
    restaurant.locations.create(name="Дастархан Есиль", city="Астана", area_m2=80)
    entrepreneur = Licensee.objects.create(
        party=f.make_person(iin="850714301234", birth_date=D(1985, 7, 14)),
        category=UserCategory.objects.get(code="fitness"),
    )

    stored = Licensee.objects.get(pk=restaurant.pk)
    assert (stored.party.bin, stored.category.code) == (ENTITY_BIN, "restaurant")
    assert stored.trade_name == "Дастархан"
    assert sorted(stored.locations.values_list("city", "area_m2")) == [("Алматы", 120), ("Астана", 80)]
    stored_entrepreneur = Licensee.objects.get(pk=entrepreneur.pk)
    assert (stored_entrepreneur.party.iin, stored_entrepreneur.category.code) == ("850714301234", "fitness")
    with refused_by("location_area_positive"), transaction.atomic():
        LicenseeLocation.objects.create(licensee=restaurant, name="Zero", city="Алматы", area_m2=0)


# --- The register of contracts ----------------------------------------------------------------------

contracts = pytest.mark.statute("A45-1.2-contracts")


def contract(kind: str, cmo: CMO, **parties: Any) -> Contract:
    return Contract.objects.create(
        number=allocate_number(CONTRACT_SERIES[ContractKind(kind)]),
        kind=kind,
        cmo=cmo,
        concluded_on=D(2026, 1, 15),
        valid_from=D(2026, 2, 1),
        **parties,
    )


@contracts
def test_the_register_of_contracts_keeps_mandates_licences_reciprocal_and_remuneration_agreements(personas):
    licensee = personas.licensee.licensee
    mandate = contract("mandate", personas.cmo, holder=personas.other_party)
    licence = contract("licence", personas.cmo, licensee=licensee, location="Алматы")
    reciprocal = contract("reciprocal", personas.cmo, counterparty_cmo=personas.other_cmo)
    remuneration = contract("remuneration", personas.cmo, licensee=licensee)

    entered = [mandate.pk, licence.pk, reciprocal.pk, remuneration.pk]
    stored = {c.kind: c for c in Contract.objects.filter(pk__in=entered)}
    assert stored["mandate"].holder == personas.other_party
    assert (stored["licence"].licensee, stored["licence"].location) == (licensee, "Алматы")
    assert stored["reciprocal"].counterparty_cmo == personas.other_cmo
    assert stored["remuneration"].licensee == licensee
    # The personas fixture already registered MAN-0000001 and MAN-0000002.
    assert [mandate.number, licence.number, reciprocal.number, remuneration.number] == [
        "MAN-0000003",
        "LIC-0000001",
        "REC-0000001",
        "REM-0000001",
    ]


@contracts
@pytest.mark.parametrize(
    ("kind", "wrong_party"),
    [
        ("mandate", "licensee"),
        ("licence", "holder"),
        ("remuneration", "counterparty_cmo"),
        ("reciprocal", "holder"),
    ],
)
def test_the_database_refuses_a_contract_without_its_counterparty(personas, kind, wrong_party):
    parties = {
        "holder": personas.holder_party,
        "licensee": personas.licensee.licensee,
        "counterparty_cmo": personas.other_cmo,
    }
    with refused_by("contract_has_its_counterparty"), transaction.atomic():
        contract(kind, personas.cmo, **{wrong_party: parties[wrong_party]})


@contracts
def test_the_database_allows_one_active_mandate_per_holder_and_area(personas):
    # personas: the holder has an active mandate to KAZ for area 1.
    holder, area_1, area_7 = personas.holder_party, Area.objects.get(item=1), Area.objects.get(item=7)
    second = contract("mandate", personas.other_cmo, holder=holder)

    def mandate(area: Area, valid_from: dt.date) -> Mandate:
        return Mandate.objects.create(
            contract=second, holder=holder, cmo=personas.other_cmo, area=area, valid_from=valid_from
        )

    with refused_by("one_active_mandate_per_holder_area"), transaction.atomic():
        mandate(area_1, D(2026, 3, 1))

    # Another area is free; and once the first mandate has ended, area 1 is free too.
    mandate(area_7, D(2026, 3, 1))
    first = Mandate.objects.filter(holder=holder, area=area_1)
    first.update(status=MandateStatus.ENDED, ends_on=D(2026, 5, 31))
    mandate(area_1, D(2026, 6, 1))
    assert sorted(
        Mandate.objects.filter(holder=holder, status="active").values_list("area__item", "cmo__short_name")
    ) == [(1, "QAZ"), (7, "QAZ")]


@contracts
def test_the_database_refuses_a_contract_that_ends_before_it_starts(personas):
    with refused_by("contract_period_ordered"), transaction.atomic():
        contract("mandate", personas.cmo, holder=personas.other_party, valid_until=D(2026, 1, 31))


# --- Areas of collective management (Art. 43.3) --------------------------------------------------------

areas = pytest.mark.statute("A43.3-areas")
KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


@areas
def test_exactly_items_1_2_3_4_5_and_7_are_areas_in_force(db):
    assert list(Area.objects.values_list("item", "in_force")) == [(i, True) for i in (1, 2, 3, 4, 5, 7)]


@areas
@pytest.mark.parametrize("repealed", [6, 8])
def test_a_repealed_item_cannot_be_an_area_in_force(db, repealed):
    with refused_by("area_repealed_items_not_in_force"), transaction.atomic():
        Area.objects.create(item=repealed, code=f"item-{repealed}", name_kk="-", name_ru="-", name_en="-")
    Area.objects.create(
        item=repealed, code=f"item-{repealed}", name_kk="-", name_ru="-", name_en="-", in_force=False
    )
    assert not Area.objects.get(item=repealed).in_force


@areas
def test_every_area_has_a_kazakh_a_russian_and_an_english_name(db):
    for area in Area.objects.all():
        assert KAZAKH_LETTERS & set(area.name_kk), area.item
        assert not KAZAKH_LETTERS & set(area.name_ru), area.item
        assert any("а" <= c <= "я" for c in area.name_ru.lower()), area.item
        assert area.name_en.isascii() and area.name_en[0].isupper(), area.item
        assert len({area.name_kk, area.name_ru, area.name_en}) == 3, area.item


@pytest.mark.statute("A45-1.2-works")
def test_a_share_with_three_decimals_is_refused_with_a_clear_message(personas):
    from django.core.exceptions import ValidationError as DjangoValidationError

    from registers.actions import ContributorInput, validate_shares

    with pytest.raises(DjangoValidationError) as refused:
        validate_shares(
            [
                ContributorInput(personas.holder_party, "C", {"PR": P("33.333")}),
                ContributorInput(personas.other_party, "A", {"PR": P("66.667")}),
            ]
        )
    assert "at most two decimals" in " ".join(refused.value.messages)
    validate_shares([ContributorInput(personas.holder_party, "CA", {"PR": P("100.000")})])  # same value, fine
