"""Term of protection (Art. 28 for works, Art. 42 for objects of related rights).

Every term is counted from 1 January of the year after the legal fact that starts it (Art. 28.8,
42.6) and runs 70 years, so it ends on 31 December of (year of the fact + 70); the work is in the
public domain from the next day (Art. 29.1).
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
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class AuthorFacts:
    death_date: dt.date | None
    rehabilitated_on: dt.date | None = None

    @property
    def start_year(self) -> int | None:
        """The year whose following 1 January starts the term: rehabilitation if any, else death."""
        if self.rehabilitated_on is not None:
            return self.rehabilitated_on.year
        return self.death_date.year if self.death_date else None

    @property
    def last_event(self) -> dt.date | None:
        return self.death_date


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
) -> Protection:
    """Protection of a work of authorship, from its authors' facts and its disclosure (Art. 28).

    The thirty years of Art. 28.6 are a period "provided for in this Article", so by Art. 28.8 they
    too run from 1 January after the death: a release on any day up to 31 December of (death year
    + 30) is a release within them.
    """
    if anonymous or pseudonymous:
        if disclosed_on is None:
            return Protection(None, Basis.UNKNOWN)
        return Protection(_ends(disclosed_on.year), Basis.ANONYMOUS)
    facts = list(authors)
    if not facts:
        return Protection(None, Basis.UNKNOWN)
    if any(f.death_date is None and f.rehabilitated_on is None for f in facts):
        return Protection(None, Basis.AUTHOR_LIVING)
    last = max(facts, key=lambda f: f.start_year or 0)
    start_year = last.start_year
    assert start_year is not None
    if last.rehabilitated_on is not None:
        basis = Basis.REHABILITATION
    else:
        basis = Basis.JOINT if len(facts) > 1 else Basis.LIFE
    ends_on = _ends(start_year)
    last_death = (
        max(f.death_date for f in facts if f.death_date is not None)
        if any(f.death_date for f in facts)
        else None
    )
    if (
        disclosed_on is not None
        and last_death is not None
        and last_death < disclosed_on
        and disclosed_on.year <= last_death.year + POSTHUMOUS_RELEASE_WINDOW_YEARS
        and _ends(disclosed_on.year) > ends_on
    ):
        return Protection(_ends(disclosed_on.year), Basis.POSTHUMOUS_RELEASE)
    return Protection(ends_on, basis)


def related_rights_protection(*, published_on: dt.date | None, made_in_year: int | None) -> Protection:
    """Protection of a performance or phonogram: 70 years from publication, else from recording (Art. 42).

    A publication counts only if it falls within the 70 years after the recording (Art. 42.2).
    """
    if published_on is not None and (made_in_year is None or published_on.year <= made_in_year + TERM_YEARS):
        return Protection(_ends(published_on.year), Basis.RELATED)
    if made_in_year is not None:
        return Protection(_ends(made_in_year), Basis.RELATED)
    return Protection(None, Basis.UNKNOWN)
