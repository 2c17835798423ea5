"""Paying holders: payment files for the bank and the bank's statements of them.

A payment file (:func:`create_batch`) takes, for one CMO, every holder's unpaid balance of *holders payable*
(from the ledger, across runs) for the holders with a primary bank account, in two steps:

1. :func:`reserve_batch` (one transaction, under a lock per CMO): the batch, one transfer per holder with the
   IBAN as sent, and the posting Dr holders payable / Cr payments in transit per holder. From then on the
   money is out of the holders' balances, so no later batch takes it again. Holders without bank details
   keep their balance, with no time limit, and are paid by the first batch after they give them.
2. :func:`finish_batch`: the file (:mod:`distribution.payouts.formats`), stored as made, with its SHA-256.

The page and the API ask for a batch (:func:`request_batch`: refused at once when nobody with bank details is
owed money) and a worker makes it, both steps (:func:`write_batch`, the task ``distribution.write_payment_file``):
for a national CMO they take longer than a page may wait. A batch requested and still not done ten minutes on is
sent again (:func:`resend_unfinished_batches`, by beat); one that finds nobody to pay any more is *empty*. A batch
interrupted between the steps (a worker killed, a storage error) is finished by the next request of the CMO,
never made twice: at most one unfinished batch per CMO (a unique index). :func:`create_batch` does both steps at
once (the demo, the benchmark).

A bank statement (:func:`import_statement`: the bank's camt.053/052/054, or CSV) is kept as uploaded; each
line names a transfer by its end-to-end reference. *Booked*: paid (Dr payments in transit / Cr bank).
*Returned*: owed again (Dr payments in transit / Cr holders payable; or, once booked, Dr bank / Cr holders
payable: the money came back), paid by a later batch once the holder gives other bank details (no file sends
money to an account a transfer came back from, until one to it is booked); the holder is told. A transfer moves
from each status only once (the status update and the posting are one transaction, guarded by the status), so
importing the same statement again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
import uuid
import zlib
from functools import partial
from typing import IO, Any, NamedTuple

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from distribution.models import (
    BatchStatus,
    LineStatus,
    PaymentBatch,
    PayoutStatement,
    PayoutStatementStatus,
)
from distribution.payouts import formats
from licensing import ledger
from licensing.models import SourceKind
from registers.models import CMO, BankAccount
from udp import camt
from udp.audit import audited
from udp.core import clock, jobs
from udp.core.numbering import allocate_number
from udp.core.uploads import spool
from udp.money import from_tiyn

MAX_BYTES = 20 * 1024 * 1024
#: a batch being made: at most one per CMO (a unique index), resumed by the next request, never doubled
UNFINISHED = (BatchStatus.REQUESTED, BatchStatus.RESERVED)
MAX_PROBLEMS = 2000

#: each holder owed money at the CMO who has a primary bank account not returned from (and paid none since:
#: the holder gives another first), with what is owed
TO_PAY = """
WITH owed AS (
    SELECT e.party_id, -sum(e.amount_tiyn) AS amount
      FROM licensing_entry e JOIN licensing_transaction t ON t.id = e.transaction_id
     WHERE t.cmo_id = %(cmo)s AND e.account_id = %(holders)s AND e.party_id IS NOT NULL
     GROUP BY e.party_id HAVING -sum(e.amount_tiyn) > 0
)
SELECT o.party_id, o.amount, pa.name_ru, pa.name_kk, pa.name_lat, pa.iin, pa.bin, b.iban, b.bic
  FROM owed o
  JOIN registers_party pa ON pa.id = o.party_id
  JOIN registers_bankaccount b ON b.party_id = o.party_id AND b.is_primary
 WHERE NOT EXISTS (SELECT 1 FROM distribution_paymentline r
                    WHERE r.party_id = o.party_id AND r.status = 'returned' AND upper(r.iban) = upper(b.iban)
                      AND NOT EXISTS (SELECT 1 FROM distribution_paymentline k
                                       WHERE k.party_id = o.party_id AND k.status = 'booked'
                                         AND upper(k.iban) = upper(b.iban) AND k.id > r.id))
"""

LINES = f"""
INSERT INTO distribution_paymentline
       (batch_id, party_id, end_to_end_id, creditor_name, creditor_id, iban, bic, amount_tiyn, status)
SELECT %(batch)s, p.party_id, %(number)s || '-' || lpad((row_number() OVER (ORDER BY p.party_id))::text, 7, '0'),
       left(coalesce(nullif(p.name_ru, ''), nullif(p.name_kk, ''), p.name_lat), 140),
       coalesce(p.iin, p.bin, ''), p.iban, p.bic, p.amount, 'sent'
  FROM ({TO_PAY}) p
"""

SENT_LEGS = """
SELECT %(tx)s AS transaction_id, %(account_holders_payable)s AS account_id, l.amount_tiyn AS amount_tiyn,
       NULL::bigint AS licence_id, NULL::bigint AS area_id, NULL::date AS usage_start, l.party_id AS party_id,
       NULL::bigint AS work_id
  FROM distribution_paymentline l WHERE l.batch_id = %(batch)s
UNION ALL
SELECT %(tx)s, %(account_payments_in_transit)s, -l.amount_tiyn, NULL, NULL, NULL, l.party_id, NULL
  FROM distribution_paymentline l WHERE l.batch_id = %(batch)s
"""

BOOKED_LEGS = """
SELECT %(tx)s AS transaction_id, %(account_payments_in_transit)s AS account_id, l.amount_tiyn AS amount_tiyn,
       NULL::bigint AS licence_id, NULL::bigint AS area_id, NULL::date AS usage_start, l.party_id AS party_id,
       NULL::bigint AS work_id
  FROM distribution_paymentline l WHERE l.id = ANY(%(lines)s)
UNION ALL
SELECT %(tx)s, %(account_bank)s, -sum(l.amount_tiyn), NULL, NULL, NULL, NULL, NULL
  FROM distribution_paymentline l WHERE l.id = ANY(%(lines)s)
"""

OWED_AGAIN_LEGS = """
SELECT %(tx)s AS transaction_id, %(account_payments_in_transit)s AS account_id, l.amount_tiyn AS amount_tiyn,
       NULL::bigint AS licence_id, NULL::bigint AS area_id, NULL::date AS usage_start, l.party_id AS party_id,
       NULL::bigint AS work_id
  FROM distribution_paymentline l WHERE l.id = ANY(%(lines)s)
UNION ALL
SELECT %(tx)s, %(account_holders_payable)s, -l.amount_tiyn, NULL, NULL, NULL, l.party_id, NULL
  FROM distribution_paymentline l WHERE l.id = ANY(%(lines)s)
"""

#: a transfer the bank booked, then returned (the beneficiary's bank sent it back): the money is in the
#: CMO's account again and owed to the holder
BANK_RETURNED_LEGS = """
SELECT %(tx)s AS transaction_id, %(account_bank)s AS account_id, sum(l.amount_tiyn) AS amount_tiyn,
       NULL::bigint AS licence_id, NULL::bigint AS area_id, NULL::date AS usage_start, NULL::bigint AS party_id,
       NULL::bigint AS work_id
  FROM distribution_paymentline l WHERE l.id = ANY(%(lines)s)
UNION ALL
SELECT %(tx)s, %(account_holders_payable)s, -l.amount_tiyn, NULL, NULL, NULL, l.party_id, NULL
  FROM distribution_paymentline l WHERE l.id = ANY(%(lines)s)
"""

SETTLE = """
UPDATE distribution_paymentline l
   SET status = %(status)s, settled_on = v.settled_on, statement_id = %(statement)s, return_reason = v.reason
  FROM (SELECT unnest(%(ids)s::bigint[]) AS id, unnest(%(days)s::date[]) AS settled_on,
               unnest(%(reasons)s::text[]) AS reason) v
 WHERE l.id = v.id AND l.status = %(from)s
RETURNING l.id
"""


def _lock(cmo: CMO) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(f"payouts:{cmo.pk}".encode())])


def _debtor_account(cmo: CMO) -> BankAccount:
    account = BankAccount.objects.filter(party_id=cmo.party_id, is_primary=True).first()
    if account is None:
        raise ValidationError(
            gettext("Enter the CMO's primary bank account first: the transfers are made from it.")
        )
    return account


def _unfinished(cmo: CMO) -> PaymentBatch | None:
    return PaymentBatch.objects.filter(cmo=cmo, status__in=UNFINISHED).first()


def _new_batch(cmo: CMO, status: str, by: Any, execution_date: dt.date | None) -> PaymentBatch:
    debtor = _debtor_account(cmo)
    return PaymentBatch.objects.create(
        cmo=cmo, number=allocate_number("PAY"), status=status,
        file_format=formats.DEFAULT_PAYMENT_FORMAT, execution_date=execution_date or clock.today(),
        debtor_iban=debtor.iban, debtor_bic=debtor.bic, created_by=by, created_at=timezone.now(),
    )  # fmt: skip


def _fill(batch: PaymentBatch, by: Any) -> int:
    """The batch's transfers (one per holder to pay) and the posting Dr holders payable / Cr payments in
    transit; the batch reserved. Returns how many transfers (none: nothing is posted)."""
    holders = ledger.account_ids(ledger.HOLDERS_PAYABLE)[ledger.HOLDERS_PAYABLE]
    with connection.cursor() as cursor:
        cursor.execute(
            LINES, {"cmo": batch.cmo_id, "holders": holders, "batch": batch.pk, "number": batch.number}
        )
        cursor.execute(
            "SELECT count(*), coalesce(sum(amount_tiyn), 0) FROM distribution_paymentline WHERE batch_id = %s",
            [batch.pk],
        )
        count, total = cursor.fetchone()
    if not count:
        return 0
    batch.lines_count, batch.total_tiyn, batch.status = count, total, BatchStatus.RESERVED
    batch.save(update_fields=["lines_count", "total_tiyn", "status"])
    ledger.post_select(
        batch.cmo, clock.today(), "payout_sent", {"number": batch.number}, (SourceKind.PAYOUT_SENT, batch.pk), by,
        select=SENT_LEGS, params={"batch": batch.pk}, accounts=(ledger.HOLDERS_PAYABLE, ledger.IN_TRANSIT),
    )  # fmt: skip
    return count


def _nobody_to_pay() -> ValidationError:
    return ValidationError(gettext("Nobody with bank details on record is owed money now."))


def reserve_batch(cmo: CMO, *, by: Any, execution_date: dt.date | None = None) -> PaymentBatch:
    """Step 1: the CMO's unfinished batch if there is one (its transfers set aside now if only requested),
    else a new one with its transfers, the money moved to payments in transit. Refused when nobody with bank
    details is owed money."""
    with audited(by):
        _lock(cmo)
        batch = _unfinished(cmo) or _new_batch(cmo, BatchStatus.RESERVED, by, execution_date)
        if batch.status == BatchStatus.RESERVED and batch.lines_count:
            return batch
        if not _fill(batch, by):
            raise _nobody_to_pay()
    return batch


def someone_to_pay(cmo: CMO) -> bool:
    holders = ledger.account_ids(ledger.HOLDERS_PAYABLE)[ledger.HOLDERS_PAYABLE]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS ({TO_PAY})", {"cmo": cmo.pk, "holders": holders})
        row = cursor.fetchone()
    return bool(row and row[0])


def request_batch(cmo: CMO, *, by: Any, execution_date: dt.date | None = None) -> PaymentBatch:
    """What the page and the API do: the batch requested, and both steps left to a worker once this commits
    (:func:`write_batch`): setting a national CMO's money aside and writing its file take longer than a page
    may wait. Refused at once when nobody with bank details is owed money, or the CMO has no bank account.
    The CMO's unfinished batch, if there is one, is returned and sent again instead of a new one."""
    with audited(by):
        _lock(cmo)
        batch = _unfinished(cmo)
        if batch is None:
            if not someone_to_pay(cmo):
                raise _nobody_to_pay()
            batch = _new_batch(cmo, BatchStatus.REQUESTED, by, execution_date)
        transaction.on_commit(partial(_send_batch, batch.pk))
    return batch


def _send_batch(pk: int) -> None:
    from distribution.run_tasks import write_payment_file

    write_payment_file.delay(pk)


def write_batch(pk: int) -> PaymentBatch | None:
    """Both steps of the requested batch ``pk`` on a worker, as the staff member who asked for it: its
    transfers set aside, then its file written. A batch that finds nobody to pay any more (their money went
    meanwhile) is *empty*. Idempotent: a batch done is returned as it is; ``None`` when there is none."""
    batch = PaymentBatch.objects.select_related("created_by", "cmo").filter(pk=pk).first()
    if batch is None:
        return None
    if batch.status == BatchStatus.REQUESTED:
        with audited(batch.created_by):
            _lock(batch.cmo)
            batch = PaymentBatch.objects.select_for_update().select_related("created_by", "cmo").get(pk=pk)
            if batch.status == BatchStatus.REQUESTED and not _fill(batch, batch.created_by):
                batch.status = BatchStatus.EMPTY
                batch.save(update_fields=["status"])
    if batch.status != BatchStatus.RESERVED:
        return batch
    return finish_batch(batch, by=batch.created_by)


def resend_unfinished_batches(*, older_than: dt.timedelta = jobs.LOST_AFTER) -> list[int]:
    """Batches requested longer ago than ``older_than`` and still not done (their worker or message was
    lost): sent to a worker again (:func:`write_batch` is idempotent)."""
    waiting = PaymentBatch.objects.filter(status__in=UNFINISHED)
    return jobs.send_again(waiting, since="created_at", send=_send_batch, older_than=older_than)


def payment_order(batch: PaymentBatch) -> formats.PaymentOrder:
    cmo = batch.cmo
    remittance = gettext("Remuneration for the use of works, %(cmo)s, %(number)s") % {
        "cmo": cmo.short_name, "number": batch.number,
    }  # fmt: skip
    lines = batch.lines.order_by("id").values_list(
        "end_to_end_id", "amount_tiyn", "creditor_name", "creditor_id", "iban", "bic"
    )
    return formats.PaymentOrder(
        message_id=batch.number, created_at=batch.created_at, execution_date=batch.execution_date,
        debtor_name=cmo.party.name_ru or cmo.party.name, debtor_id=cmo.party.bin or "",
        debtor_iban=batch.debtor_iban, debtor_bic=batch.debtor_bic,
        transfers=(formats.Transfer(*line, remittance) for line in lines.iterator(chunk_size=10_000)),
        count=batch.lines_count, total_tiyn=batch.total_tiyn,
    )  # fmt: skip


def finish_batch(batch: PaymentBatch, *, by: Any) -> PaymentBatch:
    """Step 2: the batch's file, made from its transfers and stored as made (again: the same bytes)."""
    with audited(by):
        batch = PaymentBatch.objects.select_for_update().select_related("cmo__party").get(pk=batch.pk)
        if batch.status == BatchStatus.READY:
            return batch
        kind = formats.PAYMENT_FORMATS[batch.file_format]
        with tempfile.TemporaryFile() as made:
            kind.write(payment_order(batch), made)
            made.seek(0)
            digest = hashlib.file_digest(made, "sha256")
            made.seek(0)
            batch.filename = f"{batch.number}.{kind.extension}"
            batch.file.save(f"{uuid.uuid4().hex}.{kind.extension}", File(made), save=False)
        batch.sha256 = digest.hexdigest()
        batch.status = BatchStatus.READY
        batch.save(update_fields=["filename", "file", "sha256", "status"])
    return batch


def create_batch(cmo: CMO, *, by: Any, execution_date: dt.date | None = None) -> PaymentBatch:
    """A payment file for ``cmo`` made at once, in this process (the demo, the benchmark): the unfinished one
    finished, else a new one (see the module)."""
    return finish_batch(reserve_batch(cmo, by=by, execution_date=execution_date), by=by)


# -- bank statements --------------------------------------------------------------------------------------
def receive_statement(
    *, by: Any, cmo: CMO, file: IO[bytes], filename: str, file_format: str | None = None, send: bool = True
) -> PayoutStatement:
    """Keep the bank's statement of ``cmo``'s transfers as uploaded (ISO 20022 camt or CSV, told apart by the
    content unless ``file_format`` says) and send it to a worker to be read (:func:`read_statement`) once this
    commits: a national CMO's statement takes longer to read than a page may wait. A file past the size limit
    is refused at once."""
    upload = spool(file, max(MAX_BYTES, camt.MAX_BYTES))
    with upload.file, audited(by):
        file_format = file_format or formats.detect_statement_format(upload.head)
        limit = camt.MAX_BYTES if file_format == formats.Camt.code else MAX_BYTES
        statement = PayoutStatement(
            cmo=cmo, filename=filename[:200], sha256=upload.sha256, file_format=file_format, uploaded_by=by,
            status=PayoutStatementStatus.RECEIVED,
        )  # fmt: skip
        if upload.size > limit:
            statement.status = PayoutStatementStatus.REFUSED
            statement.problems = [formats.problem(0, "too_large", limit=limit // 2**20)]
        extension = "xml" if file_format == formats.Camt.code else file_format
        statement.file.save(f"{uuid.uuid4().hex}.{extension}", File(upload.file), save=False)
        statement.save()
        if send and statement.status == PayoutStatementStatus.RECEIVED:
            transaction.on_commit(partial(_send_statement, statement.pk))
    return statement


def _send_statement(pk: int) -> None:
    from distribution.run_tasks import read_payout_statement

    read_payout_statement.delay(pk)


def read_statement(pk: int) -> PayoutStatement | None:
    """Read a received statement: bad lines named and skipped; each good line books or returns its transfer
    once; the account's other entries counted and left aside. One transaction: a worker that dies leaves it
    received, to be read again. ``None`` when another worker is reading it; a statement read already is
    returned as it is."""
    with transaction.atomic():
        statement = (
            PayoutStatement.objects.select_for_update(skip_locked=True, of=("self",)).select_related("cmo", "uploaded_by")
            .filter(pk=pk).first()
        )  # fmt: skip
        if statement is None or statement.status != PayoutStatementStatus.RECEIVED:
            return statement
        with statement.file.open("rb") as fh:
            parsed = formats.STATEMENT_FORMATS[statement.file_format].parse(fh, _accounts(statement.cmo))
        with audited(statement.uploaded_by):
            _lock(statement.cmo)
            statement.others = parsed.others
            statement.lines = len(parsed.lines) + (0 if parsed.refused else len(parsed.problems))
            statement.bad = 0 if parsed.refused else len(parsed.problems)
            found = list(parsed.problems)
            if parsed.refused:
                statement.status = PayoutStatementStatus.REFUSED
            else:
                found += _apply(statement, parsed.lines)
                statement.status = PayoutStatementStatus.IMPORTED
            statement.problems = found[:MAX_PROBLEMS]
            statement.save()
    return statement


def _accounts(cmo: CMO) -> set[str]:
    """The IBANs a statement of ``cmo``'s transfers may be of: its accounts on record and every account its
    payment files were sent from (one since replaced as primary, or removed, still has them)."""
    on_record = BankAccount.objects.filter(party_id=cmo.party_id).values_list("iban", flat=True)
    sent_from = PaymentBatch.objects.filter(cmo=cmo).values_list("debtor_iban", flat=True).distinct()
    return set(on_record) | set(sent_from)


def import_statement(
    *, by: Any, cmo: CMO, file: IO[bytes], filename: str, file_format: str | None = None
) -> PayoutStatement:
    """Receive the statement and read it at once, in this process (the demo, the benchmark)."""
    received = receive_statement(
        by=by, cmo=cmo, file=file, filename=filename, file_format=file_format, send=False
    )
    return read_statement(received.pk) or received


def resend_waiting_statements(*, older_than: dt.timedelta = jobs.LOST_AFTER) -> list[int]:
    """Statements received longer ago than ``older_than`` and still not read (their worker or message was
    lost): sent to a worker again (:func:`read_statement` is idempotent)."""
    waiting = PayoutStatement.objects.filter(status=PayoutStatementStatus.RECEIVED)
    return jobs.send_again(waiting, since="uploaded_at", send=_send_statement, older_than=older_than)


#: the transfers of a CMO a statement names (an array: a statement may name hundreds of thousands)
KNOWN = """
SELECT l.id, l.end_to_end_id, l.amount_tiyn, l.status, l.settled_on
  FROM distribution_paymentline l JOIN distribution_paymentbatch b ON b.id = l.batch_id
 WHERE b.cmo_id = %(cmo)s AND l.end_to_end_id = ANY(%(refs)s::text[])
"""


class Known(NamedTuple):
    pk: int
    end_to_end_id: str
    amount_tiyn: int
    status: str
    settled_on: dt.date | None


#: each move a statement makes: (from, to) -> memo, source, legs, accounts
MOVES: dict[tuple[str, str], tuple[str, str, str, tuple[str, str]]] = {
    (LineStatus.SENT, LineStatus.BOOKED): (
        "payout_booked", SourceKind.PAYOUT_BOOKED, BOOKED_LEGS, (ledger.IN_TRANSIT, ledger.BANK)
    ),
    (LineStatus.SENT, LineStatus.RETURNED): (
        "payout_returned", SourceKind.PAYOUT_RETURNED, OWED_AGAIN_LEGS, (ledger.IN_TRANSIT, ledger.HOLDERS_PAYABLE)
    ),
    (LineStatus.BOOKED, LineStatus.RETURNED): (
        "payout_came_back", SourceKind.PAYOUT_RETURNED_AFTER_BOOKING, BANK_RETURNED_LEGS,
        (ledger.BANK, ledger.HOLDERS_PAYABLE),
    ),
}  # fmt: skip


def _apply(statement: PayoutStatement, lines: list[formats.StatementLine]) -> list[dict[str, Any]]:
    """Each line in the file's order, against its transfer as it stands (in the database, then after the
    file's earlier lines): sent becomes booked or returned; booked becomes returned (the bank booked it, then
    it came back), never before its booking; what already stands, and a booking dated before the return of a
    transfer returned, is known already (the same statement again, or an earlier day's); anything else
    contradicts the bank's earlier word and is not applied."""
    known: dict[str, Known] = {}
    with connection.cursor() as cursor:
        cursor.execute(KNOWN, {"cmo": statement.cmo_id, "refs": list({x.end_to_end_id for x in lines})})
        for row in cursor.fetchall():
            known[row[1]] = Known(*row)
    state = {ref: (t.status, t.settled_on) for ref, t in known.items()}
    found: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], int] = {}
    todo: dict[tuple[str, str], list[tuple[int, dt.date, str]]] = {move: [] for move in MOVES}
    for x in lines:
        ref = x.end_to_end_id
        transfer = known.get(ref)
        if (ref, x.status) in seen:
            found.append(
                formats.problem(x.line, "duplicate_in_file", reference=ref, first=seen[ref, x.status])
            )
            statement.duplicates += 1
        elif transfer is None:
            found.append(formats.problem(x.line, "unknown_reference", reference=ref))
            statement.bad += 1
        elif transfer.amount_tiyn != x.amount_tiyn:
            found.append(
                formats.problem(
                    x.line, "amount_differs", reference=ref,
                    expected=from_tiyn(transfer.amount_tiyn), found=from_tiyn(x.amount_tiyn),
                )
            )  # fmt: skip
            statement.bad += 1
        else:
            now, since = state[ref]
            move = (now, x.status)
            if now == x.status or (
                move == (LineStatus.RETURNED, LineStatus.BOOKED) and since and x.on <= since
            ):
                statement.duplicates += 1  # the same statement again, or the booking before a known return
            elif move in MOVES and (since is None or x.on >= since):
                todo[move].append((transfer.pk, x.on, x.reason))
                state[ref] = (x.status, x.on)
            else:
                found.append(formats.problem(x.line, "already_settled", reference=ref, status=now))
                statement.bad += 1
                continue
            seen[ref, x.status] = x.line  # a line not applied (bad) makes no later one a duplicate
    moved = {move: _settle(statement, move, todo[move]) for move in MOVES}
    statement.booked = moved[LineStatus.SENT, LineStatus.BOOKED]
    statement.returned = (
        moved[LineStatus.SENT, LineStatus.RETURNED] + moved[LineStatus.BOOKED, LineStatus.RETURNED]
    )
    return found


def _settle(statement: PayoutStatement, move: tuple[str, str], lines: list[tuple[int, dt.date, str]]) -> int:
    """Move ``lines`` (only those still as they were) and post what moved."""
    if not lines:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            SETTLE,
            {
                "from": move[0],
                "status": move[1],
                "statement": statement.pk,
                "ids": [pk for pk, _, _ in lines],
                "days": [d for _, d, _ in lines],
                "reasons": [r for _, _, r in lines],
            },
        )
        moved = [row[0] for row in cursor.fetchall()]
    if moved:
        memo, source, legs, accounts = MOVES[move]
        ledger.post_select(
            statement.cmo, clock.today(), memo, {"statement": statement.pk}, (source, statement.pk),
            statement.uploaded_by, select=legs, params={"lines": moved}, accounts=accounts,
        )  # fmt: skip
        if move[1] == LineStatus.RETURNED:
            from distribution.notices import tell_holders_returned

            transaction.on_commit(partial(tell_holders_returned, moved))
    return len(moved)


def cancel_batch(batch: PaymentBatch, *, by: Any, reason: str) -> PaymentBatch:
    """The bank refused the whole file (or it was never sent): its money is owed to the holders again (Dr
    payments in transit / Cr holders payable, once) and the next file pays it. Refused once a transfer of it
    was booked or returned (the bank took the file), without a reason, and for another CMO's staff."""
    if not (getattr(by, "is_cmo_staff", False) and by.cmo_id == batch.cmo_id):
        raise PermissionError(gettext("Only the CMO's own staff cancel its payment files."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": gettext("Say why the file is cancelled (what the bank answered).")})
    with transaction.atomic(), audited(by, reason):
        _lock(batch.cmo)
        batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status == BatchStatus.CANCELLED:
            raise ValidationError(gettext("This payment file was cancelled already."))
        if batch.status != BatchStatus.READY or batch.lines.exclude(status=LineStatus.SENT).exists():
            raise ValidationError(
                gettext(
                    "The bank has booked or returned transfers of this file: it is no longer cancelled whole."
                )
            )
        batch.lines.update(status=LineStatus.CANCELLED, settled_on=clock.today())
        batch.status, batch.cancelled_reason = BatchStatus.CANCELLED, reason
        batch.save(update_fields=["status", "cancelled_reason"])
        ledger.post_select(
            batch.cmo, clock.today(), "payout_cancelled", {"number": batch.number, "reason": reason},
            (SourceKind.PAYOUT_CANCELLED, batch.pk), by, select=OWED_AGAIN_LEGS,
            params={"lines": list(batch.lines.values_list("pk", flat=True))},
            accounts=(ledger.IN_TRANSIT, ledger.HOLDERS_PAYABLE),
        )  # fmt: skip
    return batch
