"""Licences for the usage reports' tests, made row by row (the licence flow is tested elsewhere): a licence of
KAZ with the personas' music user, in force (both signatures on an issued agreement), monthly reports."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction

from licensing.models import Declaration, Licence, ReportDue
from registers.models import Contract
from tests import factories as f
from udp.core.numbering import allocate_number
from udp.documents.models import IssuedDocument, Signature

START = dt.date(2026, 1, 1)


def make_licence(personas: Any, *, cmo: Any = None, licensee: Any = None, signed_by: Any = None) -> Licence:
    cmo = cmo or personas.cmo
    licensee = licensee or personas.licensee.licensee
    user = signed_by or personas.licensee
    with transaction.atomic():
        contract = Contract.objects.create(
            number=allocate_number("LIC"), kind="licence", cmo=cmo, licensee=licensee,
            concluded_on=START, valid_from=START, valid_until=dt.date(2026, 12, 31),
        )  # fmt: skip
        declaration = Declaration.objects.create(
            licensee=licensee, category=licensee.category, use="background", starts_on=START, made_by=user
        )
        licence = Licence.objects.create(
            kind="licence", contract=contract, declaration=declaration, licensee=licensee, cmo=cmo,
            place="Café Dala, Almaty", status="awaiting_user", starts_on=START,
            ends_on=dt.date(2026, 12, 31), invoice_period="month", report_frequency="monthly",
            report_due_days=15, monthly_amount=Decimal("10000.00"), created_by=user,
        )  # fmt: skip
        pdf = b"%PDF-1.4\n%%EOF\n"
        sha = hashlib.sha256(pdf).hexdigest()
        document = IssuedDocument(
            number=allocate_number("TST"), kind="licence", token=f"t{licence.pk}-{f.next_serial()}", language="en",
            template_version="1", issued_on=START, subject_type=ContentType.objects.get_for_model(Licence),
            subject_id=licence.pk, requested_by=user, sha256=sha, size=len(pdf), data_digest="0" * 64,
        )  # fmt: skip
        document.file.save("licence.pdf", ContentFile(pdf), save=False)
        document.save()
        signatures = [
            Signature.objects.create(
                document=document,
                account=account,
                signer_iin=f.make_iin(),
                signer_name=account.email,
                signed_at=dt.datetime(2026, 1, 1, 9, tzinfo=dt.UTC),
                sha256=sha,
                method="account",
            )  # fmt: skip
            for account in (user, personas.cmo_admin)
        ]
        licence.document = document
        licence.user_signature, licence.cmo_signature = signatures
        licence.status = "in_force"
        licence.save()
        for month in range(1, 13):
            start = dt.date(2026, month, 1)
            end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
            ReportDue.objects.create(
                licence=licence, period_start=start, period_end=end, due_on=end + dt.timedelta(days=15)
            )
    return licence
