"""CWR 2.1/2.2 import, export and acknowledgement.

``tests/data/cwr/CW220001DMP_000.V21`` is a real CWR 2.1 file written by django-music-publisher
(repository matijakolaric-com/django-music-publisher, MIT licence, file
``music_publisher/tests/CW220001DMP_000.V21``): one NWR with SPU/SPT/OPU/SWR/SWT/PWR/OWR/ALT/VER/ORN.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from registers.cwr import records
from registers.cwr.writer import works_for_export, write_works
from registers.importing.cwr import read
from registers.models import EmbodiedWork, IPIName, Party, Share, Work, WorkKind
from registers.tests.imports import import_cwr
from tests import DATA
from tests import factories as f

REAL_FILE = DATA / "cwr" / "CW220001DMP_000.V21"
REAL_LINES = REAL_FILE.read_text().splitlines()
TRANSACTION = REAL_LINES[2:20]  # NWR … ORN

pytestmark = pytest.mark.usefixtures("media_in_tmp")


def put(line: str, start: int, text: str) -> str:
    """Overwrite columns from ``start`` (counted from 1) with ``text``."""
    line = line.ljust(start - 1 + len(text))
    return line[: start - 1] + text + line[start - 1 + len(text) :]


def transaction(seq: int, *, ref: str, iswc: str = "", title: str = "") -> list[str]:
    """The real file's transaction, renumbered, with its own submitter work number, ISWC and title."""
    lines = [put(line, 4, f"{seq:08d}") for line in TRANSACTION]
    lines[0] = put(lines[0], 82, ref.ljust(14))
    lines[0] = put(lines[0], 96, iswc.ljust(11))
    if title:
        lines[0] = put(lines[0], 20, title.ljust(60))
    return lines


def cwr_file(*transactions: list[str]) -> str:
    body = [line for t in transactions for line in t]
    grt = f"GRT00001{len(transactions):08d}{len(body) + 2:08d}   0000000000"
    trl = f"TRL00001{len(transactions):08d}{len(body) + 4:08d}"
    return "\n".join([REAL_LINES[0], REAL_LINES[1], *body, grt, trl]) + "\n"


@pytest.mark.statute("A45-1.2-works")
def test_the_real_cwr_21_file_enters_the_work_with_titles_iswc_writers_and_shares(personas: Any) -> None:
    batch = import_cwr(personas.cmo_staff, REAL_FILE.read_bytes())

    assert batch.status == "done", f.problems_of(batch)
    assert (batch.works_created, batch.works_updated, batch.lines_total) == (1, 0, 22)
    work = Work.objects.get(iswc="T1234567894")
    assert work.title == "MUSIC PUB CARTOONS"
    assert work.kind == WorkKind.MUSICAL
    assert work.submitter_ref == "DMP000001"
    assert work.registered_by_cmo == personas.cmo
    assert set(work.titles.values_list("title", flat=True)) == {
        "MPC ACADEMY",
        "MUSIC PUB CARTOONS SUFFIX",
        "MUSIC PUB CARTOONS SUFFIX CO-SUFFIX",
        "WORK RECORDING",
        "WORK RECORDING FEAT. TESTING",
    }
    writers = {
        c.party.ipi_names.get().name_number: c for c in work.contributors.filter(role__in=["AR", "AD"])
    }
    assert set(writers) == {"00000000199", "00000000297"}
    assert writers["00000000199"].party.name_lat == "MATIJA KOLARIC"
    assert writers["00000000199"].party.ipi_base_number == "I-123456789-3"
    assert writers["00000000199"].party.registered_by_cmo == personas.cmo
    assert writers["00000000199"].role == "AR" and writers["00000000297"].role == "AD"
    assert writers["00000000297"].shares.get(right_type="PR").percent == Decimal("25.00")
    publisher = work.contributors.get(party__ipi_names__name_number="09000000020")
    assert (publisher.role, publisher.party.kind) == ("E", "entity")
    for right in ("PR", "MR", "SR"):
        total = sum(Share.objects.filter(work=work, right_type=right).values_list("percent", flat=True))
        assert total == Decimal("100.00"), right
    assert {e["record"] for e in f.problems_of(batch)} >= {"VER", "ORN", "OPU", "OWR"}
    assert all(e["level"] == "note" for e in f.problems_of(batch))


def test_reimporting_the_same_file_is_a_duplicate_and_changes_nothing(personas: Any) -> None:
    import_cwr(personas.cmo_staff, REAL_FILE.read_bytes())
    parties = Party.objects.count()

    again = import_cwr(personas.cmo_staff, REAL_FILE.read_bytes())

    assert (again.status, again.works_created, again.works_updated, again.works_unchanged) == (
        "done",
        0,
        0,
        1,
    )
    assert Party.objects.count() == parties
    assert IPIName.objects.filter(name_number="00000000199").count() == 1


def test_another_cmo_cannot_overwrite_a_work_through_its_iswc(personas: Any) -> None:
    import_cwr(personas.cmo_staff, REAL_FILE.read_bytes())

    batch = import_cwr(personas.other_cmo_staff, REAL_FILE.read_bytes())

    assert (batch.status, batch.works_in_conflict) == ("refused", 1)
    conflict_note = next(p for p in f.problems_of(batch) if p["code"] == "cwr_conflict")
    assert (conflict_note["line"], conflict_note["field"]) == (3, "iswc")
    assert Work.objects.get(iswc="T1234567894").registered_by_cmo == personas.cmo


def test_a_record_of_the_wrong_length_is_named_with_its_line(personas: Any) -> None:
    lines = transaction(0, ref="A1")
    lines[4] = lines[4][:100]  # the first SWR, cut short
    parsed = read(cwr_file(lines).encode())

    [error, *_] = [p for p in list(parsed.works)[0].problems if p.level == "error"]
    assert (error.line, error.record) == (7, "SWR")
    assert "100 characters" in error.reason


def test_an_unknown_record_type_is_named_and_rejects_its_transaction(personas: Any) -> None:
    lines = transaction(0, ref="A1")
    lines.insert(3, "XYZ" + lines[3][3:])
    batch = import_cwr(personas.cmo_staff, cwr_file(lines))

    assert batch.status == "refused"
    errors = [e for e in f.problems_of(batch) if e["level"] == "error"]
    assert errors == [
        {
            "line": 6,
            "record": "XYZ",
            "field": "",
            "reason": "Unknown record type “XYZ”.",
            "level": "error",
            "code": "cwr_unknown_record",
        }
    ]


def test_shares_that_do_not_sum_to_100_reject_the_transaction_with_the_total(personas: Any) -> None:
    lines = transaction(0, ref="A1")
    lines[4] = put(lines[4], 130, "03000")  # first writer's PR share 25.00 -> 30.00
    batch = import_cwr(personas.cmo_staff, cwr_file(lines))

    [error] = [e for e in f.problems_of(batch) if e["level"] == "error"]
    assert (error["line"], error["record"], error["field"]) == (3, "NWR", "shares")
    assert "PR" in error["reason"] and "105.00" in error["reason"]
    assert not Work.objects.filter(submitter_ref="A1").exists()


def test_wrong_group_and_trailer_counts_are_reported(personas: Any) -> None:
    text = cwr_file(transaction(0, ref="A1")).replace("TRL0000100000001", "TRL0000100000002")
    parsed = read(text.encode())
    list(parsed.works)  # the trailer is checked once the works are read

    [error] = parsed.file_errors
    assert (error.record, error.field) == ("TRL", "transaction_count")


def two_transactions_one_bad() -> str:
    good = transaction(0, ref="GOOD1", iswc=f.make_iswc(), title="GOOD SONG")
    bad = transaction(1, ref="BAD1", iswc="T1234567890", title="BAD SONG")  # wrong ISWC check digit
    return cwr_file(good, bad)


def test_keep_good_imports_the_good_transaction_and_reports_the_bad_one(personas: Any) -> None:
    batch = import_cwr(personas.cmo_staff, two_transactions_one_bad(), policy="keep_good")

    assert (batch.status, batch.works_created) == ("partial", 1)
    assert Work.objects.filter(submitter_ref="GOOD1").exists()
    assert not Work.objects.filter(submitter_ref="BAD1").exists()
    [error] = [e for e in f.problems_of(batch) if e["level"] == "error"]
    assert (error["line"], error["record"], error["field"]) == (21, "NWR", "iswc")


def test_all_or_nothing_refuses_the_whole_file_and_leaves_no_trace(personas: Any) -> None:
    works, parties = Work.objects.count(), Party.objects.count()

    batch = import_cwr(personas.cmo_staff, two_transactions_one_bad(), policy="all_or_nothing")

    assert (batch.status, batch.works_created) == ("refused", 0)
    assert (Work.objects.count(), Party.objects.count()) == (works, parties)
    assert any(e["line"] == 21 and e["field"] == "iswc" for e in f.problems_of(batch))


def test_the_ack_file_accepts_the_good_transaction_and_rejects_the_bad_with_the_reason(personas: Any) -> None:
    batch = import_cwr(personas.cmo_staff, two_transactions_one_bad())

    lines = batch.ack_file.open("rb").read().decode().splitlines()
    kinds = [line[:3] for line in lines]
    assert kinds[:2] == ["HDR", "GRH"] and kinds[-2:] == ["GRT", "TRL"]
    assert lines[1][3:6] == "ACK"
    acks = [records.parse(line, "ACK") for line in lines if line.startswith("ACK")]
    assert [(a["submitter_creation_number"], a["transaction_status"]) for a in acks] == [
        ("GOOD1", "AS"),
        ("BAD1", "RJ"),
    ]
    assert acks[0]["recipient_creation_number"] == str(Work.objects.get(submitter_ref="GOOD1").pk)
    rejected_msgs = [
        records.parse(line, "MSG") for line in lines if line.startswith("MSG") and line[3:11] == "00000001"
    ]
    assert any(
        m["message_type"] == "T" and "line 21" in m["message_text"] and "ISWC" in m["message_text"]
        for m in rejected_msgs
    )
    grt, trl = records.parse(lines[-2], "GRT"), records.parse(lines[-1], "TRL")
    assert (int(grt["transaction_count"]), int(grt["record_count"])) == (2, len(lines) - 2)
    assert (int(trl["transaction_count"]), int(trl["record_count"])) == (2, len(lines))


def test_a_rev_for_a_work_not_in_the_register_is_taken_as_a_new_registration(personas: Any) -> None:
    lines = [
        line.replace("NWR", "REV", 1) if line.startswith(("GRH", "NWR")) else line
        for line in [REAL_LINES[1], *TRANSACTION]
    ]
    text = "\n".join([REAL_LINES[0], *lines, *REAL_LINES[20:]]) + "\n"

    batch = import_cwr(personas.cmo_staff, text)

    assert (batch.status, batch.works_created) == ("done", 1)
    assert any(
        e["record"] == "REV" and "taken as a new registration" in e["reason"] for e in f.problems_of(batch)
    )


def test_a_rev_updates_the_work_found_by_submitter_work_number(personas: Any) -> None:
    import_cwr(personas.cmo_staff, REAL_FILE.read_bytes())
    lines = [
        REAL_LINES[1].replace("NWR", "REV"),
        *transaction(0, ref="DMP000001", title="MUSIC PUB CARTOONS II"),
    ]
    lines[1] = "REV" + lines[1][3:]
    text = "\n".join([REAL_LINES[0], *lines, *REAL_LINES[20:]]) + "\n"

    batch = import_cwr(personas.cmo_staff, text)

    assert (batch.status, batch.works_updated) == ("done", 1), f.problems_of(batch)
    assert Work.objects.get(submitter_ref="DMP000001").title == "MUSIC PUB CARTOONS II"


def test_a_rec_with_an_isrc_registers_a_linked_recording(personas: Any) -> None:
    lines = transaction(0, ref="R1", iswc=f.make_iswc())
    rec = put("REC" + "00000000" + "00000099" + "20200315", 88, "000330")
    rec = put(rec, 250, "KZA012500001")
    lines.insert(13, rec.ljust(266))

    batch = import_cwr(personas.cmo_staff, cwr_file(lines))

    assert batch.status == "done", f.problems_of(batch)
    recording = Work.objects.get(isrc="KZA012500001")
    assert recording.kind == WorkKind.RECORDING
    assert recording.disclosed_on is not None and recording.disclosed_on.isoformat() == "2020-03-15"
    assert EmbodiedWork.objects.filter(recording=recording, work__submitter_ref="R1").exists()


def test_exported_cwr_reads_back_to_the_same_works(personas: Any) -> None:
    import_cwr(personas.cmo_staff, REAL_FILE.read_bytes())
    text = write_works(works_for_export(Work.objects.filter(kind="musical")))

    parsed = read(text.encode())

    [work] = parsed.works
    assert parsed.file_errors == []
    assert not work.bad, work.problems
    assert (work.title, work.iswc, work.ref) == ("MUSIC PUB CARTOONS", "T1234567894", "DMP000001")
    assert {c.ipi_name_number for c in work.contributors if c.record == "SWR"} == {
        "00000000199",
        "00000000297",
    }
    assert len(work.alternate_titles) == 5
    lines = text.splitlines()
    assert all(
        len(line)
        == {
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
        }.get(line[:3], len(line))
        for line in lines
    )
    again = import_cwr(personas.cmo_staff, text.replace("GRHNWR", "GRHREV").replace("\nNWR", "\nREV"))
    assert (again.status, again.works_updated, again.works_created) == ("done", 1, 0), f.problems_of(again)
