"""What a flush takes away, the fixtures put back: the whole of the reference data the migrations loaded, each row
under the number it had."""

from __future__ import annotations

from typing import Any

import pytest
from django.forms.models import model_to_dict

from distribution.models import TaxRate
from licensing.models import IndexValue, LedgerAccount
from registers.models import Area, UserCategory
from tests.reference_data import put_back

#: The reference tables, in an order their rows can be deleted in.
TABLES: list[Any] = [TaxRate, LedgerAccount, IndexValue, UserCategory, Area]


def _rows(model: Any) -> list[dict[str, Any]]:
    return [model_to_dict(row) | {"pk": row.pk} for row in model.objects.order_by("pk")]


@pytest.mark.django_db
def test_after_a_flush_the_reference_data_put_back_is_all_that_the_migrations_loaded_as_numbered() -> None:
    loaded = {model.__name__: _rows(model) for model in TABLES}
    assert all(loaded.values()), {name: len(rows) for name, rows in loaded.items()}
    for model in TABLES:
        model.objects.all().delete()
    put_back()
    assert {model.__name__: _rows(model) for model in TABLES} == loaded
