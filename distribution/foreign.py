"""The annual run for foreign societies (Art. 46.1 (3)) and its machine-readable export per society.

:func:`start_foreign_run` gathers, for a CMO and a year, the money its approved runs routed to foreign
societies (payees on the ``foreign`` route, not yet remitted, of runs whose period ended by the year's end)
into one :class:`~distribution.models.Remittance` per society: in tenge, and in the currency the reciprocal
agreement names, at the rate the CMO enters (tenge per unit, rounded once, half up, to the cent). Started
again before approval, it is recalculated; approved by a second person (:func:`approve_foreign_run`), its
payees are remitted for good: each payee once, ever.

:func:`export_rows` and :func:`export_document` are the export for one society, in the spirit of CISAC's
CRD (Common Royalty Distribution): a header naming the sender, the receiving society (its CISAC code) and
the distribution, then per holder the gross, each deduction and the net, with the works, their identifiers,
the holder's IPI name number and share, the use and the gross per work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from distribution.engine import RunError
from distribution.models import (
    Allocation,
    ForeignRun,
    ForeignRunStatus,
    Payee,
    Remittance,
    RemittanceTransfer,
    RemittedPayee,
    Route,
    RunStatus,
)
from licensing import ledger
from licensing.models import SourceKind
from registers.models import CMO, Party, ReciprocalArea
from udp.audit import MESSAGES, Reason, audited
from udp.core import clock
from udp.core.params import short_day
from udp.money import from_tiyn

LOCK_SPACE = 7044
TENGE = "KZT"
CENT = Decimal("0.01")


def register_reasons() -> None:
    MESSAGES.update(
        {
            "foreign_run_calculated": gettext_lazy("Annual run for foreign societies calculated"),
            "foreign_run_approved": gettext_lazy("Annual run for foreign societies approved"),
            "remittance_paid": gettext_lazy("Remittance to a foreign society recorded as paid"),
            "remittance_returned": gettext_lazy(
                "Remittance to a foreign society recorded as returned by the bank"
            ),
        }
    )


def currency_of(cmo: CMO, society_id: int) -> str:
    """The currency the latest reciprocal agreement of ``cmo`` with the society names (tenge if none)."""
    row = (
        ReciprocalArea.objects.filter(cmo=cmo, society_id=society_id)
        .exclude(currency="")
        .order_by("-valid_from", "-pk")
        .values_list("currency", flat=True)
        .first()
    )
    return (row or TENGE).upper()


def converted(amount_tiyn: int, rate: Decimal) -> Decimal:
    """``amount_tiyn`` in a currency of which one unit costs ``rate`` tenge, to the cent, half up."""
    return (Decimal(amount_tiyn) / 100 / rate).quantize(CENT, rounding=ROUND_HALF_UP)


def due_payees(cmo: CMO, year: int) -> Any:
    return Payee.objects.filter(
        run__cmo=cmo,
        run__status=RunStatus.APPROVED,
        run__period_end__lte=dt.date(year, 12, 31),
        route=Route.FOREIGN,
        society__isnull=False,
        remitted__isnull=True,
    )


def start_foreign_run(
    cmo: CMO, year: int, *, by: Any, rates: Mapping[str, Decimal] | None = None
) -> ForeignRun:
    """The annual run of ``cmo`` for ``year``, calculated; ``rates``: tenge per unit of each currency."""
    rates = {code.upper(): Decimal(value) for code, value in (rates or {}).items()}
    with transaction.atomic(), audited(by, Reason("foreign_run_calculated")):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_SPACE, cmo.pk * 10_000 + year])
        run = ForeignRun.objects.select_for_update().filter(cmo=cmo, year=year).first()
        if run is not None and run.status != ForeignRunStatus.CALCULATED:
            raise RunError("already_approved", run=run.pk)
        if run is None:
            run = ForeignRun.objects.create(cmo=cmo, year=year, started_by=by)
        run.remittances.all().delete()
        totals = (
            due_payees(cmo, year).values("society_id").annotate(net=Sum("net_tiyn")).order_by("society_id")
        )
        if not totals:
            raise RunError("nothing_for_societies", year=year)
        for total in totals:
            currency = currency_of(cmo, total["society_id"])
            rate = Decimal(1) if currency == TENGE else rates.get(currency)
            if rate is None or rate <= 0:
                raise RunError("rate_missing", currency=currency)
            remittance = Remittance.objects.create(
                run=run, society_id=total["society_id"], amount_tiyn=total["net"], currency=currency, rate=rate,
                amount=converted(total["net"], rate),
            )  # fmt: skip
            RemittedPayee.objects.bulk_create(
                RemittedPayee(remittance=remittance, payee_id=pk)
                for pk in due_payees(cmo, year)
                .filter(society_id=total["society_id"])
                .values_list("pk", flat=True)
            )
        run.started_by, run.calculated_at = by, clock.now()
        run.save(update_fields=["started_by", "calculated_at"])
    return run


#: The annual run for a year starts once the year's last quarter had its time to be distributed: the quarterly
#: runs are due by the end of the next quarter (:mod:`distribution.compliance`), so the fourth quarter's by
#: 31 March; until the staff approve it, the annual run is calculated again each day its money changes.
FOREIGN_RUN_FROM = (4, 1)


def start_due_foreign_runs(day: dt.date | None = None) -> int:
    """For last year, from 1 April (:data:`FOREIGN_RUN_FROM`): each CMO with money for foreign societies not
    yet remitted and no annual run yet gets its run, calculated by the platform's scheduler account; an annual
    run still awaiting approval whose money changed since (a quarter approved or corrected) is calculated
    again at its rates. Idempotent; returns the number of runs made or calculated again."""
    from distribution.schedule import scheduler_account

    day = day or clock.today()
    year = day.year - 1
    if (day.month, day.day) < FOREIGN_RUN_FROM:
        return 0
    made = 0
    for run in ForeignRun.objects.filter(year=year, status=ForeignRunStatus.CALCULATED).select_related("cmo"):
        taken = set(RemittedPayee.objects.filter(remittance__run=run).values_list("payee_id", flat=True))
        gone = Payee.objects.filter(pk__in=taken).exclude(run__status=RunStatus.APPROVED).exists()
        if not gone and not due_payees(run.cmo, year).exists():
            continue  # the same money as when it was calculated: no quarter approved or corrected since
        rates = dict(run.remittances.values_list("currency", "rate"))
        try:
            start_foreign_run(run.cmo, year, by=run.started_by, rates=rates)
        except RunError:
            continue  # a new currency's rate to enter, or nothing left: the staff see it on the run's page
        made += 1
    cmo_ids = set(
        Payee.objects.filter(
            run__status=RunStatus.APPROVED, run__period_end__lte=dt.date(year, 12, 31), route=Route.FOREIGN,
            society__isnull=False, remitted__isnull=True,
        ).values_list("run__cmo_id", flat=True)
    ) - set(ForeignRun.objects.filter(year=year).values_list("cmo_id", flat=True))  # fmt: skip
    for cmo in CMO.objects.filter(pk__in=cmo_ids).order_by("pk"):
        try:
            start_foreign_run(cmo, year, by=scheduler_account())
        except RunError:
            continue  # a currency's rate to enter: the CMO's staff start it themselves
        made += 1
    return made


def approve_foreign_run(run: ForeignRun, *, by: Any) -> ForeignRun:
    """Approve the annual run: another person than the one who calculated it; one the platform calculated is
    first calculated again by a member of staff (who so checks its rates)."""
    from distribution.schedule import started_by_platform

    with transaction.atomic(), audited(by, Reason("foreign_run_approved")):
        run = ForeignRun.objects.select_for_update().select_related("started_by").get(pk=run.pk)
        if run.status != ForeignRunStatus.CALCULATED:
            raise RunError("not_awaiting_approval")
        if started_by_platform(run.started_by):
            raise RunError("platform_started")
        if run.started_by_id == getattr(by, "pk", None):
            raise RunError("same_person")
        run.status, run.approved_by, run.approved_at = ForeignRunStatus.APPROVED, by, clock.now()
        run.save(update_fields=["status", "approved_by", "approved_at"])
        for remittance in run.remittances.select_related("society").order_by("pk"):
            _post_remittance(remittance, by=by)
    return run


def _post_remittance(remittance: Remittance, *, by: Any) -> None:
    """The approved remittance in the ledger (once): its holders' money, kept undistributed under each of them
    since their runs, is now owed to the society (Dr undistributed, each holder; Cr societies payable)."""
    nets = (
        Payee.objects.filter(remitted__remittance=remittance)
        .values("party_id")
        .annotate(net=Sum("net_tiyn"))
        .order_by("party_id")
    )
    parties = Party.objects.in_bulk([row["party_id"] for row in nets])
    legs = [
        ledger.Leg(ledger.UNDISTRIBUTED, from_tiyn(row["net"]), party=parties[row["party_id"]])
        for row in nets
        if row["net"]
    ]
    total = sum(row["net"] for row in nets)
    if not legs or total != remittance.amount_tiyn:
        raise RunError("nothing_for_societies", year=remittance.run.year)
    legs.append(ledger.Leg(ledger.SOCIETIES_PAYABLE, -from_tiyn(total)))
    ledger.post(
        remittance.run.cmo, clock.today(), legs, "remittance_approved",
        {"remittance": remittance.pk, "society": remittance.society.short_name, "year": remittance.run.year},
        (SourceKind.REMITTANCE, remittance.pk), by,
    )  # fmt: skip


def _check_staff(remittance: Remittance, by: Any, refusal: str) -> None:
    from udp.accounts import roles

    if not (roles.is_cmo_staff(by) and by.cmo_id == remittance.run.cmo_id):
        raise PermissionError(refusal)


def _locked(remittance: Remittance) -> Remittance:
    """The remittance, locked (so two people recording its transfer at once record one), with its transfers."""
    return (
        Remittance.objects.select_for_update(of=("self",))
        .select_related("run", "society")
        .prefetch_related("transfers")
        .get(pk=remittance.pk)
    )


def record_remittance_paid(
    remittance: Remittance, *, paid_on: dt.date, reference: str, by: Any
) -> Remittance:
    """The CMO's staff record the transfer of an approved remittance as their bank statement shows it: the
    society is paid (Dr societies payable, Cr bank), once for each time it is owed. Refused before approval,
    while a transfer is in force, for a day in the future, before the approval or before the bank returned the
    last transfer, and without the bank's reference."""
    from django.core.exceptions import ValidationError

    from distribution.actions import run_error_message

    _check_staff(remittance, by, gettext("Only the CMO's own staff record its remittances as paid."))
    reference = reference.strip()
    with transaction.atomic(), audited(by, Reason("remittance_paid")):
        remittance = _locked(remittance)
        if remittance.run.status != ForeignRunStatus.APPROVED:
            raise ValidationError(run_error_message("not_approved"))
        if remittance.transfer is not None:
            raise ValidationError(
                gettext("This remittance was recorded as paid on %(day)s already.")
                % {"day": short_day(remittance.transfer.paid_on)}
            )
        if not reference:
            raise ValidationError({"reference": gettext("Give the bank's reference of the transfer.")})
        approved_on = timezone.localdate(remittance.run.approved_at) if remittance.run.approved_at else None
        returned = [t.returned_on for t in remittance.transfers.all() if t.returned_on is not None]
        earliest = max([day for day in (approved_on, *returned) if day is not None], default=None)
        if paid_on > clock.today() or (earliest is not None and paid_on < earliest):
            raise ValidationError(
                {"paid_on": gettext("The transfer is paid between the approval and today.")}
                if not returned
                else {"paid_on": gettext("The new transfer is paid between the last return and today.")}
            )
        transfer = RemittanceTransfer.objects.create(
            remittance=remittance, paid_on=paid_on, bank_reference=reference[:100], recorded_by=by
        )
        amount = from_tiyn(remittance.amount_tiyn)
        ledger.post(
            remittance.run.cmo, paid_on,
            [ledger.Leg(ledger.SOCIETIES_PAYABLE, amount), ledger.Leg(ledger.BANK, -amount)],
            "remittance_paid",
            {"remittance": remittance.pk, "society": remittance.society.short_name, "paid_on": paid_on.isoformat(),
             "reference": transfer.bank_reference},
            (SourceKind.REMITTANCE_PAID, transfer.pk), by,
        )  # fmt: skip
    return _fresh(remittance)


def record_remittance_returned(
    remittance: Remittance, *, returned_on: dt.date, reference: str, reason: str = "", by: Any
) -> Remittance:
    """The CMO's staff record that the bank returned the remittance's transfer in force, as their bank
    statement shows it: the money is back (Dr bank) and owed to the society again (Cr societies payable),
    once per transfer; a later transfer pays it (:func:`record_remittance_paid`). Refused with no transfer in
    force, for a day in the future or before the transfer's, and without the bank's reference."""
    from django.core.exceptions import ValidationError

    _check_staff(remittance, by, gettext("Only the CMO's own staff record its remittances as returned."))
    reference, reason = reference.strip(), reason.strip()
    with transaction.atomic(), audited(by, Reason("remittance_returned")):
        remittance = _locked(remittance)
        transfer = remittance.transfer
        if transfer is None:
            raise ValidationError(
                gettext("No transfer of this remittance is recorded as paid: nothing to return.")
            )
        if not reference:
            raise ValidationError({"reference": gettext("Give the bank's reference of the return.")})
        if returned_on > clock.today() or returned_on < transfer.paid_on:
            raise ValidationError(
                {"returned_on": gettext("The transfer is returned between its payment and today.")}
            )
        transfer.returned_on, transfer.return_reference, transfer.return_reason = (
            returned_on, reference[:100], reason[:300],
        )  # fmt: skip
        transfer.returned_by = by
        transfer.save(update_fields=["returned_on", "return_reference", "return_reason", "returned_by"])
        amount = from_tiyn(remittance.amount_tiyn)
        ledger.post(
            remittance.run.cmo, returned_on,
            [ledger.Leg(ledger.BANK, amount), ledger.Leg(ledger.SOCIETIES_PAYABLE, -amount)],
            "remittance_returned",
            {"remittance": remittance.pk, "society": remittance.society.short_name,
             "returned_on": returned_on.isoformat(), "reference": transfer.return_reference},
            (SourceKind.REMITTANCE_RETURNED, transfer.pk), by,
        )  # fmt: skip
    return _fresh(remittance)


def _fresh(remittance: Remittance) -> Remittance:
    """The remittance read again, with its transfers as they are now."""
    return (
        Remittance.objects.select_related("run", "society")
        .prefetch_related("transfers")
        .get(pk=remittance.pk)
    )


EXPORT_HEADER = [
    "record", "sender", "society_code", "society", "year", "currency", "rate", "distribution", "period_start",
    "period_end", "area", "ip_name", "ipi_name_number", "work_id", "iswc", "isrc", "title", "right_type",
    "side", "share_percent", "shares_used", "units", "gross_tiyn", "costs_tiyn", "funds_tiyn", "net_tiyn",
]  # fmt: skip


def _ipi_numbers(party_ids: set[int]) -> dict[int, str]:
    from registers.models import IPIName

    numbers: dict[int, str] = {}
    for party_id, number in (
        IPIName.objects.filter(party_id__in=party_ids).order_by("pk").values_list("party_id", "name_number")
    ):
        numbers.setdefault(party_id, number)
    return numbers


def export_rows(remittance: Remittance) -> Iterator[list[Any]]:
    """The export's rows: one ``PAY`` row per holder and run (gross, deductions, net), each followed by its
    ``WRK`` rows (the holder's works in that run, with the use and the gross)."""
    run, society = remittance.run, remittance.society
    payees = list(
        Payee.objects.filter(remitted__remittance=remittance)
        .select_related("party", "run__area")
        .order_by("run__period_start", "party_id")
    )
    ipi = _ipi_numbers({p.party_id for p in payees if p.party_id})
    head = [run.cmo.short_name, society.cisac_code, society.short_name, run.year, remittance.currency,
            remittance.rate]  # fmt: skip
    for payee in payees:
        domestic = payee.run
        where = [
            domestic.pk,
            domestic.period_start.isoformat(),
            domestic.period_end.isoformat(),
            domestic.area.item,
        ]
        name = payee.party.name if payee.party else ""
        number = ipi.get(payee.party_id or 0, "")
        yield ["PAY", *head, *where, name, number, "", "", "", "", "", "", "", "", "", payee.gross_tiyn,
               payee.costs_tiyn, payee.funds_tiyn, payee.net_tiyn]  # fmt: skip
        for a in (
            Allocation.objects.filter(run=domestic, party=payee.party, route=Route.FOREIGN)
            .select_related("work")
            .order_by("work_id", "side")
        ):
            yield ["WRK", *head, *where, name, number, a.work_id, a.work.iswc or "", a.work.isrc or "",
                   a.work.title, a.right_type, a.side, str(a.percent), a.basis, a.units, a.gross_tiyn, "", "", ""]  # fmt: skip


def export_document(remittance: Remittance) -> dict[str, Any]:
    """The export as one JSON document: the header, each holder's money and works, and the totals."""
    rows = list(export_rows(remittance))
    header = dict(zip(EXPORT_HEADER[1:7], rows[0][1:7], strict=True)) if rows else {}
    holders: list[dict[str, Any]] = []
    for row in rows:
        record = dict(zip(EXPORT_HEADER, row, strict=True))
        if row[0] == "PAY":
            holders.append({
                key: record[key] for key in ("distribution", "period_start", "period_end", "area", "ip_name",
                                             "ipi_name_number", "gross_tiyn", "costs_tiyn", "funds_tiyn", "net_tiyn")
            } | {"works": []})  # fmt: skip
        else:
            holders[-1]["works"].append({
                key: record[key] for key in ("work_id", "iswc", "isrc", "title", "right_type", "side",
                                             "share_percent", "shares_used", "units", "gross_tiyn")
            })  # fmt: skip
    return {
        "format": "udp-royalty-distribution/1",
        "header": {key: str(value) for key, value in header.items()}
        | {"amount_tiyn": remittance.amount_tiyn, "amount": str(remittance.amount)},
        "holders": [{k: str(v) if isinstance(v, Decimal) else v for k, v in h.items()} for h in holders],
        "totals": {"holders": len(holders), "net_tiyn": remittance.amount_tiyn},
    }
