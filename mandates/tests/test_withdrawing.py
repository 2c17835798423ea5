"""Withdrawal (Art. 46.2): the notice, bad input, cancelling, the effective date and the job."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command

from mandates import withdrawing
from mandates.models import ObligationKind, Withdrawal, WithdrawalObligation, WithdrawalStatus
from mandates.tests.conftest import EFFECTIVE, RECEIVED
from mandates.withdrawing import WithdrawalRefused
from registers import public_selectors as selectors
from registers.models import Area, Mandate, MandateExclusion, Work
from registers.models.contracts import MandateStatus
from tests import factories as f
from tests.personas import Personas, mandate_to
from udp.notices.models import Notice

pytestmark = pytest.mark.django_db


def area(item: int = 1) -> Area:
    return Area.objects.get(item=item)


def repertoire(p: Personas, day: dt.date) -> set[str]:
    return set(selectors.works_managed_by(Work.objects.all(), p.cmo, day).values_list("title", flat=True))


def test_a_notice_is_received_today_and_takes_effect_three_months_later(
    personas: Personas, on_receipt_day: Any
) -> None:
    w = withdrawing.file_withdrawal(by=personas.holder, cmo=personas.cmo, area=area())
    assert (w.received_on, w.effective_on, w.status) == (RECEIVED, EFFECTIVE, WithdrawalStatus.PENDING)
    # the CMO's staff are told, and so is the holder
    told = set(Notice.objects.filter(code="withdrawal_received").values_list("recipient__email", flat=True))
    assert told == {"admin@kaz.kz", "staff@kaz.kz"}
    assert Notice.objects.filter(code="withdrawal_filed", recipient=personas.holder).exists()


@pytest.mark.statute("A46.2-withdraw")
@pytest.mark.statute("A46.2-no-license-after")
def test_a_whole_area_leaves_the_repertoire_on_its_effective_date_even_before_the_job(
    personas: Personas, song: Work, on_receipt_day: Any
) -> None:
    withdrawing.file_withdrawal(by=personas.holder, cmo=personas.cmo, area=area())
    day_before = EFFECTIVE - dt.timedelta(days=1)
    assert "Дала әні" in repertoire(personas, day_before)
    assert "Дала әні" not in repertoire(personas, EFFECTIVE)
    assert [m.cmo for m in selectors.who_to_pay(song, day_before)[0].cmos] == [personas.cmo]
    assert selectors.who_to_pay(song, EFFECTIVE) == []


@pytest.mark.statute("A46.2-withdraw")
def test_the_job_ends_the_mandate_and_records_what_the_cmo_owes_once(
    personas: Personas, song: Work, on_receipt_day: Any
) -> None:
    w = withdrawing.file_withdrawal(by=personas.holder, cmo=personas.cmo, area=area())
    assert withdrawing.apply_due_withdrawals() == 0  # not yet
    on_receipt_day.travel_to(EFFECTIVE)
    call_command("apply_withdrawals", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("apply_withdrawals", stdout=open("/dev/null", "w"))  # noqa: SIM115  (idempotent)
    w.refresh_from_db()
    mandate = Mandate.objects.get(pk=w.mandate_id)
    assert w.status == WithdrawalStatus.EFFECTIVE
    assert (mandate.status, mandate.ends_on) == (MandateStatus.ENDED, EFFECTIVE)
    due = dict(w.obligations.values_list("kind", "due_on"))
    assert due == {
        ObligationKind.PUBLISH: dt.date(2026, 12, 7),
        ObligationKind.PAY: dt.date(2026, 12, 30),
        ObligationKind.REPORT: dt.date(2026, 12, 30),
    }
    assert Notice.objects.filter(code="withdrawal_effective", recipient=personas.holder).count() == 1
    # the past still reads as it was: the day before, KAZ managed the song
    assert "Дала әні" in repertoire(personas, EFFECTIVE - dt.timedelta(days=1))
    # and the holder may now give area 1 to another CMO (one active mandate per holder and area)
    mandate_to(personas.holder_party, personas.other_cmo, area_item=1)
    assert [m.cmo for m in selectors.managing_cmos_of(personas.holder_party)] == [personas.other_cmo]


@pytest.mark.statute("A46.2-no-license-after")
def test_listed_works_leave_the_repertoire_and_the_mandate_stays(
    personas: Personas, song: Work, second_song: Work, on_receipt_day: Any
) -> None:
    w = withdrawing.file_withdrawal(by=personas.holder, cmo=personas.cmo, area=area(), works=[song])
    assert repertoire(personas, EFFECTIVE) == {"Second song"}
    assert repertoire(personas, EFFECTIVE - dt.timedelta(days=1)) == {"Дала әні", "Second song"}
    on_receipt_day.travel_to(EFFECTIVE)
    assert withdrawing.apply_due_withdrawals() == 1
    mandate = Mandate.objects.get(pk=w.mandate_id)
    assert (mandate.status, mandate.ends_on) == (MandateStatus.ACTIVE, None)
    assert repertoire(personas, EFFECTIVE) == {"Second song"}
    assert selectors.who_to_pay(song) == []
    assert selectors.who_to_pay(second_song)[0].cmos[0].cmo == personas.cmo


def test_the_holder_cancels_a_pending_notice_and_everything_is_put_back(
    personas: Personas, song: Work, second_song: Work, on_receipt_day: Any
) -> None:
    area_notice = withdrawing.file_withdrawal(by=personas.holder, cmo=personas.cmo, area=area())
    withdrawing.cancel_withdrawal(area_notice, by=personas.holder)
    mandate = Mandate.objects.get(pk=area_notice.mandate_id)
    assert mandate.ends_on is None
    works_notice = withdrawing.file_withdrawal(
        by=personas.holder, cmo=personas.cmo, area=area(), works=[song]
    )
    withdrawing.cancel_withdrawal(works_notice, by=personas.holder)
    assert not MandateExclusion.objects.exists()
    assert repertoire(personas, EFFECTIVE) == {"Дала әні", "Second song"}
    assert Notice.objects.filter(code="withdrawal_cancelled", recipient=personas.cmo_staff).count() == 2
    # a cancelled notice does not take effect
    on_receipt_day.travel_to(EFFECTIVE)
    assert withdrawing.apply_due_withdrawals() == 0


def _refused(code: str, **kwargs: Any) -> None:
    before = (Withdrawal.objects.count(), MandateExclusion.objects.count(), list(Mandate.objects.values()))
    with pytest.raises(WithdrawalRefused) as refused:
        withdrawing.file_withdrawal(**kwargs)
    assert refused.value.code == code
    assert str(refused.value.messages[0])
    assert before == (
        Withdrawal.objects.count(),
        MandateExclusion.objects.count(),
        list(Mandate.objects.values()),
    )


def test_a_duplicate_notice_is_refused_and_changes_nothing(
    personas: Personas, song: Work, on_receipt_day: Any
) -> None:
    withdrawing.file_withdrawal(by=personas.holder, cmo=personas.cmo, area=area())
    _refused("duplicate", by=personas.holder, cmo=personas.cmo, area=area())
    _refused("duplicate", by=personas.holder, cmo=personas.cmo, area=area(), works=[song])


def test_a_notice_against_the_wrong_cmo_is_refused(personas: Personas, on_receipt_day: Any) -> None:
    _refused("wrong_cmo", by=personas.holder, cmo=personas.other_cmo, area=area())
    _refused("no_mandate", by=personas.holder, cmo=personas.cmo, area=area(7))


def test_works_the_cmo_does_not_manage_are_refused(
    personas: Personas, song: Work, on_receipt_day: Any
) -> None:
    from decimal import Decimal

    from tests import factories as f

    others = f.make_work(
        personas.other_holder, (personas.other_party, "CA", {"PR": Decimal("100")}), title="Not yours"
    )
    _refused("works_not_managed", by=personas.holder, cmo=personas.cmo, area=area(), works=[song, others])


def test_a_withdrawal_of_a_withdrawal_is_refused(personas: Personas, song: Work, on_receipt_day: Any) -> None:
    withdrawing.file_withdrawal(by=personas.holder, cmo=personas.cmo, area=area(), works=[song])
    _refused("already_withdrawn", by=personas.holder, cmo=personas.cmo, area=area(), works=[song])
    on_receipt_day.travel_to(EFFECTIVE)
    withdrawing.apply_due_withdrawals()
    _refused("already_withdrawn", by=personas.holder, cmo=personas.cmo, area=area(), works=[song])


def test_an_effective_withdrawal_cannot_be_cancelled(personas: Personas, on_receipt_day: Any) -> None:
    w = withdrawing.file_withdrawal(by=personas.holder, cmo=personas.cmo, area=area())
    on_receipt_day.travel_to(EFFECTIVE)
    with pytest.raises(WithdrawalRefused) as refused:
        withdrawing.cancel_withdrawal(w, by=personas.holder)
    assert refused.value.code == "already_effective"
    withdrawing.apply_due_withdrawals()
    with pytest.raises(WithdrawalRefused) as refused:
        withdrawing.cancel_withdrawal(w, by=personas.holder)
    assert refused.value.code == "not_pending"


@pytest.mark.statute("A46.2-withdraw")
def test_obligations_are_overdue_after_their_due_date_until_the_cmo_reports_them_done(
    personas: Personas, on_receipt_day: Any
) -> None:
    w = withdrawing.file_withdrawal(by=personas.holder, cmo=personas.cmo, area=area())
    on_receipt_day.travel_to(EFFECTIVE)
    withdrawing.apply_due_withdrawals()
    publish = w.obligations.get(kind=ObligationKind.PUBLISH)
    withdrawing.complete_obligation(publish, by=personas.cmo_staff, evidence="Published on kaz.kz/news/12")
    on_receipt_day.travel_to(dt.date(2026, 12, 31))
    overdue = set(withdrawing.overdue_obligations().values_list("kind", flat=True))
    assert overdue == {ObligationKind.PAY, ObligationKind.REPORT}
    assert withdrawing.notify_overdue_obligations() == 2
    assert withdrawing.notify_overdue_obligations() == 0  # told once
    told = Notice.objects.filter(code="withdrawal_obligation_overdue")
    assert told.filter(recipient=personas.regulator).count() == 2
    assert told.filter(recipient=personas.holder).count() == 2
    assert told.filter(recipient=personas.cmo_admin).count() == 2
    with pytest.raises(WithdrawalRefused):
        withdrawing.complete_obligation(publish, by=personas.cmo_staff, evidence="again")
    with pytest.raises(WithdrawalRefused):
        withdrawing.complete_obligation(
            WithdrawalObligation.objects.get(withdrawal=w, kind="pay"), by=personas.cmo_staff, evidence=" "
        )


def test_a_work_taken_out_of_a_mandate_shows_in_the_works_history(personas: Personas, song: Work) -> None:
    withdrawing.file_withdrawal(by=personas.holder, cmo=personas.cmo, area=area(), works=[song])
    page = f.signed_in(personas.holder).get(f"/history/work/{song.pk}/").content.decode()
    assert "Taken out of the mandate" in page and "KAZ" in page
    # the date it takes effect is part of the entry, in words
    assert "Excluded from" in page or "excluded from" in page
