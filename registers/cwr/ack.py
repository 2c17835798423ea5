"""The CWR acknowledgement file for an imported CWR file: one ACK transaction per NWR/REV, status
``AS`` (accepted) or ``RA`` (rejected), followed by MSG records naming each reason.

Outcomes are written to a temporary file as the import goes (:meth:`AckLog.add`), since whether a
transaction is accepted is only final at the end (all or nothing); :meth:`AckLog.render` then writes
the ACK file in bounded memory, however many transactions the file had.
"""

from __future__ import annotations

import json
import tempfile
from typing import IO, TYPE_CHECKING, Any

from django.utils import timezone

from registers.cwr.writer import Envelope
from registers.importing.problems import MESSAGES

if TYPE_CHECKING:
    from registers.importing import WorkResult

ACCEPTED, REJECTED = "AS", "RA"
#: MSG records written for one transaction at most.
MAX_MESSAGES = 20


class AckLog:
    """The outcome of each transaction, kept on disk until the ACK file is written."""

    def __init__(self) -> None:
        self.entries: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115

    def add(self, result: WorkResult) -> None:
        row = result.row
        entry = {
            "group": row.group_id or 1,
            "seq": row.transaction_seq,
            "type": row.transaction_type or row.record,
            "title": row.title[:60],
            "ref": row.ref[:20],
            "work": result.work.pk if result.work is not None else None,
            "accepted": result.accepted,
            "line": row.line,
            "messages": [[p.level, p.line, p.record, p.field, p.reason] for p in row.problems[:MAX_MESSAGES]],
        }
        self.entries.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def render(self, out: IO[str], *, refused: bool) -> None:
        """The ACK file; ``refused``: the whole file was refused (all or nothing), so nothing is accepted."""
        now = timezone.localtime()
        envelope = Envelope(sender_name=sender_name(), transaction_type="ACK", now=now)
        self.entries.seek(0)
        for seq, text in enumerate(self.entries):
            entry = json.loads(text)
            accepted = entry["accepted"] and not refused
            messages = entry["messages"]
            if entry["accepted"] and refused:
                note = str(MESSAGES["refused_note"])
                messages = [*messages, ["note", entry["line"], entry["type"], "", note]]
            envelope.add_transaction(seq, [_ack(entry, accepted, now), *_messages(entry, messages)])
        envelope.write_to(out)

    def close(self) -> None:
        self.entries.close()


def _ack(entry: dict[str, Any], accepted: bool, now: Any) -> tuple[str, dict[str, Any]]:
    return (
        "ACK",
        {
            "creation_date": now.strftime("%Y%m%d"),
            "creation_time": now.strftime("%H%M%S"),
            "original_group_id": entry["group"],
            "original_transaction_seq": entry["seq"],
            "original_transaction_type": entry["type"],
            "creation_title": entry["title"],
            "submitter_creation_number": entry["ref"],
            "recipient_creation_number": str(entry["work"]) if accepted and entry["work"] else "",
            "processing_date": now.strftime("%Y%m%d"),
            "transaction_status": ACCEPTED if accepted else REJECTED,
        },
    )


def _messages(entry: dict[str, Any], messages: list[list[Any]]) -> list[tuple[str, dict[str, Any]]]:
    records = []
    for level, line, record, field, reason in messages:
        error = level == "error"
        records.append(
            (
                "MSG",
                {
                    "message_type": "T" if error else "F",
                    "original_record_seq": max(line - entry["line"], 0),
                    "original_record_type": record,
                    "message_level": "T" if error else "R",
                    "validation_number": "",
                    "message_text": message_text(line, field, reason),
                },
            )
        )
    return records


def message_text(line: int, field: str, reason: str) -> str:
    where = f"line {line}" + (f", {field}" if field else "")
    return f"{where}: {reason}"[:150]


def sender_name() -> str:
    return "UDP KAZAKHSTAN"
