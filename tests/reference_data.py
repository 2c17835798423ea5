"""The reference data the migrations load (areas, user categories, the МРП's values, the chart of accounts, the
tax rates), put back after a transactional test flushed every table: each table found empty is loaded again by
the migration functions that first loaded it, its numbering started again, so each row gets back the number it
had (pages and tests may name an area or an account by its number)."""

from __future__ import annotations

import importlib
from typing import Any

from django.db import connection


def _restart(*models: Any) -> None:
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, %s), 1, false)",
                [model._meta.db_table, model._meta.pk.column],
            )


def put_back() -> None:
    from django.apps import apps

    from distribution.models import TaxRate
    from licensing.models import IndexValue, LedgerAccount
    from registers.models import Area, UserCategory

    if not Area.objects.exists():
        if not UserCategory.objects.exists():
            _restart(Area, UserCategory)
        importlib.import_module("registers.migrations.0002_reference_data").load(apps, None)
    if not IndexValue.objects.exists():
        _restart(IndexValue)
        importlib.import_module("licensing.migrations.0002_mrp_values").load(apps, None)
    if not LedgerAccount.objects.exists():
        _restart(LedgerAccount)
        importlib.import_module("licensing.migrations.0003_ledger").seed_chart(apps, None)
        importlib.import_module("licensing.migrations.0006_ledger_distribution").seed_chart(apps, None)
        importlib.import_module("licensing.migrations.0010_societies_payable").seed(apps, None)
    if not TaxRate.objects.exists():
        _restart(TaxRate)
        importlib.import_module("distribution.migrations.0010_payouts").seed_rates(apps, None)
