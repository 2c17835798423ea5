"""Licences in force for the finance tests, made row by row (the licence flow is another module's)."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction

from licensing.models import Declaration, Licence, LicenceLine, Tariff
from registers.models import CMO, Area, Contract, Licensee
from tests import factories as f
from udp.core.numbering import allocate_number
from udp.documents.models import IssuedDocument, Signature


def _signature(document: IssuedDocument, account: Any) -> Signature:
    return Signature.objects.create(
        document=document, account=account, signer_iin=f.make_iin(), signer_name=str(account),
        signed_at=dt.datetime(2026, 1, 1, 9, tzinfo=dt.UTC), sha256=document.sha256, method="account",
    )  # fmt: skip


@transaction.atomic
def make_licence(
    *,
    cmo: CMO,
    licensee: Licensee,
    user: Any,
    cmo_user: Any,
    areas: dict[int, str],
    starts_on: dt.date = dt.date(2027, 1, 1),
    months: int = 12,
    invoice_period: str = "quarter",
    language: str = "en",
) -> Licence:
    """A licence of ``cmo`` with ``licensee`` in force, one line per area item with its monthly amount."""
    ends_on = dt.date(
        starts_on.year + (starts_on.month - 1 + months) // 12, (starts_on.month - 1 + months) % 12 + 1, 1
    )
    ends_on -= dt.timedelta(days=1)
    contract = Contract.objects.create(
        number=allocate_number("LIC"), kind="licence",
        cmo=cmo, licensee=licensee, concluded_on=starts_on, valid_from=starts_on, valid_until=ends_on,
    )  # fmt: skip
    declaration = Declaration.objects.create(
        licensee=licensee, category=licensee.category, use="background", starts_on=starts_on, made_by=user
    )
    body = b"%PDF-1.4 licence\n%%EOF\n"
    document = IssuedDocument(
        number=f"LICD-{contract.number}", kind="licence", token=f"tok-{contract.number}", language=language,
        template_version="1", issued_on=starts_on, subject_type=ContentType.objects.get_for_model(contract),
        subject_id=contract.pk, sha256=hashlib.sha256(body).hexdigest(), size=len(body), data_digest="0" * 64,
    )  # fmt: skip
    document.file.save("licence.pdf", ContentFile(body), save=False)
    document.save()
    total = sum((Decimal(v) for v in areas.values()), Decimal(0))
    licence = Licence.objects.create(
        kind="licence", contract=contract, declaration=declaration, licensee=licensee, cmo=cmo, place="Almaty",
        status="in_force", starts_on=starts_on, ends_on=ends_on, invoice_period=invoice_period,
        report_frequency="quarterly", report_due_days=15, monthly_amount=total, language=language,
        document=document, user_signature=_signature(document, user), cmo_signature=_signature(document, cmo_user),
        created_by=user,
    )  # fmt: skip
    for item, amount in areas.items():
        area = Area.objects.get(item=item)
        tariff = Tariff.objects.create(
            cmo=cmo, area=area, category=licensee.category, use="background", valid_from=starts_on,
            status="published", created_by=cmo_user,
        )  # fmt: skip
        LicenceLine.objects.create(
            licence=licence, area=area, tariff=tariff, monthly_amount=Decimal(amount), scope="extended"
        )
    return licence
