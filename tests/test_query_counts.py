"""List pages and list endpoints cost the same number of queries for one row as for twenty.

Each case builds one row and counts the queries of the page (after a first request that warms
caches), then builds nineteen more and checks the page costs no more: a query per row (N+1) fails.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from registers.models import Work
from tests import factories as f
from tests.personas import Personas, mandate_to
from udp.accounts.models import Moderation, Role

HUNDRED = {"PR": Decimal("100")}


def _work(p: Personas, n: int) -> None:
    f.make_work(p.operator, (f.make_person(name_ru=f"Автор {n}"), "CA", HUNDRED), title=f"Песня {n}")


def _member_work(p: Personas, n: int) -> None:
    member = f.make_person(name_ru=f"Член {n}", registered_by_cmo=p.cmo)
    f.make_work(p.cmo_staff, (member, "CA", HUNDRED), title=f"Песня члена {n}")


def _holder(p: Personas, n: int) -> None:
    f.make_person(name_ru=f"Правообладатель {n}")


def _member(p: Personas, n: int) -> None:
    mandate_to(f.make_person(name_ru=f"Член {n}"), p.cmo, area_item=1)


def _cmo(p: Personas, n: int) -> None:
    f.make_cmo(f"C{n:02d}")


def _licensee(p: Personas, n: int) -> None:
    f.make_licensee(trade_name=f"Радио {n}")


def _applicant(p: Personas, n: int) -> None:
    account = f.make_account(f"applicant{n}@example.kz", Role.HOLDER, party=f.make_person(verified=False))
    account.moderation = Moderation.PENDING
    account.save()


def _staff(p: Personas, n: int) -> None:
    f.make_account(f"staff{n}@kaz.kz", Role.CMO_STAFF, cmo=p.cmo, mfa=False)


def _contract(p: Personas, n: int) -> None:
    mandate_to(f.make_person(name_ru=f"Доверитель {n}"), p.cmo, area_item=1)


def _proposal(p: Personas, n: int) -> None:
    """A registration the other holder must confirm: a proposal in the operator's and holders' queues."""
    f.make_work(
        p.holder,
        (p.holder_party, "CA", {"PR": Decimal("50")}),
        (p.other_party, "CA", {"PR": Decimal("50")}),
        title=f"Совместная {n}",
    )


def _withdrawal(p: Personas, n: int) -> None:
    """A holder of KAZ gives notice withdrawing area 1."""
    from mandates.withdrawing import file_withdrawal
    from registers.models import Area

    party = f.make_person(name_ru=f"Отзывающий {n}")
    mandate_to(party, p.cmo, area_item=1)
    account = f.make_account(f"withdrawing{n}@example.kz", Role.HOLDER, party=party)
    file_withdrawal(by=account, cmo=p.cmo, area=Area.objects.get(item=1))


def _mandated_work(p: Personas, n: int) -> None:
    member = f.make_person(name_ru=f"Доверитель {n}")
    mandate_to(member, p.cmo, area_item=1)
    f.make_work(p.operator, (member, "CA", HUNDRED), title=f"Песня доверителя {n}")


def _request(p: Personas, n: int) -> None:
    from mandates.actions import request_mandate
    from registers.models import Area

    holder = f.make_account(
        f"asker{n}@example.kz", Role.HOLDER, party=f.make_person(name_ru=f"Заявитель {n}")
    )
    request_mandate(by=holder, cmo=p.cmo, areas=[Area.objects.get(item=7)])


def _paper(p: Personas, n: int) -> None:
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile

    from mandates.paper import enter_paper_mandate
    from registers.models import Area

    enter_paper_mandate(
        by=p.cmo_staff, holder=f.make_person(name_ru=f"Член {n}"), areas=[Area.objects.get(item=7)],
        concluded_on=dt.date(2024, 1, 5), valid_from=dt.date(2024, 1, 5),
        scan=SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%%EOF\n"),
    )  # fmt: skip


def _agreement(p: Personas, n: int) -> None:
    """A reciprocal agreement of KAZ with a foreign society of its own, its copy due."""
    import datetime as dt

    from registers.models import Area, ForeignSociety
    from registers.reciprocal import record_reciprocal_agreement

    society = ForeignSociety.objects.create(
        name=f"Society {n}", short_name=f"S{n:02d}", cisac_code=f"{100 + n:03d}", country="FR"
    )
    record_reciprocal_agreement(
        by=p.cmo_admin, cmo=p.cmo, society=society, areas=[Area.objects.get(item=1)],
        concluded_on=dt.date(2026, 1, 5), valid_from=dt.date(2026, 1, 5),
    )  # fmt: skip


def _conflict(p: Personas, n: int) -> None:
    from registers.conflicts import record_conflict
    from registers.models import Area

    record_conflict(
        kind="competing_holder_claims", key=f"holder:test:{n}", params={"item": 1, "claims": "KAZ, QAZ"},
        area=Area.objects.get(item=1), parties=[f.make_person(name_ru=f"Спорный {n}").pk],
        cmos=[p.cmo.pk, p.other_cmo.pk],
    )  # fmt: skip


def _sanction(p: Personas, n: int) -> None:
    """A CMO with two accreditation lines: one suspended (decided), one revoked (so terminated)."""
    import datetime as dt

    from accreditation.models import Accreditation, Certificate
    from accreditation.sanctions import revoke, suspend_for_false_information
    from registers.models import Area

    cmo = f.make_cmo(f"S{n:02d}", areas=(1, 7))
    certificate = Certificate.objects.create(number=f"ACC-Q{n}", cmo=cmo, issued_on=dt.date(2024, 1, 10))
    lines = [
        Accreditation.objects.create(
            certificate=certificate,
            cmo=cmo,
            area=Area.objects.get(item=item),
            valid_from=dt.date(2024, 1, 10),
            valid_until=dt.date(2034, 1, 9),
        )  # fmt: skip
        for item in (1, 7)
    ]
    suspend_for_false_information(lines[0], by=p.regulator, note="False figures")
    revoke(lines[1], by=p.regulator, ground="commercial_activity", reasons="Commercial activities")


def _finance_licence(p: Personas) -> Any:
    from licensing.models import Licence
    from licensing.tests.finance.factories import make_licence

    licence = Licence.objects.filter(cmo=p.cmo, licensee=p.licensee.licensee).first()
    return licence or make_licence(
        cmo=p.cmo, licensee=p.licensee.licensee, user=p.licensee, cmo_user=p.cmo_admin, areas={1: "100.00", 7: "50.00"},
        invoice_period="month", months=24,
    )  # fmt: skip


def _invoice(p: Personas, n: int) -> None:
    import datetime as dt

    from licensing.models import Invoice

    licence = _finance_licence(p)
    start = dt.date(2027 + n // 12, n % 12 + 1, 1)
    invoice = Invoice.objects.create(
        number=f"INV-Q{n:05d}", cmo=p.cmo, licence=licence, period_start=start, period_end=start, amount=Decimal("150.00"),
        issued_on=start, due_on=start,
    )  # fmt: skip
    for item, amount in ((1, "100.00"), (7, "50.00")):
        invoice.lines.create(area=licence.lines.get(area__item=item).area, amount=Decimal(amount))


def _payment(p: Personas, n: int) -> None:
    import datetime as dt

    from licensing.models import Payment

    _invoice(p, n)
    Payment.objects.create(
        cmo=p.cmo, licensee=p.licensee.licensee, amount=Decimal("10.00"), received_on=dt.date(2027, 1, 2),
        bank_reference=f"Q-{n}", payer_name=f"Payer {n}", source="manual", recorded_by=p.cmo_staff,
    )  # fmt: skip


#: (URL, who asks, how a row is made)
def _usage_key(p: Personas, n: int, status: str = "review") -> Any:
    import datetime as dt

    from distribution.models import UsageKey

    work = f.make_work(p.holder, (p.holder_party, "CA", HUNDRED), title=f"Кандидат {n}")
    return UsageKey.objects.create(
        cmo=p.cmo, period=dt.date(2026, 1, 1), title=f"Песня {n}", artist="Артист", nkey=f"pesnia{n}|artist",
        lines=1, plays=n, status=status, stage=3 if status == "review" else 0, candidates=[work.pk],
    )  # fmt: skip


def _unmatched_key(p: Personas, n: int) -> None:
    _usage_key(p, n, "unmatched")


def _usage_claim(p: Personas, n: int) -> None:
    from distribution.models import UsageClaim

    key = _usage_key(p, n, "unmatched")
    UsageClaim.objects.create(key=key, party=p.holder_party, work_id=key.candidates[0], filed_by=p.holder)


def _approved_run(p: Personas, n: int) -> None:
    """A run of KAZ for a quarter of its own, approved: one statement for the holder."""
    import datetime as dt

    from distribution.calculating import approve
    from distribution.runs import start_run
    from registers.models import Area

    work = f.make_work(p.operator, (p.holder_party, "CA", HUNDRED), title=f"Распределённая {n}")
    run = start_run(
        p.cmo, Area.objects.get(item=1), dt.date(2000 + n, 1, 1), dt.date(2000 + n, 3, 31), by=p.cmo_staff,
        weights={work.pk: n + 1}, pool_tiyn=1000 * (n + 1),
    )  # fmt: skip
    approve(run, by=p.cmo_admin)


def _payment_batch(p: Personas, n: int) -> None:
    import datetime as dt

    from django.utils import timezone

    from distribution.models import PaymentBatch

    PaymentBatch.objects.create(
        cmo=p.cmo, number=f"PAY-T{n:06d}", status="ready", file_format="pain.001.001.03",
        execution_date=dt.date(2026, 4, 1), debtor_iban="KZ86125KZT5004100100", sha256="0" * 64,
        created_by=p.cmo_staff, created_at=timezone.now(),
    )  # fmt: skip


def _payout_statement(p: Personas, n: int) -> None:
    from distribution.models import PayoutStatement

    PayoutStatement.objects.create(
        cmo=p.cmo, file=f"payout-statements/{n}.csv", filename=f"{n}.csv", sha256="0" * 64, file_format="csv",
        status="imported", uploaded_by=p.cmo_staff,
    )  # fmt: skip


def _foreign_run(p: Personas, n: int) -> None:
    """KAZ's annual run for foreign societies of a year of its own, with one society's remittance in euros."""
    from decimal import Decimal

    from distribution.models import ForeignRun, Remittance
    from registers.models import ForeignSociety

    society = ForeignSociety.objects.create(
        name=f"Society {n}", short_name=f"S{n}", cisac_code=f"{n:03d}", country="FR"
    )
    run = ForeignRun.objects.create(cmo=p.cmo, year=2000 + n, started_by=p.cmo_staff)
    Remittance.objects.create(run=run, society=society, amount_tiyn=100 * n, currency="EUR", rate=Decimal("500"),
                              amount=Decimal(n) / 500)  # fmt: skip


def _release_rule(p: Personas, n: int) -> None:
    import datetime as dt

    from distribution.models import ReleaseRule

    ReleaseRule.objects.create(cmo=p.cmo, decided_on=dt.date(2000 + n, 4, 30), meeting_reference=f"Minutes {n}",
                               recorded_by=p.cmo_admin)  # fmt: skip


CASES: list[tuple[str, str | None, Callable[[Personas, int], None]]] = [
    ("/cmo/distribution/foreign/", "cmo_staff", _foreign_run),
    ("/cmo/distribution/release/", "cmo_staff", _release_rule),
    ("/cmo/distribution/payouts/", "cmo_staff", _payment_batch),
    ("/api/payment-batches/", "cmo_staff", _payment_batch),
    ("/cmo/distribution/payouts/statements/", "cmo_staff", _payout_statement),
    ("/api/payout-statements/", "cmo_staff", _payout_statement),
    ("/works/?q=Песня", None, _work),
    ("/cmo/distribution/review/", "cmo_staff", _usage_key),
    ("/api/match-review/", "cmo_staff", _usage_key),
    ("/portal/distribution/unmatched/", "holder", _unmatched_key),
    ("/api/unmatched-usage/", "holder", _unmatched_key),
    ("/cmo/distribution/claims/", "cmo_staff", _usage_claim),
    ("/api/usage-claims/", "holder", _usage_claim),
    ("/cmo/distribution/runs/", "cmo_staff", _approved_run),
    ("/api/distribution-runs/", "cmo_staff", _approved_run),
    ("/portal/distribution/statements/", "holder", _approved_run),
    ("/cmo/distribution/statements/", "cmo_staff", _approved_run),
    ("/api/statements/", "holder", _approved_run),
    ("/holders/", None, _holder),
    ("/cmos/", None, _cmo),
    ("/users/", None, _licensee),
    ("/cmo/members/", "cmo_staff", _member),
    ("/cmo/works/", "cmo_staff", _member_work),
    ("/operator/accounts/", "operator", _applicant),
    ("/operator/accounts/new/", "operator", _staff),
    ("/claims/", "operator", _proposal),
    ("/api/works/", None, _work),
    ("/api/holders/", None, _holder),
    ("/api/cmos/", None, _cmo),
    ("/api/users/", "operator", _licensee),
    ("/api/contracts/", "operator", _contract),
    ("/api/proposals/", "holder", _proposal),
    ("/withdrawals/", "regulator", _withdrawal),
    ("/withdrawals/?overdue=1", "operator", _withdrawal),
    ("/api/withdrawals/", "regulator", _withdrawal),
    ("/withdrawals/repertoire/", "cmo_staff", _mandated_work),
    ("/mandates/", "cmo_staff", _request),
    ("/mandates/?status=requested", "regulator", _request),
    ("/mandates/paper/", "cmo_staff", _paper),
    ("/api/mandate-requests/", "cmo_staff", _request),
    ("/api/paper-mandates/", "regulator", _paper),
    ("/cmo/reciprocal/", "cmo_admin", _agreement),
    ("/regulator/reciprocal/", "regulator", _agreement),
    ("/api/reciprocal-agreements/", None, _agreement),
    ("/api/foreign-societies/", None, _agreement),
    ("/claims/conflicts/", "operator", _conflict),
    ("/api/conflicts/", "operator", _conflict),
    # accreditation, sanctions
    ("/accreditation/sanctions/", None, _sanction),
    ("/accreditation/sanctions/regulator/", "regulator", _sanction),
    ("/api/sanctions/lines/", "regulator", _sanction),
    ("/api/sanctions/suspensions/", None, _sanction),
    ("/api/sanctions/terminations/", None, _sanction),
    # finance
    ("/space/invoices/", "licensee", _payment),
    ("/cmo/finance/", "cmo_staff", _invoice),
    ("/cmo/finance/payments/", "cmo_staff", _payment),
    ("/cmo/finance/receipts/", "cmo_staff", _payment),
    ("/regulator/finance/", "regulator", _payment),
    ("/api/invoices/", "licensee", _invoice),
    ("/api/payments/", "cmo_staff", _payment),
]


def _client(personas: Personas, who: str | None) -> Client:
    return f.signed_in(getattr(personas, who)) if who else Client(headers={"accept-language": "en"})


def _count(client: Client, url: str) -> int:
    client.get(url)  # warm caches (session, translations, reference data)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


@pytest.mark.parametrize(("url", "who", "make"), CASES, ids=[c[0] for c in CASES])
def test_a_list_costs_the_same_queries_for_one_row_as_for_twenty(
    personas: Personas, django_assert_max_num_queries: Any, url: str, who: str | None, make: Any
) -> None:
    client = _client(personas, who)
    make(personas, 0)
    one = _count(client, url)
    for n in range(1, 20):
        make(personas, n)
    client.get(url)
    with django_assert_max_num_queries(one):
        response = client.get(url)
    assert response.status_code == 200


def test_the_works_page_really_lists_the_rows_it_counts(personas: Personas) -> None:
    """The counts above are of pages that show the rows (a page that lists nothing costs nothing)."""
    for n in range(3):
        _work(personas, n)
    body = Client(headers={"accept-language": "en"}).get("/works/?q=Песня").content.decode()
    assert all(f"Песня {n}" in body for n in range(3))
    assert Work.objects.filter(title__startswith="Песня").count() == 3
