from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from registers.models import Work
from tests import factories as f
from tests.personas import Personas

#: the day the tests' notices are received: a Monday (the month-end rule is in test_deadlines)
RECEIVED = dt.date(2026, 8, 31)
EFFECTIVE = dt.date(2026, 11, 30)


@pytest.fixture
def song(personas: Personas) -> Work:
    """A public song of the holder (managed by KAZ in area 1 through the holder's mandate)."""
    return f.make_work(
        personas.holder, (personas.holder_party, "CA", {"PR": Decimal("100")}), title="Дала әні", public=True
    )


@pytest.fixture
def second_song(personas: Personas) -> Work:
    return f.make_work(
        personas.holder,
        (personas.holder_party, "CA", {"PR": Decimal("100")}),
        title="Second song",
        public=True,
    )


@pytest.fixture
def on_receipt_day(clock: Any) -> Any:
    clock.travel_to(RECEIVED)
    return clock
