"""Term of protection (Art. 28 for works, Art. 42 for objects of related rights).

Every term is counted from 1 January of the year after the legal fact that starts it (Art. 28.8,
42.6) and runs 70 years, so it ends on 31 December of (year of the fact + 70); the work is in the
public domain from the next day (Art. 29.1).

A term that cannot be computed has no end date, and a work without an end date is never in the
public domain: the register errs towards protection, never towards free use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

TERM_YEARS = 70
POSTHUMOUS_RELEASE_WINDOW_YEARS = 30


class Basis:
    LIFE = "life+70"
    JOINT = "joint-life+70"
    REHABILITATION = "rehabilitation+70"
    ANONYMOUS = "anonymous+70"
    POSTHUMOUS_RELEASE = "posthumous-release+70"
    RELATED = "related-rights+70"
    AUTHOR_LIVING = "author-living"
    #: A date the term runs from is missing (an anonymous work not yet disclosed, no authors, no dates).
    UNKNOWN = "unknown"
    #: An author's life cannot be known (an unknown co-writer, a legal entity named as author).
    UNDETERMINED = "undetermined"


@dataclass(frozen=True)
class AuthorFacts:
    """What the term needs to know of one author of a work, or one performer (Art. 42.7).

    ``identified`` is false for a contributor whose death nobody can record: a co-writer a CWR file
    leaves unnamed (held by the register's placeholder for an unidentified rightsholder) or a legal
    entity named in an author's role. ``death_date`` ``None`` with ``identified`` true is a living
    person.
    """

    death_date: dt.date | None
    rehabilitated_on: dt.date | None = None
    identified: bool = True

    @property
    def rehabilitated_posthumously(self) -> bool:
        """Only a rehabilitation after the death moves the start of the term (Art. 28.7, 42.7)."""
        return (
            self.death_date is not None
            and self.rehabilitated_on is not None
            and self.rehabilitated_on > self.death_date
        )

    @property
    def start_year(self) -> int | None:
        """The year whose following 1 January starts the term: posthumous rehabilitation, else death."""
        if self.rehabilitated_posthumously:
            assert self.rehabilitated_on is not None
            return self.rehabilitated_on.year
        return self.death_date.year if self.death_date else None

    @property
    def last_event(self) -> dt.date | None:
        return self.death_date


#: An author whose identity, and so whose life, the register cannot know.
UNIDENTIFIED_AUTHOR = AuthorFacts(death_date=None, identified=False)


@dataclass(frozen=True)
class Protection:
    ends_on: dt.date | None
    basis: str

    def in_public_domain(self, on: dt.date) -> bool:
        return self.ends_on is not None and self.ends_on < on


def _ends(year: int) -> dt.date:
    return dt.date(year + TERM_YEARS, 12, 31)


def work_protection(
    *,
    authors: Iterable[AuthorFacts],
    disclosed_on: dt.date | None,
    anonymous: bool = False,
    pseudonymous: bool = False,
    author_identified_on: dt.date | None = None,
) -> Protection:
    """Protection of a work of authorship, from its authors' facts and its disclosure (Art. 28).

    An anonymous or pseudonymous work is protected for 70 years after its lawful disclosure, unless
    its author became known within them (``author_identified_on``): then the rules for a known
    author apply (Art. 28.4).
    """
    if (anonymous or pseudonymous) and not author_identified_in_time(disclosed_on, author_identified_on):
        if disclosed_on is None:
            return Protection(None, Basis.UNKNOWN)
        return Protection(_ends(disclosed_on.year), Basis.ANONYMOUS)
    return _known_authors_protection(list(authors), disclosed_on)


def author_identified_in_time(disclosed_on: dt.date | None, identified_on: dt.date | None) -> bool:
    """Did the author of an anonymous or pseudonymous work become known within its 70 years (Art. 28.4)?

    The 70 years end on 31 December of (year of disclosure + 70); an identification on or before
    that day counts. With no disclosure date the anonymous term has not started, so any counts.
    """
    if identified_on is None:
        return False
    return disclosed_on is None or identified_on <= _ends(disclosed_on.year)


def _known_authors_protection(facts: list[AuthorFacts], disclosed_on: dt.date | None) -> Protection:
    """Life + 70, of the last surviving co-author for a joint work (Art. 28.1, 28.5, 28.6, 28.7).

    A living author means the term has not started: protected, no end date. An author who cannot be
    known (``identified`` false) means the term cannot be computed: the dates of the known authors
    alone would put the work in the public domain decades early, so it gets no end date either.
    A living author is the stronger fact, so it is the basis when there are both.

    The thirty years of Art. 28.6 are a period "provided for in this Article", so by Art. 28.8 they
    too run from 1 January after the death: a release on any day up to 31 December of (death year
    + 30) is a release within them.
    """
    if not facts:
        return Protection(None, Basis.UNKNOWN)
    if any(f.identified and f.death_date is None for f in facts):
        return Protection(None, Basis.AUTHOR_LIVING)
    if not all(f.identified for f in facts):
        return Protection(None, Basis.UNDETERMINED)
    last = max(facts, key=lambda f: f.start_year or 0)
    start_year = last.start_year
    assert start_year is not None
    if last.rehabilitated_posthumously:
        basis = Basis.REHABILITATION
    else:
        basis = Basis.JOINT if len(facts) > 1 else Basis.LIFE
    ends_on = _ends(start_year)
    last_death = max(f.death_date for f in facts if f.death_date is not None)
    if (
        disclosed_on is not None
        and last_death < disclosed_on
        and disclosed_on.year <= last_death.year + POSTHUMOUS_RELEASE_WINDOW_YEARS
        and _ends(disclosed_on.year) > ends_on
    ):
        return Protection(_ends(disclosed_on.year), Basis.POSTHUMOUS_RELEASE)
    return Protection(ends_on, basis)


def related_rights_protection(
    *,
    published_on: dt.date | None,
    made_in_year: int | None,
    performers: Iterable[AuthorFacts] = (),
) -> Protection:
    """Protection of a performance or phonogram: 70 years from publication, else from recording (Art. 42).

    A publication counts only if it falls within the 70 years after the recording (Art. 42.2).

    A performer repressed and rehabilitated after death has their rights counted from 1 January
    after the rehabilitation (Art. 42.7). The object is free only when every right in it has
    expired, so its term is the later of that and the ordinary term; a rehabilitation during the
    performer's life changes nothing. With no ordinary dates at all the term stays unknown.
    """
    protection = _ordinary_related_protection(published_on, made_in_year)
    rehabilitation_years = [
        f.rehabilitated_on.year
        for f in performers
        if f.rehabilitated_posthumously and f.rehabilitated_on is not None
    ]
    if protection.ends_on is not None and rehabilitation_years:
        rehabilitated_ends = _ends(max(rehabilitation_years))
        if rehabilitated_ends > protection.ends_on:
            return Protection(rehabilitated_ends, Basis.REHABILITATION)
    return protection


def _ordinary_related_protection(published_on: dt.date | None, made_in_year: int | None) -> Protection:
    if published_on is not None and (made_in_year is None or published_on.year <= made_in_year + TERM_YEARS):
        return Protection(_ends(published_on.year), Basis.RELATED)
    if made_in_year is not None:
        return Protection(_ends(made_in_year), Basis.RELATED)
    return Protection(None, Basis.UNKNOWN)
