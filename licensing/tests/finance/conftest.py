from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from licensing.models import Licence
from licensing.tests.finance.factories import make_licence
from tests.personas import Personas


@pytest.fixture
def licence(personas: Personas) -> Licence:
    """KAZ's licence with the music user for 2027, invoiced quarterly: 10 000.00 a month in area 1 and
    5 000.00 in area 7 (45 000.00 a quarter, 30 000.00 + 15 000.00)."""
    assert personas.licensee.licensee is not None
    return make_licence(
        cmo=personas.cmo, licensee=personas.licensee.licensee, user=personas.licensee, cmo_user=personas.cmo_admin,
        areas={1: "10000.00", 7: "5000.00"},
    )  # fmt: skip


@pytest.fixture
def in_2027(clock: Any) -> Any:
    clock.travel_to(dt.date(2027, 1, 11))
    return clock
