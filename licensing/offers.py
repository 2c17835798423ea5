"""Whom a user must pay, and what each asks: the answer to a declaration of use.

For each area of collective management in force, the CMOs with a tariff published for the user's
category and use on the day, each with the quote its tariff gives for the declared figures. An accredited
CMO in force in the area licenses for every holder of the area (extended collective management, Art. 46-1)
and is listed first; any other CMO (never accredited, suspended, or outside its term) licenses only the
repertoire mandated to it, and says so. An area with an accredited CMO but no published tariff is listed
too, so the user knows whom to ask.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from accreditation import selectors as accreditation
from licensing.models import AgreementKind, RepertoireScope, Use, kind_for_area
from licensing.pricing import Quote, published_tariffs, quote
from registers.models import CMO, Area

#: The areas of Art. 43.3 a use touches: where the platform looks for accredited CMOs even when none of
#: them has published a tariff for the user's category yet.
AREAS_FOR_USE: dict[str, tuple[int, ...]] = {
    Use.BACKGROUND: (1, 5),
    Use.LIVE: (1,),
    Use.BROADCAST: (1, 2, 5),
    Use.CABLE: (1, 2, 5),
    Use.ONLINE: (1, 5, 7),
    Use.REPRODUCTION: (7,),
    Use.PRIVATE_COPYING: (4,),
    Use.RESALE: (3,),
}


@dataclass
class Offer:
    cmo: CMO
    area: Area
    accredited: bool
    quotes: list[Quote] = field(default_factory=list)

    @property
    def scope(self) -> str:
        return RepertoireScope.EXTENDED if self.accredited else RepertoireScope.MANDATED

    @property
    def kind(self) -> str:
        return kind_for_area(self.area.item)

    @property
    def kind_label(self) -> str:
        return str(AgreementKind(self.kind).label)


@dataclass
class AreaNeed:
    area: Area
    offers: list[Offer] = field(default_factory=list)
    #: accredited CMOs in force in the area that publish no tariff for this category and use
    without_tariff: list[CMO] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return kind_for_area(self.area.item)


def needs(
    *, category_id: int, use: str, parameters: Mapping[str, Decimal], revenue: Decimal | None, day: dt.date
) -> list[AreaNeed]:
    """The areas a user of ``category_id`` doing ``use`` needs, each with its offers (see the module)."""
    accredited = {(line.cmo_id, line.area_id) for line in accreditation.in_force_on(day)}
    tariffs = published_tariffs(day).filter(category_id=category_id, use=use)
    by_area: dict[int, AreaNeed] = {}
    offers: dict[tuple[int, int], Offer] = {}
    for tariff in tariffs.order_by("area__item", "cmo__short_name", "pk"):
        need = by_area.setdefault(tariff.area_id, AreaNeed(area=tariff.area))
        key = (tariff.cmo_id, tariff.area_id)
        if key not in offers:
            offers[key] = Offer(cmo=tariff.cmo, area=tariff.area, accredited=key in accredited)
            need.offers.append(offers[key])
        offers[key].quotes.append(quote(tariff, parameters, revenue, day))
    for area in Area.objects.filter(item__in=AREAS_FOR_USE.get(use, ()), in_force=True):
        if any(a == area.pk for _cmo, a in accredited):
            by_area.setdefault(area.pk, AreaNeed(area=area))
    for need in by_area.values():
        need.offers.sort(key=lambda offer: (not offer.accredited, offer.cmo.short_name))
        with_tariff = {offer.cmo.pk for offer in need.offers}
        need.without_tariff = list(
            CMO.objects.filter(
                pk__in=[cmo for cmo, area in accredited if area == need.area.pk and cmo not in with_tariff]
            ).order_by("short_name")
        )
    return sorted(by_area.values(), key=lambda need: need.area.item)
