"""The demo's licensing: a minimum rate, the demo CMOs' tariffs, and agreements concluded on the platform.

KazAK (accredited in areas 1 and 2) and KazPerform (area 5) publish tariffs for venues, shops, hotels and radio;
KazAK countersigns café licences automatically. The radio station of ``user@demo.udp.kz`` has its licence from
KazAK and its remuneration agreement with KazPerform in force; the café of ``cafe@demo.udp.kz`` has none yet,
so a visitor can take one.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from demo.world import make_iin
from licensing import actions, tariffs
from licensing.models import CountersignPolicy, Licence, MinimumRate, Tariff
from licensing.tariffs import Term
from registers.models import CMO, Area, UserCategory
from udp.accounts.models import Role, User
from udp.documents.models import Signatory

START = dt.date(2026, 1, 1)


def _terms(*terms: tuple[Any, ...]) -> list[Term]:
    made = []
    for shape, amount, period, unit, basis, percent in terms:
        made.append(Term(shape=shape, amount=Decimal(amount), period=period, unit=unit, basis=basis,
                         percent=Decimal(percent) if percent else None))  # fmt: skip
    return made


#: (CMO, area, category, use, title, terms, automatic countersignature)
TARIFFS = (
    ("KazAK", 1, "restaurant", "background", "Фоновая музыка: кафе и рестораны",
     (("per_unit", "60", "month", "m2", "kzt", None),), True),
    ("KazAK", 1, "retail", "background", "Фоновая музыка: магазины и торговые центры",
     (("per_unit", "40", "month", "m2", "kzt", None),), True),
    ("KazAK", 1, "hotel", "background", "Музыка в гостиницах",
     (("per_unit", "250", "month", "rooms", "kzt", None), ("fixed", "1", "month", "", "mrp", None)), False),
    ("KazAK", 1, "fitness", "background", "Музыка в фитнес-клубах",
     (("per_unit", "50", "month", "m2", "kzt", None),), True),
    ("KazAK", 1, "radio", "broadcast", "Эфирное вещание: радио",
     (("percent", "2", "month", "", "mrp", "3"),), False),
    ("KazPerform", 5, "restaurant", "background", "Коммерческие фонограммы: кафе и рестораны",
     (("per_unit", "30", "month", "m2", "kzt", None),), False),
    ("KazPerform", 5, "retail", "background", "Коммерческие фонограммы: магазины",
     (("per_unit", "20", "month", "m2", "kzt", None),), False),
    ("KazPerform", 5, "radio", "broadcast", "Коммерческие фонограммы: радио",
     (("percent", "1", "month", "", "mrp", "2"),), False),
)  # fmt: skip


def _staff(cmo: CMO) -> User:
    staff = (
        User.objects.filter(cmo=cmo, role__in=[Role.CMO_STAFF, Role.CMO_ADMIN]).order_by("role", "pk").first()
    )
    assert staff is not None, f"the demo has an account of {cmo}"
    return staff


def build(cmos: dict[str, CMO], summary: Any) -> None:
    regulator = User.objects.filter(role=Role.REGULATOR).order_by("pk").first()
    if regulator is not None and not MinimumRate.objects.exists():
        tariffs.enter_minimum_rate(
            by=regulator, area=Area.objects.get(item=1), use="background",
            category=UserCategory.objects.get(code="restaurant"), valid_from=START,
            valid_until=None, act="Приказ Министра юстиции РК (демо)",
            terms=_terms(("per_unit", "20", "month", "m2", "kzt", None)),
        )  # fmt: skip
        summary.add("minimum rates")
    for short_name, item, category, use, title, terms, auto in TARIFFS:
        cmo = cmos[short_name]
        if Tariff.objects.filter(cmo=cmo, title=title).exists():
            continue
        staff = _staff(cmo)
        draft = tariffs.save_tariff(
            by=staff, cmo=cmo, area=Area.objects.get(item=item), category=UserCategory.objects.get(code=category),
            use=use, title=title, valid_from=START, terms=_terms(*terms), auto_countersign=auto,
            report_frequency="monthly" if use == "broadcast" else "quarterly",
        )  # fmt: skip
        tariffs.publish_tariff(draft, by=staff)
        summary.add("tariffs")
    _policy(cmos["KazAK"])
    _radio_agreements(cmos, summary)


def _policy(cmo: CMO) -> None:
    admin = User.objects.filter(cmo=cmo, role=Role.CMO_ADMIN).first()
    signatory = Signatory.objects.filter(account=admin).first() if admin else None
    if admin is not None and signatory is not None and not CountersignPolicy.objects.filter(cmo=cmo).exists():
        CountersignPolicy.objects.create(cmo=cmo, signatory=signatory, set_by=admin)


def _radio_agreements(cmos: dict[str, CMO], summary: Any) -> None:
    user = User.objects.filter(email="user@demo.udp.kz").first()
    if user is None or user.licensee is None or Licence.objects.filter(licensee=user.licensee).exists():
        return
    party = user.licensee.party
    if not Signatory.objects.filter(account=user).exists() and party.bin:
        Signatory.objects.create(
            entity_bin=party.bin, entity_name=party.name_ru or str(user.licensee), account=user,
            iin=make_iin(random.Random(7), dt.date(1980, 5, 17), male=True), position="Директор", basis="Устав",
            valid_from=dt.date(2020, 1, 1),
        )  # fmt: skip
    declaration = actions.declare_use(
        by=user, category=UserCategory.objects.get(code="radio"), use="broadcast", revenue=Decimal("4500000"),
        location=user.licensee.locations.first(),
    )  # fmt: skip
    for short_name, kind in (("KazAK", "licence"), ("KazPerform", "remuneration")):
        cmo = cmos[short_name]
        licence = actions.request_agreement(declaration, by=user, cmo=cmo, kind=kind)
        document = licence.document
        assert document is not None
        licence = actions.sign_agreement(licence, by=user, confirmed_sha256=document.sha256)
        admin = User.objects.filter(cmo=cmo, role=Role.CMO_ADMIN).first() or _staff(cmo)
        if Signatory.objects.filter(account=admin, entity_bin=cmo.party.bin).exists():
            actions.sign_agreement(licence, by=admin, confirmed_sha256=document.sha256)
        summary.add("agreements with users")
