"""A quarter to distribute, made the way the platform makes it: a licence of the CMO for area 1, its first
quarter's invoice paid (the pool), a usage report of January whose lines are matched to two works, one the
holder's alone and one shared with the other holder."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from distribution import matching
from distribution.tests.helpers import JANUARY, embody, lines, recording, report
from licensing.invoicing import issue_first_invoice
from licensing.models import Licence
from licensing.payments import record_payment
from licensing.tests.finance.factories import make_licence
from registers.models import Area, Party, Work
from tests import factories as f
from tests.personas import mandate_to

Q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))


@dataclass
class RunWorld:
    licence: Licence
    own: Work
    shared: Work
    co_holder: Party
    area: Area
    pool_tiyn: int


def make_run_world(p: Any) -> RunWorld:
    """Pool 3 000 tenge (1 000 a month for Q1 2026); January: "Dala" (the holder's) played 3 times, "Kok"
    (the holder 25 %, Bolat Bekov 75 %, both with a mandate to the CMO in area 1) once."""
    licensee = p.licensee.licensee
    licence = make_licence(
        cmo=p.cmo, licensee=licensee, user=p.licensee, cmo_user=p.cmo_admin, areas={1: "1000.00"},
        starts_on=Q1[0], invoice_period="quarter",
    )  # fmt: skip
    invoice = issue_first_invoice(licence)
    assert invoice is not None
    record_payment(
        by=p.cmo_staff, cmo=p.cmo, amount=invoice.amount, received_on=dt.date(2026, 2, 2), invoice=invoice
    )
    own = f.make_work(p.operator, (p.holder_party, "CA", {"PR": Decimal("100")}), title="Dala")
    co_holder = f.make_person(name_lat="Bolat Bekov", name_ru="Болат Беков")
    mandate_to(co_holder, p.cmo, area_item=1)
    shared = f.make_work(
        p.operator, (p.holder_party, "C", {"PR": Decimal("25")}), (co_holder, "A", {"PR": Decimal("75")}),
        title="Kok",
    )  # fmt: skip
    embody(recording(p, "Dala", isrc="KZA012600001"), own)
    embody(recording(p, "Kok", isrc="KZA012600002"), shared)
    lines(
        report(licence),
        [
            {"isrc": "KZA012600001", "plays": 2},
            {"isrc": "KZA012600002", "plays": 1},
            {"isrc": "KZA012600001", "plays": 1},
        ],
    )
    matching.refresh_work_keys()
    matching.match_period(JANUARY)
    return RunWorld(licence, own, shared, co_holder, Area.objects.get(item=1), int(invoice.amount * 100))
