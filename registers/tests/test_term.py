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
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from registers.actions import ContributorInput, register_work, update_party
from registers.models import Party, PartyKind, Work
from registers.models.parties import UNIDENTIFIED_NAME
from registers.term import (
    UNIDENTIFIED_AUTHOR,
    AuthorFacts,
    Basis,
    Protection,
    related_rights_protection,
    work_protection,
)
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
UNKNOWN = UNIDENTIFIED_AUTHOR
DISCLOSED_1990 = D(1990, 3, 10)
REHABILITATED = died(1938, 3, 1, rehabilitated_on=D(1989, 4, 20))
REHABILITATED_IN_LIFE = died(1970, 3, 1, rehabilitated_on=D(1956, 7, 10))

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
    # Rehabilitated in 1956 while alive, died 1970: only a posthumous rehabilitation counts (Art. 28.7),
    # so life + 70 -> 2040, not 1956 + 70 = 2026.
    example("rehabilitated-during-life", anonymous, (REHABILITATED_IN_LIFE,), D(2040, 12, 31), Basis.LIFE),
    # Rehabilitated and still living: the term has not started.
    example(
        "rehabilitated-and-still-living", anonymous, (AuthorFacts(None, rehabilitated_on=D(1989, 4, 20)),),
        None, Basis.AUTHOR_LIVING,
    ),
    # Joint work: one co-author died 1950, the other was rehabilitated in 1989 and died in 1991 ->
    # the last death counts, 1991 + 70 = 2061 (not the rehabilitation's 2059).
    example(
        "joint-work-co-author-rehabilitated-before-death", anonymous,
        (died(1950), died(1991, 2, 1, rehabilitated_on=D(1989, 4, 20))), D(2061, 12, 31), Basis.JOINT,
    ),
    # A co-author nobody can name (a CWR "unknown writer"): the known author's 1940 death would give
    # 2010 and the public domain, but the unknown one may have lived decades longer.
    example("joint-work-with-an-unknown-co-author", term, (died(1940), UNKNOWN), None, Basis.UNDETERMINED),
    example("only-an-unknown-author", term, (UNKNOWN,), None, Basis.UNDETERMINED),
    # A living co-author is the stronger fact: the term has not even started.
    example("unknown-and-living-co-authors", term, (UNKNOWN, LIVING), None, Basis.AUTHOR_LIVING),
    # An anonymous work's term does not depend on its authors, known or not.
    example(
        "anonymous-work-of-an-unknown-author", anonymous, (UNKNOWN,), D(2010, 12, 31), Basis.ANONYMOUS,
        anonymous=True, disclosed_on=D(1940, 5, 1),
    ),
    # Anonymous, disclosed 1990 (term to 31 Dec 2060); the author, who died in 2001, became known in
    # 2005, within it -> life + 70 (Art. 28.4): 2001 + 70 = 2071.
    example(
        "anonymous-author-identified-within-the-term", anonymous, (died(2001),), D(2071, 12, 31), Basis.LIFE,
        anonymous=True, disclosed_on=DISCLOSED_1990, author_identified_on=D(2005, 6, 1),
    ),
    example(
        "pseudonymous-author-identified-within-the-term", anonymous, (died(2001),), D(2071, 12, 31),
        Basis.LIFE, pseudonymous=True, disclosed_on=DISCLOSED_1990, author_identified_on=D(2005, 6, 1),
    ),
    # Identified within the term, so life + 70 applies even when it is shorter: died 1930,
    # disclosed 1990 (60 years later, no Art. 28.6 release), identified 2005 -> 1930 + 70 = 2000.
    example(
        "anonymous-author-identified-long-dead", anonymous, (died(1930),), D(2000, 12, 31), Basis.LIFE,
        anonymous=True, disclosed_on=DISCLOSED_1990, author_identified_on=D(2005, 6, 1),
    ),
    # Joint anonymous work: both co-authors known within the term -> the last death, 2010 + 70 = 2080.
    example(
        "anonymous-joint-work-identified-within-the-term", anonymous, (died(1995), died(2010)),
        D(2080, 12, 31), Basis.JOINT,
        anonymous=True, disclosed_on=DISCLOSED_1990, author_identified_on=D(2012, 1, 1),
    ),
    # Identified within the term and still living: the term has not started.
    example(
        "anonymous-author-identified-and-living", anonymous, (LIVING,), None, Basis.AUTHOR_LIVING,
        anonymous=True, disclosed_on=DISCLOSED_1990, author_identified_on=D(2005, 6, 1),
    ),
    # Disclosed 1950: the anonymous term runs to 31 Dec 2020. Identified on that last day -> life + 70.
    example(
        "anonymous-author-identified-on-the-last-day", anonymous, (died(2000),), D(2070, 12, 31), Basis.LIFE,
        anonymous=True, disclosed_on=D(1950, 2, 2), author_identified_on=D(2020, 12, 31),
    ),
    # Identified the day after: too late, the anonymous term stands (and has ended).
    example(
        "anonymous-author-identified-after-the-term", anonymous, (died(2000),), D(2020, 12, 31),
        Basis.ANONYMOUS, anonymous=True, disclosed_on=D(1950, 2, 2), author_identified_on=D(2021, 1, 1),
    ),
    # Identified, no disclosure date: the anonymous term never started, the known author's applies.
    example(
        "anonymous-author-identified-never-disclosed", anonymous, (died(2001),), D(2071, 12, 31), Basis.LIFE,
        anonymous=True, author_identified_on=D(2005, 6, 1),
    ),
]  # fmt: skip


def computed(case: Case) -> Protection:
    return work_protection(
        authors=case.authors,
        disclosed_on=case.work.get("disclosed_on"),
        anonymous=case.work.get("anonymous", False),
        pseudonymous=case.work.get("pseudonymous", False),
        author_identified_on=case.work.get("author_identified_on"),
    )


@pytest.mark.parametrize("case", CASES)
def test_the_term_of_a_work_ends_on_the_hand_computed_date(case):
    assert computed(case) == Protection(case.ends_on, case.basis)


def unidentified_rightsholder() -> Party:
    """The placeholder the CWR import gives an unknown writer's share to (see registers.importing)."""
    return Party.objects.get_or_create(
        name_lat=UNIDENTIFIED_NAME,
        kind=PartyKind.ENTITY,
        registered_by_cmo=None,
        defaults={"verified": False},
    )[0]


def author_party(facts: AuthorFacts) -> Party:
    if not facts.identified:
        return unidentified_rightsholder()
    return f.make_person(
        birth_date=D(1900, 1, 1) if facts.death_date else D(1950, 1, 1),
        death_date=facts.death_date,
        rehabilitated_on=facts.rehabilitated_on,
    )


@pytest.mark.parametrize("case", CASES)
def test_the_register_stores_the_hand_computed_term_of_a_work(case, personas):
    authors = [author_party(a) for a in case.authors]
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


# --- Art. 28.7 and 42.7: rehabilitation after death only -----------------------------------------


@anonymous
def test_a_rehabilitation_during_the_authors_life_does_not_move_the_term():
    # Rehabilitated 1956, died 1970: 1970 + 70 = 2040. Had it been after the death, 1956 would not
    # count either way; a rehabilitation in 1975 (after the death) would give 1975 + 70 = 2045.
    in_life = work_protection(authors=[REHABILITATED_IN_LIFE], disclosed_on=None)
    after_death = work_protection(
        authors=[died(1970, 3, 1, rehabilitated_on=D(1975, 1, 9))], disclosed_on=None
    )
    assert in_life == Protection(D(2040, 12, 31), Basis.LIFE)
    assert after_death == Protection(D(2045, 12, 31), Basis.REHABILITATION)


@anonymous
def test_recording_the_death_of_an_author_rehabilitated_in_life_gives_life_plus_70(personas):
    author = f.make_person(birth_date=D(1920, 1, 1), rehabilitated_on=D(1956, 7, 10))
    work = f.make_work(personas.operator, (author, "CA", {"PR": Decimal("100")}))

    def stored() -> tuple[dt.date | None, str]:
        w = Work.objects.get(pk=work.pk)
        return w.protection_ends_on, w.protection_basis

    # Living: no end date yet, whatever the rehabilitation.
    assert stored() == (None, Basis.AUTHOR_LIVING)
    update_party(author, by=personas.operator, reason="death certificate", death_date=D(1970, 3, 1))
    assert stored() == (D(2040, 12, 31), Basis.LIFE)


# Art. 42.7 has no row of its own in the obligations table; it is the related-rights twin of Art. 28.7,
# whose row (A28-anonymous) covers posthumous rehabilitation.
@anonymous
def test_a_performer_rehabilitated_after_death_is_protected_from_the_year_after_rehabilitation():
    # Recorded and published 1935; the performer was shot in 1938 and rehabilitated in 1989.
    # Ordinary term: 1935 + 70 = 2005. Art. 42.7: from 1 Jan 1990 -> 31 Dec 2059.
    performer = died(1938, 3, 1, rehabilitated_on=D(1989, 4, 20))
    protection = related_rights_protection(
        published_on=D(1935, 5, 5), made_in_year=1935, performers=[performer]
    )
    assert protection == Protection(D(2059, 12, 31), Basis.REHABILITATION)


@anonymous
def test_a_performers_rehabilitation_during_life_does_not_move_the_related_rights_term():
    performer = died(1970, 3, 1, rehabilitated_on=D(1956, 7, 10))
    protection = related_rights_protection(
        published_on=D(1950, 5, 5), made_in_year=1950, performers=[performer]
    )
    assert protection == Protection(D(2020, 12, 31), Basis.RELATED)


@anonymous
def test_a_publication_later_than_the_rehabilitation_keeps_the_ordinary_term():
    # Published 1995, after the 1989 rehabilitation: 1995 + 70 = 2065 is the later of the two.
    performer = died(1938, 3, 1, rehabilitated_on=D(1989, 4, 20))
    protection = related_rights_protection(
        published_on=D(1995, 1, 1), made_in_year=1937, performers=[performer]
    )
    assert protection == Protection(D(2065, 12, 31), Basis.RELATED)


def register_recording(personas: Any, performer: Party, *, published_on: dt.date) -> Work:
    producer = f.make_entity()
    return register_work(
        by=personas.operator,
        kind="recording",
        title="Recording of 1935",
        disclosed_on=published_on,
        creation_year=published_on.year,
        contributors=[
            ContributorInput(party=performer, role="PER", shares={"RR": Decimal("50")}),
            ContributorInput(party=producer, role="PRD", shares={"RR": Decimal("50")}),
        ],
    )


@anonymous
def test_the_register_stores_the_term_of_a_recording_by_a_performer_rehabilitated_after_death(personas):
    performer = f.make_person(
        birth_date=D(1900, 1, 1), death_date=D(1938, 3, 1), rehabilitated_on=D(1989, 4, 20)
    )
    recording = register_recording(personas, performer, published_on=D(1935, 5, 5))
    stored = Work.objects.get(pk=recording.pk)
    assert (stored.protection_ends_on, stored.protection_basis) == (D(2059, 12, 31), Basis.REHABILITATION)
    assert not stored.public_domain_on(D(2026, 1, 1))


@anonymous
def test_recording_a_performers_rehabilitation_recomputes_the_recording(personas):
    performer = f.make_person(birth_date=D(1900, 1, 1), death_date=D(1938, 3, 1))
    recording = register_recording(personas, performer, published_on=D(1935, 5, 5))
    assert Work.objects.get(pk=recording.pk).protection_ends_on == D(2005, 12, 31)

    update_party(
        performer, by=personas.operator, reason="rehabilitation certificate", rehabilitated_on=D(1989, 4, 20)
    )
    stored = Work.objects.get(pk=recording.pk)
    assert (stored.protection_ends_on, stored.protection_basis) == (D(2059, 12, 31), Basis.REHABILITATION)


# --- Authors whose life cannot be known ---------------------------------------------------------


@term
def test_a_work_with_an_unknown_co_author_is_never_in_the_public_domain():
    protection = work_protection(authors=[died(1900), UNKNOWN], disclosed_on=None)
    assert protection == Protection(None, Basis.UNDETERMINED)
    assert not protection.in_public_domain(D(2300, 1, 1))


@term
def test_a_legal_entity_in_an_authors_role_makes_the_term_undetermined(personas):
    author = f.make_person(birth_date=D(1880, 1, 1), death_date=D(1940, 6, 1))
    company = f.make_entity()
    work = f.make_work(
        personas.operator,
        (author, "C", {"PR": Decimal("50")}),
        (company, "A", {"PR": Decimal("50")}),
    )
    stored = Work.objects.get(pk=work.pk)
    assert (stored.protection_ends_on, stored.protection_basis) == (None, Basis.UNDETERMINED)
    assert not stored.in_public_domain


@term
def test_a_publisher_does_not_count_as_an_author_for_the_term(personas):
    author = f.make_person(birth_date=D(1880, 1, 1), death_date=D(1940, 6, 1))
    work = f.make_work(
        personas.operator,
        (author, "CA", {"PR": Decimal("50")}),
        (f.make_entity(), "E", {"PR": Decimal("50")}),
    )
    stored = Work.objects.get(pk=work.pk)
    assert (stored.protection_ends_on, stored.protection_basis) == (D(2010, 12, 31), Basis.LIFE)


@term
def test_a_cwr_work_with_an_unknown_writer_stays_protected_when_the_known_writer_dies(personas, media_in_tmp):
    from registers.tests.test_cwr import cwr_file, import_cwr, put, transaction

    # The real CWR 2.1 sample, whose second writer (W000002, 25 % PR) becomes an unknown writer:
    # no name, no IPI, flag "Y".
    lines = transaction(1, ref="UNKNOWN01", title="SONG WITH AN UNKNOWN WRITER")
    at = next(i for i, line in enumerate(lines) if line.startswith("SWR") and "W000002" in line)
    lines[at] = put(put(put(lines[at], 29, " " * 75), 104, "Y"), 116, "0" * 11)
    batch = import_cwr(personas.cmo_staff, cwr_file(lines))
    assert batch.status == "done", f.problems_of(batch)

    work = Work.objects.get(submitter_ref="UNKNOWN01")
    unknown = work.contributors.get(role="AD")
    assert unknown.party.name_lat == UNIDENTIFIED_NAME
    known = work.contributors.get(role="AR").party
    update_party(known, by=personas.operator, reason="death certificate", death_date=D(1940, 6, 1))

    # The known writer alone would give 1940 + 70 = 2010 and the public domain.
    stored = Work.objects.get(pk=work.pk)
    assert (stored.protection_ends_on, stored.protection_basis) == (None, Basis.UNDETERMINED)
    assert not stored.in_public_domain


# --- Art. 28.4: the author of an anonymous or pseudonymous work becomes known -------------------


def anonymous_work(personas: Any, **fields: Any) -> Work:
    author = f.make_person(birth_date=D(1930, 1, 1), death_date=D(2001, 6, 1))
    fields = {"anonymous": True, "disclosed_on": DISCLOSED_1990, **fields}
    return f.make_work(personas.operator, (author, "CA", {"PR": Decimal("100")}), title="Anon", **fields)


@anonymous
def test_the_author_becoming_known_only_counts_for_an_anonymous_or_pseudonymous_work(personas):
    author = f.make_person(birth_date=D(1930, 1, 1), death_date=D(2001, 6, 1))
    with pytest.raises(ValidationError) as refused:
        f.make_work(
            personas.operator, (author, "CA", {"PR": Decimal("100")}), author_identified_on=D(2005, 6, 1)
        )
    assert "author_identified_on" in refused.value.message_dict


@anonymous
def test_the_author_cannot_become_known_in_the_future(personas):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        anonymous_work(personas, author_identified_on=tomorrow)
    assert "author_identified_on" in refused.value.message_dict


@anonymous
def test_the_edit_form_records_when_the_author_became_known_and_recomputes_the_term(personas):
    from registers.tests.test_editing_works import work_post

    work = anonymous_work(personas)
    assert Work.objects.get(pk=work.pk).protection_ends_on == D(2060, 12, 31)
    author = work.contributors.get()
    client = f.signed_in(personas.operator)
    page = client.get(reverse("edit:work", args=[work.pk])).content.decode()
    assert 'name="author_identified_on"' in page

    rows = [{"party": author.party_id, "role": "CA", "pr": "100"}]
    data = work_post(
        "Anon", rows, anonymous="on", disclosed_on="1990-03-10", author_identified_on="2005-06-01",
        reason="The author's identity was disclosed in 2005",
    )  # fmt: skip
    response = client.post(reverse("edit:work", args=[work.pk]), data)

    assert response.status_code == 302
    stored = Work.objects.get(pk=work.pk)
    assert stored.author_identified_on == D(2005, 6, 1)
    assert (stored.protection_ends_on, stored.protection_basis) == (D(2071, 12, 31), Basis.LIFE)
    assert 'value="2005-06-01"' in client.get(reverse("edit:work", args=[work.pk])).content.decode()


@anonymous
def test_the_edit_form_shows_the_refusal_of_an_identification_date_on_a_work_that_is_not_anonymous(personas):
    from registers.tests.test_editing_works import work_post

    work = anonymous_work(personas)
    author = work.contributors.get()
    rows = [{"party": author.party_id, "role": "CA", "pr": "100"}]
    data = work_post("Anon", rows, author_identified_on="2005-06-01", reason="test")
    response = f.signed_in(personas.operator).post(reverse("edit:work", args=[work.pk]), data)

    assert response.status_code == 200
    assert "author_identified_on" in response.context["form"].errors
    assert Work.objects.get(pk=work.pk).author_identified_on is None


@anonymous
def test_the_api_records_when_the_author_became_known_and_recomputes_the_term(personas):
    from rest_framework.test import APIClient

    work = anonymous_work(personas, anonymous=False, pseudonymous=True)
    client = APIClient()
    client.force_authenticate(personas.operator)
    response = client.patch(
        f"/api/works/{work.pk}/",
        {"author_identified_on": "2005-06-01", "reason": "Pseudonym resolved"},
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["author_identified_on"] == "2005-06-01"
    assert (body["protection_ends_on"], body["protection_basis"]) == ("2071-12-31", Basis.LIFE)
    stored = Work.objects.get(pk=work.pk)
    assert (stored.protection_ends_on, stored.author_identified_on) == (D(2071, 12, 31), D(2005, 6, 1))
