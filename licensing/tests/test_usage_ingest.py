"""Usage reports read end to end through the real pipeline (PostgreSQL, COPY, the partitioned table): one test
per kind of malformed input for CSV, XLSX and DSR; the policies; duplicates; corrections; progress."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from licensing.models import ReportDue, UsageReport
from licensing.usage import dsr
from licensing.usage.ingest import HASH_PARTS, lines_of, partition_name, report_partition
from licensing.usage.rows import COLUMNS
from udp.core.spreadsheets import xlsx_bytes

HEADER = ",".join(COLUMNS) + "\n"
GOOD = "2026-01-05 10:00,KZA012600001,,Дала әні,Roza,3,215,Café Dala\n"
GOOD2 = "2026-01-06 11:00,KZA012600002,,Көктем,Roza,1,3:05,Café Dala\n"
FEB = (dt.date(2026, 2, 1), dt.date(2026, 2, 28))


def csv_file(
    *lines: str, name: str = "playlist.csv", header: str = HEADER, encoding: str = "utf-8"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (header + "".join(lines)).encode(encoding))


def xlsx_file(
    *rows: list[str], header: tuple[str, ...] = COLUMNS, name: str = "setlist.xlsx"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(header, rows))


def dsr_file(text: str, name: str = "DSR_KAZ_RadioTest_2026-01_KZ.tsv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode())


def problems(report: UsageReport) -> list[tuple[int, str]]:
    return [(p.line_no, p.code) for p in report.problems.all()]


@pytest.fixture(autouse=True, params=["set-based", "line by line"])
def way_in(request: Any, monkeypatch: Any) -> str:
    """Every test reads its files both ways: inside PostgreSQL, and line by line; the outcome is the same."""
    from licensing.usage import ingest

    monkeypatch.setattr(ingest, "FAST", request.param == "set-based")
    return str(request.param)


ROW = ["2026-01-05 10:00", "KZA012600001", "", "Дала әні", "Roza", "3", "215", "Café Dala"]


# -- good files ----------------------------------------------------------------------------------------------
def test_a_good_csv_is_accepted_and_its_lines_land_in_the_months_partition(send: Any, licence: Any) -> None:
    report = send(licence, csv_file(GOOD, GOOD2))
    assert (report.status, report.lines_good, report.lines_bad, report.stage) == ("accepted", 2, 0, "done")
    # the header and two lines, saved with the outcome even where the report's row was not yet committed
    # when reading began (the progress's own connection could not see it)
    assert (report.lines_read, report.lines_total) == (3, 3)
    assert lines_of(report) == 2
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), sum(plays), sum(duration_s) FROM {partition_name(dt.date(2026, 1, 1))}"
        )
        assert cursor.fetchone() == (2, 4, 215 + 185)
    assert ReportDue.objects.get(licence=licence, period_start=dt.date(2026, 1, 1)).received_at is not None
    report.file.open("rb")
    assert report.file.read() == (HEADER + GOOD + GOOD2).encode()  # stored unchanged, under a generated name
    assert report.original_name == "playlist.csv" and "playlist" not in report.file.name
    assert report.sha256 and report.size == len((HEADER + GOOD + GOOD2).encode())


def test_a_good_xlsx_and_a_good_dsr_are_accepted(send: Any, licence: Any) -> None:
    workbook = send(licence, xlsx_file(ROW, ROW[:1] + ["KZA012600002"] + ROW[2:]))
    # a workbook's rows are counted as they are read
    assert (workbook.status, workbook.lines_total) == ("accepted", workbook.lines_read)
    assert workbook.lines_read >= 3
    text = dsr.document([("KZA012600003", "Song", "Artist", "7"), ("KZA012600004", "Song 2", "Artist", "2")])
    report = send(licence, dsr_file(text), period=FEB)
    assert (report.status, report.lines_good) == ("accepted", 2)


def test_the_radio_broadcast_profile_takes_the_station_from_the_summary_record(
    send: Any, licence: Any
) -> None:
    text = dsr.document([("KZA012600003", "Song", "Artist", "4")], broadcast=True)
    report = send(licence, dsr_file(text))
    assert report.status == "accepted"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT plays, source_ref, duration_s FROM licensing_usage_line WHERE report_id = %s", [report.pk]
        )
        assert cursor.fetchall() == [(4, "Radio Dala 101.4", 215)]


# -- malformed CSV ----------------------------------------------------------------------------------------------
def test_csv_wrong_columns_refuses_the_file_naming_them(send: Any, licence: Any) -> None:
    report = send(licence, csv_file(GOOD, header="when,song,count\n"))
    assert report.status == "refused" and report.failure_code == "missing_columns"
    assert "isrc, title, artist, plays" in report.failure


def test_csv_a_line_with_the_wrong_number_of_columns_is_named(send: Any, licence: Any) -> None:
    report = send(licence, csv_file(GOOD, "2026-01-05,KZA012600001,,x\n"))
    assert report.status == "partial" and problems(report) == [(3, "wrong_column_count")]


def test_csv_a_bad_isrc_is_named_with_its_line_and_the_good_lines_kept(send: Any, licence: Any) -> None:
    report = send(licence, csv_file(GOOD, GOOD.replace("KZA012600001", "KZ-BAD"), GOOD2))
    assert (report.status, report.lines_good, report.lines_bad) == ("partial", 2, 1)
    assert problems(report) == [(3, "bad_isrc")]
    assert "“KZ-BAD” is not a valid ISRC" in report.problems.get().reason
    assert lines_of(report) == 2


def test_csv_a_negative_or_zero_count_is_named(send: Any, licence: Any) -> None:
    report = send(licence, csv_file(GOOD, GOOD.replace(",3,", ",-2,"), GOOD.replace(",3,", ",0,")))
    assert problems(report) == [(3, "plays_not_positive"), (4, "plays_not_positive")]


def test_csv_in_a_wrong_encoding_is_refused_naming_the_line(send: Any, licence: Any) -> None:
    report = send(
        licence, SimpleUploadedFile("p.csv", (HEADER + GOOD).encode("utf-8") + b"\xff\xfe\x00\x01 x,y\n")
    )
    assert report.status == "refused" and report.failure_code == "nul_byte"
    report = send(
        licence,
        SimpleUploadedFile(
            "p.csv", (HEADER + GOOD2).encode() + "Ïåñíÿ Café\n".encode("cp1252")[:3] + b"\x98\n"
        ),
    )
    assert report.status == "refused" and report.failure_code in ("bad_byte", "ambiguous_encoding")


def test_csv_cut_short_inside_a_quote_is_refused(send: Any, licence: Any) -> None:
    report = send(licence, csv_file(GOOD, '2026-01-05,KZA012600002,,"Unclosed title'))
    assert report.status in ("refused", "partial")
    assert report.failure_code == "csv_malformed" or report.lines_bad == 1


def test_a_csv_that_is_a_zip_is_refused_for_not_being_what_its_name_says(send: Any, licence: Any) -> None:
    report = send(licence, SimpleUploadedFile("playlist.csv", xlsx_bytes(COLUMNS, [ROW])))
    assert report.status == "refused" and report.failure_code == "not_what_named"
    assert "named .csv but its content is a ZIP archive" in report.failure


# -- malformed XLSX ----------------------------------------------------------------------------------------------
def test_xlsx_wrong_columns(send: Any, licence: Any) -> None:
    report = send(licence, xlsx_file(["x"], header=("song", "count")))
    assert report.failure_code == "missing_columns"


def test_xlsx_a_bad_isrc_and_a_negative_count_are_named(send: Any, licence: Any) -> None:
    bad_isrc = ROW[:1] + ["NOT-AN-ISRC"] + ROW[2:]
    negative = ROW[:5] + ["-4"] + ROW[6:]
    report = send(licence, xlsx_file(ROW, bad_isrc, negative))
    assert report.status == "partial" and problems(report) == [(3, "bad_isrc"), (4, "plays_not_positive")]


def test_xlsx_a_row_wider_than_the_header_is_named(send: Any, licence: Any) -> None:
    report = send(licence, xlsx_file(ROW, ROW + ["extra"]))
    assert problems(report) == [(3, "wrong_column_count")]


def test_an_xlsx_that_is_csv_and_a_cut_workbook_are_refused(send: Any, licence: Any) -> None:
    report = send(licence, SimpleUploadedFile("setlist.xlsx", (HEADER + GOOD).encode()))
    assert (report.status, report.failure_code) == ("refused", "not_what_named")
    whole = xlsx_bytes(COLUMNS, [ROW])
    report = send(licence, SimpleUploadedFile("cut.xlsx", whole[: len(whole) // 2]))
    assert (report.status, report.failure_code) == ("refused", "not_xlsx")


# -- malformed DSR ----------------------------------------------------------------------------------------------
def test_dsr_without_foot_is_truncated_and_refused_whole(send: Any, licence: Any) -> None:
    text = dsr.document([("KZA012600003", "Song", "Artist", "7")], footer=False)
    report = send(licence, dsr_file(text))
    assert (report.status, report.failure_code, report.lines_good) == ("refused", "dsr_no_foot", 0)
    assert lines_of(report) == 0


def test_a_dsr_with_carriage_returns_for_line_ends_is_read_line_by_line_with_the_same_outcome(
    send: Any, licence: Any
) -> None:
    text = dsr.document([("KZA012600003", "Song", "A", "7"), ("XX", "Song", "A", "1")]).replace("\n", "\r")
    report = send(licence, dsr_file(text))
    assert (report.status, report.lines_good, problems(report)) == ("partial", 1, [(8, "bad_isrc")])
    assert lines_of(report) == 1


def test_dsr_whose_foot_count_does_not_match_is_refused(send: Any, licence: Any) -> None:
    text = dsr.document([("KZA012600003", "Song", "Artist", "7")], foot_count=99)
    report = send(licence, dsr_file(text))
    assert (report.status, report.failure_code) == ("refused", "dsr_foot_count")
    assert report.failure_params == {"given": "99", "counted": 6}


def test_dsr_a_bad_isrc_and_a_zero_count_are_named(send: Any, licence: Any) -> None:
    text = dsr.document(
        [("KZA012600003", "Song", "A", "7"), ("XX", "Song", "A", "1"), ("KZA012600004", "S", "A", "0")]
    )
    report = send(licence, dsr_file(text))
    assert report.status == "partial" and problems(report) == [(8, "bad_isrc"), (11, "plays_not_positive")]


def test_dsr_a_record_with_too_few_cells_is_named(send: Any, licence: Any) -> None:
    text = dsr.document([("KZA012600003", "Song", "A", "7")])
    lines = text.splitlines(keepends=True)
    lines[4] = "\t".join(lines[4].split("\t")[:4]) + "\n"  # the SU record, cut to four cells
    report = send(licence, dsr_file("".join(lines)))
    assert report.status == "refused" and problems(report)[0] == (5, "dsr_record_length")


def test_dsr_in_a_wrong_encoding_is_refused(send: Any, licence: Any) -> None:
    text = dsr.document([("KZA012600003", "Song", "A", "7")]).encode().replace(b"Song", b"S\xe9\xff\x98ng")
    report = send(licence, SimpleUploadedFile("d.tsv", text))
    assert report.status == "refused" and report.failure_code in ("bad_byte", "ambiguous_encoding")


def test_a_dsr_named_tsv_that_is_csv_is_refused(send: Any, licence: Any) -> None:
    report = send(licence, SimpleUploadedFile("d.tsv", (HEADER + GOOD).encode()))
    assert (report.status, report.failure_code) == ("refused", "not_what_named")


# -- the policies, duplicates, corrections ---------------------------------------------------------------------
def test_all_or_nothing_refuses_the_whole_file_for_one_bad_line(send: Any, licence: Any) -> None:
    report = send(
        licence, csv_file(GOOD, GOOD.replace("KZA012600001", "BAD"), GOOD2), policy="all_or_nothing"
    )
    assert (report.status, report.lines_good, report.lines_bad) == ("refused", 0, 1)
    assert lines_of(report) == 0
    assert ("file_refused" in report.problem_counts) and (3, "bad_isrc") in problems(report)
    assert ReportDue.objects.get(licence=licence, period_start=dt.date(2026, 1, 1)).received_at is None


def test_the_same_file_again_is_a_duplicate_naming_the_first(send: Any, licence: Any) -> None:
    first = send(licence, csv_file(GOOD))
    again = send(licence, csv_file(GOOD, name="again.csv"))
    assert (again.status, again.duplicate_of_id) == ("duplicate", first.pk)
    assert f"report no. {first.pk}" in again.failure and lines_of(again) == 0


def test_a_corrected_file_replaces_the_earlier_report_and_its_lines(send: Any, licence: Any) -> None:
    first = send(licence, csv_file(GOOD, GOOD.replace("KZA012600001", "BAD")))
    assert first.status == "partial"
    corrected = send(licence, csv_file(GOOD, GOOD2))
    first.refresh_from_db()
    assert (first.status, corrected.status, corrected.replaces_id) == ("replaced", "accepted", first.pk)
    assert (lines_of(first), lines_of(corrected)) == (0, 2)


def test_a_reports_lines_are_kept_in_its_own_part_of_the_month_and_replaced_there(
    send: Any, licence: Any
) -> None:
    """A month's lines are split by report (hash partitions): each report's lines lie in the one part named
    for it, and a correction removes the earlier report's lines only."""
    song = [("KZA012600003", "Song", "Artist", "7"), ("KZA012600004", "Song 2", "Artist", "2")]
    first = send(licence, dsr_file(dsr.document(song)))
    other = send(
        licence, dsr_file(dsr.document(song[:1]), name="DSR_KAZ_RadioTest_2026-02_KZ.tsv"), period=FEB
    )
    corrected = send(licence, dsr_file(dsr.document(song + [("KZA012600005", "Song 3", "Artist", "1")])))
    first.refresh_from_db()
    assert (first.status, corrected.status) == ("replaced", "accepted")
    assert (lines_of(first), lines_of(other), lines_of(corrected)) == (0, 1, 3)
    with connection.cursor() as cursor:
        for report, month, lines in ((corrected, dt.date(2026, 1, 1), 3), (other, dt.date(2026, 2, 1), 1)):
            table = report_partition(cursor, month, report.pk)
            cursor.execute(f"SELECT count(*) FROM {table} WHERE report_id = %s", [report.pk])
            assert cursor.fetchone() == (lines,)
            cursor.execute(
                "SELECT count(*) FROM pg_inherits WHERE inhparent = %s::regclass", [partition_name(month)]
            )
            assert cursor.fetchone() == (HASH_PARTS,)


def test_a_refused_correction_leaves_the_earlier_report_in_place(send: Any, licence: Any) -> None:
    first = send(licence, csv_file(GOOD))
    send(licence, csv_file(GOOD, "x,y\n"), policy="all_or_nothing")
    first.refresh_from_db()
    assert first.status == "accepted" and lines_of(first) == 1


def test_a_line_played_outside_the_period_is_named(send: Any, licence: Any) -> None:
    report = send(licence, csv_file(GOOD, GOOD.replace("2026-01-05", "2026-03-05")))
    assert problems(report) == [(3, "outside_period")]


# -- progress, a crash -------------------------------------------------------------------------------------------
def test_progress_is_saved_as_lines_are_read(send: Any, licence: Any, monkeypatch: Any) -> None:
    from licensing.usage import ingest

    monkeypatch.setattr(ingest, "FAST", False)
    monkeypatch.setattr(ingest, "EVERY", 10)
    monkeypatch.setattr(ingest, "CHUNK", 7)
    seen: list[dict[str, Any]] = []
    original = ingest.Progress.save

    def watching(self: Any, **fields: Any) -> None:
        original(self, **fields)
        seen.append(fields)

    monkeypatch.setattr(ingest.Progress, "save", watching)
    rows = [GOOD.replace("KZA012600001", f"KZA0126{n:05d}") for n in range(1, 36)]
    report = send(licence, csv_file(*rows))
    assert report.lines_good == 35
    read = [s["lines_read"] for s in seen if "lines_read" in s]
    # saved as the COPY text goes out (CHUNK good lines at a time), once EVERY lines more were read
    assert seen[0]["lines_total"] == 36 and len(read) >= 3 and 10 <= read[0] < 36
    reading = [s["lines_read"] for s in seen if "lines_read" in s and "stage" not in s]
    assert all(later - earlier >= 10 for earlier, later in zip(reading, reading[1:], strict=False)), seen


def test_a_report_left_parsing_by_a_dead_worker_is_ended_by_the_sweep(personas: Any, licence: Any) -> None:
    from licensing.usage.ingest import start_report, sweep

    report = start_report(personas.licensee, licence, csv_file(GOOD), period_start=dt.date(2026, 1, 1),
                          period_end=dt.date(2026, 1, 31), queue=False)  # fmt: skip
    UsageReport.objects.filter(pk=report.pk).update(status="parsing", lines_read=5)
    assert sweep() == 1
    report.refresh_from_db()
    assert (report.status, report.failure_code, report.failure_params) == (
        "failed",
        "interrupted",
        {"line": 5},
    )


def test_a_crash_ends_the_report_as_failed_and_keeps_nothing(
    send: Any, licence: Any, monkeypatch: Any
) -> None:
    from licensing.usage import ingest

    def broken(self: Any, *args: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(ingest.Job, "_keep", broken)
    report = send(licence, csv_file(GOOD))
    assert (report.status, report.failure_code, report.stage) == ("failed", "crashed", "done")
    assert lines_of(report) == 0


def test_the_bench_generator_files_are_read(send: Any, licence: Any, tmp_path: Any) -> None:
    from licensing.usage.bench import write_csv, write_dsr

    for writer, name in ((write_csv, "b.csv"), (write_dsr, "b.tsv")):
        path = tmp_path / name
        writer(path, 300)
        with path.open("rb") as fh:
            report = send(
                licence,
                SimpleUploadedFile(name, fh.read()),
                period=(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
            )
        assert report.status == "accepted", report.failure
        report.status = "x"
        UsageReport.objects.filter(pk=report.pk).update(status="replaced")
    assert io and zipfile and pytest
