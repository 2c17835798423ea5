"""Prices: the МРП as dated data, minimum rates compared like with like, quotes that follow only from the tariff
and the declared figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from licensing import pricing, tariffs
from licensing.models import IndexValue, Tariff, TariffStatus
from licensing.tariffs import BelowMinimumRate, Term
from licensing.tests.helpers import area, category, published
from tests.personas import Personas
from udp.money import split, tenge

pytestmark = pytest.mark.usefixtures("english")


def _minimum(p: Personas, *terms: Term, item: int = 1, code: str | None = None, **dates: dt.date) -> None:
    tariffs.enter_minimum_rate(
        by=p.regulator, area=area(item), use="background", category=category(code) if code else None,
        valid_from=dates.get("valid_from", dt.date(2026, 1, 1)), valid_until=dates.get("valid_until"),
        act="Order of the Minister of Justice no. 1", terms=list(terms),
    )  # fmt: skip


@pytest.mark.statute("A16-1.min-rates")
def test_a_tariff_below_the_minimum_rate_is_refused_with_the_figures(personas: Personas) -> None:
    p = personas
    _minimum(p, Term(shape="per_unit", unit="m2", amount=Decimal("100"), period="month"))
    draft = tariffs.save_tariff(
        by=p.cmo_staff, cmo=p.cmo, area=area(1), category=category("restaurant"), use="background",
        valid_from=dt.date(2026, 1, 1), terms=[Term(shape="per_unit", unit="m2", amount=Decimal("99.99"), period="month")],
    )  # fmt: skip
    with pytest.raises(BelowMinimumRate) as refused:
        tariffs.publish_tariff(draft, by=p.cmo_staff)
    text = " ".join(refused.value.messages)
    assert "99.99" in text and "100.00" in text and "square metres" in text
    draft.refresh_from_db()
    assert draft.status == TariffStatus.DRAFT
    # at the minimum it is published
    ok = tariffs.save_tariff(
        by=p.cmo_staff, cmo=p.cmo, area=area(1), category=category("restaurant"), use="background",
        valid_from=dt.date(2026, 1, 1), terms=[Term(shape="per_unit", unit="m2", amount=Decimal("100"), period="month")],
    )  # fmt: skip
    assert tariffs.publish_tariff(ok, by=p.cmo_staff).status == TariffStatus.PUBLISHED


@pytest.mark.statute("A16-1.min-rates")
def test_like_is_compared_with_like_across_periods_and_units(personas: Personas) -> None:
    p = personas
    # 1 200 tenge a year per seat is 100 a month; a tariff of 300 a quarter per seat is also 100 a month
    _minimum(p, Term(shape="per_unit", unit="seats", amount=Decimal("1200"), period="year"))
    assert not pricing.check_against_minimum(
        area_id=area(1).pk, use="background", category_id=category("restaurant").pk, valid_from=dt.date(2026, 2, 1),
        valid_until=None, components=[Term(shape="per_unit", unit="seats", amount=Decimal("300"), period="quarter")],  # type: ignore[list-item]
    )  # fmt: skip
    # a per-m² term does not answer a per-seat minimum: the tariff lacks the like term
    lacking = pricing.check_against_minimum(
        area_id=area(1).pk, use="background", category_id=category("restaurant").pk, valid_from=dt.date(2026, 2, 1),
        valid_until=None, components=[Term(shape="per_unit", unit="m2", amount=Decimal("10000"), period="month")],  # type: ignore[list-item]
    )  # fmt: skip
    assert len(lacking) == 1 and lacking[0].offered is None
    # another area's minimum does not bind this one
    assert not pricing.check_against_minimum(
        area_id=area(7).pk, use="background", category_id=category("restaurant").pk, valid_from=dt.date(2026, 2, 1),
        valid_until=None, components=[Term(shape="fixed", amount=Decimal("1"), period="month")],  # type: ignore[list-item]
    )  # fmt: skip


@pytest.mark.statute("A16-1.min-rates")
def test_a_minimum_in_mci_follows_the_index_of_each_day(personas: Personas) -> None:
    p = personas
    # 2 МРП a month: 8 650 tenge in 2026 (МРП 4 325); with the 2027 value entered, 9 000 from 1 January
    _minimum(
        p,
        Term(shape="fixed", amount=Decimal("2"), basis="mrp", period="month"),
        valid_from=dt.date(2026, 1, 1),
    )
    tariffs.enter_index_value(
        by=p.regulator, valid_from=dt.date(2027, 1, 1), value=Decimal("4500"), source="budget law"
    )
    fixed = [Term(shape="fixed", amount=Decimal("8650"), period="month")]
    ok_2026 = pricing.check_against_minimum(
        area_id=area(1).pk, use="background", category_id=category("restaurant").pk, valid_from=dt.date(2026, 3, 1),
        valid_until=dt.date(2026, 12, 31), components=fixed,  # type: ignore[arg-type]
    )  # fmt: skip
    assert ok_2026 == []
    over_new_year = pricing.check_against_minimum(
        area_id=area(1).pk, use="background", category_id=category("restaurant").pk, valid_from=dt.date(2026, 3, 1),
        valid_until=dt.date(2027, 6, 30), components=fixed,  # type: ignore[arg-type]
    )  # fmt: skip
    assert [(s.day, tenge(s.minimum)) for s in over_new_year] == [(dt.date(2027, 1, 1), Decimal("9000.00"))]
    assert IndexValue.objects.filter(valid_from=dt.date(2027, 1, 1)).exists()


@pytest.mark.statute("A16-1.min-rates")
def test_only_the_authorized_body_sets_minimum_rates(personas: Personas) -> None:
    p = personas
    for who in (p.cmo_staff, p.operator, p.licensee, p.holder):
        with pytest.raises(PermissionError):
            _minimum_by(who)


def _minimum_by(who: object) -> None:
    tariffs.enter_minimum_rate(
        by=who, area=area(1), use="background", category=None, valid_from=dt.date(2026, 1, 1), valid_until=None,  # type: ignore[arg-type]
        act="x", terms=[Term(shape="fixed", amount=Decimal("1"))],
    )  # fmt: skip


def test_a_percentage_term_takes_the_larger_of_its_share_and_its_minimum(personas: Personas) -> None:
    p = personas
    tariff = published(
        p.cmo_staff, code="concert", use="live",
        terms=[Term(shape="percent", percent=Decimal("5"), amount=Decimal("60000"), period="year")],
    )  # fmt: skip
    low = pricing.quote(tariff, {}, Decimal("40000"), dt.date(2026, 6, 1))
    high = pricing.quote(tariff, {}, Decimal("1000000"), dt.date(2026, 6, 1))
    assert low.monthly == Decimal("5000") and high.monthly == Decimal("50000")
    assert pricing.quote(tariff, {}, None, dt.date(2026, 6, 1)).missing == ["revenue"]


@pytest.mark.statute("A44.2-same-terms")
def test_the_same_declared_figures_give_every_user_the_same_price(personas: Personas) -> None:
    p = personas
    tariff = published(
        p.cmo_staff, terms=[
            Term(shape="fixed", amount=Decimal("3"), basis="mrp", period="month"),
            Term(shape="per_unit", unit="m2", amount=Decimal("1440"), period="year"),
        ],
    )  # fmt: skip
    day = dt.date(2026, 6, 1)
    one = pricing.quote(tariff, {"m2": Decimal("80")}, None, day)
    two = pricing.quote(tariff, {"m2": Decimal("80")}, Decimal("999999"), day)
    bigger = pricing.quote(tariff, {"m2": Decimal("81")}, None, day)
    # 3 × 4 325 + 80 × 120 = 12 975 + 9 600 a month: the revenue of a per-area tariff changes nothing
    assert one.monthly == two.monthly == Decimal("22575")
    assert bigger.monthly - one.monthly == Decimal("120")
    assert one.for_months(3) == Decimal("67725.00")


def test_a_published_tariff_is_never_edited_and_is_withdrawn_instead(personas: Personas) -> None:
    p = personas
    tariff = published(p.cmo_staff)
    with pytest.raises(ValidationError):
        tariffs.save_tariff(
            by=p.cmo_staff, cmo=p.cmo, tariff=tariff, area=area(1), category=category("restaurant"), use="background",
            valid_from=dt.date(2026, 1, 1), terms=[Term(shape="fixed", amount=Decimal("1"))],
        )  # fmt: skip
    with pytest.raises(PermissionError):
        tariffs.withdraw_tariff(tariff, by=p.other_cmo_staff)
    tariffs.withdraw_tariff(tariff, by=p.cmo_staff)
    tariff.refresh_from_db()
    assert tariff.status == TariffStatus.WITHDRAWN and tariff.valid_until is not None


def test_a_cmo_publishes_only_in_the_areas_of_its_charter(personas: Personas) -> None:
    p = personas
    with pytest.raises(ValidationError):
        tariffs.save_tariff(
            by=p.cmo_staff, cmo=p.cmo, area=area(5), category=category("restaurant"), use="background",
            valid_from=dt.date(2026, 1, 1), terms=[Term(shape="fixed", amount=Decimal("1"))],
        )  # fmt: skip
    assert not Tariff.objects.exists()


def test_money_splits_by_the_largest_remainder_and_sums_to_the_whole() -> None:
    assert split(Decimal("100.00"), [1, 1, 1]) == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    parts = split(Decimal("0.05"), [Decimal("0.5"), Decimal("0.3"), Decimal("0.2")])
    assert sum(parts) == Decimal("0.05") and parts == [Decimal("0.03"), Decimal("0.01"), Decimal("0.01")]
    with pytest.raises(TypeError):
        tenge(1.1)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_a_day_with_no_index_value_is_named_as_the_reader_writes_a_day() -> None:
    from django.utils import translation

    first = IndexValue.objects.order_by("valid_from").values_list("valid_from", flat=True).first()
    before = (first or dt.date(2000, 1, 1)) - dt.timedelta(days=1)
    for language, day in (("en", before.strftime("%-d %b %Y")), ("kk", before.strftime("%d.%m.%Y"))):
        with translation.override(language), pytest.raises(pricing.NoIndexValue) as refused:
            pricing.index_on(before)
        assert day in str(refused.value) and before.isoformat() not in str(refused.value), language
