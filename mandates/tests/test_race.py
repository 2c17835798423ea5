"""Two agreements for the same holder and area reach their last signature at the same moment, on two
connections: exactly one mandate results, and the other is refused and recorded as a conflict (Art. 43.4)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from mandates import actions
from mandates.models import MandateRequest, RequestStatus
from mandates.tests.request_helpers import accepted, make_signatory, sign
from registers.models import Mandate
from registers.models.claims import Conflict, ConflictKind
from registers.models.contracts import MandateStatus
from tests import factories as f
from tests.personas import Personas
from udp.accounts.models import Role


def _race(steps: list[Any]) -> list[BaseException | Any]:
    """Run each step on its own thread (its own database connection), all released at once."""
    barrier = threading.Barrier(len(steps))
    results: list[BaseException | Any] = [None] * len(steps)

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = steps[i]()
        except BaseException as error:  # noqa: BLE001 - the test reads what each thread ended with
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(steps))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.statute("A43.4-one-cmo")
@pytest.mark.django_db(transaction=True)
def test_two_agreements_racing_for_the_same_holder_and_area_give_exactly_one_mandate(
    personas: Personas,
) -> None:
    p = personas
    make_signatory(p.cmo_admin, p.cmo)
    make_signatory(p.other_cmo_staff, p.other_cmo)
    holder = f.make_account("racer@example.kz", Role.HOLDER, party=f.make_person())
    first = sign(accepted(holder, p.cmo, p.cmo_staff, 1), holder)
    second = sign(accepted(holder, p.other_cmo, p.other_cmo_staff, 1), holder)

    def last_signature(request: MandateRequest, account: Any) -> Any:
        assert request.document is not None
        sha256 = request.document.sha256
        return lambda: actions.sign_agreement(
            MandateRequest.objects.get(pk=request.pk), by=account, confirmed_sha256=sha256
        )

    results = _race([last_signature(first, p.cmo_admin), last_signature(second, p.other_cmo_staff)])

    assert Mandate.objects.filter(holder=holder.party, area__item=1, status=MandateStatus.ACTIVE).count() == 1
    refused = [r for r in results if isinstance(r, actions.MandateRefused)]
    assert len(refused) == 1, results
    statuses = sorted(MandateRequest.objects.filter(holder=holder.party).values_list("status", flat=True))
    assert statuses == sorted([RequestStatus.IN_FORCE, RequestStatus.REFUSED])
    assert Conflict.objects.filter(kind=ConflictKind.OVERLAPPING_MANDATES, parties=holder.party).count() == 1


@pytest.mark.statute("A43.4-one-cmo")
@pytest.mark.django_db(transaction=True)
def test_two_paper_mandates_racing_for_the_same_holder_and_area_give_exactly_one(personas: Personas) -> None:
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile

    from mandates import paper
    from mandates.tests.request_helpers import area

    p = personas
    holder = f.make_person()

    def enter(staff: Any) -> Any:
        scan = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\n%%EOF\n")
        return lambda: paper.enter_paper_mandate(
            by=staff, holder=holder, areas=[area(1)], concluded_on=dt.date(2025, 3, 1),
            valid_from=dt.date(2025, 3, 1), scan=scan,
        )  # fmt: skip

    results = _race([enter(p.cmo_staff), enter(p.other_cmo_staff)])
    assert Mandate.objects.filter(holder=holder, area__item=1, status=MandateStatus.ACTIVE).count() == 1
    assert len([r for r in results if isinstance(r, actions.MandateRefused)]) == 1, results
