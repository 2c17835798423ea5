"""The term of protection (Art. 28 for works, Art. 42 for objects of related rights).

Each case is a worked example: the term runs from 1 January after the legal fact (Art. 28.8) for 70
years, so it ends on 31 December of (year of the fact + 70), and the work is in the public domain
from the next day. Every case is checked twice: on :mod:`registers.term` directly, and through the
register (``register_work`` stores the computed end date on the work).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from registers.actions import ContributorInput, register_work, update_party
from registers.models import Work
from registers.term import AuthorFacts, Basis, Protection, related_rights_protection, work_protection
from tests import factories as f

term = pytest.mark.statute("A28-term")
anonymous = pytest.mark.statute("A28-anonymous")
D = dt.date


@dataclass(frozen=True)
class Case:
    authors: tuple[AuthorFacts, ...]
    ends_on: dt.date | None
    basis: str
    work: dict[str, Any] = field(default_factory=dict)


def example(
    example_id: str,
    mark: Any,
    authors: tuple[AuthorFacts, ...],
    ends_on: dt.date | None,
    basis: str,
    **work: Any,
) -> Any:
    return pytest.param(Case(authors, ends_on, basis, work), id=example_id, marks=mark)


def died(year: int, month: int = 6, day: int = 1, *, rehabilitated_on: dt.date | None = None) -> AuthorFacts:
    return AuthorFacts(death_date=D(year, month, day), rehabilitated_on=rehabilitated_on)


LIVING = AuthorFacts(death_date=None)
DISCLOSED_1990 = D(1990, 3, 10)
REHABILITATED = died(1938, 3, 1, rehabilitated_on=D(1989, 4, 20))

CASES = [
    # Died 1950 -> term from 1 Jan 1951, 70 years -> ends 31 Dec 2020.
    example("single-author-died-1950", term, (died(1950),), D(2020, 12, 31), Basis.LIFE),
    # Co-authors died 1960 and 1985: the last survivor's year counts -> 1985 + 70 = 2055.
    example("joint-work-last-survivor", term, (died(1960), died(1985, 2, 14)), D(2055, 12, 31), Basis.JOINT),
    # The later death listed first: the order of co-authors does not matter.
    example("joint-work-any-order", term, (died(1985, 2, 14), died(1960)), D(2055, 12, 31), Basis.JOINT),
    # One co-author is alive: the term has not started.
    example("joint-work-living-co-author", term, (died(1960), LIVING), None, Basis.AUTHOR_LIVING),
    # Anonymous, lawfully disclosed 10 March 1990 -> 1990 + 70 = 2060, whatever the author's dates.
    example(
        "anonymous-disclosed-1990", anonymous, (died(1930),), D(2060, 12, 31), Basis.ANONYMOUS,
        anonymous=True, disclosed_on=DISCLOSED_1990,
    ),
    example(
        "anonymous-disclosed-1990-author-living", anonymous, (LIVING,), D(2060, 12, 31), Basis.ANONYMOUS,
        anonymous=True, disclosed_on=DISCLOSED_1990,
    ),
    example(
        "pseudonymous-disclosed-1990", anonymous, (died(2001),), D(2060, 12, 31), Basis.ANONYMOUS,
        pseudonymous=True, disclosed_on=DISCLOSED_1990,
    ),
    # Anonymous and never disclosed: nothing starts the term.
    example("anonymous-never-disclosed", anonymous, (died(1930),), None, Basis.UNKNOWN, anonymous=True),
    # Died 1960, first released 1975 (15 years later, within 30) -> 1975 + 70 = 2045 > 1960 + 70 = 2030.
    example(
        "released-15-years-after-death", anonymous, (died(1960),), D(2045, 12, 31), Basis.POSTHUMOUS_RELEASE,
        disclosed_on=D(1975, 9, 1),
    ),
    # Released 1995, 35 years after the death: Art. 28.6 does not apply, the normal term does.
    example(
        "released-35-years-after-death", anonymous, (died(1960),), D(2030, 12, 31), Basis.LIFE,
        disclosed_on=D(1995, 9, 1),
    ),
    # The thirty years run from 1 Jan 1961 (Art. 28.8) to 31 Dec 1990: a November 1990 release counts.
    example(
        "released-in-the-last-year-of-the-thirty", anonymous, (died(1960),), D(2060, 12, 31),
        Basis.POSTHUMOUS_RELEASE, disclosed_on=D(1990, 11, 15),
    ),
    example(
        "released-just-after-the-thirty", anonymous, (died(1960),), D(2030, 12, 31), Basis.LIFE,
        disclosed_on=D(1991, 1, 2),
    ),
    # A release during the author's life changes nothing.
    example(
        "released-in-the-authors-life", term, (died(1960),), D(2030, 12, 31), Basis.LIFE,
        disclosed_on=D(1955, 1, 1),
    ),
    # Repressed, died 1938, rehabilitated posthumously 1989 -> term from 1 Jan 1990 -> 2059.
    example("rehabilitated-1989", anonymous, (REHABILITATED,), D(2059, 12, 31), Basis.REHABILITATION),
    # Joint work: the rehabilitated co-author's 1989 beats the other's death in 1970.
    example(
        "joint-work-with-a-rehabilitated-co-author", anonymous, (died(1970), REHABILITATED), D(2059, 12, 31),
        Basis.REHABILITATION,
    ),
]  # fmt: skip


def computed(case: Case) -> Protection:
    return work_protection(
        authors=case.authors,
        disclosed_on=case.work.get("disclosed_on"),
        anonymous=case.work.get("anonymous", False),
        pseudonymous=case.work.get("pseudonymous", False),
    )


@pytest.mark.parametrize("case", CASES)
def test_the_term_of_a_work_ends_on_the_hand_computed_date(case):
    assert computed(case) == Protection(case.ends_on, case.basis)


@pytest.mark.parametrize("case", CASES)
def test_the_register_stores_the_hand_computed_term_of_a_work(case, personas):
    authors = [
        f.make_person(
            birth_date=D(1900, 1, 1) if a.death_date else D(1950, 1, 1),
            death_date=a.death_date,
            rehabilitated_on=a.rehabilitated_on,
        )
        for a in case.authors
    ]
    split = Decimal(100) / len(authors)
    work = register_work(
        by=personas.operator,
        title="Term example",
        contributors=[ContributorInput(party=p, role="CA", shares={"PR": split}) for p in authors],
        **case.work,
    )
    stored = Work.objects.get(pk=work.pk)
    assert (stored.protection_ends_on, stored.protection_basis) == (case.ends_on, case.basis)


@term
def test_a_work_whose_author_died_in_1950_entered_the_public_domain_on_1_january_2021():
    protection = work_protection(authors=[died(1950)], disclosed_on=None)
    assert protection.ends_on == D(2020, 12, 31)
    assert protection.in_public_domain(D(2021, 1, 1))
    assert not protection.in_public_domain(D(2020, 12, 31))


@term
def test_a_work_with_a_living_co_author_is_never_in_the_public_domain():
    protection = work_protection(authors=[died(1900), LIVING], disclosed_on=None)
    assert protection == Protection(None, Basis.AUTHOR_LIVING)
    assert not protection.in_public_domain(D(2300, 1, 1))


@anonymous
def test_an_anonymous_work_never_disclosed_has_an_unknown_term_and_is_not_public_domain():
    protection = work_protection(authors=[], disclosed_on=None, anonymous=True)
    assert protection == Protection(None, Basis.UNKNOWN)
    assert not protection.in_public_domain(D(2300, 1, 1))


@term
def test_a_recording_published_in_2001_is_protected_until_the_end_of_2071():
    # Published 2001 -> from 1 Jan 2002, 70 years -> 31 Dec 2071.
    assert related_rights_protection(published_on=D(2001, 5, 5), made_in_year=1999) == Protection(
        D(2071, 12, 31), Basis.RELATED
    )


@term
def test_an_unpublished_recording_is_protected_for_70_years_after_it_was_made():
    unpublished = related_rights_protection(published_on=None, made_in_year=1980)
    assert unpublished == Protection(D(2050, 12, 31), Basis.RELATED)


@term
def test_a_recording_published_after_its_70_years_from_recording_keeps_the_recording_term():
    # Made 1940: protected to 31 Dec 2010 unless published within that period (Art. 42.2); a 2012
    # publication is too late to start a new term. A 2010 publication is within it -> 2080.
    too_late = related_rights_protection(published_on=D(2012, 1, 1), made_in_year=1940)
    just_in_time = related_rights_protection(published_on=D(2010, 12, 31), made_in_year=1940)
    assert (too_late.ends_on, just_in_time.ends_on) == (D(2010, 12, 31), D(2080, 12, 31))


@term
def test_the_register_stores_the_related_rights_term_of_a_recording(personas):
    performer = f.make_person()
    producer = f.make_entity()
    recording = register_work(
        by=personas.operator,
        kind="recording",
        title="Recording 2001",
        isrc="KZA010100001",
        disclosed_on=D(2001, 5, 5),
        contributors=[
            ContributorInput(party=performer, role="PER", shares={"RR": Decimal("50")}),
            ContributorInput(party=producer, role="PRD", shares={"RR": Decimal("50")}),
        ],
    )
    stored = Work.objects.get(pk=recording.pk)
    assert (stored.protection_ends_on, stored.protection_basis) == (D(2071, 12, 31), Basis.RELATED)


@term
def test_recording_a_death_recomputes_the_stored_term_of_the_work(personas):
    composer = f.make_person(name_lat="Composer One", birth_date=D(1880, 2, 2))
    lyricist = f.make_person(name_lat="Lyricist Two", birth_date=D(1885, 3, 3))
    work = register_work(
        by=personas.operator,
        title="Song of two",
        contributors=[
            ContributorInput(party=composer, role="C", shares={"PR": Decimal("50")}),
            ContributorInput(party=lyricist, role="A", shares={"PR": Decimal("50")}),
        ],
    )

    def stored() -> Work:
        return Work.objects.get(pk=work.pk)

    assert (stored().protection_ends_on, stored().protection_basis) == (None, Basis.AUTHOR_LIVING)
    assert not stored().in_public_domain

    update_party(composer, by=personas.operator, reason="death certificate", death_date=D(1940, 1, 10))
    # The lyricist is still (on the register) alive: no end date yet.
    assert (stored().protection_ends_on, stored().protection_basis) == (None, Basis.AUTHOR_LIVING)

    update_party(lyricist, by=personas.operator, reason="death certificate", death_date=D(1945, 5, 9))
    # The last survivor died 1945 -> 31 Dec 2015; in the public domain from 1 Jan 2016.
    assert (stored().protection_ends_on, stored().protection_basis) == (D(2015, 12, 31), Basis.JOINT)
    assert stored().in_public_domain
    assert stored().public_domain_on(D(2016, 1, 1)) and not stored().public_domain_on(D(2015, 12, 31))
