"""Art. 39.2: one CMO collects for commercial phonograms; producers and performers share equally unless agreed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from licensing import phonograms
from licensing.models import PhonogramCollector
from tests.personas import Personas


@pytest.mark.statute("A39.split")
def test_the_split_is_half_and_half_unless_agreed_and_sums_to_the_whole(personas: Personas) -> None:
    p = personas
    assert phonograms.split_on(dt.date(2026, 6, 1)).of(Decimal("100.01")) == (
        Decimal("50.01"),
        Decimal("50.00"),
    )
    admin = p.other_cmo_staff
    admin.role = "cmo_admin"
    admin.save()
    phonograms.record_collector(
        by=admin,
        cmo=p.other_cmo,
        valid_from=dt.date(2026, 1, 1),
        agreement_reference="Agreement no. 7 of 5.01.2026",
    )
    assert phonograms.split_on(dt.date(2026, 6, 1)).collector.cmo == p.other_cmo  # type: ignore[union-attr]
    assert phonograms.split_on(dt.date(2026, 6, 1)).producers_percent == Decimal(50)
    agreed = phonograms.record_collector(
        by=admin, cmo=p.other_cmo, valid_from=dt.date(2026, 7, 1), agreement_reference="Addendum 1",
        producers_percent=Decimal("60"),
    )  # fmt: skip
    june, july = phonograms.split_on(dt.date(2026, 6, 30)), phonograms.split_on(dt.date(2026, 7, 1))
    assert (
        june.producers_percent == 50 and june.collector and june.collector.valid_until == dt.date(2026, 6, 30)
    )
    assert july.collector == agreed and july.of(Decimal("0.05")) == (Decimal("0.03"), Decimal("0.02"))
    # the database refuses shares that do not make 100 %
    with pytest.raises(IntegrityError), transaction.atomic():
        PhonogramCollector.objects.filter(pk=agreed.pk).update(performers_percent=Decimal("50"))


@pytest.mark.statute("A39.split")
def test_only_a_cmo_of_area_5_collects_and_only_its_admin_or_the_operator_records_it(
    personas: Personas,
) -> None:
    p = personas
    with pytest.raises(PermissionError):
        phonograms.record_collector(
            by=p.cmo_staff, cmo=p.other_cmo, valid_from=dt.date(2026, 1, 1), agreement_reference="x"
        )
    with pytest.raises(ValidationError):  # KAZ works in areas 1 and 7 only
        phonograms.record_collector(
            by=p.operator, cmo=p.cmo, valid_from=dt.date(2026, 1, 1), agreement_reference="x"
        )
    with pytest.raises(ValidationError):  # under an agreement, the agreement is named
        phonograms.record_collector(by=p.operator, cmo=p.other_cmo, valid_from=dt.date(2026, 1, 1))
    assert not PhonogramCollector.objects.exists()
