"""``manage.py bench payout --holders 300000 --json`` (registered with :mod:`udp.core.benches`): paying a national
CMO's quarter, and reading the bank's answer.

Sets up a CMO of its own with ``--holders`` holders, each with a primary bank account and money owed on
*holders payable* (one ledger posting, as an approved run leaves it). Then times, as the staff would do them:

1. the payment file: what the page asks before a worker makes it, whether anyone is to be paid
   (:func:`distribution.payouts.actions.someone_to_pay`, ``request_seconds``); then the worker's part: the
   transfers reserved set-based and the money moved to payments in transit
   (:func:`~distribution.payouts.actions.reserve_batch`, ``reserve_seconds``) and the ISO 20022 pain.001 written
   and stored (:func:`~distribution.payouts.actions.finish_batch`, ``file_seconds``); ``batch_seconds`` is both;
2. the bank's statement of it (:func:`distribution.payouts.actions.import_statement`): a camt.053 as a bank
   writes one, the whole file booked as one debit and ``--returned`` of its transfers (a share) sent back as
   credits with a return reason (``statement_seconds``).

Prints one JSON line: ``lines`` (the transfers), ``seconds`` (both steps), ``lines_per_s``, ``peak_rss_mb``
(the process's peak, its set-up included), ``file_mb`` and ``statement_mb``, ``booked`` and ``returned`` (as
the import counted them), and ``sum_exact``: every transfer settled, payments in transit back to zero, the
bank's balance moved by exactly what was booked and not returned, and what was returned owed again. The CMO
and everything it made are removed afterwards unless ``--keep``.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import resource
import sys
import time
import uuid
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from distribution.bench import profile
from udp.core.benches import Bench
from udp.money import from_tiyn

STATEMENT_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>{number}</MsgId><CreDtTm>{day}T06:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>{number}</Id>
      <CreDtTm>{day}T06:00:00</CreDtTm>
      <Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>KZT</Ccy></Acct>
"""
DEBIT_HEAD = """      <Ntry>
        <Amt Ccy="KZT">{amount}</Amt>
        <CdtDbtInd>DBIT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>{day}</Dt></BookgDt>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls>
"""
DEBIT_TX = """          <TxDtls>
            <Refs><EndToEndId>{ref}</EndToEndId></Refs>
            <AmtDtls><TxAmt><Amt Ccy="KZT">{amount}</Amt></TxAmt></AmtDtls>
            <RltdPties><Cdtr><Nm>{name}</Nm></Cdtr><CdtrAcct><Id><IBAN>{iban}</IBAN></Id></CdtrAcct></RltdPties>
          </TxDtls>
"""
DEBIT_TAIL = """        </NtryDtls>
      </Ntry>
"""
RETURN = """      <Ntry>
        <Amt Ccy="KZT">{amount}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>{day}</Dt></BookgDt>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>RRTN</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls><Refs><EndToEndId>{ref}</EndToEndId></Refs><RtrInf><Rsn><Cd>AC04</Cd></Rsn></RtrInf></TxDtls></NtryDtls>
      </Ntry>
"""
STATEMENT_TAIL = """    </Stmt>
  </BkToCstmrStmt>
</Document>
"""


def add_arguments(parser: Any) -> None:
    parser.add_argument("--holders", type=int, default=300_000)
    parser.add_argument(
        "--returned", type=float, default=0.01, help="the share of transfers the bank returns"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    parser.add_argument("--keep", action="store_true", help="keep the CMO and what it made")
    parser.add_argument(
        "--profile", action="store_true", help="print each slow statement's seconds to stderr"
    )


def run(options: dict[str, Any], command: Any) -> None:
    PayoutBench(stdout=command.stdout, stderr=command.stderr).payout(options)


def _kz_iban(n: int) -> str:
    bban = f"125KZT{n:010d}"
    digits = "".join(str(int(c, 36)) for c in bban + "KZ00")
    return f"KZ{98 - int(digits) % 97:02d}{bban}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class PayoutBench(BaseCommand):
    def payout(self, options: dict[str, Any]) -> None:
        from distribution.payouts import actions

        holders = options["holders"]
        tag = uuid.uuid4().hex[:6].upper()
        cmo, staff = self._cmo(tag)
        self.parties = (0, 0)  # the holders' ids, from..to (excluded), once made
        try:
            owed_total = self._holders(cmo, staff, holders)
            stream = sys.stderr if options["profile"] else None
            started = time.perf_counter()
            if not actions.someone_to_pay(cmo):  # what the page asks before a worker makes the file
                raise RuntimeError("the bench's holders are owed nothing")
            request_seconds = time.perf_counter() - started
            started = time.perf_counter()
            with profile.statements(stream):
                batch = actions.reserve_batch(cmo, by=staff, execution_date=dt.date.today())
                reserve_seconds = time.perf_counter() - started
                batch = actions.finish_batch(batch, by=staff)
            batch_seconds = time.perf_counter() - started
            data = self._statement(batch, options["returned"])
            started = time.perf_counter()
            with profile.statements(stream):
                statement = actions.import_statement(
                    by=staff, cmo=cmo, file=io.BytesIO(data), filename=f"bench-{tag}.xml"
                )
            statement_seconds = time.perf_counter() - started
            figures = self._figures(cmo, batch, statement, owed_total)
            seconds = batch_seconds + statement_seconds
            figures.update(
                lines=batch.lines_count, seconds=round(seconds, 3),
                lines_per_s=round(batch.lines_count / seconds) if seconds else None,
                request_seconds=round(request_seconds, 3), batch_seconds=round(batch_seconds, 3),
                reserve_seconds=round(reserve_seconds, 3),
                file_seconds=round(batch_seconds - reserve_seconds, 3), statement_seconds=round(statement_seconds, 3),
                file_mb=round(batch.file.size / 2**20, 1), statement_mb=round(len(data) / 2**20, 1),
                peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            )  # fmt: skip
            if options["json"]:
                self.stdout.write(json.dumps(figures))
            else:
                for name, value in figures.items():
                    self.stdout.write(f"{name:>20}: {value}")
            sys.stdout.flush()
        finally:
            if not options["keep"]:
                self._remove(cmo.pk, self.parties)

    @staticmethod
    def _cmo(tag: str) -> tuple[Any, Any]:
        from registers.models import CMO, BankAccount, Party
        from udp.accounts.models import User

        party = Party.objects.create(kind="entity", name_ru=f"ОКУП {tag}", name_lat=f"Payout bench {tag}")
        cmo = CMO.objects.create(party=party, short_name=f"PAY{tag}")
        BankAccount.objects.create(party=party, iban=_kz_iban(9_000_000_000), bic="HSBKKZKX", is_primary=True)
        staff = User.objects.create(email=f"bench-payout-{tag.lower()}@example.kz", role="cmo_staff", cmo=cmo)
        return cmo, staff

    def _holders(self, cmo: Any, staff: Any, holders: int) -> int:
        """The holders, their bank accounts (loaded with COPY) and what each is owed: one posting."""
        from distribution.bench.world import _reserve
        from licensing import ledger

        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
            try:
                with transaction.atomic():
                    first = _reserve(cursor, "registers_party", holders)
                    self.parties = (first, first + holders)
                    cursor.execute(
                        """
                        INSERT INTO registers_party (id, kind, name_kk, name_ru, name_lat, ipi_base_number,
                               citizenship, resident, address, email, phone, verified, created_at, updated_at)
                        SELECT %(p0)s + i, 'person', 'Иеленуші ' || i, 'Правообладатель ' || i, 'Holder ' || i,
                               '', 'KZ', true, '', '', '', true, now(), now()
                          FROM generate_series(0, %(h)s - 1) AS i
                        """,
                        {"p0": first, "h": holders},
                    )
                    with cursor.cursor.copy(
                        "COPY registers_bankaccount (party_id, iban, bank_name, bic, is_primary) FROM STDIN"
                    ) as copy:
                        for i in range(holders):
                            copy.write_row((first + i, _kz_iban(i + 1), "", "KCJBKZKX", True))
            finally:
                cursor.execute("SET session_replication_role = origin")
        ledger.post_select(
            cmo, dt.date.today(), "distribution_run",
            {"run": "bench", "area": 5, "start": "2026-07-01", "end": "2026-09-30"}, ("distribution_run", None), staff,
            select="""
            SELECT %(tx)s AS transaction_id, %(account_holders_payable)s AS account_id,
                   -(100000 + (i::bigint * 7919) %% 9000000)::bigint AS amount_tiyn, NULL::bigint AS licence_id,
                   NULL::bigint AS area_id, NULL::date AS usage_start, %(p0)s + i AS party_id, NULL::bigint AS work_id
              FROM generate_series(0, %(h)s - 1) AS i
            UNION ALL
            SELECT %(tx)s, %(account_remuneration_payable)s, sum(100000 + (i::bigint * 7919) %% 9000000)::bigint,
                   NULL, NULL, NULL, NULL, NULL
              FROM generate_series(0, %(h)s - 1) AS i
            """,
            params={"p0": first, "h": holders}, accounts=(ledger.HOLDERS_PAYABLE, ledger.REMUNERATION),
        )  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT sum(100000 + (i::bigint * 7919) %% 9000000) FROM generate_series(0, %s - 1) AS i",
                [holders],
            )
            return int(cursor.fetchone()[0])

    @staticmethod
    def _statement(batch: Any, returned_share: float) -> bytes:
        """The bank's camt.053 of ``batch``: one debit of every transfer, and every ``1 / returned_share``-th
        transfer returned (account closed) two days later."""
        day = batch.execution_date
        back_every = round(1 / returned_share) if returned_share > 0 else 0
        out = io.StringIO()
        out.write(
            STATEMENT_HEAD.format(number=f"BENCH-{batch.number}", day=day.isoformat(), iban=batch.debtor_iban)
        )
        out.write(DEBIT_HEAD.format(amount=from_tiyn(batch.total_tiyn), day=day.isoformat()))
        back = []
        rows = batch.lines.order_by("id").values_list("end_to_end_id", "amount_tiyn", "creditor_name", "iban")
        for n, (ref, amount, name, iban) in enumerate(rows.iterator(chunk_size=20_000)):
            out.write(DEBIT_TX.format(ref=ref, amount=from_tiyn(amount), name=_escape(name), iban=iban))
            if back_every and n % back_every == 0:
                back.append((ref, amount))
        out.write(DEBIT_TAIL)
        later = (day + dt.timedelta(days=2)).isoformat()
        for ref, amount in back:
            out.write(RETURN.format(amount=from_tiyn(amount), day=later, ref=ref))
        out.write(STATEMENT_TAIL)
        return out.getvalue().encode()

    @staticmethod
    def _figures(cmo: Any, batch: Any, statement: Any, owed_total: int) -> dict[str, Any]:
        from distribution.models import LineStatus
        from licensing import ledger

        balances = {
            r["account"]: r["balance"]
            for r in ledger.balances(cmo, accounts=[ledger.BANK, ledger.IN_TRANSIT, ledger.HOLDERS_PAYABLE])
        }
        lines = batch.lines.values_list("status", "amount_tiyn")
        booked = sum(a for s, a in lines if s == LineStatus.BOOKED)
        returned = sum(a for s, a in lines if s == LineStatus.RETURNED)
        exact = (
            not batch.lines.filter(status=LineStatus.SENT).exists()
            and batch.total_tiyn == owed_total == booked + returned
            and balances.get(ledger.IN_TRANSIT, 0) == 0
            and balances.get(ledger.BANK, 0) == -booked
            and balances.get(ledger.HOLDERS_PAYABLE, 0) == -returned
            and statement.booked == batch.lines_count
            and statement.bad == 0
        )
        return {"booked": statement.booked, "returned": statement.returned, "sum_exact": exact}

    @staticmethod
    def _remove(cmo_id: int, parties: tuple[int, int]) -> None:
        """Everything the bench made, with the triggers that keep the ledger append-only held off."""
        from django.core.files.storage import default_storage

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT file FROM distribution_paymentbatch WHERE cmo_id = %(c)s AND file <> '' "
                "UNION ALL SELECT file FROM distribution_payoutstatement WHERE cmo_id = %(c)s",
                {"c": cmo_id},
            )
            files = [row[0] for row in cursor.fetchall()]
            with transaction.atomic():
                # the checks deferred to the end of a transaction made before (inside a test's) are run now,
                # on the rows as they were
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET LOCAL session_replication_role = replica")
                cursor.execute("SELECT party_id FROM registers_cmo WHERE id = %s", [cmo_id])
                cmo_party = cursor.fetchone()[0]
                cursor.execute(
                    "CREATE TEMP TABLE bench_payout_parties ON COMMIT DROP AS "
                    "SELECT DISTINCT e.party_id FROM licensing_entry e "
                    "JOIN licensing_transaction t ON t.id = e.transaction_id "
                    "WHERE t.cmo_id = %s AND e.party_id IS NOT NULL "
                    "UNION SELECT generate_series(%s::bigint, %s::bigint - 1)",
                    [cmo_id, *parties],
                )
                cursor.execute("ANALYZE bench_payout_parties")
                for sql in (
                    "DELETE FROM licensing_entry e USING licensing_transaction t "
                    "WHERE t.id = e.transaction_id AND t.cmo_id = %(c)s",
                    "DELETE FROM licensing_transaction WHERE cmo_id = %(c)s",
                    "DELETE FROM distribution_paymentline l USING distribution_paymentbatch b "
                    "WHERE b.id = l.batch_id AND b.cmo_id = %(c)s",
                    "DELETE FROM distribution_paymentbatch WHERE cmo_id = %(c)s",
                    "DELETE FROM distribution_payoutstatement WHERE cmo_id = %(c)s",
                    "DELETE FROM registers_bankaccount b USING bench_payout_parties p WHERE b.party_id = p.party_id",
                    "DELETE FROM registers_bankaccount WHERE party_id = %(p)s",
                    "DELETE FROM registers_party r USING bench_payout_parties p WHERE r.id = p.party_id",
                    "DELETE FROM accounts_user WHERE cmo_id = %(c)s",
                    "DELETE FROM registers_cmo WHERE id = %(c)s",
                    "DELETE FROM registers_party WHERE id = %(p)s",
                ):
                    cursor.execute(sql, {"c": cmo_id, "p": cmo_party})
        for name in files:
            default_storage.delete(name)


BENCH = Bench(
    name="payout",
    help="Pay a national CMO's holders (pain.001) and read the bank's camt.053 of it; print the figures",
    add_arguments=add_arguments,
    run=run,
)
