"""Each holder's statement of an approved run (Art. 46.1 (1), A46.1.1-statement): usage by work and by source,
the gross amount, each deduction and the net, and which shares applied; as a page and as a PDF rendered when it
is first opened and kept (the document kind ``distribution_statement``, series ``DST``).

- :func:`publish_statements` writes one statement per holder payee of a run, one ``INSERT … SELECT``, when the
  run is approved (:func:`distribution.calculating.approve`).
- :func:`figures`, :func:`works`, :func:`sources` read a statement's lines: the run's payee rows of the holder
  (per route: payable, held by a conflict, ...), its allocations per work, and the licences the use came from
  (the run's use per licence and work, :class:`~distribution.models.RunWeight`).
- :func:`statement_document` gives the PDF in a language, issuing it the first time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.formats import number_format

from distribution.documents import STATEMENT
from distribution.models import Allocation, Basis, Payee, Route, Run, RunWeight, Statement, Withholding
from udp.documents.actions import issue_once
from udp.documents.models import IssuedDocument
from udp.money import from_tiyn

#: The languages a statement is issued in.
LANGUAGES = ("kk", "ru", "en")


def publish_statements(run: Run) -> int:
    """One statement per holder paid or held in ``run`` (money with no holder on record has none)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO distribution_statement (run_id, party_id, published_at) "
            "SELECT DISTINCT %s, party_id, now() FROM distribution_payee "
            "WHERE run_id = %s AND party_id IS NOT NULL ON CONFLICT (run_id, party_id) DO NOTHING",
            [run.pk, run.pk],
        )
        return int(cursor.rowcount)


@dataclass
class Figures:
    """A holder's money in a run: per route, and the totals."""

    routes: list[Payee] = field(default_factory=list)
    gross: int = 0
    costs: int = 0
    funds: int = 0
    net: int = 0
    payable: int = 0
    held: int = 0
    #: tax withheld from the payable money (Art. 45 (4)), at ``tax_percent``, and what is left to be paid
    tax: int = 0
    tax_percent: Decimal | None = None
    to_pay: int = 0


def figures(statement: Statement) -> Figures:
    rows = list(Payee.objects.filter(run_id=statement.run_id, party_id=statement.party_id).order_by("route"))
    result = Figures(routes=rows)
    for withheld in Withholding.objects.filter(payee__in=[row.pk for row in rows]):
        result.tax += withheld.tax_tiyn
        result.tax_percent = withheld.percent
    for row in rows:
        result.gross += row.gross_tiyn
        result.costs += row.costs_tiyn
        result.funds += row.funds_tiyn
        result.net += row.net_tiyn
        if row.route == Route.PAYABLE:
            result.payable += row.net_tiyn
        else:
            result.held += row.net_tiyn
    result.to_pay = result.payable - result.tax
    return result


def bases(statement: Statement) -> list[str]:
    """Which shares divided the money of the holder's works: the collection shares declared for Kazakhstan
    (CWR SPT/SWT) where a work has them, the agreed ownership shares otherwise."""
    codes = set(
        Allocation.objects.filter(run_id=statement.run_id, party_id=statement.party_id)
        .exclude(basis="")
        .values_list("basis", flat=True)
        .distinct()
    )
    return [code for code in (Basis.TERRITORY, Basis.OWNERSHIP) if code in codes] or [Basis.OWNERSHIP]


def works(statement: Statement) -> QuerySet[Allocation]:
    """The holder's money per work (and right type and route), most money first."""
    return (
        Allocation.objects.filter(run_id=statement.run_id, party_id=statement.party_id)
        .select_related("work")
        .order_by("-gross_tiyn", "work_id", "right_type", "route")
    )


@dataclass(frozen=True)
class Source:
    licence_id: int
    number: str
    user: str
    plays: int


def sources(run_id: int, work_ids: list[int]) -> dict[int, list[Source]]:
    """Where the use of each of ``work_ids`` in the run came from: per licence (the music user and its
    agreement), most plays first; one query."""
    rows = (
        RunWeight.objects.filter(run_id=run_id, work_id__in=work_ids, licence__isnull=False)
        .select_related("licence__contract", "licence__licensee__party")
        .order_by("work_id", "-units", "licence_id")
    )
    result: dict[int, list[Source]] = defaultdict(list)
    for row in rows:
        licence = row.licence
        assert licence is not None
        result[row.work_id].append(
            Source(licence.pk, licence.contract.number, str(licence.licensee), row.units)
        )
    return dict(result)


def _money(tiyn: int) -> str:
    return number_format(from_tiyn(tiyn), 2, force_grouping=True)


def _ipi(statement: Statement) -> str:
    """The holder's IPI name number for the statement (the legal name's, where there is one), or none."""
    names = sorted(
        statement.party.ipi_names.values_list("name_type", "name_number"), key=lambda n: (n[0] != "PA", n)
    )
    return names[0][1] if names else ""


def statement_data(statement: Statement, language: str) -> dict[str, Any]:
    """Plain data of the PDF in ``language``."""
    run = statement.run
    money = figures(statement)
    rows = list(works(statement))
    found = sources(run.pk, [row.work_id for row in rows])
    with translation.override(language):
        return {
            "holder": {"name": statement.party.name, "ipi": _ipi(statement)},
            "cmo": {"name": run.cmo.party.name, "short_name": run.cmo.short_name},
            "run": {
                "id": run.pk,
                "area": str(run.area),
                "start": run.period_start,
                "end": run.period_end,
                "approved_on": timezone.localdate(run.approved_at) if run.approved_at else None,
                "costs_percent": str(run.costs_percent),
                "funds_percent": str(run.funds_percent),
            },  # fmt: skip
            "basis": "; ".join(str(Basis(code).label) for code in bases(statement)),
            "routes": [
                {
                    "route": str(Route(p.route).label),
                    "gross": _money(p.gross_tiyn),
                    "costs": _money(p.costs_tiyn),
                    "funds": _money(p.funds_tiyn),
                    "net": _money(p.net_tiyn),
                }
                for p in money.routes
            ],  # fmt: skip
            "totals": {
                "gross": _money(money.gross),
                "costs": _money(money.costs),
                "funds": _money(money.funds),
                "net": _money(money.net),
                "payable": _money(money.payable),
                "held": _money(money.held),
                "tax": _money(money.tax),
                "tax_percent": str(money.tax_percent) if money.tax_percent is not None else "",
                "to_pay": _money(money.to_pay),
            },  # fmt: skip
            "works": [
                {
                    "id": row.work_id,
                    "title": row.work.title,
                    "right_type": row.right_type,
                    "percent": str(row.percent),
                    "units": row.units,
                    "gross": _money(row.gross_tiyn),
                    "route": str(Route(row.route).label),
                    "basis": str(Basis(row.basis).label) if row.basis else "",
                    "sources": [
                        {"user": s.user, "licence": s.number, "plays": s.plays}
                        for s in found.get(row.work_id, [])
                    ],
                }  # fmt: skip
                for row in rows
            ],
        }


def language_of(code: str | None) -> str:
    code = (code or "")[:2]
    return code if code in LANGUAGES else "ru"


def statement_document(statement: Statement, *, by: Any, language: str) -> IssuedDocument:
    """The statement's PDF in ``language``: issued (numbered, rendered and kept) the first time it is
    opened in that language, the same document every time after."""
    with translation.override(language):
        label = f"{statement.run.cmo.short_name} · {statement.run.period_start:%Y-%m-%d} – {statement.run.period_end:%Y-%m-%d}"
    return issue_once(
        STATEMENT, statement, by=by, language=language, data=lambda: statement_data(statement, language),
        public_label=label,
    )  # fmt: skip
