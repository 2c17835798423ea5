"""Read a CWR 2.1 or 2.2 file into works: HDR, GRH, NWR/REV transactions and their detail records,
GRT and TRL, with every bad line named by number, record type and reason.

Shares: CWR gives each interested party's ownership share per right type in five digits (``05000``
is 50.00 %). For each right type, the shares of all SPU/OPU/SWR/OWR records of a transaction must
sum to 100 % plus or minus 0.06 (or be all zero: that right is not claimed). Within the tolerance the
declared shares are kept as declared and the agreed set beside them sums to exactly 100 %
(:mod:`registers.shares`); the transaction is then "accepted with changes". When the shares sum to
more because a sub-publisher or administrator repeats its original publisher's share (a collection
share), those derived publishers are kept without a share if that makes the rest sum to 100 %;
otherwise the transaction is bad and the reason names the total.

Transaction rules (CWR 2.2, NWR/REV edits): a transaction needs at least one writer (SWR/OWR, edit
12), and one of them a composer or author (CA, C or A, edit 15). SPT/SWT territories of collection
and PWR writer–publisher links are kept with the interested party they follow; ALT keeps its title
type and language (an unknown or missing title type becomes AT, a change noted in the ACK).
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import IO

from django.core.exceptions import ValidationError

from registers import shares as share_rules
from registers.cwr import records
from registers.importing import textfile
from registers.importing.rows import NOTE, ContributorRow, ParsedFile, RecordingRow, WorkRow
from udp import identifiers
from udp.core.text import is_ascii_digits

HUNDRED = Decimal("100.00")
RIGHTS = (("PR", "pr_share"), ("MR", "mr_share"), ("SR", "sr_share"))
WRITER_CODES = frozenset({"CA", "C", "A", "AR", "AD", "TR", "SA", "SR", "PA"})
PUBLISHER_CODES = frozenset({"E", "SE", "AM", "PA", "AQ", "ES"})
DERIVED_PUBLISHERS = frozenset({"SE", "AM", "ES", "PA"})
#: Writer designations that make a writer a creator of the work (edit 15).
CREATOR_CODES = frozenset({"CA", "C", "A"})
WORK_TRANSACTIONS = frozenset({"NWR", "REV"})
#: CISAC Title Type table; OT (the original title) is the NWR's own title, never an ALT.
ALT_TITLE_TYPES = frozenset({"AT", "TE", "FT", "IT", "TT", "PT", "RT", "ET", "OL", "AL"})
NATIONAL_TITLE_TYPES = frozenset({"OL", "AL"})


class _Reader:
    """Reads the lines of a CWR file once, yielding each work transaction as soon as it ends."""

    def __init__(self, lines: Iterable[str], result: ParsedFile) -> None:
        self.lines = lines
        self.result = result
        self.work: WorkRow | None = None
        self.closed: list[WorkRow] = []
        self.group_type = ""
        self.group_id = 0
        self.group_records = 0
        self.group_transactions = 0
        self.groups = 0
        self.transactions = 0
        self.seen_trailer = False
        self.file_records = 0

    # -- problems -------------------------------------------------------------------------------
    def error(
        self, line: int, record: str, code: str, params: dict[str, object] | None = None, field: str = ""
    ) -> None:
        if self.work is not None:
            self.work.error(line, record, code, params, field)
        else:
            self.result.problem(line, record, code, params, field)

    def note(self, line: int, record: str, code: str, params: dict[str, object] | None = None) -> None:
        if self.work is not None:
            self.work.note(line, record, code, params)
        else:
            self.result.problem(line, record, code, params, level=NOTE)

    # -- the file -------------------------------------------------------------------------------
    def read(self) -> Iterator[WorkRow]:
        number = 0
        for number, raw in enumerate(self.lines, start=1):
            line = raw.rstrip("\r\n")
            if number == 1 and not line.startswith("HDR"):
                self.result.problem(1, line[:3], "cwr_no_hdr")
            self.result.lines_total = number
            if not line.strip():
                continue
            self.file_records += 1
            self.record(number, line)
            yield from self._take_closed()
        if number == 0:
            self.result.problem(1, "", "cwr_no_hdr")
        self.close_work()
        yield from self._take_closed()
        if not self.seen_trailer:
            self.result.problem(number, "TRL", "cwr_no_trl")

    def _take_closed(self) -> Iterator[WorkRow]:
        while self.closed:
            yield self.closed.pop(0)

    def record(self, number: int, line: str) -> None:
        kind = line[:3]
        if kind not in records.KNOWN_RECORDS:
            if self.work is not None:
                self.group_records += 1
            self.error(number, kind, "cwr_unknown_record", {"kind": kind})
            return
        if kind in records.SKIPPED_RECORDS:
            if self.work is not None:
                self.group_records += 1
            self.note(number, kind, "cwr_skipped_record", {"kind": kind})
            return
        if not self.length_ok(number, kind, line):
            if kind in WORK_TRANSACTIONS:
                self.start_work(number, kind, {"title": "", "transaction_seq": line[3:11]})
            elif self.work is not None:
                self.group_records += 1
            return
        fields = records.parse(line, kind)
        handler = getattr(self, f"on_{kind.lower()}", None)
        if handler is None:
            self.error(number, kind, "cwr_unexpected_record", {"kind": kind})
            return
        handler(number, fields)

    def length_ok(self, number: int, kind: str, line: str) -> bool:
        low, high = records.MIN_LENGTH.get(kind, 0), records.MAX_LENGTH.get(kind, 10_000)
        if low <= len(line) <= high:
            return True
        self.error(
            number, kind, "cwr_record_length", {"n": len(line), "kind": kind, "low": low, "high": high}
        )
        return False

    # -- envelope records -----------------------------------------------------------------------
    def on_hdr(self, number: int, f: dict[str, str]) -> None:
        self.result.header = f

    def on_grh(self, number: int, f: dict[str, str]) -> None:
        self.close_work()
        self.group_type = f["transaction_type"]
        self.group_id = int(f["group_id"]) if is_ascii_digits(f["group_id"]) else 0
        self.group_records, self.group_transactions = 1, 0
        self.groups += 1
        if self.group_type not in WORK_TRANSACTIONS:
            self.note(number, "GRH", "cwr_group_skipped", {"t": self.group_type})

    def on_grt(self, number: int, f: dict[str, str]) -> None:
        self.close_work()
        self.group_records += 1
        self.check_count(number, "GRT", "transaction_count", f["transaction_count"], self.group_transactions)
        self.check_count(number, "GRT", "record_count", f["record_count"], self.group_records)

    def on_trl(self, number: int, f: dict[str, str]) -> None:
        self.close_work()
        self.seen_trailer = True
        self.check_count(number, "TRL", "group_count", f["group_count"], self.groups)
        self.check_count(number, "TRL", "transaction_count", f["transaction_count"], self.transactions)
        self.check_count(number, "TRL", "record_count", f["record_count"], self.file_records)

    def check_count(self, number: int, kind: str, field: str, given: str, counted: int) -> None:
        if not is_ascii_digits(given) or int(given) != counted:
            self.result.problem(number, kind, "cwr_count", {"given": given, "counted": counted}, field)

    # -- transactions ---------------------------------------------------------------------------
    def start_work(self, number: int, kind: str, f: dict[str, str]) -> WorkRow:
        self.close_work()
        self.transactions += 1
        self.group_transactions += 1
        self.group_records += 1
        seq = f.get("transaction_seq", "")
        self.work = WorkRow(
            line=number,
            record=kind,
            title=f.get("title", ""),
            revision=kind == "REV",
            group_id=self.group_id,
            transaction_seq=int(seq) if is_ascii_digits(seq) else 0,
            transaction_type=kind,
        )
        if self.group_type != kind:
            self.error(number, kind, "cwr_outside_group", {"kind": kind})
        return self.work

    def close_work(self) -> None:
        if self.work is not None:
            check_writers(self.work)
            if not self.work.bad:
                settle_shares(self.work)
            self.closed.append(self.work)
            self.work = None

    def detail(self, number: int, kind: str, f: dict[str, str]) -> WorkRow | None:
        if self.work is None:
            self.result.problem(number, kind, "cwr_outside_transaction", {"kind": kind})
            return None
        self.group_records += 1
        seq = f.get("transaction_seq", "")
        if is_ascii_digits(seq) and int(seq) != self.work.transaction_seq:
            self.error(number, kind, "cwr_sequence", field="transaction_seq")
        return self.work

    def on_nwr(self, number: int, f: dict[str, str]) -> None:
        kind = f["record_type"]
        work = self.start_work(number, kind, f)
        work.ref = f["submitter_work_number"]
        work.language = f["language"].lower()
        if not work.title:
            work.error(number, kind, "no_title", field="title")
        if f["iswc"]:
            try:
                work.iswc = identifiers.validate_iswc(f["iswc"])
            except ValidationError as exc:
                work.invalid(number, kind, exc, "iswc")
        work.duration = parse_duration(f["duration"])
        if not work.ref:
            work.error(number, kind, "cwr_no_work_number", field="submitter_work_number")

    on_rev = on_nwr

    def on_spu(self, number: int, f: dict[str, str], record: str = "SPU") -> None:
        work = self.detail(number, record, f)
        if work is None:
            return
        role = f["publisher_type"]
        if role not in PUBLISHER_CODES:
            work.error(number, record, "cwr_publisher_type", {"code": role}, "publisher_type")
            return
        contributor = ContributorRow(
            line=number,
            record=record,
            role=role,
            name=f["name"],
            person=False,
            file_key=f["ip_number"],
            unknown=f["unknown"] == "Y" or (record == "OPU" and not f["name"]),
            controlled=record == "SPU",
            publisher_seq=int(f["publisher_seq"]) if is_ascii_digits(f["publisher_seq"]) else 0,
            societies=societies_of(f),
        )
        self.identifiers(work, number, record, contributor, f)
        self.shares(work, number, record, contributor, f)
        work.contributors.append(contributor)

    def on_opu(self, number: int, f: dict[str, str]) -> None:
        self.on_spu(number, f, "OPU")

    def on_swr(self, number: int, f: dict[str, str], record: str = "SWR") -> None:
        work = self.detail(number, record, f)
        if work is None:
            return
        role = f["designation"] or ("CA" if record == "OWR" else "")
        if role not in WRITER_CODES:
            work.error(number, record, "cwr_designation", {"code": role}, "designation")
            return
        name = " ".join(part for part in (f["first_name"], f["last_name"]) if part)
        contributor = ContributorRow(
            line=number,
            record=record,
            role=role,
            name=name,
            person=True,
            file_key=f["ip_number"],
            unknown=f["unknown"] == "Y" or not name,
            controlled=record == "SWR",
            societies=societies_of(f),
        )
        self.identifiers(work, number, record, contributor, f)
        self.shares(work, number, record, contributor, f)
        work.contributors.append(contributor)

    def on_owr(self, number: int, f: dict[str, str]) -> None:
        self.on_swr(number, f, "OWR")

    def identifiers(
        self, work: WorkRow, number: int, record: str, c: ContributorRow, f: dict[str, str]
    ) -> None:
        ipi = f["ipi_name_number"]
        if ipi and ipi.strip("0"):
            try:
                c.ipi_name_number = identifiers.validate_ipi_name_number(ipi)
            except ValidationError as exc:
                work.invalid(number, record, exc, "ipi_name_number")
        base = f["ipi_base_number"]
        if base:
            try:
                c.ipi_base_number = identifiers.validate_ipi_base_number(base)
            except ValidationError as exc:
                work.invalid(number, record, exc, "ipi_base_number")

    def shares(self, work: WorkRow, number: int, record: str, c: ContributorRow, f: dict[str, str]) -> None:
        for right, name in RIGHTS:
            try:
                percent = records.parse_share(f[name])
            except ValueError:
                work.error(number, record, "cwr_share_format", {"v": f[name]}, name)
                continue
            if percent > HUNDRED:
                work.error(number, record, "share_above_100", {"p": str(percent)}, name)
            elif percent:
                c.shares[right] = percent

    def on_spt(self, number: int, f: dict[str, str], record: str = "SPT") -> None:
        """Collection shares in a territory for the SPU (SPT) or SWR (SWT) just before."""
        from registers.actions import TerritoryInput

        work = self.detail(number, record, f)
        if work is None:
            return
        owner = work.contributors[-1] if work.contributors else None
        wanted = "SPU" if record == "SPT" else "SWR"
        if owner is None or owner.record != wanted or owner.line > number:
            work.error(number, record, "cwr_territory_without_owner", {"kind": record, "owner": wanted})
            return
        if f["ip_number"] and f["ip_number"] != owner.file_key:
            work.error(
                number,
                record,
                "cwr_territory_other_party",
                {"kind": record, "ip": f["ip_number"]},
                "ip_number",
            )
            return
        if f["inclusion"] not in ("I", "E"):
            work.error(number, record, "cwr_inclusion", {"v": f["inclusion"]}, "inclusion")
            return
        if not is_ascii_digits(f["tis"]):
            work.error(number, record, "cwr_tis", {"v": f["tis"]}, "tis")
            return
        collected: dict[str, Decimal] = {}
        for right in ("pr", "mr", "sr"):
            name = f"{right}_collection"
            try:
                collected[right] = records.parse_share(f[name])
            except ValueError:
                work.error(number, record, "cwr_share_format", {"v": f[name]}, name)
                return
            if collected[right] > HUNDRED:
                work.error(number, record, "share_above_100", {"p": str(collected[right])}, name)
                return
        if owner.territories is None:
            owner.territories = []
        owner.territories.append(
            TerritoryInput(
                tis=int(f["tis"]),
                included=f["inclusion"] == "I",
                pr=collected["pr"],
                mr=collected["mr"],
                sr=collected["sr"],
                shares_change=f["shares_change"] == "Y",
            )
        )

    def on_swt(self, number: int, f: dict[str, str]) -> None:
        self.on_spt(number, f, "SWT")

    def on_pwr(self, number: int, f: dict[str, str]) -> None:
        """The publisher (by its interested party number and chain) representing the writer just before."""
        work = self.detail(number, "PWR", f)
        if work is None:
            return
        writer = work.contributors[-1] if work.contributors else None
        if writer is None or writer.record not in ("SWR", "OWR"):
            work.error(number, "PWR", "cwr_pwr_without_writer")
            return
        if f["writer_ip_number"] and f["writer_ip_number"] != writer.file_key:
            work.error(
                number, "PWR", "cwr_pwr_other_writer", {"ip": f["writer_ip_number"]}, "writer_ip_number"
            )
            return
        if not f["publisher_ip_number"] and not is_ascii_digits(f["publisher_seq"]):
            if writer.record == "SWR":
                work.error(number, "PWR", "cwr_pwr_no_publisher", field="publisher_ip_number")
            return
        seq = int(f["publisher_seq"]) if is_ascii_digits(f["publisher_seq"]) else 0
        if writer.publisher_refs is None:
            writer.publisher_refs = []
        writer.publisher_refs.append(
            (f["publisher_ip_number"], seq, f["submitter_agreement"], f["society_agreement"])
        )

    def on_alt(self, number: int, f: dict[str, str]) -> None:
        from registers.actions import TitleInput

        work = self.detail(number, "ALT", f)
        if work is None:
            return
        if not f["title"]:
            work.error(number, "ALT", "cwr_empty_alt", field="title")
            return
        kind, language = f["title_type"], f["language"].lower()
        if language and not (len(language) == 2 and language.isascii() and language.isalpha()):
            work.note(number, "ALT", "cwr_alt_language", {"v": f["language"]}, "language")
            return  # record rejected (RR): the transaction goes on without it
        if kind in NATIONAL_TITLE_TYPES and not language:
            work.note(number, "ALT", "cwr_alt_needs_language", {"type": kind}, "language")
            return
        if kind not in ALT_TITLE_TYPES:
            work.note(number, "ALT", "cwr_alt_type_defaulted", {"type": kind}, "title_type")
            kind = "AT"
        if f["title"] != work.title and all(
            getattr(t, "title", t) != f["title"] for t in work.alternate_titles
        ):
            work.alternate_titles.append(TitleInput(f["title"], kind, language))

    def on_per(self, number: int, f: dict[str, str]) -> None:
        work = self.detail(number, "PER", f)
        if work is None:
            return
        name = " ".join(part for part in (f["first_name"], f["last_name"]) if part)
        work.performers.append(name)
        work.note(number, "PER", "cwr_performer", {"name": name})

    def on_rec(self, number: int, f: dict[str, str]) -> None:
        work = self.detail(number, "REC", f)
        if work is None:
            return
        if not f["isrc"]:
            work.note(number, "REC", "cwr_rec_without_isrc")
            return
        try:
            isrc = identifiers.validate_isrc(f["isrc"])
        except ValidationError as exc:
            work.invalid(number, "REC", exc, "isrc")
            return
        work.recordings.append(
            RecordingRow(
                line=number,
                isrc=isrc,
                title=f.get("recording_title", ""),
                released_on=parse_date(f["first_release_date"]),
                duration=parse_duration(f["first_release_duration"]),
            )
        )


def parse_date(text: str) -> dt.date | None:
    if not text.strip("0 "):
        return None
    try:
        return dt.datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return None


def parse_duration(text: str) -> dt.timedelta | None:
    if not is_ascii_digits(text) or not int(text) or len(text) != 6:
        return None
    return dt.timedelta(hours=int(text[:2]), minutes=int(text[2:4]), seconds=int(text[4:]))


def check_writers(work: WorkRow) -> None:
    """Edits 12 and 15: at least one writer record, and one writer who composed or wrote the work."""
    writers = [c for c in work.contributors if c.record in ("SWR", "OWR")]
    if not writers:
        work.error(work.line, work.record, "cwr_no_writer")
    elif not any(c.role in CREATOR_CODES for c in writers):
        work.error(work.line, work.record, "cwr_no_creator")


def settle_shares(work: WorkRow) -> None:
    """Make each right type's ownership shares an agreed set summing to exactly 100 %, keeping the
    declared ones where they differ; or name why they cannot be (see the module's docstring)."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for c in work.contributors:
        for right, percent in c.shares.items():
            totals[right] += percent
    for right, total in sorted(totals.items()):
        holders = [c for c in work.contributors if right in c.shares]
        if total == HUNDRED:
            continue
        if not share_rules.within_tolerance(total):
            derived = [c for c in holders if c.role in DERIVED_PUBLISHERS and not c.person]
            rest = total - sum((c.shares[right] for c in derived), Decimal())
            if not derived or not share_rules.within_tolerance(rest):
                work.error(
                    work.line, work.record, "shares_sum", {"right": right, "total": str(total)}, "shares"
                )
                continue
            for c in derived:
                del c.shares[right]
                work.note(c.line, c.record, "cwr_collection_share", {"right": right, "role": c.role})
            holders = [c for c in holders if c not in derived]
            total = rest
            if total == HUNDRED:
                continue
        agreed = share_rules.agreed_shares([c.shares[right] for c in holders])
        for c, percent in zip(holders, agreed, strict=True):
            if percent != c.shares[right]:
                c.declared[right] = c.shares[right]
            if percent:
                c.shares[right] = percent
            else:
                c.declared[right] = c.shares.pop(right)
        work.note(
            work.line,
            work.record,
            "cwr_shares_agreed",
            {"right": right, "total": str(total), "agreed": ", ".join(str(p) for p in agreed)},
            "shares",
        )


def read(source: bytes | IO[bytes]) -> ParsedFile:
    """A CWR file: its encoding checked first (a file that is not text is refused whole, nothing
    read from it), then its transactions as a stream of works, read once."""
    fh = io.BytesIO(source) if isinstance(source, bytes) else source
    parsed = ParsedFile()
    try:
        encoding = textfile.detect(fh, "cwr")
    except textfile.NotText as exc:
        return parsed.refuse(exc.line, "", exc.code, exc.params)
    parsed.encoding = encoding.name
    parsed.works = _Reader(textfile.lines(fh, encoding), parsed).read()
    return parsed


def societies_of(f: dict[str, str]) -> dict[str, str]:
    """The society affiliations an SPU/SWR record names, per right: a CISAC code (000: none)."""
    codes = {right: f.get(f"{right}_society", "").strip() for right in ("pr", "mr", "sr")}
    return {right: code for right, code in codes.items() if is_ascii_digits(code) and int(code) != 0}
