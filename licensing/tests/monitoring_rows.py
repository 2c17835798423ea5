"""Rows the monitoring and information-request tests stand on: a licence made directly with the ORM (the
licence flow is tested elsewhere), a provider with a site and a key."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from licensing import monitoring
from licensing.models import Declaration, Licence, MonitoredSite, MonitoringProvider, ReportDue
from registers.models import CMO, Contract, Licensee, UserCategory
from tests import factories as f
from udp.accounts.models import User


def make_licence(
    licensee: Licensee,
    cmo: CMO,
    *,
    by: User,
    starts_on: dt.date = dt.date(2026, 1, 1),
    ends_on: dt.date = dt.date(2026, 12, 31),
) -> Licence:
    contract = Contract.objects.create(
        number=f"LIC-T{f.next_serial()}", kind="licence", status="draft", cmo=cmo, licensee=licensee,
        concluded_on=starts_on, valid_from=starts_on, valid_until=ends_on,
    )  # fmt: skip
    declaration = Declaration.objects.create(
        licensee=licensee, category=UserCategory.objects.get(code="radio"), use="broadcast", starts_on=starts_on,
        made_by=by,
    )  # fmt: skip
    licence = Licence.objects.create(
        kind="licence", contract=contract, declaration=declaration, licensee=licensee, cmo=cmo, place="Almaty",
        status="awaiting_user", starts_on=starts_on, ends_on=ends_on, invoice_period="month",
        report_frequency="monthly", report_due_days=15, monthly_amount=Decimal("1000.00"), created_by=by,
    )  # fmt: skip
    month = starts_on
    while month <= ends_on:
        nxt = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        ReportDue.objects.create(
            licence=licence, period_start=month, period_end=nxt - dt.timedelta(days=1),
            due_on=nxt + dt.timedelta(days=15),
        )  # fmt: skip
        month = nxt
    return licence


def make_provider(operator: User, *, name: str = "PlayCount") -> MonitoringProvider:
    return monitoring.register_provider(by=operator, name=name, bin=f.make_bin())


def make_site(operator: User, provider: MonitoringProvider, licence: Licence, code: str) -> MonitoredSite:
    return monitoring.add_site(by=operator, provider=provider, licence=licence, code=code)
