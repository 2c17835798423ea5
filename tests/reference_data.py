"""The reference data the migrations load (areas, user categories, the МРП's values, the chart of accounts, the
tax rates), put back after a transactional test flushed every table: each table empty is loaded again by the
migration functions that first loaded it."""

from __future__ import annotations

import importlib


def put_back() -> None:
    from django.apps import apps

    from distribution.models import TaxRate
    from licensing.models import IndexValue, LedgerAccount
    from registers.models import Area

    if not Area.objects.exists():
        importlib.import_module("registers.migrations.0002_reference_data").load(apps, None)
    if not IndexValue.objects.exists():
        importlib.import_module("licensing.migrations.0002_mrp_values").load(apps, None)
    if not LedgerAccount.objects.exists():
        importlib.import_module("licensing.migrations.0003_ledger").seed_chart(apps, None)
        importlib.import_module("licensing.migrations.0006_ledger_distribution").seed_chart(apps, None)
        importlib.import_module("licensing.migrations.0010_societies_payable").seed(apps, None)
    if not TaxRate.objects.exists():
        importlib.import_module("distribution.migrations.0010_payouts").seed_rates(apps, None)
