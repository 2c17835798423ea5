"""A quarter of collected money and matched usage for the run tasks, the schedule and the compliance checks.

KAZ's licence for 2027 in area 1 (10 000.00 a month, invoiced quarterly): the first quarter's invoice of
30 000.00 is paid on 20 January, so KAZ collected 3 000 000 tiyn for usage in January–March. The music user's
January report names two recordings by ISRC: "Dala" (embodying a work of A, 100 %) played 3 times, and "Kok"
(a work of A 25 % and B 75 %) played once; both are matched. Made through the real actions (invoice, payment,
matching), so the run reads its pool from the ledger and its use from the matched lines.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from distribution import matching
from distribution.tests.helpers import embody, lines, recording, report
from licensing import invoicing, payments
from licensing.models import Licence
from licensing.tests.finance.factories import make_licence
from registers.models import Area, Party
from tests import factories as f

Q1_2027 = (dt.date(2027, 1, 1), dt.date(2027, 3, 31))
POOL = 3_000_000


@dataclass
class Quarter:
    licence: Licence
    area: Area
    a: Party
    b: Party


def collected_quarter(personas: Any, clock: Any) -> Quarter:
    clock.travel_to(dt.date(2027, 1, 20))
    assert personas.licensee.licensee is not None
    licence = make_licence(
        cmo=personas.cmo, licensee=personas.licensee.licensee, user=personas.licensee,
        cmo_user=personas.cmo_admin, areas={1: "10000.00"},
    )  # fmt: skip
    invoice = invoicing.issue_first_invoice(licence)
    assert invoice is not None and invoice.period_start == Q1_2027[0]
    payments.record_payment(
        by=personas.cmo_staff, cmo=personas.cmo, amount=Decimal("30000.00"), received_on=dt.date(2027, 1, 20),
        invoice=invoice,
    )  # fmt: skip
    a = f.make_person(name_lat="Aigul A")
    b = f.make_person(name_lat="Bolat B")
    first = f.make_work(personas.operator, (a, "C", {"PR": Decimal("100")}), title="Dala")
    second = f.make_work(
        personas.operator, (a, "C", {"PR": Decimal("25")}), (b, "A", {"PR": Decimal("75")}), title="Kok"
    )
    embody(recording(personas, "Dala", isrc="KZA012700001"), first)
    embody(recording(personas, "Kok", isrc="KZA012700002"), second)
    january = Q1_2027[0]
    lines(
        report(licence, period=january),
        [{"isrc": "KZA012700001", "plays": 3}, {"isrc": "KZA012700002", "plays": 1}],
        period=january,
    )
    matching.refresh_work_keys()
    matching.match_period(january)
    return Quarter(licence=licence, area=Area.objects.get(item=1), a=a, b=b)
