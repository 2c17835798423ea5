"""The CWR acknowledgement file for an imported CWR file: one ACK transaction per NWR/REV, status
``AS`` (accepted) or ``RA`` (rejected), followed by MSG records naming each reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from registers.cwr.writer import Envelope

if TYPE_CHECKING:
    from registers.importing import WorkResult
    from registers.importing.rows import ParsedFile
    from registers.models import ImportBatch

ACCEPTED, REJECTED = "AS", "RA"


def build_ack(parsed: ParsedFile, results: list[WorkResult], batch: ImportBatch) -> str:
    from registers.importing import REJECTED as OUTCOME_REJECTED

    now = timezone.localtime()
    envelope = Envelope(sender_name=sender_name(batch), transaction_type="ACK", now=now)
    for seq, result in enumerate(results):
        row = result.row
        status = REJECTED if result.outcome == OUTCOME_REJECTED else ACCEPTED
        records = [
            (
                "ACK",
                {
                    "creation_date": now.strftime("%Y%m%d"),
                    "creation_time": now.strftime("%H%M%S"),
                    "original_group_id": row.group_id or 1,
                    "original_transaction_seq": row.transaction_seq,
                    "original_transaction_type": row.transaction_type or row.record,
                    "creation_title": row.title,
                    "submitter_creation_number": row.ref,
                    "recipient_creation_number": str(result.work.pk) if result.work else "",
                    "processing_date": now.strftime("%Y%m%d"),
                    "transaction_status": status,
                },
            )
        ]
        for problem in result.problems:
            error = problem.level == "error"
            records.append(
                (
                    "MSG",
                    {
                        "message_type": "T" if error else "F",
                        "original_record_seq": max(problem.line - row.line, 0),
                        "original_record_type": problem.record,
                        "message_level": "T" if error else "R",
                        "validation_number": "",
                        "message_text": message_text(problem.line, problem.field, problem.reason),
                    },
                )
            )
        envelope.add_transaction(seq, records)
    return envelope.render()


def message_text(line: int, field: str, reason: str) -> str:
    where = f"line {line}" + (f", {field}" if field else "")
    return f"{where}: {reason}"[:150]


def sender_name(batch: ImportBatch) -> str:
    return "UDP KAZAKHSTAN"
