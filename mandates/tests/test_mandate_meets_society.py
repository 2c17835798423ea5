"""A mandate coming into force against a society's path to the same holder is a conflict at once (Art. 43.4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mandates.tests.request_helpers import accepted, make_signatory, sign
from registers import reciprocal
from registers.models import Area, Conflict, ConflictKind, ForeignSociety, SocietyMembership
from tests import factories as f
from tests.personas import Personas
from udp.accounts.models import Role

pytestmark = pytest.mark.django_db


@pytest.mark.statute("A43.4-foreign")
def test_a_mandate_over_a_society_members_area_is_recorded_as_a_conflict_when_it_comes_into_force(
    personas: Personas, clock: Any
) -> None:
    clock.travel_to(dt.date(2026, 3, 2))
    area1 = Area.objects.get(item=1)
    society = ForeignSociety.objects.create(name="GEMA", short_name="GEMA", cisac_code="035", country="DE")
    qaz_admin = f.make_account("admin@qaz.kz", Role.CMO_ADMIN, cmo=personas.other_cmo)
    reciprocal.record_reciprocal_agreement(
        by=qaz_admin, cmo=personas.other_cmo, society=society, areas=[area1],
        concluded_on=dt.date(2026, 1, 5), valid_from=dt.date(2026, 1, 5),
    )  # fmt: skip
    # a new holder, a GEMA member for area 1 (performing rights), which QAZ represents in Kazakhstan
    member = f.make_person(name_lat="Hans Weber")
    account = f.make_account("weber@example.de", Role.HOLDER, party=member)
    SocietyMembership.objects.create(party=member, society=society, area=area1, source="cmo")
    assert not Conflict.objects.filter(kind=ConflictKind.COMPETING_HOLDER_CLAIMS).exists()
    # now the holder also gives area 1 to KAZ directly, and both sign
    make_signatory(personas.cmo_admin, personas.cmo)
    request = accepted(account, personas.cmo, personas.cmo_staff, 1)
    sign(request, account)
    sign(request, personas.cmo_admin)
    conflict = Conflict.objects.get(kind=ConflictKind.COMPETING_HOLDER_CLAIMS)
    assert set(conflict.cmos.all()) == {personas.cmo, personas.other_cmo} and conflict.area == area1
    assert "GEMA" in conflict.params["claims"]
