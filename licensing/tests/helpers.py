"""Shared steps of the licensing tests: accreditation, tariffs, signatories and an agreement taken to any stage."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from accreditation.applying import enter_existing_certificate
from licensing import actions, tariffs
from licensing.models import Declaration, Licence, Tariff
from licensing.tariffs import Term
from mandates.tests.request_helpers import make_signatory
from registers.models import CMO, Area, UserCategory
from tests.personas import Personas
from udp.accounts.models import User

_serial = iter(range(1, 10_000))


def area(item: int) -> Area:
    return Area.objects.get(item=item)


def category(code: str) -> UserCategory:
    return UserCategory.objects.get(code=code)


def accredit(p: Personas, cmo: CMO, *items: int, start: dt.date = dt.date(2024, 1, 1)) -> None:
    enter_existing_certificate(
        by=p.operator, cmo=cmo, number=f"T-{next(_serial)}", issued_on=start,
        lines=[(area(i), start, start + dt.timedelta(days=3650)) for i in items],
        scan=SimpleUploadedFile("cert.pdf", b"%PDF-1.4 scan", content_type="application/pdf"),
    )  # fmt: skip


def published(staff: User, *, item: int = 1, code: str = "restaurant", use: str = "background",
              terms: list[Term] | None = None, valid_from: dt.date = dt.date(2026, 1, 1), **fields: Any) -> Tariff:  # fmt: skip
    assert staff.cmo is not None
    tariff = tariffs.save_tariff(
        by=staff, cmo=staff.cmo, area=area(item), category=category(code), use=use, valid_from=valid_from,
        terms=terms or [Term(shape="per_unit", unit="m2", amount=Decimal("120"), period="month")], **fields,
    )  # fmt: skip
    return tariffs.publish_tariff(tariff, by=staff)


def cafe_declaration(user: User, **fields: Any) -> Declaration:
    params = {"category": category("restaurant"), "use": "background", "parameters": {"m2": "80"}, **fields}
    return actions.declare_use(by=user, **params)


def signed_by_user(licence: Licence, user: User) -> Licence:
    licence.refresh_from_db()
    assert licence.document is not None
    return actions.sign_agreement(licence, by=user, confirmed_sha256=licence.document.sha256)


def countersigned(licence: Licence, staff: User) -> Licence:
    licence.refresh_from_db()
    assert licence.document is not None
    return actions.sign_agreement(licence, by=staff, confirmed_sha256=licence.document.sha256)


def licence_in_force(p: Personas, **declaration: Any) -> Licence:
    """A café's licence from the personas' CMO (area 1, 120 tenge per m² a month, 80 m²), signed by both."""
    make_signatory(p.cmo_staff, p.cmo)
    if not Tariff.objects.filter(cmo=p.cmo, status="published").exists():
        published(p.cmo_staff)
    made = cafe_declaration(p.licensee, **declaration)
    licence = actions.request_agreement(made, by=p.licensee, cmo=p.cmo, kind="licence")
    return countersigned(signed_by_user(licence, p.licensee), p.cmo_staff)
