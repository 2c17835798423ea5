"""Paying holders: payment files from the ledger's balances, the bank's statements of them, interrupted
files finished once, and nobody paid more than they are owed whatever happens in between."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from distribution.models import BatchStatus, LineStatus, PaymentBatch, PaymentLine, Run
from distribution.payouts import actions, formats
from distribution.payouts.selectors import owed, paid_status
from distribution.runs import approve_run
from distribution.tests.test_runs import _run, world  # noqa: F401  (the fixture of the worked example)
from licensing import ledger
from licensing.models import SourceKind, Transaction
from registers.models import BankAccount, Party
from tests import factories as f
from udp.accounts.models import Role

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}


def kz_iban(n: int) -> str:
    """A valid Kazakh IBAN (bank 125, account ``n``)."""
    bban = f"125KZT{n:010d}"
    digits = "".join(str(int(c, 36)) for c in bban + "KZ00")
    return f"KZ{98 - int(digits) % 97:02d}{bban}"


def give_bank_account(party: Party, n: int) -> BankAccount:
    return BankAccount.objects.create(party=party, iban=kz_iban(n), bic="KCJBKZKX", is_primary=True)


@pytest.fixture
def paid_world(personas: Any, request: pytest.FixtureRequest) -> dict[str, Any]:
    """The worked example approved: A owed 22 000, B 17 000 (not resident), C 8 001 tiyn; A and B and the CMO
    have bank accounts, C has none."""
    example: dict[str, Any] = request.getfixturevalue("world")
    Party.objects.filter(pk=example["b"].pk).update(resident=False)
    give_bank_account(personas.cmo.party, 1)
    give_bank_account(example["a"], 2)
    give_bank_account(example["b"], 3)
    example["run"] = approve_run(_run(personas, example), by=personas.cmo_admin)
    return example


def statement_csv(rows: list[tuple[str, str, str, str]]) -> io.BytesIO:
    text = "end_to_end_id,amount,status,date\n" + "".join(",".join(r) + "\n" for r in rows)
    return io.BytesIO(text.encode())


def _import(personas: Any, rows: list[tuple[str, str, str, str]]) -> Any:
    return actions.import_statement(
        by=personas.cmo_staff, cmo=personas.cmo, file=statement_csv(rows), filename="statement.csv"
    )


def _line(batch: PaymentBatch, party: Party) -> PaymentLine:
    return batch.lines.get(party=party)


@pytest.mark.django_db
@pytest.mark.statute("A44.5-distribute")
@pytest.mark.statute("A44.5-unclaimed-forever")
def test_a_payment_file_pays_those_with_bank_details_and_keeps_the_rest(
    personas: Any, paid_world: dict[str, Any]
) -> None:
    a, b, c = paid_world["a"], paid_world["b"], paid_world["c"]
    batch = actions.create_batch(personas.cmo, by=personas.cmo_staff, execution_date=dt.date(2026, 4, 10))
    assert (batch.status, batch.lines_count, batch.total_tiyn) == (BatchStatus.READY, 2, 39_000)
    assert {line.party_id: line.amount_tiyn for line in batch.lines.all()} == {a.pk: 22_000, b.pk: 17_000}
    assert owed(personas.cmo) == {c.pk: 8_001}  # C has no bank details: kept, not lost
    in_transit = ledger.balances(personas.cmo, accounts=[ledger.IN_TRANSIT])
    assert in_transit == [{"account": ledger.IN_TRANSIT, "balance": -39_000}]

    root = ET.fromstring(batch.file.open("rb").read())
    assert root.tag == f"{{{NS['p']}}}Document"
    assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", namespaces=NS) == "2"
    assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", namespaces=NS) == "390.00"
    assert root.findtext("p:CstmrCdtTrfInitn/p:PmtInf/p:ReqdExctnDt", namespaces=NS) == "2026-04-10"
    assert root.findtext("p:CstmrCdtTrfInitn/p:PmtInf/p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == kz_iban(1)
    transfers = {
        tx.findtext("p:PmtId/p:EndToEndId", namespaces=NS): (
            tx.findtext("p:Amt/p:InstdAmt", namespaces=NS), tx.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS),
        )
        for tx in root.iterfind("p:CstmrCdtTrfInitn/p:PmtInf/p:CdtTrfTxInf", NS)
    }  # fmt: skip
    assert transfers == {
        _line(batch, a).end_to_end_id: ("220.00", kz_iban(2)),
        _line(batch, b).end_to_end_id: ("170.00", kz_iban(3)),
    }
    # the API lists the file's transfers and their counts, as the page does, to the CMO's staff only
    staff = f.signed_in(personas.cmo_staff)
    assert staff.get(f"/api/payment-batches/{batch.pk}/").json()["counts"] == {
        "sent": 2,
        "booked": 0,
        "returned": 0,
    }
    listed = staff.get(f"/api/payment-batches/{batch.pk}/transfers/").json()["results"]
    assert {(t["party"], t["amount_tiyn"], t["iban"], t["status"]) for t in listed} == {
        (a.pk, 22_000, kz_iban(2), "sent"), (b.pk, 17_000, kz_iban(3), "sent"),
    }  # fmt: skip
    for outsider in (personas.other_cmo_staff, personas.holder):
        assert f.signed_in(outsider).get(f"/api/payment-batches/{batch.pk}/transfers/").status_code in (
            403,
            404,
        )
    with pytest.raises(ValidationError):  # nothing more to pay to anyone with bank details
        actions.create_batch(personas.cmo, by=personas.cmo_staff)


@pytest.mark.django_db
@pytest.mark.statute("A44.5-distribute")
@pytest.mark.statute("A44.5-unclaimed-forever")
def test_booked_is_paid_returned_is_owed_again_and_a_statement_imported_twice_changes_nothing(
    personas: Any, paid_world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    from distribution.notices import PAYMENT_RETURNED
    from udp.notices.models import Notice

    a, b, c, run = paid_world["a"], paid_world["b"], paid_world["c"], paid_world["run"]
    b_account = f.make_account("b-holder@example.kz", Role.HOLDER, party=b)
    batch = actions.create_batch(personas.cmo, by=personas.cmo_staff)
    rows = [
        (_line(batch, a).end_to_end_id, "220.00", "booked", "2026-04-11"),
        (_line(batch, b).end_to_end_id, "170.00", "returned", "2026-04-12"),
        ("PAY-9999999-0000001", "1.00", "booked", "2026-04-12"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        statement = _import(personas, rows)
    assert (statement.booked, statement.returned, statement.bad, statement.duplicates) == (1, 1, 1, 0)
    assert [p["code"] for p in statement.problems] == ["unknown_reference"]
    assert _line(batch, a).status == LineStatus.BOOKED and _line(batch, b).status == LineStatus.RETURNED
    balances = {
        r["account"]: r["balance"]
        for r in ledger.balances(personas.cmo, accounts=[ledger.BANK, ledger.IN_TRANSIT])
    }
    assert balances == {ledger.BANK: -22_000, ledger.IN_TRANSIT: 0}
    assert owed(personas.cmo) == {b.pk: 17_000, c.pk: 8_001}
    assert paid_status(a, run).paid_on == dt.date(2026, 4, 11)
    assert (paid_status(b, run).paid_tiyn, paid_status(b, run).owed_tiyn) == (0, 17_000)

    # B is told, once, with the account's last four characters, and pointed to their entry's bank details
    told = Notice.objects.get(recipient=b_account, code=PAYMENT_RETURNED)
    assert (told.params["amount"], told.params["account"]) == ("170.00", kz_iban(3)[-4:])
    assert told.link == f"/entries/party/{b.pk}/"

    postings = Transaction.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        again = _import(personas, rows)
    assert (again.booked, again.returned, again.duplicates) == (0, 0, 2)
    assert Transaction.objects.count() == postings
    assert Notice.objects.filter(code=PAYMENT_RETURNED).count() == 1

    # C gives bank details (or claims): the next file pays C's kept money; B's returned money waits for B's
    # other account, never sent again to the one it came back from
    give_bank_account(c, 4)
    second = actions.create_batch(personas.cmo, by=personas.cmo_staff)
    assert {line.party_id: line.amount_tiyn for line in second.lines.all()} == {c.pk: 8_001}
    page = f.signed_in(personas.cmo_staff).get("/cmo/distribution/payouts/").content.decode()
    assert 'id="returned-holders">1<' in page
    BankAccount.objects.filter(party=b).update(is_primary=False)
    give_bank_account(b, 5)
    third = actions.create_batch(personas.cmo, by=personas.cmo_staff)
    assert [(line.party_id, line.amount_tiyn, line.iban) for line in third.lines.all()] == [
        (b.pk, 17_000, kz_iban(5))
    ]
    _import(
        personas,
        [(line.end_to_end_id, str(line.amount), "booked", "2026-07-01")
         for line in [*second.lines.all(), *third.lines.all()]],
    )  # fmt: skip
    assert owed(personas.cmo) == {}
    status = paid_status(c, run)
    assert (status.payable_tiyn, status.paid_tiyn, status.owed_tiyn, status.paid_on) == (
        8_001, 8_001, 0, dt.date(2026, 7, 1),
    )  # fmt: skip


@pytest.mark.django_db
def test_a_statement_that_contradicts_a_settled_transfer_or_its_amount_is_not_applied(
    personas: Any, paid_world: dict[str, Any]
) -> None:
    a, b = paid_world["a"], paid_world["b"]
    batch = actions.create_batch(personas.cmo, by=personas.cmo_staff)
    ref_a, ref_b = _line(batch, a).end_to_end_id, _line(batch, b).end_to_end_id
    _import(personas, [(ref_a, "220.00", "returned", "2026-04-11")])
    # a booking after the bank's return, a return dated before it, an amount the transfer was not for
    later = _import(
        personas,
        [(ref_a, "220.00", "booked", "2026-04-20"), (ref_b, "170.01", "booked", "2026-04-20"),
         (ref_b, "170.00", "booked", "2026-04-20"), (ref_b, "170.00", "returned", "2026-04-19")],
    )  # fmt: skip
    assert [p["code"] for p in later.problems] == ["already_settled", "amount_differs", "already_settled"]
    assert [p["line"] for p in later.problems] == [2, 3, 5]
    assert (later.booked, later.returned) == (1, 0)
    assert _line(batch, a).status == LineStatus.RETURNED and _line(batch, b).status == LineStatus.BOOKED


@pytest.mark.django_db
def test_a_statement_with_wrong_columns_is_refused_whole_and_kept(
    personas: Any, paid_world: dict[str, Any]
) -> None:
    refused = actions.import_statement(
        by=personas.cmo_staff, cmo=personas.cmo, file=io.BytesIO(b"date,amount\n2026-01-01,1.00\n"),
        filename="wrong.csv",
    )  # fmt: skip
    assert refused.status == "refused" and refused.problems[0]["code"] == "wrong_columns"
    assert refused.file.open("rb").read() == b"date,amount\n2026-01-01,1.00\n"


@pytest.mark.django_db
@pytest.mark.statute("A44.5-distribute")
def test_an_interrupted_file_is_finished_once_never_made_twice(
    personas: Any, paid_world: dict[str, Any]
) -> None:
    reserved = actions.reserve_batch(personas.cmo, by=personas.cmo_staff)  # the worker dies before the file
    assert reserved.status == BatchStatus.RESERVED and not reserved.sha256
    finished = actions.create_batch(personas.cmo, by=personas.cmo_staff)
    assert finished.pk == reserved.pk and finished.status == BatchStatus.READY
    again = actions.finish_batch(finished, by=personas.cmo_staff)
    assert again.sha256 == finished.sha256
    assert PaymentBatch.objects.count() == 1
    assert Transaction.objects.filter(source_kind=SourceKind.PAYOUT_SENT).count() == 1
    assert list(actions.payment_order(finished).transfers) == list(actions.payment_order(again).transfers)
    # written again from the same transfers, the file is the same bytes as stored
    made = io.BytesIO()
    formats.Pain001().write(actions.payment_order(again), made)
    assert hashlib.sha256(made.getvalue()).hexdigest() == finished.sha256 == again.sha256
    assert made.getvalue() == finished.file.open("rb").read()


OPERATIONS = st.lists(
    st.sampled_from(["batch", "interrupt", "book", "return", "repeat", "bank_c"]), min_size=1, max_size=8
)


@pytest.mark.django_db
@pytest.mark.statute("A44.5-distribute")
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
def test_no_sequence_of_files_and_statements_pays_anyone_more_than_they_are_owed(
    personas: Any, paid_world: dict[str, Any], operations: list[str]
) -> None:
    run: Run = paid_world["run"]
    holders = [paid_world["a"], paid_world["b"], paid_world["c"]]
    with transaction.atomic():
        last: list[tuple[str, str, str, str]] = []
        for operation in operations:
            last = _step(personas, operation, paid_world["c"], last)
            for holder in holders:
                status = paid_status(holder, run)
                booked = sum(
                    PaymentLine.objects.filter(party=holder, status=LineStatus.BOOKED).values_list(
                        "amount_tiyn", flat=True
                    )
                )
                in_files = sum(
                    PaymentLine.objects.filter(party=holder, status=LineStatus.SENT).values_list(
                        "amount_tiyn", flat=True
                    )
                )
                assert booked <= status.payable_tiyn  # never paid more than the run gave
                assert booked + in_files + owed(personas.cmo).get(holder.pk, 0) == status.payable_tiyn
            # the bank paid out exactly the booked transfers, once each; in transit exactly those still sent
            bank = {
                r["account"]: r["balance"]
                for r in ledger.balances(personas.cmo, accounts=[ledger.BANK, ledger.IN_TRANSIT])
            }
            lines = PaymentLine.objects.filter(batch__cmo=personas.cmo)
            assert bank.get(ledger.BANK, 0) == -sum(
                x.amount_tiyn for x in lines if x.status == LineStatus.BOOKED
            )
            assert bank.get(ledger.IN_TRANSIT, 0) == -sum(
                x.amount_tiyn for x in lines if x.status == LineStatus.SENT
            )
        transaction.set_rollback(True)


def _step(
    personas: Any, operation: str, c: Party, last: list[tuple[str, str, str, str]]
) -> list[tuple[str, str, str, str]]:
    sent = list(PaymentLine.objects.filter(status=LineStatus.SENT, batch__status=BatchStatus.READY))
    if operation in ("batch", "interrupt"):
        try:
            with transaction.atomic():
                step = actions.create_batch if operation == "batch" else actions.reserve_batch
                step(personas.cmo, by=personas.cmo_staff)
        except ValidationError:
            pass
    elif operation in ("book", "return") and sent:
        status = "booked" if operation == "book" else "returned"
        last = [(line.end_to_end_id, str(line.amount), status, "2026-05-01") for line in sent]
        _import(personas, last)
    elif operation == "repeat" and last:
        _import(personas, last)
    elif operation == "bank_c" and not BankAccount.objects.filter(party=c).exists():
        give_bank_account(c, 4)
    return last


@pytest.mark.django_db
@pytest.mark.statute("A46.1.1-statement")
@pytest.mark.statute("A44.5-unclaimed-forever")
def test_the_statement_shows_the_tax_withheld_what_is_to_be_paid_and_what_the_bank_paid_or_is_still_owed(
    personas: Any, paid_world: dict[str, Any]
) -> None:
    """A: net 244.44 tenge, 10 % tax 24.44, to be paid 220.00, paid on 11 April; C (no bank details): owed."""
    import re

    from distribution.models import Statement
    from distribution.statements import publish_statements, statement_data
    from tests import factories as f

    a, c, run = paid_world["a"], paid_world["c"], paid_world["run"]
    publish_statements(run)
    batch = actions.create_batch(personas.cmo, by=personas.cmo_staff)
    _import(personas, [(_line(batch, a).end_to_end_id, "220.00", "booked", "2026-04-11")])
    staff = f.signed_in(personas.cmo_staff)

    def shown(party: Party) -> dict[str, str]:
        page = staff.get(f"/cmo/distribution/statements/{Statement.objects.get(run=run, party=party).pk}/")
        html = page.content.decode()
        return {
            k: re.sub(r"<[^>]+>|\s+", " ", v).strip()
            for k, v in re.findall(r'<dd id="([\w-]+)">(.*?)</dd>', html)
        }

    money = shown(a)
    assert money["tax"].startswith("−24.44") and money["to-pay"].startswith("220.00")
    assert money["paid"].startswith("220.00") and "owed" not in money
    unpaid = shown(c)
    assert unpaid["owed"].startswith(unpaid["to-pay"].split(" ")[0]) and "Not yet" in unpaid["paid"]
    # the API says what the page says
    api = staff.get(f"/api/statements/{Statement.objects.get(run=run, party=a).pk}/").json()["totals"]
    assert (api["tax_tiyn"], api["to_pay_tiyn"], api["paid_tiyn"], api["owed_tiyn"]) == (
        2_444,
        22_000,
        22_000,
        0,
    )
    assert api["paid_on"] is not None
    unpaid_api = staff.get(f"/api/statements/{Statement.objects.get(run=run, party=c).pk}/").json()["totals"]
    assert unpaid_api["paid_tiyn"] == 0 and unpaid_api["owed_tiyn"] == unpaid_api["to_pay_tiyn"] > 0
    from registers.models import IPIName

    pseudonym, legal = f.make_ipi(), f.make_ipi()
    IPIName.objects.create(party=a, name_number=pseudonym, name_type="PP")
    IPIName.objects.create(party=a, name_number=legal, name_type="PA")
    data = statement_data(Statement.objects.get(run=run, party=a), "en")
    assert data["holder"]["ipi"] == legal  # the legal name's number, as the PDF names the holder
    assert (data["totals"]["tax_percent"], data["totals"]["to_pay"]) == ("10.00", "220.00")


@pytest.mark.django_db
@pytest.mark.statute("A44.5-distribute")
def test_a_run_whose_money_went_to_the_bank_is_not_offered_for_correction(
    personas: Any, paid_world: dict[str, Any]
) -> None:
    """Once a payment file sends a holder's money, the run's page says why it can no longer be corrected
    instead of offering a form the ledger would refuse; the ledger refuses it all the same."""
    from django.utils import translation

    from distribution import calculating
    from distribution.engine import RunError
    from distribution.payouts.posting import reverse_run
    from tests import factories as f

    run = paid_world["run"]
    url = f"/cmo/distribution/runs/{run.pk}/"
    admin = f.signed_in(personas.cmo_admin)
    assert 'id="correct"' in admin.get(url).content.decode()  # nothing sent yet: the form is offered
    actions.create_batch(personas.cmo, by=personas.cmo_staff, execution_date=dt.date(2026, 4, 10))
    with translation.override("en"):
        page = admin.get(url).content.decode()
        assert calculating.correction_blocked(run).startswith("Money of this run was already sent")
    assert 'id="why-not-correct"' in page and 'id="correct"' not in page
    assert "Money of this run was already sent to a holder&#x27;s bank" in page
    with pytest.raises(RunError) as refused:
        reverse_run(run, by=personas.cmo_admin)
    assert refused.value.code == "already_paid"
    assert refused.value.params["party"] in {paid_world["a"].pk, paid_world["b"].pk}
    run.refresh_from_db()
    assert run.status == "approved"


@pytest.mark.django_db
@pytest.mark.statute("A44.5-distribute")
@pytest.mark.statute("A44.5-unclaimed-forever")
def test_a_file_the_bank_refused_is_cancelled_once_its_money_owed_again_and_paid_by_the_next(
    personas: Any, paid_world: dict[str, Any]
) -> None:
    a, b = paid_world["a"], paid_world["b"]
    batch = actions.create_batch(personas.cmo, by=personas.cmo_staff)
    assert owed(personas.cmo) == {paid_world["c"].pk: 8_001}
    staff = f.signed_in(personas.cmo_staff)
    page = staff.get(f"/cmo/distribution/payouts/{batch.pk}/").content.decode()
    assert page.count('id="cancel-batch"') == 1 and f"<title>{batch.number} — UDP</title>" in page
    assert 'id="batch-total">390.00<' in page  # tenge written as the other pages write them
    # a reason is asked for; another CMO's staff and a holder cannot
    assert staff.post(f"/cmo/distribution/payouts/{batch.pk}/cancel/", {"reason": ""}).status_code == 400
    other = f.signed_in(personas.other_cmo_staff).post(
        f"/api/payment-batches/{batch.pk}/cancel/", {"reason": "x"}
    )
    assert other.status_code in (403, 404)
    assert f.signed_in(personas.holder).post(f"/api/payment-batches/{batch.pk}/cancel/", {"reason": "x"}).status_code in (
        403, 404,
    )  # fmt: skip
    done = staff.post(
        f"/cmo/distribution/payouts/{batch.pk}/cancel/", {"reason": "Refused: bad debtor account"}
    )
    assert done.status_code == 302
    batch.refresh_from_db()
    assert (batch.status, batch.cancelled_reason) == (BatchStatus.CANCELLED, "Refused: bad debtor account")
    assert set(batch.lines.values_list("status", flat=True)) == {LineStatus.CANCELLED}
    assert owed(personas.cmo) == {a.pk: 22_000, b.pk: 17_000, paid_world["c"].pk: 8_001}
    in_transit = ledger.balances(personas.cmo, accounts=[ledger.IN_TRANSIT])
    assert in_transit == [{"account": ledger.IN_TRANSIT, "balance": 0}]
    again = staff.post(f"/api/payment-batches/{batch.pk}/cancel/", {"reason": "twice"})
    assert again.status_code == 400  # once
    assert Transaction.objects.filter(source_kind=SourceKind.PAYOUT_CANCELLED).count() == 1
    # a statement naming a cancelled transfer is not applied; the next file pays the same holders
    statement = _import(personas, [(_line(batch, a).end_to_end_id, "220.00", "booked", "2026-04-11")])
    assert statement.booked == 0 and [p["code"] for p in statement.problems] == ["already_settled"]
    following = actions.create_batch(personas.cmo, by=personas.cmo_staff)
    assert {line.party_id: line.amount_tiyn for line in following.lines.all()} == {a.pk: 22_000, b.pk: 17_000}
    # once the bank books a transfer, the file is no longer cancelled whole
    _import(personas, [(_line(following, a).end_to_end_id, "220.00", "booked", "2026-04-20")])
    late = staff.post(f"/api/payment-batches/{following.pk}/cancel/", {"reason": "too late"})
    assert late.status_code == 400 and "booked or returned" in str(late.json())


@pytest.mark.django_db
def test_a_file_waits_on_the_cmo_dashboard_until_the_banks_statement_settles_every_transfer(
    personas: Any, paid_world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    from udp.accounts.consoles import console_view

    def waiting(user: Any) -> dict[str, int | None]:
        return {card.key: card.count for card in console_view("cmo", user).waiting}

    a, b = paid_world["a"], paid_world["b"]
    assert "payouts" not in waiting(personas.cmo_staff)
    batch = actions.create_batch(personas.cmo, by=personas.cmo_staff)
    assert waiting(personas.cmo_staff)["payouts"] == 1
    assert "payouts" not in waiting(personas.other_cmo_staff)  # another CMO's file is not theirs
    with django_capture_on_commit_callbacks(execute=True):
        _import(personas, [(_line(batch, a).end_to_end_id, "220.00", "booked", "2026-04-11")])
    assert waiting(personas.cmo_staff)["payouts"] == 1  # B's transfer is still unconfirmed
    with django_capture_on_commit_callbacks(execute=True):
        _import(personas, [(_line(batch, b).end_to_end_id, "170.00", "returned", "2026-04-12")])
    assert "payouts" not in waiting(personas.cmo_staff)
