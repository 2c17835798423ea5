"""Works into a CWR 2.1 registration file: HDR, one GRH/GRT group of NWR transactions (SPU, SWR,
PWR, ALT, REC) and TRL, with the group and file counts right.

Names are written in the Latin script when the register has it. SPU/SWR carry the ownership shares
as they were declared (a declaration within CWR's tolerance goes back out unchanged; the agreed set
is the register's own), followed by their SPT/SWT territories of collection. PWR records give the
writer–publisher links the register holds; a work entered without any (on the register's pages) links
each writer to its first original publisher. ALT records keep their title type and language.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from registers.cwr.records import format_record, format_share
from registers.models import Work, WorkContributor
from registers.models.parties import UNIDENTIFIED_NAME
from registers.models.works import PUBLISHER_ROLES

WRITER_ROLES_CWR = frozenset({"CA", "C", "A", "AR", "AD", "TR", "SA", "SR"})
RECORD = tuple[str, dict[str, Any]]
#: Record lengths in CWR 2.1 (our layouts run to the longer 2.2 records).
CWR21_LENGTH = {
    "HDR": 101,
    "NWR": 260,
    "SPU": 183,
    "OPU": 183,
    "SPT": 58,
    "SWR": 180,
    "OWR": 180,
    "SWT": 52,
    "PWR": 110,
    "ALT": 83,
    "REC": 266,
    "ACK": 159,
    "MSG": 185,
    "GRT": 37,
}


def _spool() -> IO[str]:
    return tempfile.SpooledTemporaryFile(max_size=8 << 20, mode="w+", encoding="utf-8", newline="")  # noqa: SIM115


@dataclass
class Envelope:
    """HDR … GRH, transactions, GRT … TRL, with the record counts kept as transactions are added.

    The transactions go to a spooled temporary file (memory, then disk past 8 MB), so an envelope of
    any size is written in bounded memory by :meth:`write_to`.
    """

    sender_name: str
    transaction_type: str
    now: dt.datetime = field(default_factory=timezone.localtime)
    body: IO[str] = field(default_factory=_spool)
    records: int = 0
    transactions: int = 0
    non_ascii: bool = False

    def add_transaction(self, seq: int, records: list[RECORD]) -> None:
        for record_seq, (record_type, values) in enumerate(records):
            line = format_record(record_type, {**values, "transaction_seq": seq, "record_seq": record_seq})
            line = line[: CWR21_LENGTH.get(record_type)]
            self.non_ascii = self.non_ascii or not line.isascii()
            self.body.write(line + "\r\n")
            self.records += 1
        self.transactions += 1

    def write_to(self, out: IO[str]) -> None:
        header = format_record(
            "HDR",
            {
                "sender_type": "AA",
                "sender_id": "000000000",
                "sender_name": self.sender_name,
                "edi_version": "01.10",
                "creation_date": self.now.strftime("%Y%m%d"),
                "creation_time": self.now.strftime("%H%M%S"),
                "transmission_date": self.now.strftime("%Y%m%d"),
                "character_set": "UTF-8" if self.non_ascii else "",
            },
        )[:101]
        group_header = format_record(
            "GRH",
            {
                "transaction_type": self.transaction_type,
                "group_id": 1,
                "version": "02.10",
                "batch_request": 0,
            },
        )
        group_records = self.records + 2
        group_trailer = format_record(
            "GRT", {"group_id": 1, "transaction_count": self.transactions, "record_count": group_records}
        )[:37]
        trailer = format_record(
            "TRL",
            {"group_count": 1, "transaction_count": self.transactions, "record_count": group_records + 2},
        )
        out.write(header + "\r\n" + group_header + "\r\n")
        self.body.seek(0)
        shutil.copyfileobj(self.body, out)
        out.write(group_trailer + "\r\n" + trailer + "\r\n")

    def render(self) -> str:
        out = io.StringIO()
        self.write_to(out)
        return out.getvalue()


def works_for_export(works: QuerySet[Work]) -> QuerySet[Work]:
    contributors = WorkContributor.objects.select_related("party").prefetch_related(
        "shares", "party__ipi_names", "territories", "publishers__publisher"
    )
    return works.order_by("pk").prefetch_related(
        Prefetch("contributors", queryset=contributors), "titles", "recordings"
    )


def latin_name(contributor: WorkContributor) -> str:
    party = contributor.party
    return party.name_lat or contributor.credited_as or party.name


def split_name(name: str) -> tuple[str, str]:
    """(last name, first names): CWR has separate fields; the register keeps one name."""
    parts = name.split()
    return (parts[-1], " ".join(parts[:-1])) if parts else ("", "")


def ipi(contributor: WorkContributor) -> str:
    names = list(contributor.party.ipi_names.all())
    return names[0].name_number if names else ""


def shares(contributor: WorkContributor) -> dict[str, Any]:
    """The ownership shares as declared (``Share.declared`` where the agreed ``percent`` differs)."""
    by_right = {
        s.right_type: s.declared if s.declared is not None else s.percent for s in contributor.shares.all()
    }
    return {
        "pr_share": format_share(by_right.get("PR")),
        "mr_share": format_share(by_right.get("MR")),
        "sr_share": format_share(by_right.get("SR")),
    }


def work_records(work: Work) -> list[RECORD]:
    records: list[RECORD] = [
        (
            "NWR",
            {
                "title": work.title,
                "language": work.language[:2].upper(),
                "submitter_work_number": work.submitter_ref or f"UDP{work.pk}",
                "iswc": work.iswc or "",
                "copyright_date": "00000000",
                "distribution_category": "POP",
                "duration": duration(work.duration),
                "recorded": "Y" if work.recordings.all() else "U",
                "version_type": "ORI",
            },
        )
    ]
    contributors = list(work.contributors.all())
    publishers = [c for c in contributors if c.role in PUBLISHER_ROLES]
    writers = [c for c in contributors if c.role in WRITER_ROLES_CWR]
    any_links = any(c.publishers.all() for c in writers)
    original = next((p for p in publishers if p.role == "E" and not unidentified(p)), None)
    publishers.sort(key=unidentified)  # controlled chains (SPU) before the unknown ones (OPU)
    writers.sort(key=unidentified)
    chain = {c.pk: n for n, c in enumerate(publishers, start=1)}
    for c in publishers:
        if unidentified(c):
            records.append(
                ("OPU", {"publisher_seq": chain[c.pk], "unknown": "Y", "publisher_type": c.role, **shares(c)})
            )
            continue
        records.append(
            (
                "SPU",
                {
                    "publisher_seq": chain[c.pk],
                    "ip_number": f"P{c.party_id:08d}",
                    "name": latin_name(c),
                    "publisher_type": c.role,
                    "ipi_name_number": ipi(c),
                    "ipi_base_number": c.party.ipi_base_number.replace("-", ""),
                    **shares(c),
                },
            )
        )
        records += territory_records("SPT", f"P{c.party_id:08d}", c)
    for c in writers:
        if unidentified(c):
            records.append(("OWR", {"unknown": "Y", "designation": c.role, **shares(c)}))
            continue
        last, first = split_name(latin_name(c))
        records.append(
            (
                "SWR",
                {
                    "ip_number": f"W{c.party_id:08d}",
                    "last_name": last,
                    "first_name": first,
                    "designation": c.role,
                    "ipi_name_number": ipi(c),
                    "ipi_base_number": c.party.ipi_base_number.replace("-", ""),
                    **shares(c),
                },
            )
        )
        records += territory_records("SWT", f"W{c.party_id:08d}", c)
        links = [
            (link.publisher, link.submitter_agreement, link.society_agreement) for link in c.publishers.all()
        ]
        if not any_links and original is not None:
            links = [(original, "", "")]
        for publisher, submitter_agreement, society_agreement in links:
            records.append(
                (
                    "PWR",
                    {
                        "publisher_ip_number": f"P{publisher.party_id:08d}",
                        "publisher_name": latin_name(publisher),
                        "submitter_agreement": submitter_agreement,
                        "society_agreement": society_agreement,
                        "writer_ip_number": f"W{c.party_id:08d}",
                        "publisher_seq": chain.get(publisher.pk, 0),
                    },
                )
            )
    records += [
        ("ALT", {"title": t.title, "title_type": alt_type(t.kind), "language": t.language[:2].upper()})
        for t in work.titles.all()
    ]
    for recording in work.recordings.all():
        records.append(
            (
                "REC",
                {
                    "first_release_date": recording.disclosed_on.strftime("%Y%m%d")
                    if recording.disclosed_on
                    else "00000000",
                    "first_release_duration": duration(recording.duration),
                    "isrc": recording.isrc or "",
                },
            )
        )
    return records


def unidentified(contributor: WorkContributor) -> bool:
    """A contributor the source could not name (held by the register's placeholder party)."""
    party = contributor.party
    return party.name_lat == UNIDENTIFIED_NAME and party.registered_by_cmo_id is None


def territory_records(record: str, ip_number: str, contributor: WorkContributor) -> list[RECORD]:
    return [
        (
            record,
            {
                "ip_number": ip_number,
                "pr_collection": format_share(t.pr_collection),
                "mr_collection": format_share(t.mr_collection),
                "sr_collection": format_share(t.sr_collection),
                "inclusion": "I" if t.included else "E",
                "tis": f"{t.tis:04d}",
                "shares_change": "Y" if t.shares_change else "N",
                "sequence": n,
            },
        )
        for n, t in enumerate(contributor.territories.all(), start=1)
    ]


def alt_type(kind: str) -> str:
    """CISAC's title type; the register's own TL (transliteration) goes out as an alternative title."""
    return "AT" if kind in ("TL", "OT", "") else kind


def duration(value: dt.timedelta | None) -> str:
    if not value:
        return "000000"
    seconds = int(value.total_seconds())
    return f"{seconds // 3600:02d}{seconds % 3600 // 60:02d}{seconds % 60:02d}"


def write_works(works: Iterable[Work], *, sender_name: str = "UDP KAZAKHSTAN") -> str:
    envelope = Envelope(sender_name=sender_name, transaction_type="NWR")
    for seq, work in enumerate(works):
        envelope.add_transaction(seq, work_records(work))
    return envelope.render()
