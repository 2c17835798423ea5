"""The demo's accreditation: the requirements the authorized body keeps, the certificates the demo CMOs
held before the platform (entered from paper, as the operator does), KazAK's application for
area 7 (where KazRepro's certificate has just expired) waiting for its completeness check, and last
year's annual reports (one filed late)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from accreditation.models import (
    Accreditation,
    Application,
    ApplicationDocument,
    Certificate,
    CertificateSource,
    Requirement,
)
from registers.models import CMO, Area
from reporting.models import AnnualFiling
from udp.accounts.models import Role, User

REQUIREMENTS = (
    ("charter", "Жарғы (нотариат куәландырған көшірме)", "Устав (нотариально заверенная копия)", "Charter (notarised copy)"),
    ("registration", "Мемлекеттік тіркеу туралы анықтама", "Справка о государственной регистрации", "Certificate of state registration"),
    ("members", "Мүшелер мен өкілеттік берушілер тізімі", "Список членов и доверителей", "List of members and mandating holders"),
    ("general_meeting", "Жалпы жиналыстың аккредиттеу туралы шешімі", "Решение общего собрания об аккредитации",
     "General meeting's decision to apply"),
    ("financials", "Соңғы жылдың қаржылық есептілігі", "Финансовая отчётность за последний год", "Financial statements for the last year"),
)  # fmt: skip
#: (CMO, certificate number, issued on, areas, first day, last day): as the paper certificates say.
CERTIFICATES = (
    ("KazAK", "АК-03/2022", dt.date(2022, 4, 20), (1, 2), dt.date(2022, 5, 1), dt.date(2027, 4, 30)),
    ("KazPerform", "АК-01/2023", dt.date(2022, 12, 28), (5,), dt.date(2023, 1, 10), dt.date(2028, 1, 9)),
    ("KazRepro", "АК-07/2021", dt.date(2021, 11, 15), (7,), dt.date(2021, 12, 1), dt.date(2026, 11, 30)),
)
#: Annual reports for 2025 (due 15 April 2026): KazAK on time, KazPerform five days late.
FILINGS = (("KazAK", dt.datetime(2026, 4, 10, 11, 0)), ("KazPerform", dt.datetime(2026, 4, 20, 16, 30)))
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def build(cmos: dict[str, CMO], summary: Any) -> None:
    operator = User.objects.filter(role=Role.OPERATOR).order_by("pk").first()
    for order, (code, kk, ru, en) in enumerate(REQUIREMENTS, start=1):
        _, made = Requirement.objects.get_or_create(
            code=code, defaults={"title_kk": kk, "title_ru": ru, "title_en": en, "order": order}
        )
        summary.add("accreditation requirements", made)
    for short_name, number, issued_on, items, start, end in CERTIFICATES:
        if Certificate.objects.filter(number=number).exists():
            continue
        cmo = cmos[short_name]
        certificate = Certificate(number=number, cmo=cmo, issued_on=issued_on, source=CertificateSource.PRE_PLATFORM,
                                  entered_by=operator)  # fmt: skip
        certificate.source_document.save(
            f"{short_name.lower()}-certificate.pdf", ContentFile(PDF), save=False
        )
        certificate.save()
        for item in items:
            Accreditation.objects.create(
                certificate=certificate,
                cmo=cmo,
                area=Area.objects.get(item=item),
                valid_from=start,
                valid_until=end,
            )
        summary.add("certificates of accreditation")
    for short_name, filed_at in FILINGS:
        _, made = AnnualFiling.objects.get_or_create(
            cmo=cmos[short_name], year=2025,
            defaults={"filed_at": timezone.make_aware(filed_at), "review": "accepted"},
        )  # fmt: skip
        summary.add("annual report filings", made)
    _application(cmos["KazAK"], summary)


def _application(cmo: CMO, summary: Any) -> None:
    """KazAK applies for area 7: submitted by its admin, waiting for the completeness check."""
    admin = User.objects.filter(role=Role.CMO_ADMIN, cmo=cmo).order_by("pk").first()
    if admin is None or Application.objects.filter(cmo=cmo).exists():
        return
    application = Application.objects.create(
        cmo=cmo, status="submitted", created_by=admin, submitted_at=timezone.now(),
        note="Заявление на аккредитацию по сфере 7.",
    )  # fmt: skip
    application.areas.set([Area.objects.get(item=7)])
    for requirement in Requirement.objects.filter(active=True):
        document = ApplicationDocument(application=application, requirement=requirement, filename=f"{requirement.code}.pdf",
                                       sha256=hashlib.sha256(PDF).hexdigest(), uploaded_by=admin)  # fmt: skip
        document.file.save(f"{requirement.code}.pdf", ContentFile(PDF), save=False)
        document.save()
    summary.add("applications for accreditation")
