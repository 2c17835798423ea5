"""Writes to the registers: one transaction each, every change recorded with who, when and why.

The row history itself is kept by pghistory triggers (append-only event tables); these functions
set its context (the acting account and, for the operator, the reason; see :mod:`udp.audit`) and
keep derived fields (protection term, search text) in step.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registers import access
from registers.models import (
    AUTHOR_ROLES,
    EmbodiedWork,
    Party,
    PartyKind,
    PublisherLink,
    Role,
    Share,
    TerritoryShare,
    Work,
    WorkContributor,
    WorkKind,
    WorkTitle,
)
from registers.models.works import HUNDRED, RELATED_RIGHTS_KINDS
from registers.search import build_search_text
from registers.term import (
    UNIDENTIFIED_AUTHOR,
    AuthorFacts,
    Protection,
    related_rights_protection,
    work_protection,
)
from udp import audit, identifiers
from udp.accounts import roles
from udp.accounts.roles import Actor
from udp.audit import audited


@dataclass
class TerritoryInput:
    """Collection shares in a territory (CWR SPT/SWT)."""

    tis: int
    included: bool = True
    pr: Decimal = Decimal("0")
    mr: Decimal = Decimal("0")
    sr: Decimal = Decimal("0")
    shares_change: bool = False


@dataclass
class PublisherLinkInput:
    """The writer is represented by the contributor ``(publisher, role)`` of the same work (CWR PWR)."""

    publisher: int  #: the publisher's party id
    role: str = "E"
    submitter_agreement: str = ""
    society_agreement: str = ""


@dataclass
class ContributorInput:
    party: Party
    role: str
    #: the agreed shares: for each right type they sum to exactly 100 % over the work
    shares: dict[str, Decimal] = field(default_factory=dict)
    credited_as: str = ""
    #: shares as the source declared them, where they differ from the agreed ones (registers.shares)
    declared: dict[str, Decimal] = field(default_factory=dict)
    #: territories of collection; ``None`` keeps what the register has for this party and role
    territories: list[TerritoryInput] | None = None
    #: publishers representing this writer; ``None`` keeps what the register has
    publishers: list[PublisherLinkInput] | None = None


@dataclass
class NewCoauthorInput:
    """A contributor the register does not know yet: entered as an unverified person by this name."""

    names: dict[
        str, str
    ]  #: ``name_kk``, ``name_ru`` or ``name_lat``: the name in the script it is written in
    role: str
    shares: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class TitleInput:
    """An alternate title with its CISAC title type and language."""

    title: str
    kind: str = WorkTitle.Kind.ALTERNATE
    language: str = ""


def title_inputs(
    titles: Iterable[Any], *, work: Work | None = None, main_title: str = ""
) -> list[TitleInput]:
    """Alternate titles as :class:`TitleInput`, once each and never the main title. A bare string
    keeps the type and language the work already has for that title (a page that edits titles as
    lines of text does not lose what a CWR file said about them); a new one is an alternative title."""
    known: dict[str, WorkTitle] = {}
    if work is not None and work.pk:
        known = {t.title: t for t in work.titles.all()}
    out: dict[str, TitleInput] = {}
    for item in titles:
        if isinstance(item, TitleInput):
            t = TitleInput(item.title.strip(), item.kind or WorkTitle.Kind.ALTERNATE, item.language or "")
        elif isinstance(item, dict):
            t = TitleInput(
                str(item.get("title", "")).strip(),
                item.get("kind") or WorkTitle.Kind.ALTERNATE,
                item.get("language") or "",
            )
        else:
            text = str(item).strip()
            old = known.get(text)
            t = TitleInput(text, old.kind, old.language) if old else TitleInput(text)
        if t.title and t.title != main_title and t.title not in out:
            out[t.title] = t
    return list(out.values())


def _write_titles(work: Work, titles: Iterable[Any]) -> None:
    wanted = title_inputs(titles, work=work, main_title=work.title)
    work.titles.all().delete()
    for t in wanted:
        WorkTitle.objects.create(work=work, title=t.title, kind=t.kind, language=t.language[:3])


def validate_shares(contributors: Sequence[ContributorInput]) -> None:
    """Every right type that has shares sums to exactly 100 %; no share is zero, negative or above 100.

    The messages keep their codes and parameters, so an import stores them to be read in each
    reader's language."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    errors: list[ValidationError] = []
    seen: set[tuple[int, str]] = set()
    for c in contributors:
        key = (c.party.pk, c.role)
        if key in seen:
            errors.append(
                ValidationError(
                    gettext_lazy("%(name)s is listed twice with the role %(role)s."),
                    code="contributor_twice",
                    params={"name": str(c.party), "role": c.role},
                )
            )
        seen.add(key)
        for right_type, percent in c.shares.items():
            if percent is None:
                continue
            percent = Decimal(str(percent))
            exponent = percent.as_tuple().exponent
            if isinstance(exponent, int) and exponent < -2 and percent != percent.quantize(Decimal("0.01")):
                errors.append(
                    ValidationError(
                        gettext_lazy("A share has at most two decimals (%(p)s %% has more)."),
                        code="share_decimals",
                        params={"p": str(percent)},
                    )
                )
                continue
            if not Decimal("0") < percent <= HUNDRED:
                errors.append(
                    ValidationError(
                        gettext_lazy("A share must be above 0 and at most 100 %% (got %(p)s)."),
                        code="share_range",
                        params={"p": str(percent)},
                    )
                )
            totals[right_type] += percent
    for right_type, total in sorted(totals.items()):
        if total != HUNDRED:
            errors.append(
                ValidationError(
                    gettext_lazy("Shares for %(right)s sum to %(total)s %%, not 100 %%."),
                    code="shares_sum",
                    params={"right": right_type, "total": str(total)},
                )
            )
    if errors:
        raise ValidationError(errors)


def term_facts(party: Party) -> AuthorFacts:
    """What the term of protection can know of a contributor.

    Only a natural person has a life to count from. Any other party in an author's role (the
    placeholder holding an unknown writer's share, a company named as author) stands for an author
    whose death cannot be known.
    """
    if not party.is_person:
        return UNIDENTIFIED_AUTHOR
    return AuthorFacts(death_date=party.death_date, rehabilitated_on=party.rehabilitated_on)


def protection_of(work: Work, contributors: Iterable[tuple[Party, str]]) -> Protection:
    """The term of ``work`` given its contributors as (party, role) pairs (Art. 28, 42)."""
    people = list(contributors)
    if work.kind in RELATED_RIGHTS_KINDS:
        return related_rights_protection(
            published_on=work.disclosed_on,
            made_in_year=work.creation_year,
            performers=[term_facts(party) for party, role in people if role == Role.PERFORMER],
        )
    return work_protection(
        authors=[term_facts(party) for party, role in people if role in AUTHOR_ROLES],
        disclosed_on=work.disclosed_on,
        anonymous=work.anonymous,
        pseudonymous=work.pseudonymous,
        author_identified_on=work.author_identified_on,
    )


def compute_protection(work: Work) -> Protection:
    return protection_of(work, ((c.party, c.role) for c in work.contributors.select_related("party")))


def _search_parts(work: Work) -> list[str]:
    parts = [work.title, *work.titles.values_list("title", flat=True)]
    for c in work.contributors.select_related("party").prefetch_related("party__pseudonyms"):
        parts += [c.party.name_kk, c.party.name_ru, c.party.name_lat, c.credited_as]
        parts += [p.name for p in c.party.pseudonyms.all()]
    return parts


def refresh_derived(works: Iterable[Work]) -> None:
    """Recompute the stored protection term and search text of ``works``."""
    for work in works:
        protection = compute_protection(work)
        Work.objects.filter(pk=work.pk).update(
            protection_ends_on=protection.ends_on,
            protection_basis=protection.basis,
            search_text=build_search_text(_search_parts(work)),
        )
        work.protection_ends_on, work.protection_basis = protection.ends_on, protection.basis


def _clean_identifiers(fields: dict[str, Any]) -> dict[str, Any]:
    validators = {
        "iswc": identifiers.validate_iswc,
        "isrc": identifiers.validate_isrc,
        "isan": identifiers.validate_isan,
    }
    errors = {}
    for name, validate in validators.items():
        if name in fields:
            value = (fields[name] or "").strip()
            if not value:
                fields[name] = None
                continue
            try:
                fields[name] = validate(value)
            except ValidationError as exc:
                errors[name] = exc
    if errors:
        raise ValidationError(errors)
    return fields


def _kept_details(
    work: Work,
) -> tuple[dict[tuple[int, str], list[TerritoryInput]], dict[tuple[int, str], list[PublisherLinkInput]]]:
    """The territories and publisher links the register has for each (party, role) of ``work``."""
    territories: dict[tuple[int, str], list[TerritoryInput]] = defaultdict(list)
    for t in (
        TerritoryShare.objects.filter(work=work).select_related("contributor").order_by("sequence", "id")
    ):
        territories[(t.contributor.party_id, t.contributor.role)].append(
            TerritoryInput(
                t.tis, t.included, t.pr_collection, t.mr_collection, t.sr_collection, t.shares_change
            )
        )
    links: dict[tuple[int, str], list[PublisherLinkInput]] = defaultdict(list)
    for link in PublisherLink.objects.filter(work=work).select_related("writer", "publisher").order_by("id"):
        links[(link.writer.party_id, link.writer.role)].append(
            PublisherLinkInput(
                link.publisher.party_id, link.publisher.role, link.submitter_agreement, link.society_agreement
            )
        )
    return territories, links


def _replace_contributors(work: Work, contributors: Sequence[ContributorInput]) -> None:
    validate_shares(contributors)
    kept_territories, kept_links = _kept_details(work)
    work.contributors.all().delete()
    created: dict[tuple[int, str], WorkContributor] = {}
    for seq, c in enumerate(contributors):
        contributor = WorkContributor.objects.create(
            work=work, party=c.party, role=c.role, credited_as=c.credited_as, sequence=seq
        )
        created[(c.party.pk, c.role)] = contributor
        Share.objects.bulk_create(
            Share(
                work=work,
                contributor=contributor,
                right_type=rt,
                percent=p,
                declared=c.declared.get(rt) if c.declared.get(rt) not in (None, p) else None,
            )
            for rt, p in c.shares.items()
            if p is not None
        )
    for c in contributors:
        contributor = created[(c.party.pk, c.role)]
        territories = (
            c.territories if c.territories is not None else kept_territories.get((c.party.pk, c.role), [])
        )
        TerritoryShare.objects.bulk_create(
            TerritoryShare(
                work=work,
                contributor=contributor,
                sequence=n,
                included=t.included,
                tis=t.tis,
                pr_collection=t.pr,
                mr_collection=t.mr,
                sr_collection=t.sr,
                shares_change=t.shares_change,
            )
            for n, t in enumerate(territories, start=1)
        )
        links = c.publishers if c.publishers is not None else kept_links.get((c.party.pk, c.role), [])
        seen: set[int] = set()
        for link in links:
            publisher = created.get((link.publisher, link.role))
            if publisher is None or publisher.pk in seen or publisher.pk == contributor.pk:
                continue  # the publisher is no longer on the work: the link goes with it
            seen.add(publisher.pk)
            PublisherLink.objects.create(
                work=work,
                writer=contributor,
                publisher=publisher,
                submitter_agreement=link.submitter_agreement,
                society_agreement=link.society_agreement,
            )


def register_work(
    *,
    by: Actor,
    kind: str = WorkKind.MUSICAL,
    title: str,
    contributors: Sequence[ContributorInput],
    alternate_titles: Iterable[Any] = (),
    embodied_works: Iterable[Work] = (),
    reason: audit.ReasonLike = "",
    **fields: Any,
) -> Work:
    """Enter a work (or object of related rights) in the register with its contributors and shares.

    The registrant must answer for at least one contributor (see :mod:`registers.claims`); other
    named holders who can speak for themselves confirm it before it is public.
    """
    from registers import claims
    from registers.models import ClaimsStatus, ProposalKind

    fields = _clean_identifiers(dict(fields))
    if not title.strip():
        raise ValidationError(
            {"title": ValidationError(gettext_lazy("A work needs a title."), code="no_title")}
        )
    validate_shares(contributors)
    to_confirm = claims.check_registration(by=by, party_ids=[c.party.pk for c in contributors])
    with audited(by, reason):
        work = Work(kind=kind, title=title.strip(), **fields)
        if roles.signed_in(by):
            work.submitted_by = by
            if roles.is_cmo_staff(by):
                work.registered_by_cmo_id = by.cmo_id
            work.public = roles.is_approved(by)
        if to_confirm:
            work.public, work.claims_status = False, ClaimsStatus.AWAITING
        work.full_clean(exclude=["search_text", "submitted_by", "registered_by_cmo"])
        work.save()
        _write_titles(work, alternate_titles)
        for embodied in embodied_works:
            EmbodiedWork.objects.create(recording=work, work=embodied)
        _replace_contributors(work, contributors)
        refresh_derived([work])
        if to_confirm:
            claims.open_proposal(
                kind=ProposalKind.WORK_REGISTRATION, by=by, answerers=to_confirm, work=work, note=str(reason)
            )
    return work


@dataclass
class WorkChange:
    """The outcome of :func:`change_work`: applied at once, or a proposal awaiting others' answers."""

    work: Work
    proposal: Any = None

    @property
    def applied(self) -> bool:
        return self.proposal is None


def change_work(
    work: Work,
    *,
    by: Actor,
    reason: audit.ReasonLike = "",
    contributors: Sequence[ContributorInput] | None = None,
    alternate_titles: Iterable[Any] | None = None,
    **fields: Any,
) -> WorkChange:
    """Change a work: at once if ``by`` answers for everything it touches, else as a proposal.

    See :mod:`registers.claims` for who answers for what.
    """
    from registers import claims
    from registers.models import ProposalKind

    fields = _clean_identifiers(dict(fields))
    if contributors is not None:
        validate_shares(contributors)
    alternate_titles = list(alternate_titles) if alternate_titles is not None else None
    wanted_titles = (
        title_inputs(alternate_titles, work=work, main_title=fields.get("title", work.title))
        if alternate_titles is not None
        else None
    )
    field_changes = claims.changed_fields(work, fields, wanted_titles)
    touched: set[int] = set()
    if contributors is not None:
        touched = claims.touched_parties(claims.current_rows(work), claims.contributor_rows(contributors))
    answerers = claims.answerers_for_work_change(work, by=by, field_changes=field_changes, touched=touched)
    if not answerers:
        with audited(by, reason, reason_required=access.requires_reason(by, work)):
            apply_work_change(
                work, fields=fields, alternate_titles=alternate_titles, contributors=contributors
            )
        return WorkChange(work)
    # validate the proposed values as they would be saved, without saving them
    candidate = Work.objects.get(pk=work.pk)
    for name, value in fields.items():
        setattr(candidate, name, value)
    candidate.full_clean(exclude=["search_text", "submitted_by", "registered_by_cmo"])
    payload = {
        "fields": {name: fields[name] for name in field_changes if name in fields},
        "alternate_titles": field_changes.get("alternate_titles"),
        "contributors": claims.contributor_rows(contributors)
        if touched and contributors is not None
        else None,
    }
    with audited(by, reason):
        proposal = claims.open_proposal(
            kind=ProposalKind.WORK_CHANGE,
            by=by,
            answerers=answerers,
            work=work,
            payload=payload,
            base=claims.snapshot(work),
            note=str(reason),
        )
    return WorkChange(work, proposal)


def save_work(
    work: Work | None,
    *,
    by: Actor,
    reason: audit.ReasonLike = "",
    title: str,
    contributors: Sequence[ContributorInput | NewCoauthorInput],
    alternate_titles: Iterable[Any] = (),
    **fields: Any,
) -> WorkChange:
    """Register a work (``work`` is ``None``) or change one, as the work pages do, in one transaction.

    Each co-author the register does not know yet is entered first, as an unverified person.
    """
    with audited(by, reason):
        known = [
            ContributorInput(
                party=create_party(by=by, reason=reason, kind=PartyKind.PERSON, verified=False, **c.names),
                role=c.role,
                shares=c.shares,
            )
            if isinstance(c, NewCoauthorInput)
            else c
            for c in contributors
        ]
        if work is None:
            return WorkChange(
                register_work(
                    by=by,
                    reason=reason,
                    title=title,
                    contributors=known,
                    alternate_titles=alternate_titles,
                    **fields,
                )
            )
        return change_work(
            work,
            by=by,
            reason=reason,
            title=title,
            contributors=known,
            alternate_titles=alternate_titles,
            **fields,
        )


def apply_work_change(
    work: Work,
    *,
    fields: dict[str, Any],
    alternate_titles: Iterable[Any] | None = None,
    contributors: Sequence[ContributorInput] | None = None,
) -> Work:
    """Write a change that has been agreed (inside the caller's :func:`audited` block)."""
    for name, value in fields.items():
        setattr(work, name, value)
    work.full_clean(exclude=["search_text", "submitted_by", "registered_by_cmo"])
    work.save()
    if alternate_titles is not None:
        _write_titles(work, alternate_titles)
    if contributors is not None:
        _replace_contributors(work, contributors)
    refresh_derived([work])
    return work


def create_party(*, by: Actor, reason: audit.ReasonLike = "", **fields: Any) -> Party:
    with audited(by, reason):
        party = Party(**fields)
        if roles.is_cmo_staff(by) and party.registered_by_cmo_id is None:
            party.registered_by_cmo_id = by.cmo_id
        party.full_clean()
        party.save()
    return party


def update_party(party: Party, *, by: Actor, reason: str = "", **fields: Any) -> Party:
    """Change a party's fields; legal-status facts from anyone but the operator become a proposal.

    Returns the party; :func:`propose_party_facts` tells whether facts were held for confirmation.
    """
    update_party_with_facts(party, by=by, reason=reason, **fields)
    return party


def update_party_with_facts(party: Party, *, by: Actor, reason: str = "", **fields: Any) -> Any:
    """As :func:`update_party`; returns the proposal of legal-status facts, if any was opened."""
    from registers import claims
    from registers.models import ProposalKind

    facts = {
        name: fields.pop(name)
        for name in claims.LEGAL_STATUS_FIELDS
        if name in fields and claims._jsonable(fields[name]) != claims._jsonable(getattr(party, name))
    }
    if not roles.is_operator(by) and facts:
        candidate = Party.objects.get(pk=party.pk)
        for name, value in {**fields, **facts}.items():
            setattr(candidate, name, value)
        candidate.full_clean()
        with audited(by, reason):
            proposal = claims.open_proposal(
                kind=ProposalKind.PARTY_FACTS,
                by=by,
                answerers=[None],
                party=party,
                payload={"fields": facts},
                note=reason,
            )
    else:
        fields.update(facts)
        proposal = None
    with audited(by, reason, reason_required=access.requires_reason(by, party)):
        apply_party_fields(party, fields)
    return proposal


def apply_party_fields(party: Party, fields: dict[str, Any]) -> Party:
    """Write a party's fields (inside the caller's :func:`audited` block) and refresh its works' terms."""
    if not fields:
        return party
    for name, value in fields.items():
        setattr(party, name, value)
    party.full_clean()
    party.save()
    if {"death_date", "rehabilitated_on", "name_kk", "name_ru", "name_lat", "kind"} & fields.keys():
        refresh_derived(Work.objects.filter(contributors__party=party).distinct())
    return party


def reveal_confidential(party: Party, *, by: Actor, reason: str) -> Any:
    """Record an official's reason for seeing a party's confidential data, and allow it."""
    from udp.accounts.models import ConfidentialAccess

    if not (roles.is_regulator(by) or roles.is_operator(by)):
        raise PermissionError(_("only officials reveal confidential data"))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why you need to see this person's confidential data.")})
    return ConfidentialAccess.objects.create(user=by, party=party, reason=reason.strip())


# --- Related rows of a party, a CMO's public data, a user's locations (portal and dashboard pages) ---


@dataclass
class SuccessionInput:
    successor: Party
    share: Decimal
    kind: str = "heir"


@dataclass
class BankInput:
    iban: str
    bank_name: str = ""
    bic: str = ""


def update_party_details(
    party: Party,
    *,
    by: Actor,
    reason: str = "",
    fields: dict[str, Any] | None = None,
    pseudonyms: Iterable[str] | None = None,
    ipi_name_numbers: Iterable[str] | None = None,
    bank: BankInput | None = None,
    successions: Sequence[SuccessionInput] | None = None,
) -> Party:
    """Update a party's own fields and replace its pseudonyms, IPI names, primary bank account and heirs."""
    from registers.models import BankAccount, IPIName, Pseudonym, Succession

    with audited(by, reason, reason_required=access.requires_reason(by, party)):
        update_party_with_facts(party, by=by, reason=reason, **(fields or {}))
        if pseudonyms is not None:
            names = list(dict.fromkeys(n.strip() for n in pseudonyms if n.strip()))
            party.pseudonyms.exclude(name__in=names).delete()
            for name in names:
                Pseudonym.objects.get_or_create(party=party, name=name)
        if ipi_name_numbers is not None:
            numbers = [identifiers.validate_ipi_name_number(n) for n in ipi_name_numbers if n.strip()]
            taken = IPIName.objects.filter(name_number__in=numbers).exclude(party=party)
            if taken.exists():
                raise ValidationError(
                    {
                        "ipi_names": _("IPI name number %(n)s belongs to another entry.")
                        % {"n": taken[0].name_number}
                    }
                )
            party.ipi_names.exclude(name_number__in=numbers).delete()
            for number in dict.fromkeys(numbers):
                IPIName.objects.get_or_create(party=party, name_number=number)
        if bank is not None:
            _replace_primary_bank_account(party, bank, BankAccount)
        if successions is not None:
            Succession.objects.filter(predecessor=party).delete()
            for s in successions:
                if s.successor.pk == party.pk:
                    raise ValidationError({"successions": _("A party cannot be its own heir or successor.")})
                succession = Succession(predecessor=party, successor=s.successor, share=s.share, kind=s.kind)
                succession.full_clean()
                succession.save()
    return party


def save_party(
    party: Party | None, *, by: Actor, reason: str = "", fields: dict[str, Any], **details: Any
) -> Party:
    """Enter a party (``party`` is ``None``) or change one, with the details of
    :func:`update_party_details`, in one transaction."""
    with audited(by, reason):
        if party is None:
            party, fields = create_party(by=by, reason=reason, **fields), {}
        return update_party_details(party, by=by, reason=reason, fields=fields, **details)


def _replace_primary_bank_account(party: Party, bank: BankInput, model: Any) -> None:
    if not bank.iban.strip():
        party.bank_accounts.all().delete()
        return
    account = party.bank_accounts.filter(is_primary=True).first() or model(party=party, is_primary=True)
    account.iban, account.bank_name, account.bic = bank.iban, bank.bank_name.strip(), bank.bic.strip().upper()
    account.full_clean(exclude=["party"])
    party.bank_accounts.exclude(pk=account.pk).filter(iban=account.iban).delete()
    account.save()


def update_cmo_public_data(
    cmo: Any,
    *,
    by: Actor,
    reason: str = "",
    fields: dict[str, Any],
    representatives: Sequence[dict[str, Any]] | None = None,
    branches: Sequence[dict[str, Any]] | None = None,
) -> Any:
    """A CMO's contacts, representatives and branches. Its areas come from accreditation, not from here."""
    editable = {"website", "public_email", "public_phone", "legal_address"}
    if fields.keys() - editable:
        raise ValueError(f"not editable by the CMO: {sorted(fields.keys() - editable)}")
    with audited(by, reason, reason_required=access.requires_reason(by, cmo)):
        for name, value in fields.items():
            setattr(cmo, name, value)
        cmo.full_clean()
        cmo.save()
        if representatives is not None:
            cmo.representatives.all().delete()
            for row in representatives:
                cmo.representatives.create(**row)
        if branches is not None:
            cmo.branches.all().delete()
            for row in branches:
                cmo.branches.create(**row)
    return cmo


def save_licensee_location(
    licensee: Any, *, by: Actor, location: Any = None, reason: str = "", **fields: Any
) -> Any:
    """Add a place where a user uses works, or change one of its places."""
    from registers.models import LicenseeLocation

    with audited(by, reason, reason_required=access.requires_reason(by, licensee)):
        if location is None:
            location = LicenseeLocation(licensee=licensee)
        elif location.licensee_id != licensee.pk:
            raise PermissionError("the location belongs to another user")
        for name, value in fields.items():
            setattr(location, name, value)
        location.full_clean()
        location.save()
    return location


def remove_licensee_location(location: Any, *, by: Actor, reason: str = "") -> None:
    with audited(by, reason, reason_required=access.requires_reason(by, location.licensee)):
        location.delete()


def register_cmo(
    *,
    by: Actor,
    reason: str = "",
    short_name: str,
    party_fields: dict[str, Any],
    areas: Iterable[Any] = (),
    **fields: Any,
) -> Any:
    """The operator enters a CMO in the register: its legal entity (BIN) and its charter data."""
    from registers.models import CMO

    if not roles.is_operator(by):
        raise PermissionError(_("only the operator registers CMOs"))
    with audited(by, reason):
        party = Party(kind=PartyKind.ENTITY, **party_fields)
        party.full_clean()
        party.save()
        cmo = CMO(party=party, short_name=short_name.strip(), **fields)
        cmo.full_clean(exclude=["party"])
        cmo.save()
        for area in areas:
            cmo.area_links.create(area=area)
    return cmo


def update_cmo(
    cmo: Any,
    *,
    by: Actor,
    reason: str = "",
    areas: Iterable[Any] | None = None,
    party_fields: dict[str, Any] | None = None,
    **fields: Any,
) -> Any:
    """Change a CMO's register data and, with ``party_fields``, its legal entity's, in one transaction."""
    with audited(by, reason, reason_required=access.requires_reason(by, cmo)):
        if party_fields is not None:
            update_party(cmo.party, by=by, reason=reason, **party_fields)
        for name, value in fields.items():
            setattr(cmo, name, value)
        cmo.full_clean(exclude=["party"])
        cmo.save()
        if areas is not None:
            wanted = {a.pk for a in areas}
            cmo.area_links.exclude(area_id__in=wanted).delete()
            for area_id in wanted - set(cmo.area_links.values_list("area_id", flat=True)):
                cmo.area_links.create(area_id=area_id)
    return cmo
