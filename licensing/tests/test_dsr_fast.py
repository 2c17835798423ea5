"""The columnar DSR reader (:mod:`licensing.usage.dsr_fast`) takes any file exactly as the line-by-line reader
(:class:`licensing.usage.readers.DsrReader`) does: the same COPY lines, the same problems in the same order, the
same counts and the same refusal. Files are drawn by Hypothesis from records good and bad (unknown, short,
naming an unknown block, resource or summary; values to normalize or refuse; blocks named again; records
after the FOOT), and read in chunks small enough that blocks cross them."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from licensing.usage import dsr, dsr_fast, readers
from licensing.usage.problems import ProblemLog
from licensing.usage.rows import LineChecker

pytestmark = pytest.mark.django_db(transaction=False)

BLOCKS = st.sampled_from(["B1", "B2", "B3", ""])
SUMMARIES = st.sampled_from(["S1", "S2", "S3"])
REFS = st.sampled_from(["A1", "A2", "A1|X"])
ISRCS = st.sampled_from(["KZA012600001", "kza012600002", "KZ-A01-26-00003", "ZZA012600001", "bad", "",
                         "KZA012600004|GBA012600002", " KZA012600005"])  # fmt: skip
TITLES = st.sampled_from(["Song", "", " Song", "'=Song", "T\\x", "Ән", "x" * 301, "Song\u00a0"])
ARTISTS = st.sampled_from(["Artist", "", "A|B", "'+A"])
DURATIONS = st.sampled_from(["PT3M5S", "215", "3:35", "PT1.5S", "PT", "x", "", "PT1H2M3S", "0215", "٢١٥"])
ISWCS = st.sampled_from(["", "T-034.524.680-1", "T0345246801", "T-000.000.000-0", "T1"])
PLAYS = st.sampled_from(["1", "007", "0", "-3", "x", "2000000001", "12345678901", " 5", "2000000000", ""])
SOURCES = st.sampled_from(["Radio", " Radio", "'=x", "a\\b", "x" * 201, ""])


def _cut(cells: list[str], keep: int | None) -> list[str]:
    return cells if keep is None else cells[:keep]


@st.composite
def records(draw: Any) -> str:
    kind = draw(st.sampled_from(["SY01", "SY08", "RE01", "AS01", "AS02", "SU01", "SU02", "SU05", "SU05", "SU02",
                                 "odd", "blank"]))  # fmt: skip
    keep = draw(st.one_of(st.none(), st.none(), st.none(), st.integers(1, 12)))
    if kind == "SY01":
        cells = ["SY01.02", draw(SUMMARIES), "", "", "SubscriptionModel", "Stream", "KZ", draw(SOURCES), "1"]
    elif kind == "SY08":
        cells = ["SY08.02", draw(SUMMARIES), "", "", "RadioTest", draw(SOURCES), "Ad", "Broadcast", "KZ"]
    elif kind == "RE01":
        cells = ["RE01.02", draw(BLOCKS), "R1", "REL"]
    elif kind in ("AS01", "AS02"):
        cells = [f"{kind}.03", draw(BLOCKS), draw(REFS), "RES", draw(ISRCS), draw(TITLES), "", draw(ARTISTS), "",
                 draw(DURATIONS), "SoundRecording"]  # fmt: skip
        if kind == "AS02":
            cells += [draw(ISWCS), "", "true"]
    elif kind == "SU01":
        cells = [
            "SU01.01",
            draw(BLOCKS),
            draw(SUMMARIES),
            "T",
            "R1",
            draw(REFS),
            "true",
            "",
            draw(PLAYS),
            "x",
        ]
    elif kind == "SU02":
        cells = [
            "SU02.02",
            draw(BLOCKS),
            draw(SUMMARIES),
            "T",
            "R1",
            draw(REFS),
            "true",
            draw(PLAYS),
            "",
            "Stream",
        ]
    elif kind == "SU05":
        cells = [
            "SU05.01",
            draw(BLOCKS),
            draw(SUMMARIES),
            "T",
            draw(REFS),
            "true",
            draw(PLAYS),
            "",
            "Broadcast",
        ]
    elif kind == "odd":
        cells = [draw(st.sampled_from(["ZZ01.01", "HEAD", "FOOTX", "SU9", "su05.01", "FOOT "])), "x"]
    else:
        return draw(st.sampled_from(["", "  "]))
    return "\t".join(_cut(cells, keep))


@st.composite
def files(draw: Any) -> bytes:
    lines = [dsr.head("RadioBroadcastProfile").rstrip("\n")]
    if draw(st.integers(0, 30)) == 0:
        lines[0] = draw(st.sampled_from(["HEAD\tx", "SU05.01\tB1", "HEAD" + "\tx" * 12]))
    # a block's records usually come together: a release, its resources, then its usage
    for _ in range(draw(st.integers(0, 6))):
        block = draw(BLOCKS)
        lines.append(f"RE01.02\t{block}\tR1\tREL")
        for ref in ("A1", "A2"):
            lines.append("\t".join(["AS02.03", block, ref, "RES", draw(ISRCS), draw(TITLES), "", draw(ARTISTS), "",
                                    draw(DURATIONS), "SoundRecording", draw(ISWCS)]))  # fmt: skip
        lines.extend(draw(st.lists(records(), max_size=8)))
    lines[1:1] = [f"SY08.02\tS1\t\t\tRadioTest\t{draw(SOURCES)}"]
    ending = draw(st.sampled_from(["good", "good", "wrong", "none", "after"]))
    if ending != "none":
        count = len(lines) + 1 if ending != "wrong" else len(lines) + 7
        lines.append(f"FOOT\t{count}\t{count}\t1")
    if ending == "after":
        lines.extend(
            draw(st.lists(st.sampled_from(["", "   ", "SU05.01\tB1\tS1\tT\tA1\ttrue\t1"]), max_size=3))
        )
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(lines) + (newline if draw(st.booleans()) else "")
    return text.encode(draw(st.sampled_from(["utf-8", "utf-8", "cp1251"])), errors="replace")


def _read(make: Any, data: bytes) -> dict[str, Any]:
    fh = io.BytesIO(data)
    encoding = readers.check_text(fh)
    checker = LineChecker(7, 3, dt.date(2026, 1, 1), dt.date(2026, 12, 31), ProblemLog())
    reader = make(fh, checker, encoding)
    text, refused = [], None
    try:
        for batch in reader.batches():
            text.append(batch)
    except readers.FileRefused as exc:
        refused = (exc.line, exc.code, exc.params)
    if (
        refused is not None
    ):  # nothing of the file is kept: what was counted before the refusal does not matter
        return {"problems": [(p.line, p.code, p.params) for p in checker.log.kept], "counts": dict(checker.log.counts),
                "refused": refused}  # fmt: skip
    return {
        "lines": sorted("".join(text).splitlines()),
        "problems": [(p.line, p.code, p.params) for p in checker.log.kept],
        "counts": dict(checker.log.counts),
        "good": checker.good,
        "bad": checker.bad,
        "refused": refused,
        "read": None if refused else reader.line,
    }


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(data=files(), chunk=st.sampled_from([300, 1 << 20]))
def test_the_columnar_reader_reads_any_file_as_the_line_by_line_reader_does(data: bytes, chunk: int) -> None:
    try:
        readers.check_text(io.BytesIO(data))
    except readers.FileRefused:
        return  # refused before either reader starts
    slow = _read(readers.DsrReader, data)
    fast = _read(lambda fh, checker, enc: dsr_fast.FastDsrReader(fh, checker, enc, chunk_bytes=chunk), data)
    assert fast == slow


def test_the_bench_file_is_read_the_same_both_ways(tmp_path: Any) -> None:
    from licensing.usage.bench import write_dsr

    path = tmp_path / "b.tsv"
    write_dsr(path, 5000, "n")
    data = path.read_bytes()
    slow = _read(readers.DsrReader, data)
    fast = _read(lambda fh, checker, enc: dsr_fast.FastDsrReader(fh, checker, enc, chunk_bytes=20_000), data)
    assert fast == slow and slow["good"] > 3000 and slow["refused"] is None


def test_a_file_with_lone_carriage_returns_is_left_to_the_line_by_line_reader() -> None:
    crlf = dsr.document([("KZA012600003", "Song", "Artist", "7")]).replace("\n", "\r\n").encode()
    assert dsr_fast.scan(io.BytesIO(crlf)) == (crlf.count(b"\n"), False)
    lone = crlf.replace(b"\r\n", b"\r", 1)
    assert dsr_fast.scan(io.BytesIO(lone))[1] is True
    assert dsr_fast.scan(io.BytesIO(b"HEAD\tx\r"))[1] is True
    # read a megabyte at a time: a chunk with no carriage return is passed over, the next one is still looked at
    plain = b"SU\tx\n" * 300_000
    assert dsr_fast.scan(io.BytesIO(plain + b"a\rb\n")) == (300_001, True)
    assert dsr_fast.scan(io.BytesIO(plain + b"a\r\nb\n")) == (300_002, False)
    # a CR that ends one chunk and an LF that begins the next make one line end
    split = b"x" * ((1 << 20) - 1) + b"\r\n" + b"y\n"
    assert dsr_fast.scan(io.BytesIO(split)) == (2, False)
