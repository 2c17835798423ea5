"""The bank's own statement of the CMO's account (ISO 20022 camt.053, camt.052, camt.054) settles the transfers
of its payment files: a booked debit pays them, a credit that returns one makes it owed again (also after the
bank had booked it), and every other entry of the account is counted and left aside. A malformed file names the
line and why; a file that is not a statement is refused whole and kept."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from distribution.models import LineStatus, PaymentBatch, PayoutStatement
from distribution.payouts import actions, formats
from distribution.payouts.selectors import owed, paid_status
from distribution.tests.test_payouts import kz_iban, paid_world  # noqa: F401  (the approved worked example)
from distribution.tests.test_runs import world  # noqa: F401
from licensing import ledger
from licensing.models import SourceKind, Transaction
from tests import factories as f
from tests.personas import everyone
from tests.translation_audit import MissedLookups
from udp.accounts.models import Role, User

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def approved(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The worked example approved (see test_payouts.paid_world)."""
    found: dict[str, Any] = request.getfixturevalue("paid_world")
    return found


# A week of the CMO's account as its bank sends it (camt.053.001.02): a licence fee received, the payment file
# booked as one debit of two transfers, the bank's charge, a debit not yet booked, and the return of B's
# transfer by B's bank (account closed).
STATEMENT_053 = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>HSBK-STMT-2026-15</MsgId><CreDtTm>2026-04-15T06:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>2026-15</Id>
      <CreDtTm>2026-04-15T06:00:00</CreDtTm>
      <Acct><Id><IBAN>{cmo_iban}</IBAN></Id><Ccy>KZT</Ccy></Acct>
      <Ntry>
        <Amt Ccy="KZT">5000.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2026-04-10</Dt></BookgDt>
        <NtryDtls><TxDtls><Refs><EndToEndId>INV-2026-0001</EndToEndId></Refs></TxDtls></NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="KZT">390.00</Amt>
        <CdtDbtInd>DBIT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2026-04-11</Dt></BookgDt>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls>
          <TxDtls>
            <Refs><EndToEndId>{ref_a}</EndToEndId></Refs>
            <AmtDtls><TxAmt><Amt Ccy="KZT">220.00</Amt></TxAmt></AmtDtls>
          </TxDtls>
          <TxDtls>
            <Refs><EndToEndId>{ref_b}</EndToEndId></Refs>
            <AmtDtls><TxAmt><Amt Ccy="KZT">170.00</Amt></TxAmt></AmtDtls>
          </TxDtls>
        </NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="KZT">15.00</Amt>
        <CdtDbtInd>DBIT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2026-04-11</Dt></BookgDt>
        <NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs></TxDtls></NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="KZT">80.00</Amt>
        <CdtDbtInd>DBIT</CdtDbtInd>
        <Sts>PDNG</Sts>
        <BookgDt><Dt>2026-04-15</Dt></BookgDt>
        <NtryDtls><TxDtls><Refs><EndToEndId>RENT-APRIL</EndToEndId></Refs></TxDtls></NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="KZT">170.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2026-04-14</Dt></BookgDt>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>RRTN</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls>
          <TxDtls>
            <Refs><EndToEndId>{ref_b}</EndToEndId></Refs>
            <RtrInf><Rsn><Cd>AC04</Cd></Rsn></RtrInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>
    </Stmt>
  </BkToCstmrStmt>
</Document>
"""

# A debit notification of a later version (camt.054.001.08): the status as a code, the amount on the
# transaction, the booking date as a date and time.
NOTIFICATION_054 = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">
  <BkToCstmrDbtCdtNtfctn>
    <GrpHdr><MsgId>N-1</MsgId><CreDtTm>2026-07-01T10:00:00+05:00</CreDtTm></GrpHdr>
    <Ntfctn>
      <Id>N-1</Id>
      <Acct><Id><IBAN>{cmo_iban}</IBAN></Id></Acct>
      <Ntry>
        <Amt Ccy="KZT">80.01</Amt>
        <CdtDbtInd>DBIT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><DtTm>2026-07-01T09:59:00+05:00</DtTm></BookgDt>
        <NtryDtls><TxDtls><Refs><EndToEndId>{ref_c}</EndToEndId></Refs><Amt Ccy="KZT">80.01</Amt></TxDtls></NtryDtls>
      </Ntry>
    </Ntfctn>
  </BkToCstmrDbtCdtNtfctn>
</Document>
"""


def line_of(text: str, needle: str, nth: int = 0) -> int:
    """The line number of the ``nth`` line (from 0) holding ``needle``."""
    return [n for n, line in enumerate(text.splitlines(), start=1) if needle in line][nth]


def _import(personas: Any, text: str, name: str = "statement.xml") -> PayoutStatement:
    return actions.import_statement(
        by=personas.cmo_staff, cmo=personas.cmo, file=io.BytesIO(text.encode()), filename=name
    )


def _balances(cmo: Any) -> dict[str, int]:
    rows = ledger.balances(cmo, accounts=[ledger.BANK, ledger.IN_TRANSIT, ledger.HOLDERS_PAYABLE])
    return {r["account"]: r["balance"] for r in rows}


@pytest.mark.django_db
@pytest.mark.statute("A44.5-distribute")
@pytest.mark.statute("A44.5-unclaimed-forever")
def test_the_bank_s_camt_053_pays_the_file_returns_what_came_back_and_leaves_the_account_s_other_entries(
    personas: Any, approved: dict[str, Any], django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    from distribution.notices import PAYMENT_RETURNED_BECAUSE
    from udp.notices.models import Notice

    a, b, c, run = approved["a"], approved["b"], approved["c"], approved["run"]
    f.make_account("b-holder@example.kz", Role.HOLDER, party=b)
    batch = actions.create_batch(personas.cmo, by=personas.cmo_staff)
    ref_a, ref_b = batch.lines.get(party=a).end_to_end_id, batch.lines.get(party=b).end_to_end_id
    text = STATEMENT_053.format(cmo_iban=kz_iban(1), ref_a=ref_a, ref_b=ref_b)
    with django_capture_on_commit_callbacks(execute=True):
        statement = _import(personas, text)

    assert (statement.status, statement.file_format) == ("imported", "camt")
    # A and B paid by the one debit; B's money then came back; the fee received, the charge and the pending
    # debit are the account's other entries
    assert (statement.booked, statement.returned, statement.others, statement.bad, statement.problems) == (
        2, 1, 3, 0, [],
    )  # fmt: skip
    line_a, line_b = batch.lines.get(party=a), batch.lines.get(party=b)
    assert (line_a.status, line_a.settled_on, line_a.return_reason) == (
        LineStatus.BOOKED,
        dt.date(2026, 4, 11),
        "",
    )
    assert (line_b.status, line_b.settled_on, line_b.return_reason) == (
        LineStatus.RETURNED, dt.date(2026, 4, 14), "AC04",
    )  # fmt: skip
    # the bank paid out 390.00 and got 170.00 back; B is owed again, C (no bank details) still
    assert _balances(personas.cmo)[ledger.BANK] == -22_000
    assert _balances(personas.cmo)[ledger.IN_TRANSIT] == 0
    assert owed(personas.cmo) == {b.pk: 17_000, c.pk: 8_001}
    assert paid_status(a, run).paid_on == dt.date(2026, 4, 11)
    assert (paid_status(b, run).paid_tiyn, paid_status(b, run).owed_tiyn) == (0, 17_000)
    came_back = Transaction.objects.get(source_kind=SourceKind.PAYOUT_RETURNED_AFTER_BOOKING)
    assert came_back.source_id == statement.pk
    # B is told once, with the bank's reason written in B's language
    told = Notice.objects.get(params__transfer=ref_b)
    assert (told.code, told.params["return_reason"]) == (PAYMENT_RETURNED_BECAUSE, "AC04")
    assert "account ending " + kz_iban(3)[-4:] + ": AC04: the account is closed." in told.message
    with translation.override("kk"):
        assert f"AC04: {formats.RETURN_REASONS['AC04']}" in told.message and "tenge" not in told.message

    # the same statement again, and the next week's statement repeating the return: nothing changes
    postings = Transaction.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        again = _import(personas, text, "statement-again.xml")
    assert (again.booked, again.returned, again.duplicates, again.others, again.problems) == (0, 0, 3, 3, [])
    assert Transaction.objects.count() == postings
    assert Notice.objects.filter(params__transfer=ref_b).count() == 1

    # the staff see why B's transfer came back, in their language
    staff = f.signed_in(personas.cmo_staff)
    page = staff.get(f"/cmo/distribution/payouts/{batch.pk}/").content.decode()
    assert "AC04: the account is closed" in page
    shown = staff.get(f"/cmo/distribution/payouts/statements/{statement.pk}/").content.decode()
    assert 'id="others">3 ' in shown and "ISO 20022 camt" in shown
    api = staff.get(f"/api/payment-batches/{batch.pk}/transfers/").json()["results"]
    assert [(t["status"], t["return_reason"], t["return_reason_text"]) for t in api] == [
        ("booked", "", ""), ("returned", "AC04", "AC04: the account is closed"),
    ]  # fmt: skip
    seen = staff.get(f"/api/payout-statements/{statement.pk}/").json()
    assert (seen["file_format"], seen["others"], seen["booked"], seen["returned"]) == ("camt", 3, 2, 1)
    missed = MissedLookups(["kk"]).install(monkeypatch)
    kazakh = f.signed_in(personas.cmo_staff)
    kazakh.cookies[settings.LANGUAGE_COOKIE_NAME] = "kk"
    kk_page = kazakh.get(f"/cmo/distribution/payouts/{batch.pk}/").content.decode()
    assert kazakh.get(f"/cmo/distribution/payouts/statements/{statement.pk}/").status_code == 200
    with translation.override("kk"):
        assert str(formats.RETURN_REASONS["AC04"]) in kk_page
        kk_memo = ledger.memo_text(came_back)
    with translation.override("en"):
        assert kk_memo != ledger.memo_text(came_back)
    assert missed.lookups > 0 and not missed.missed, missed.report()


@pytest.mark.django_db
@pytest.mark.statute("A44.5-distribute")
def test_a_later_version_s_debit_notification_pays_and_a_csv_of_the_same_still_reads(
    personas: Any, approved: dict[str, Any]
) -> None:
    from registers.models import BankAccount

    c = approved["c"]
    BankAccount.objects.create(party=c, iban=kz_iban(4), bic="KCJBKZKX", is_primary=True)
    batch = actions.create_batch(personas.cmo, by=personas.cmo_staff)
    ref_c = batch.lines.get(party=c).end_to_end_id
    # the CMO has since moved to another account: a statement of the one the file was sent from still reads,
    # its IBAN written in groups of four, in lower case
    BankAccount.objects.filter(party=personas.cmo.party).update(iban=kz_iban(8))
    spaced = " ".join(kz_iban(1)[i : i + 4] for i in range(0, 20, 4)).lower()
    notice = _import(personas, NOTIFICATION_054.format(cmo_iban=spaced, ref_c=ref_c), "n.xml")
    assert (notice.file_format, notice.booked, notice.others, notice.problems) == ("camt", 1, 0, [])
    assert batch.lines.get(party=c).settled_on == dt.date(2026, 7, 1)
    # the parser alone: the line each transfer was found on
    parsed = formats.Camt().parse(io.BytesIO(NOTIFICATION_054.format(cmo_iban="x", ref_c="E2E-1").encode()))
    assert [(x.line, x.end_to_end_id, x.amount_tiyn, x.status) for x in parsed.lines] == [
        (line_of(NOTIFICATION_054, "<TxDtls>"), "E2E-1", 8_001, "booked"),
    ]
    csv = actions.import_statement(
        by=personas.cmo_staff, cmo=personas.cmo, filename="n.csv",
        file=io.BytesIO(f"\ufeffend_to_end_id;amount;status;date\n{ref_c};80,01;booked;01.07.2026\n".encode()),
    )  # fmt: skip
    assert (csv.file_format, csv.duplicates, csv.problems) == ("csv", 1, [])


@pytest.mark.django_db
@pytest.mark.statute("A44.5-distribute")
def test_a_malformed_entry_is_named_by_its_line_and_the_good_entries_are_applied(
    personas: Any, approved: dict[str, Any]
) -> None:
    a, b = approved["a"], approved["b"]
    batch = actions.create_batch(personas.cmo, by=personas.cmo_staff)
    ref_a, ref_b = batch.lines.get(party=a).end_to_end_id, batch.lines.get(party=b).end_to_end_id
    text = STATEMENT_053.format(cmo_iban=kz_iban(1), ref_a=ref_a, ref_b=ref_b)
    # B's transfer in euros, the return's entry with no booking date, and a debit of two transfers whose
    # second has no amount of its own
    text = text.replace('<Amt Ccy="KZT">170.00</Amt></TxAmt>', '<Amt Ccy="EUR">170.00</Amt></TxAmt>')
    text = text.replace("<BookgDt><Dt>2026-04-14</Dt></BookgDt>", "")
    text = text.replace(
        "<NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs></TxDtls></NtryDtls>",
        '<NtryDtls><TxDtls><Refs><EndToEndId>X-1</EndToEndId></Refs><Amt Ccy="KZT">1O.00</Amt></TxDtls>'
        "<TxDtls><Refs><EndToEndId>X-2</EndToEndId></Refs></TxDtls></NtryDtls>",
    )
    statement = _import(personas, text)
    assert statement.status == "imported"
    assert [(p["line"], p["code"], p["params"]) for p in statement.problems] == [
        (line_of(text, f"<EndToEndId>{ref_b}</EndToEndId>") - 1, "currency",
         {"reference": ref_b, "currency": "EUR", "expected": "KZT"}),
        (line_of(text, "X-1"), "bad_amount", {"value": "1O.00"}),
        (line_of(text, "X-1"), "no_amount", {"reference": "X-2"}),
        (line_of(text, "<Ntry>", 4), "no_date", {}),
    ]  # fmt: skip
    assert (statement.booked, statement.returned, statement.bad) == (1, 0, 4)
    assert batch.lines.get(party=a).status == LineStatus.BOOKED
    assert batch.lines.get(party=b).status == LineStatus.SENT
    with translation.override("kk"):
        texts = [formats.problem_text(p) for p in statement.problems]
    with translation.override("en"):
        assert texts != [formats.problem_text(p) for p in statement.problems]


@pytest.mark.django_db
def test_a_file_that_is_no_bank_statement_is_refused_whole_and_kept(
    personas: Any, approved: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    batch = actions.create_batch(personas.cmo, by=personas.cmo_staff)
    payment_file = batch.file.open("rb").read()  # the payment file itself, uploaded by mistake
    broken = '<?xml version="1.0"?>\n<Document>\n  <BkToCstmrStmt>\n    <Stmt><Ntry></Stmt>\n'
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>\n'
        "<Document><BkToCstmrStmt><Stmt><Ntry>&b;</Ntry></Stmt></BkToCstmrStmt></Document>\n"
    )
    empty = '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">\n<BkToCstmrStmt>\n<Stmt/>\n</BkToCstmrStmt></Document>'
    # a true statement naming the file's transfers, but of an account that is not the CMO's
    refs = batch.lines.order_by("pk").values_list("end_to_end_id", flat=True)
    elsewhere = STATEMENT_053.format(cmo_iban=kz_iban(7), ref_a=refs[0], ref_b=refs[1])
    cases = [
        (payment_file, "not_camt", 1, {"found": "Document/CstmrCdtTrfInitn"}),
        (broken.encode(), "xml_syntax", 4, {"column": "19"}),
        (bomb.encode(), "xml_declarations", 1, {}),
        (empty.encode(), "no_entries", 2, {}),
        (elsewhere.encode(), "other_account", line_of(elsewhere, "<Acct>"), {"account": kz_iban(7)}),
    ]
    postings = Transaction.objects.count()
    for data, code, line, params in cases:
        refused = actions.import_statement(
            by=personas.cmo_staff, cmo=personas.cmo, file=io.BytesIO(data), filename="wrong.xml"
        )
        assert (refused.status, refused.file_format) == ("refused", "camt")
        assert [(p["code"], p["line"], p["params"]) for p in refused.problems] == [(code, line, params)]
        assert refused.file.open("rb").read() == data
    # a CSV past its limit (20 MB) is refused at once, never sent to a worker
    from distribution.payouts.actions import MAX_BYTES

    with django_capture_on_commit_callbacks() as sent:
        too_large = actions.receive_statement(
            by=personas.cmo_staff,
            cmo=personas.cmo,
            file=io.BytesIO(b"x" * (MAX_BYTES + 10)),
            filename="big.csv",
        )
    assert (too_large.status, too_large.file_format, sent) == ("refused", "csv", [])
    assert [(p["code"], p["params"]) for p in too_large.problems] == [("too_large", {"limit": "20"})]
    assert Transaction.objects.count() == postings
    assert not batch.lines.exclude(status=LineStatus.SENT).exists()


@pytest.mark.django_db
@pytest.mark.statute("A44.5-distribute")
def test_the_staff_upload_the_bank_s_statement_on_the_page_and_nobody_else_reaches_it(
    personas: Any, approved: dict[str, Any], eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    a, b = approved["a"], approved["b"]
    batch: PaymentBatch = actions.create_batch(personas.cmo, by=personas.cmo_staff)
    text = STATEMENT_053.format(
        cmo_iban=kz_iban(1),
        ref_a=batch.lines.get(party=a).end_to_end_id,
        ref_b=batch.lines.get(party=b).end_to_end_id,
    )
    staff = f.signed_in(personas.cmo_staff)
    form = staff.get("/cmo/distribution/payouts/statements/").content.decode()
    assert "camt.053" in form
    with django_capture_on_commit_callbacks(execute=True):  # a worker reads it once it is kept
        sent = staff.post(
            "/cmo/distribution/payouts/statements/",
            {"file": SimpleUploadedFile("HSBK-2026-15.xml", text.encode(), "application/xml")},
        )
    statement = PayoutStatement.objects.get()
    assert (
        sent.status_code == 302
        and sent["Location"] == f"/cmo/distribution/payouts/statements/{statement.pk}/"
    )
    assert (statement.booked, statement.returned, statement.others) == (2, 1, 3)
    # another CMO's staff importing the same statement settle nothing of this CMO's: the references are not theirs
    other_staff = f.signed_in(personas.other_cmo_staff)
    with django_capture_on_commit_callbacks(execute=True):
        other = other_staff.post(
            "/api/payout-statements/", {"file": SimpleUploadedFile("s.xml", text.encode(), "application/xml")}
        )
    assert other.status_code == 201
    read = other_staff.get(f"/api/payout-statements/{other.json()['id']}/").json()
    assert [p["code"] for p in read["problems"]] == ["unknown_reference"] * 3
    assert batch.lines.get(party=a).statement_id == statement.pk
    for who, user in everyone(personas).items():
        if who in ("cmo_staff", "cmo_admin", "other_cmo_staff"):
            continue
        client = f.signed_in(user) if isinstance(user, User) else Client()
        upload = client.post(
            "/api/payout-statements/", {"file": SimpleUploadedFile("s.xml", text.encode(), "application/xml")}
        )
        assert upload.status_code in (401, 403), who
        page = client.post(
            "/cmo/distribution/payouts/statements/",
            {"file": SimpleUploadedFile("s.xml", text.encode(), "application/xml")},
        )
        assert page.status_code in (302, 403), who
    assert PayoutStatement.objects.count() == 2
