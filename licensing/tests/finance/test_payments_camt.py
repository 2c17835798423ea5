"""The bank's own statement of the account users pay into (ISO 20022 camt.053, camt.052, camt.054): each booked
credit is a payment received, on the invoice its purpose names or kept unallocated; the account's other entries
(payments made, transfers returned, entries not yet booked) are counted and left aside. Imported twice, nothing
is recorded twice; a bad entry is named by its line."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.utils import translation

from licensing import payments
from licensing.models import BankStatement, Invoice, InvoiceStatus, Payment, Transaction
from tests import factories as f
from tests.personas import Personas

pytestmark = pytest.mark.usefixtures("english")

STATEMENT = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>HSBK-2027-01-10</MsgId><CreDtTm>2027-01-11T06:00:00+05:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>2027-01-10</Id>
      <Acct><Id><IBAN>KZ86125KZT0000000001</IBAN></Id><Ccy>KZT</Ccy></Acct>
      <Ntry>
        <Amt Ccy="KZT">45000.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2027-01-08</Dt></BookgDt>
        <NtryDtls>
          <TxDtls>
            <Refs><AcctSvcrRef>HB-1</AcctSvcrRef><EndToEndId>RADIO-0001</EndToEndId></Refs>
            <RltdPties><Dbtr><Pty><Nm>Radio Test</Nm><Id><OrgId><Othr><Id>{bin}</Id></Othr></OrgId></Id></Pty></Dbtr></RltdPties>
            <RmtInf><Ustrd>Payment for {invoice}</Ustrd></RmtInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="KZT">1200.50</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2027-01-09</Dt></BookgDt>
        <AcctSvcrRef>HB-2</AcctSvcrRef>
        <AddtlNtryInf>Cafe Almaty, membership?</AddtlNtryInf>
      </Ntry>
      <Ntry>
        <Amt Ccy="KZT">300.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2027-01-09</Dt></BookgDt>
        <NtryDtls>
          <TxDtls>
            <Refs><AcctSvcrRef>HB-3</AcctSvcrRef></Refs>
            <RltdPties><Dbtr><Pty><Nm>Musik GmbH</Nm><Id><OrgId><Othr><Id>DE-HRB-12345</Id></Othr></OrgId></Id></Pty></Dbtr></RltdPties>
          </TxDtls>
        </NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="KZT">390.00</Amt>
        <CdtDbtInd>DBIT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2027-01-09</Dt></BookgDt>
        <NtryDtls><TxDtls><Refs><EndToEndId>PAY-0000001-0000001</EndToEndId></Refs></TxDtls></NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="KZT">170.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2027-01-10</Dt></BookgDt>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>RRTN</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls><Refs><EndToEndId>PAY-0000001-0000002</EndToEndId></Refs></TxDtls></NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="KZT">999.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts><Cd>PDNG</Cd></Sts>
        <BookgDt><Dt>2027-01-10</Dt></BookgDt>
      </Ntry>
      <Ntry>
        <Amt Ccy="KZT">50.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2027-02-01</Dt></BookgDt>
        <AcctSvcrRef>HB-4</AcctSvcrRef>
      </Ntry>
      <Ntry>
        <Amt Ccy="USD">50.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2027-01-10</Dt></BookgDt>
        <AcctSvcrRef>HB-5</AcctSvcrRef>
      </Ntry>
    </Stmt>
  </BkToCstmrStmt>
</Document>
"""


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


@pytest.fixture
def invoice(licence: Any, in_2027: Any) -> Invoice:
    from licensing import invoicing

    issued = invoicing.issue_first_invoice(licence)
    assert issued is not None
    return issued


@pytest.mark.statute("A46.1.2-1-figures")
def test_the_bank_s_camt_053_records_each_payment_received_once_and_leaves_the_account_s_other_entries(
    invoice: Invoice, personas: Personas
) -> None:
    text = STATEMENT.format(bin=invoice.licence.licensee.party.bin, invoice=invoice.number)
    statement = payments.import_bank_statement(
        by=personas.cmo_staff,
        cmo=personas.cmo,
        file=io.BytesIO(text.encode()),
        filename="HSBK-2027-01-10.xml",
    )
    assert (statement.status, statement.file_format) == ("imported", "camt")
    # the radio's payment pays its invoice; the café's (no details but the entry's) and the foreign company's
    # (its identifier is no BIN) are kept unallocated; the payout, the return and the pending credit are left
    # aside; a credit dated after today and one in dollars are named
    assert (
        statement.lines, statement.matched, statement.unallocated, statement.bad, statement.others,
    ) == (5, 1, 2, 2, 3)  # fmt: skip
    assert [(p["line"], p["code"]) for p in statement.problems] == [
        (line_of(text, "HB-4") - 5, "future_date"),
        (line_of(text, "HB-5") - 5, "currency"),
    ]
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    radio = Payment.objects.get(bank_reference="HB-1")
    assert (radio.invoice, radio.received_on, radio.payer_bin) == (
        invoice, dt.date(2027, 1, 8), invoice.licence.licensee.party.bin,
    )  # fmt: skip
    cafe, foreign = Payment.objects.get(bank_reference="HB-2"), Payment.objects.get(bank_reference="HB-3")
    assert (cafe.invoice, cafe.unallocated, cafe.payer_name) == (None, Decimal("1200.50"), "")
    assert (foreign.unallocated, foreign.payer_bin, foreign.payer_name) == (
        Decimal("300.00"),
        "",
        "Musik GmbH",
    )
    assert cafe.statement_line == line_of(text, "1200.50") - 1

    postings = Transaction.objects.count()
    again = payments.import_bank_statement(
        by=personas.cmo_staff, cmo=personas.cmo, file=io.BytesIO(text.encode()), filename="again.xml"
    )
    assert (again.duplicates, again.matched, again.unallocated, again.others) == (3, 0, 0, 3)
    assert Payment.objects.count() == 3 and Transaction.objects.count() == postings
    with translation.override("kk"):
        kazakh = [payments.problem_text(p) for p in statement.problems]
    assert kazakh != [payments.problem_text(p) for p in statement.problems]


def test_the_staff_upload_the_bank_s_statement_on_the_page_and_a_file_that_is_none_is_refused(
    invoice: Invoice, personas: Personas, eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    from licensing.tasks import resend_waiting_bank_statements

    text = STATEMENT.format(bin=invoice.licence.licensee.party.bin, invoice=invoice.number)
    staff = f.signed_in(personas.cmo_staff)
    assert "camt.053" in staff.get("/cmo/finance/statements/").content.decode()
    sent = staff.post(
        "/cmo/finance/statements/", {"file": SimpleUploadedFile("HSBK.xml", text.encode(), "application/xml")}
    )
    statement = BankStatement.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/cmo/finance/statements/{statement.pk}/"
    # kept; no worker has read it yet: the page says so, claims nothing of its lines and looks again by itself
    waiting = staff.get(sent["Location"]).content.decode()
    assert 'id="statement-waiting"' in waiting and 'http-equiv="refresh"' in waiting
    assert "No problems." not in waiting and 'id="others"' not in waiting and Payment.objects.count() == 0
    assert staff.get(f"/api/bank-statements/{statement.pk}/").json()["status"] == "received"
    # its message was lost: ten minutes on, the periodic task sends it again, and a worker reads it, once
    assert resend_waiting_bank_statements() == []  # not yet: a worker may be reading it
    BankStatement.objects.update(uploaded_at=F("uploaded_at") - dt.timedelta(minutes=11))
    assert resend_waiting_bank_statements() == [statement.pk]
    assert resend_waiting_bank_statements() == []
    page = staff.get(sent["Location"]).content.decode()
    assert 'id="others">3 ' in page and "ISO 20022 camt" in page and 'id="statement-waiting"' not in page
    api = staff.get(f"/api/bank-statements/{statement.pk}/").json()
    assert (api["status"], api["file_format"], api["others"], api["matched"]) == ("imported", "camt", 3, 1)
    # the same file by the API: kept, read by a worker once this commits, every payment in it known already
    with django_capture_on_commit_callbacks(execute=True):
        again = staff.post("/api/bank-statements/", {"file": SimpleUploadedFile("HSBK.xml", text.encode())})
    assert again.status_code == 201 and again.json()["status"] == "received"
    read = staff.get(f"/api/bank-statements/{again.json()['id']}/").json()
    assert (read["status"], read["duplicates"], read["matched"]) == ("imported", 3, 0)
    # the payment file uploaded here by mistake is no statement: refused whole, nothing recorded
    wrong = payments.import_bank_statement(
        by=personas.cmo_staff, cmo=personas.cmo, filename="PAY.xml",
        file=io.BytesIO(b'<?xml version="1.0"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03">'
                        b"<CstmrCdtTrfInitn/></Document>"),
    )  # fmt: skip
    assert wrong.status == "refused"
    assert [(p["code"], p["params"]) for p in wrong.problems] == [
        ("not_camt", {"found": "Document/CstmrCdtTrfInitn"})
    ]
    assert Payment.objects.count() == 3


@pytest.mark.statute("A46.1.2-1-figures")
def test_a_statement_of_an_account_that_is_not_the_cmo_s_is_refused_and_records_nothing(
    invoice: Invoice, personas: Personas
) -> None:
    from registers.models import BankAccount

    BankAccount.objects.create(
        party=personas.cmo.party, iban="KZ86125KZT0000000001", bic="HSBKKZKX", is_primary=True
    )
    text = STATEMENT.format(bin=invoice.licence.licensee.party.bin, invoice=invoice.number)
    # the same payments, on the statement of an account the CMO does not have (uploaded by mistake)
    elsewhere = text.replace("KZ86125KZT0000000001", "KZ56125KZT0000000777")
    refused = payments.import_bank_statement(
        by=personas.cmo_staff, cmo=personas.cmo, file=io.BytesIO(elsewhere.encode()), filename="other.xml"
    )
    assert (refused.status, refused.lines, refused.others) == ("refused", 0, 0)
    assert [(p["line"], p["code"], p["params"]) for p in refused.problems] == [
        (line_of(elsewhere, "<Acct>"), "other_account", {"account": "KZ56125KZT0000000777"})
    ]
    assert "KZ56125KZT0000000777" in payments.problem_text(refused.problems[0])
    assert Payment.objects.count() == 0 and Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.ISSUED
    # the CMO's own account's statement, its IBAN in groups of four: read
    spaced = text.replace("KZ86125KZT0000000001", "kz86 125k zt00 0000 0001")
    read = payments.import_bank_statement(
        by=personas.cmo_staff, cmo=personas.cmo, file=io.BytesIO(spaced.encode()), filename="ours.xml"
    )
    assert (read.status, read.matched, Payment.objects.count()) == ("imported", 1, 3)
