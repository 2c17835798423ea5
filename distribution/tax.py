"""Tax withheld from holders' remuneration (Art. 45 (4) of the law: collection and payment in compliance with
the Tax Code; the CMO is the tax agent).

The rate is data (:class:`distribution.models.TaxRate`), by the holder's kind (natural person or legal
entity) and residency, valid from a day. The rows seeded by ``distribution/migrations/0010_payouts.py``:

============================  ======  =====================================================================
holder                        rate    source
============================  ======  =====================================================================
resident natural person       10 %    Tax Code of 25.12.2017 No. 120-VI, Art. 320 (individual income tax,
                                      flat 10 %, withheld at the source of payment)
non-resident natural person   15 %    Art. 646 (income of a non-resident from sources in Kazakhstan:
                                      royalties, 15 % at the source of payment)
resident legal entity          0 %    royalties to a resident legal entity are not taxed at the source;
                                      the entity pays corporate income tax itself
non-resident legal entity     15 %    Art. 646, as above
============================  ======  =====================================================================

Checked against public tax guides (the flat 10 % for residents; 15 % at source on a non-resident's
royalties). A double-tax treaty may lower a non-resident's rate (10 % under the UK treaty, Art. 12 (2))
on a certificate of residence; treaty rates are not modelled yet: enter them as rows when they are.
A holder whose residency the register leaves blank is taken as resident.

Each payee's tax is ``net × rate`` in tiyn, rounded half up once (PostgreSQL's ``round`` on a non-negative
numeric), written set-based. This is the one place residency matters: the engine's shares and deductions do
not look at it (Art. 46.1 (2)).
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Sum

from distribution.engine import RunError
from distribution.models import Payee, Route, Run, TaxRate, Withholding

WITHHOLD = """
WITH rate AS (
    SELECT DISTINCT ON (party_kind, resident) id, party_kind, resident, percent
      FROM distribution_taxrate
     WHERE valid_from <= %(day)s AND (valid_until IS NULL OR valid_until >= %(day)s)
     ORDER BY party_kind, resident, valid_from DESC
)
INSERT INTO distribution_withholding (payee_id, run_id, party_id, rate_id, percent, net_tiyn, tax_tiyn, payable_tiyn)
SELECT p.id, p.run_id, p.party_id, r.id, r.percent, p.net_tiyn, t.tax, p.net_tiyn - t.tax
  FROM distribution_payee p
  JOIN registers_party pa ON pa.id = p.party_id
  JOIN rate r ON r.party_kind = pa.kind AND r.resident = coalesce(pa.resident, true)
  CROSS JOIN LATERAL (SELECT round(p.net_tiyn * r.percent / 100)::bigint AS tax) t
 WHERE p.run_id = %(run)s AND p.route = 'payable'
"""


def rate_for(kind: str, resident: bool | None, day: dt.date) -> TaxRate | None:
    """The rate in force on ``day`` for a holder of ``kind`` and residency (blank: resident)."""
    return (
        TaxRate.objects.filter(
            party_kind=kind, resident=True if resident is None else resident, valid_from__lte=day
        )
        .exclude(valid_until__lt=day)
        .order_by("-valid_from")
        .first()
    )


def withhold(run: Run, day: dt.date) -> int:
    """Write the tax of each payee to be paid in ``run`` at the rates in force on ``day`` (replacing any
    written before); returns the total withheld, in tiyn. Refused when a payee's kind and residency have
    no rate on ``day``."""
    Withholding.objects.filter(run=run).delete()
    with connection.cursor() as cursor:
        cursor.execute(WITHHOLD, {"run": run.pk, "day": day})
        written = cursor.rowcount
    expected = Payee.objects.filter(run=run, route=Route.PAYABLE).count()
    if written != expected:
        raise RunError("no_tax_rate", day=day)
    return int(Withholding.objects.filter(run=run).aggregate(total=Sum("tax_tiyn"))["total"] or 0)
