"""Concluding agreements with users online (Art. 44.2-1, 45): declare, choose, sign, countersign.

1. :func:`declare_use`: the user says what it does; :func:`licensing.offers.needs` answers with the CMOs and
   their quotes.
2. :func:`request_agreement`: the user takes one CMO's offer for one kind of agreement (a licence for the
   exclusive rights of areas 1 and 7, a remuneration agreement for areas 2 to 5). The price is the quote of
   the CMO's published tariffs for the declaration, nothing else (Art. 44.2, the same terms for the same
   category). The contract is entered in the register of contracts as a draft with its number and the
   agreement issued as a PDF.
3. :func:`sign_agreement`: the user signs, then the CMO countersigns; automatically when every tariff of the
   agreement says so and the CMO's policy names who signs (:class:`licensing.models.CountersignPolicy`).
   With both signatures the contract is in force and its usage report periods are written.
4. :func:`refuse_agreement`: a CMO refuses only on a ground of :class:`RefusalGround`, with reasons; the
   authorized body is told (Art. 44.2).

:func:`end_or_renew_due` (daily) renews agreements that renew and ends the others at the end of their term.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accreditation import selectors as accreditation
from licensing.documents import issue_licence_document
from licensing.models import (
    REPORT_MONTHS,
    AgreementKind,
    CountersignPolicy,
    Declaration,
    Licence,
    LicenceLine,
    LicenceStatus,
    RefusalGround,
    Renewal,
    RepertoireScope,
    ReportDue,
    Tariff,
    Use,
    kind_for_area,
)
from licensing.pricing import parse_parameters, published_tariffs, quote
from registers.models import CMO, Contract, Licensee, LicenseeLocation, UserCategory
from registers.models.contracts import CONTRACT_SERIES, ContractKind, ContractStatus
from udp.accounts import roles
from udp.accounts.models import Moderation, Role, User
from udp.audit import Reason, audited
from udp.core import clock
from udp.core.numbering import allocate_number
from udp.documents.signing import get_signer, signatory_for
from udp.notices.actions import notify


def licensee_accounts(licensee: Licensee | int) -> QuerySet[User]:
    pk = licensee.pk if isinstance(licensee, Licensee) else licensee
    return User.objects.filter(
        role=Role.LICENSEE, licensee_id=pk, moderation=Moderation.APPROVED, is_active=True
    )


def cmo_accounts(cmo: CMO | int) -> QuerySet[User]:
    pk = cmo.pk if isinstance(cmo, CMO) else cmo
    return User.objects.filter(
        role__in=[Role.CMO_ADMIN, Role.CMO_STAFF], cmo_id=pk, moderation=Moderation.APPROVED, is_active=True
    )


def regulator_accounts() -> QuerySet[User]:
    return User.objects.filter(role=Role.REGULATOR, is_active=True)


def licence_link(licence: Licence) -> str:
    return f"/licences/{licence.pk}/"


def _params(licence: Licence) -> dict[str, Any]:
    return {
        "number": licence.contract.number, "cmo": licence.cmo.short_name, "user": str(licence.licensee),
        "starts": licence.starts_on.isoformat(), "ends": licence.ends_on.isoformat(),
    }  # fmt: skip


def _tell(accounts: Iterable[User], code: str, licence: Licence, **extra: Any) -> None:
    params = {**_params(licence), **extra}
    for account in accounts:
        notify(account, code, params, link=licence_link(licence))


# --- 1. the declaration --------------------------------------------------------------------------------


def _own_licensee(by: User) -> Licensee:
    if not roles.is_licensee(by) or by.licensee_id is None or not by.is_approved:
        raise PermissionError(_("only an approved music user with a register entry declares its use"))
    return Licensee.objects.select_related("party").get(pk=by.licensee_id)


def declare_use(
    *,
    by: User,
    category: UserCategory,
    use: str,
    location: LicenseeLocation | None = None,
    parameters: Mapping[str, Any] | None = None,
    revenue: Decimal | None = None,
    starts_on: dt.date | None = None,
) -> Declaration:
    """The user says what it does, where, and its figures; kept as given."""
    licensee = _own_licensee(by)
    if use not in Use.values:
        raise ValidationError({"use": _("Choose the use.")})
    if location is not None and location.licensee_id != licensee.pk:
        raise ValidationError({"location": _("Choose one of your own premises.")})
    try:
        figures = parse_parameters(parameters or {})
    except ValueError as exc:
        raise ValidationError(
            {"parameters": _("Give %(unit)s as a number of zero or more.") % {"unit": exc.args[0]}}
        ) from None
    if revenue is not None and revenue < 0:
        raise ValidationError({"revenue": _("Revenue cannot be negative.")})
    today = clock.today()
    starts_on = starts_on or today
    if starts_on < today:
        raise ValidationError({"starts_on": _("An agreement cannot start before today.")})
    with audited(by):
        return Declaration.objects.create(
            licensee=licensee, location=location, category=category, use=use,
            parameters={unit: str(value) for unit, value in figures.items()}, revenue=revenue,
            starts_on=starts_on, made_by=by,
        )  # fmt: skip


def declared_parameters(declaration: Declaration) -> dict[str, Decimal]:
    return {unit: Decimal(value) for unit, value in (declaration.parameters or {}).items()}


# --- 2. the agreement asked for --------------------------------------------------------------------------


def _place(declaration: Declaration) -> str:
    location = declaration.location
    if location is None:
        return str(declaration.licensee)
    return ", ".join(part for part in (location.name, location.address, location.city) if part)


def request_agreement(
    declaration: Declaration, *, by: User, cmo: CMO, kind: str, tariffs: Sequence[Tariff] | None = None
) -> Licence:
    """The user takes ``cmo``'s offer of ``kind`` for ``declaration``: one line per area, each at the CMO's
    published tariff for the declared category and use (``tariffs`` picks among several in one area).
    The contract is entered as a draft, the agreement issued as a PDF for the user to sign."""
    licensee = _own_licensee(by)
    if declaration.licensee_id != licensee.pk:
        raise PermissionError("a declaration of another user")
    day = max(declaration.starts_on, clock.today())
    offered = [
        t for t in published_tariffs(day).filter(cmo=cmo, category_id=declaration.category_id, use=declaration.use)
        if kind_for_area(t.area.item) == kind
    ]  # fmt: skip
    if tariffs is not None:
        chosen_ids = {t.pk for t in tariffs}
        offered = [t for t in offered if t.pk in chosen_ids]
    by_area: dict[int, Tariff] = {}
    for tariff in sorted(offered, key=lambda t: t.pk):
        by_area.setdefault(tariff.area_id, tariff)
    if not by_area:
        raise ValidationError(
            _("%(cmo)s publishes no tariff for this category and use on %(day)s.")
            % {"cmo": cmo.short_name, "day": day}
        )
    figures = declared_parameters(declaration)
    quotes = {area: quote(tariff, figures, declaration.revenue, day) for area, tariff in by_area.items()}
    missing = sorted({unit for q in quotes.values() for unit in q.missing})
    if missing:
        raise ValidationError(
            {"parameters": _("Declare these figures first: %(missing)s.") % {"missing": ", ".join(missing)}}
        )
    first = next(iter(by_area.values()))
    months = max(t.licence_months for t in by_area.values())
    with audited(by):
        Licensee.objects.select_for_update().get(pk=licensee.pk)
        open_same = Licence.objects.filter(
            licensee=licensee, cmo=cmo, kind=kind, location=declaration.location,
            status__in=[LicenceStatus.AWAITING_USER, LicenceStatus.AWAITING_CMO],
        )  # fmt: skip
        if open_same.exists():
            raise ValidationError(
                _("You already have an agreement with %(cmo)s waiting for signatures for these premises.")
                % {"cmo": cmo.short_name}
            )
        contract_kind = ContractKind.LICENCE if kind == AgreementKind.LICENCE else ContractKind.REMUNERATION
        ends_on = day + relativedelta(months=months) - dt.timedelta(days=1)
        contract = Contract.objects.create(
            number=allocate_number(CONTRACT_SERIES[contract_kind]), kind=contract_kind, status=ContractStatus.DRAFT,
            cmo=cmo, licensee=licensee, concluded_on=clock.today(), valid_from=day, valid_until=ends_on,
            location=_place(declaration)[:300],
        )  # fmt: skip
        contract.areas.set([t.area for t in by_area.values()])
        licence = Licence.objects.create(
            kind=kind, contract=contract, declaration=declaration, licensee=licensee, cmo=cmo,
            location=declaration.location, place=_place(declaration)[:300], starts_on=day, ends_on=ends_on,
            invoice_period=first.invoice_period, report_frequency=first.report_frequency,
            report_due_days=first.report_due_days, monthly_amount=sum((q.monthly for q in quotes.values()), Decimal(0)),
            language=by.language or "kk", created_by=by,
        )  # fmt: skip
        for area_id, tariff in by_area.items():
            accredited = accreditation.is_accredited(cmo.pk, area_id, day)
            LicenceLine.objects.create(
                licence=licence, area=tariff.area, tariff=tariff, monthly_amount=quotes[area_id].monthly,
                scope=RepertoireScope.EXTENDED if accredited else RepertoireScope.MANDATED,
                workings=[w.as_json() for w in quotes[area_id].workings],
            )  # fmt: skip
        licence.document = issue_licence_document(licence, by=by)
        licence.save(update_fields=["document"])
        _tell(licensee_accounts(licensee), "licence_to_sign", licence)
    return licence


def _locked(licence: Licence, *statuses: str) -> Licence:
    locked = (
        Licence.objects.select_for_update(of=("self",))
        .select_related("contract", "cmo__party", "licensee__party", "document")
        .get(pk=licence.pk)
    )
    if locked.status not in statuses:
        raise ValidationError(
            _("This agreement is no longer %(status)s.")
            % {"status": ", ".join(str(LicenceStatus(s).label).lower() for s in statuses)}
        )
    return locked


def cancel_agreement(licence: Licence, *, by: User) -> Licence:
    """The user drops an agreement nobody has countersigned; its number stays in the register, cancelled."""
    if not (roles.is_licensee(by) and by.licensee_id == licence.licensee_id):
        raise PermissionError(_("only the user cancels its agreement"))
    with audited(by):
        licence = _locked(licence, LicenceStatus.AWAITING_USER, LicenceStatus.AWAITING_CMO)
        licence.status = LicenceStatus.CANCELLED
        licence.save(update_fields=["status"])
        Contract.objects.filter(pk=licence.contract_id).update(status=ContractStatus.TERMINATED)
        _tell(cmo_accounts(licence.cmo_id), "licence_cancelled", licence)
    return licence


# --- 3. signatures ----------------------------------------------------------------------------------


def signing_side(licence: Licence, by: Any) -> str | None:
    if roles.is_licensee(by) and by.licensee_id == licence.licensee_id:
        return "user"
    if roles.is_cmo_staff(by) and by.cmo_id == licence.cmo_id:
        return "cmo"
    return None


def _user_signature(licence: Licence, by: User, confirmed_sha256: str, evidence: str) -> Any:
    party = licence.licensee.party
    signatory = signatory_for(by, party.bin or "") if party.bin else None
    if party.bin and signatory is None:
        raise ValidationError(
            _("You are not on record as a person who may sign for %(entity)s.") % {"entity": party.name}
        )
    iin = signatory.iin if signatory else party.iin or ""
    assert licence.document is not None
    return get_signer().sign(
        licence.document, account=by, iin=iin, name=by.full_name or party.name, confirmed_sha256=confirmed_sha256,
        signatory=signatory, evidence=evidence,
    )  # fmt: skip


def _cmo_signature(licence: Licence, account: User, confirmed_sha256: str, evidence: str) -> Any:
    cmo_bin = licence.cmo.party.bin or ""
    signatory = signatory_for(account, cmo_bin)
    if signatory is None:
        raise ValidationError(
            _("You are not on record as a person who may sign for %(entity)s.")
            % {"entity": licence.cmo.party.name}
        )
    assert licence.document is not None
    return get_signer().sign(
        licence.document, account=account, iin=signatory.iin, name=account.full_name or account.email,
        confirmed_sha256=confirmed_sha256, signatory=signatory, evidence=evidence,
    )  # fmt: skip


def automatic_countersigner(licence: Licence) -> User | None:
    """The account that countersigns ``licence`` automatically, if every tariff of it says so and the CMO's
    policy names a person who may sign for it today."""
    if not all(line.tariff.auto_countersign for line in licence.lines.select_related("tariff")):
        return None
    policy = (
        CountersignPolicy.objects.filter(cmo_id=licence.cmo_id, active=True)
        .select_related("signatory")
        .first()
    )
    if policy is None:
        return None
    account = policy.signatory.account
    if signatory_for(account, licence.cmo.party.bin or "") is None or not account.is_active:
        return None
    return account


def sign_agreement(licence: Licence, *, by: User, confirmed_sha256: str, evidence: str = "") -> Licence:
    """``by`` signs for its side: the user first, then the CMO; with both the agreement is in force."""
    side = signing_side(licence, by)
    if side is None:
        raise PermissionError(_("only the parties sign the agreement"))
    with audited(by):
        if side == "user":
            licence = _locked(licence, LicenceStatus.AWAITING_USER)
            licence.user_signature = _user_signature(licence, by, confirmed_sha256, evidence)
            licence.status = LicenceStatus.AWAITING_CMO
            licence.save(update_fields=["user_signature", "status"])
            countersigner = automatic_countersigner(licence)
            if countersigner is not None:
                licence.cmo_signature = _cmo_signature(
                    licence, countersigner, licence.document.sha256 if licence.document else "",
                    "automatic countersignature under the CMO's policy",
                )  # fmt: skip
                licence.save(update_fields=["cmo_signature"])
                _bring_into_force(licence)
            else:
                _tell(cmo_accounts(licence.cmo_id), "licence_signed_by_user", licence)
        else:
            licence = _locked(licence, LicenceStatus.AWAITING_CMO)
            licence.cmo_signature = _cmo_signature(licence, by, confirmed_sha256, evidence)
            licence.save(update_fields=["cmo_signature"])
            _bring_into_force(licence)
    return licence


def report_periods(
    start: dt.date, end: dt.date, frequency: str, due_days: int
) -> list[tuple[dt.date, dt.date, dt.date]]:
    """The report periods of a term: calendar months, quarters or years, cut at the term's ends, each due
    ``due_days`` days after it ends."""
    months = REPORT_MONTHS[frequency]  # type: ignore[index]
    periods = []
    cursor = start
    while cursor <= end:
        first_month = (cursor.month - 1) // months * months + 1
        period_start = dt.date(cursor.year, first_month, 1)
        period_end = min(period_start + relativedelta(months=months) - dt.timedelta(days=1), end)
        periods.append((cursor, period_end, period_end + dt.timedelta(days=due_days)))
        cursor = period_end + dt.timedelta(days=1)
    return periods


def _write_reports_due(licence: Licence, start: dt.date, end: dt.date) -> None:
    for period_start, period_end, due_on in report_periods(
        start, end, licence.report_frequency, licence.report_due_days
    ):
        ReportDue.objects.get_or_create(
            licence=licence, period_start=period_start, defaults={"period_end": period_end, "due_on": due_on}
        )


#: Called when an agreement comes into force (the first invoice); set by the finance part at start-up.
ON_IN_FORCE: list[Any] = []


def _bring_into_force(licence: Licence) -> None:
    licence.status = LicenceStatus.IN_FORCE
    licence.decided_at = clock.now()
    licence.save(update_fields=["status", "decided_at"])
    Contract.objects.filter(pk=licence.contract_id).update(status=ContractStatus.ACTIVE)
    _write_reports_due(licence, licence.starts_on, licence.ends_on)
    for hook in ON_IN_FORCE:
        hook(licence)
    _tell(
        [*licensee_accounts(licence.licensee_id), *cmo_accounts(licence.cmo_id)], "licence_in_force", licence
    )


# --- 4. refusal -----------------------------------------------------------------------------------------


def refuse_agreement(licence: Licence, *, by: User, ground: str, note: str) -> Licence:
    """The CMO refuses, only on a ground of :class:`RefusalGround` and with reasons (Art. 44.2); the user and
    the authorized body are told. The contract's number stays in the register, terminated."""
    if not (roles.is_cmo_staff(by) and by.cmo_id == licence.cmo_id):
        raise PermissionError(_("only the CMO's staff refuse its agreements"))
    if ground not in RefusalGround.values:
        raise ValidationError(
            {"ground": _("A licence is refused only on a ground the law allows: choose it.")}
        )
    if not note.strip():
        raise ValidationError({"note": _("Explain the refusal to the user.")})
    with audited(by, note.strip()):
        licence = _locked(licence, LicenceStatus.AWAITING_USER, LicenceStatus.AWAITING_CMO)
        licence.status = LicenceStatus.REFUSED
        licence.refusal_ground, licence.refusal_note = ground, note.strip()
        licence.decided_by, licence.decided_at = by, clock.now()
        licence.save(update_fields=["status", "refusal_ground", "refusal_note", "decided_by", "decided_at"])
        Contract.objects.filter(pk=licence.contract_id).update(status=ContractStatus.TERMINATED)
        _tell(licensee_accounts(licence.licensee_id), "licence_refused", licence)
        _tell(regulator_accounts(), "licence_refused_regulator", licence)
    return licence


# --- renewal and end ------------------------------------------------------------------------------------


def end_or_renew_due(on: dt.date | None = None) -> tuple[int, int]:
    """Agreements whose term ended before ``on`` (today): renewed for the same term if they renew, ended if
    not. Idempotent: a renewed agreement's new end is in the future. Returns (renewed, ended)."""
    day = on or clock.today()
    renewed = ended = 0
    due = Licence.objects.filter(status=LicenceStatus.IN_FORCE, ends_on__lt=day).order_by("pk")
    for pk in due.values_list("pk", flat=True):
        with audited(None, Reason("licence_term_reached")), transaction.atomic():
            licence = Licence.objects.select_for_update().select_related("contract").get(pk=pk)
            if licence.status != LicenceStatus.IN_FORCE or licence.ends_on >= day:
                continue
            if licence.renewal == Renewal.RENEWS:
                months = relativedelta(licence.ends_on + dt.timedelta(days=1), licence.starts_on)
                term = months.years * 12 + months.months or 12
                while licence.ends_on < day:
                    start = licence.ends_on + dt.timedelta(days=1)
                    licence.ends_on = start + relativedelta(months=term) - dt.timedelta(days=1)
                    _write_reports_due(licence, start, licence.ends_on)
                licence.save(update_fields=["ends_on"])
                Contract.objects.filter(pk=licence.contract_id).update(valid_until=licence.ends_on)
                _tell(licensee_accounts(licence.licensee_id), "licence_renewed", licence)
                renewed += 1
            else:
                licence.status = LicenceStatus.ENDED
                licence.save(update_fields=["status"])
                Contract.objects.filter(pk=licence.contract_id).update(status=ContractStatus.ENDED)
                _tell(
                    [*licensee_accounts(licence.licensee_id), *cmo_accounts(licence.cmo_id)],
                    "licence_ended",
                    licence,
                )
                ended += 1
    return renewed, ended


def licences_in_force(day: dt.date) -> QuerySet[Licence]:
    return Licence.objects.filter(
        Q(status=LicenceStatus.IN_FORCE) | Q(status=LicenceStatus.ENDED), starts_on__lte=day, ends_on__gte=day
    )
