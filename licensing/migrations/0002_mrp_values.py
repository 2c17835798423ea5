"""The monthly calculation index (МРП) as the budget laws set it; the operator enters later years as data."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

VALUES = [
    (dt.date(2024, 1, 1), Decimal("3692"), "Law on the republican budget for 2024–2026"),
    (dt.date(2025, 1, 1), Decimal("3932"), "Law on the republican budget for 2025–2027"),
    (dt.date(2026, 1, 1), Decimal("4325"), "Law on the republican budget for 2026–2028"),
]


def load(apps, schema_editor):
    IndexValue = apps.get_model("licensing", "IndexValue")
    for valid_from, value, source in VALUES:
        IndexValue.objects.update_or_create(
            kind="mrp", valid_from=valid_from, defaults={"value": value, "source": source}
        )


class Migration(migrations.Migration):
    dependencies = [("licensing", "0001_rates_and_licences")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
