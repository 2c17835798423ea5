"""What a CMO collected: the money received and applied to licences, per licence, area and usage period.

The distribution reads this. One set-based query over the ledger: the credits to *receivable from users*
made by payments and by allocations of receipts, grouped, with the date the money was received (the
three-year rule runs from it) and the accounting month it was booked into. Unallocated receipts are not
collections until the CMO allocates them.

:func:`collections` returns a list of :class:`Collection`, one per
(licence, area, usage period, date of receipt, accounting month)::

    Collection(
        cmo_id=3,                          # the CMO that collected
        licence_id=12,                     # licensing.Licence
        area_item=1,                       # item of Art. 43.3 (registers.Area.item)
        usage_start=date(2027, 1, 1),      # the invoice period the money pays for
        usage_end=date(2027, 3, 31),
        received_on=date(2027, 1, 20),     # date of receipt (Payment.received_on)
        period=date(2027, 1, 1),           # accounting month of the booking
        amount_tiyn=1_250_000,             # positive: collected; in tiyn (int)
    )

``amount`` gives the same in tenge (Decimal). The parts for one licence sum to what its invoices were paid.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection

from licensing.models import SourceKind
from udp.money import from_tiyn

SQL = """
SELECT t.cmo_id, e.licence_id, a.item, e.usage_start, i.period_end, p.received_on, t.period,
       -SUM(e.amount_tiyn) AS amount_tiyn
  FROM licensing_entry e
  JOIN licensing_transaction t ON t.id = e.transaction_id
  JOIN licensing_ledgeraccount acc ON acc.id = e.account_id
  JOIN licensing_payment p ON p.id = t.source_id
  JOIN registers_area a ON a.id = e.area_id
  LEFT JOIN licensing_invoice i ON i.licence_id = e.licence_id AND i.period_start = e.usage_start
 WHERE acc.code = 'receivable' AND t.source_kind IN (%(payment)s, %(allocation)s) {where}
 GROUP BY t.cmo_id, e.licence_id, a.item, e.usage_start, i.period_end, p.received_on, t.period
HAVING SUM(e.amount_tiyn) <> 0
 ORDER BY t.cmo_id, e.licence_id, a.item, e.usage_start, p.received_on
"""


@dataclass(frozen=True)
class Collection:
    cmo_id: int
    licence_id: int
    area_item: int
    usage_start: dt.date
    usage_end: dt.date | None
    received_on: dt.date
    period: dt.date
    amount_tiyn: int

    @property
    def amount(self) -> Decimal:
        return from_tiyn(self.amount_tiyn)


def collections(
    *, cmo_id: int | None = None, licence_id: int | None = None, received_until: dt.date | None = None
) -> list[Collection]:
    """What was collected (see the module's docstring), for one CMO or licence, received up to a day."""
    params: dict[str, Any] = {
        "payment": SourceKind.PAYMENT.value,
        "allocation": SourceKind.ALLOCATION.value,
    }
    where = []
    if cmo_id is not None:
        where.append("AND t.cmo_id = %(cmo)s")
        params["cmo"] = cmo_id
    if licence_id is not None:
        where.append("AND e.licence_id = %(licence)s")
        params["licence"] = licence_id
    if received_until is not None:
        where.append("AND p.received_on <= %(until)s")
        params["until"] = received_until
    with connection.cursor() as cursor:
        cursor.execute(SQL.format(where=" ".join(where)), params)
        return [Collection(*row) for row in cursor.fetchall()]
