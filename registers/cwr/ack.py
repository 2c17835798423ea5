"""The CWR acknowledgement file for an imported CWR file: one ACK transaction per NWR/REV, with its
status from CISAC's Transaction Status table, followed by MSG records naming each reason:

- ``AS`` registration accepted;
- ``AC`` registration accepted with changes: the register changed something, e.g. it holds the
  agreed shares beside shares declared within CWR's ± 0.06 % tolerance, defaulted an unknown ALT
  title type, or took a REV of a work it did not know as an NWR;
- ``DU`` duplicate: an NWR for a work the submitter has already registered (nothing changed);
- ``CO`` conflict: the transaction names a work someone else registered (nothing changed; the
  conflict is recorded for the expert organization);
- ``RJ`` rejected: the transaction breaks a rule; its MSG records say which.

(``RA`` in that table means "transaction accepted", a status for non-registration transactions, so
it is never used here.) The MSG texts are in English, the language of CWR.

Outcomes are written to a temporary file as the import goes (:meth:`AckLog.add`), since whether a
transaction is accepted is only final at the end (all or nothing); :meth:`AckLog.render` then writes
the ACK file in bounded memory, however many transactions the file had.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from typing import IO, Any, Protocol

from django.utils import timezone, translation

from registers.cwr.writer import Envelope

ACCEPTED, ACCEPTED_WITH_CHANGES, DUPLICATE, CONFLICT, REJECTED = "AS", "AC", "DU", "CO", "RJ"
#: Statuses that register the transaction (the recipient creation number is given).
REGISTERED = frozenset({ACCEPTED, ACCEPTED_WITH_CHANGES})
#: MSG records written for one transaction at most.
MAX_MESSAGES = 20


#: The note on a transaction accepted by itself but not imported because the whole file was refused.
REFUSED_NOTE = "Not imported: the file was refused because other lines are bad."


class Problem(Protocol):
    @property
    def level(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def record(self) -> str: ...
    @property
    def field(self) -> str: ...
    @property
    def reason(self) -> str: ...


class Row(Protocol):
    @property
    def group_id(self) -> int | None: ...
    @property
    def transaction_seq(self) -> int: ...
    @property
    def transaction_type(self) -> str: ...
    @property
    def record(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def ref(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def problems(self) -> Sequence[Problem]: ...


class Outcome(Protocol):
    """What the importer knows of one transaction once it is read and written (or not)."""

    @property
    def row(self) -> Row: ...
    @property
    def work(self) -> Any: ...
    @property
    def accepted(self) -> bool: ...
    @property
    def status(self) -> str: ...


class AckLog:
    """The outcome of each transaction, kept on disk until the ACK file is written."""

    def __init__(self) -> None:
        self.entries: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115

    def add(self, result: Outcome) -> None:
        row = result.row
        entry = {
            "group": row.group_id or 1,
            "seq": row.transaction_seq,
            "type": row.transaction_type or row.record,
            "title": row.title[:60],
            "ref": row.ref[:20],
            "work": result.work.pk if result.work is not None else None,
            "accepted": result.accepted,
            "status": result.status,
            "line": row.line,
            "messages": [
                [p.level, p.line, p.record, p.field, _english(p)] for p in row.problems[:MAX_MESSAGES]
            ],
        }
        self.entries.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def render(self, out: IO[str], *, refused: bool) -> None:
        """The ACK file; ``refused``: the whole file was refused (all or nothing), so nothing is accepted."""
        now = timezone.localtime()
        envelope = Envelope(sender_name=sender_name(), transaction_type="ACK", now=now)
        self.entries.seek(0)
        for seq, text in enumerate(self.entries):
            entry = json.loads(text)
            status = entry["status"]
            messages = entry["messages"]
            if entry["accepted"] and refused:
                status = REJECTED
                messages = [*messages, ["note", entry["line"], entry["type"], "", REFUSED_NOTE]]
            envelope.add_transaction(seq, [_ack(entry, status, now), *_messages(entry, messages)])
        envelope.write_to(out)

    def close(self) -> None:
        self.entries.close()


def _english(problem: Problem) -> str:
    with translation.override("en"):
        return problem.reason


def _ack(entry: dict[str, Any], status: str, now: Any) -> tuple[str, dict[str, Any]]:
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
            "recipient_creation_number": str(entry["work"])
            if entry["work"] and status in (*REGISTERED, DUPLICATE)
            else "",
            "processing_date": now.strftime("%Y%m%d"),
            "transaction_status": status,
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
