"""The DSR reader for large files: the same records, rules, problems and COPY text as
:class:`~licensing.usage.readers.DsrReader`, worked out a chunk of lines at a time by Polars (columnar, in
compiled code) instead of one line at a time in Python.

A chunk of about :data:`CHUNK_BYTES` is split into lines by Polars' CSV reader (one cell a line). Then, for the
whole chunk at once:

- the records that are not usage (``RE``, ``AS``, ``SY``, ``FOOT``, unknown ones) are sorted out and checked;
  a block starts at each release or resource record naming a block other than the current one, and is
  numbered (``epoch``), so that a block named again later is a new block, as it is for the line-by-line reader;
- each usage (``SU``) record gets the block current at its line (an as-of join on the line number), the
  resource its block described last before it, and the summary record given last before it;
- the cells that come from the recording (ISRC, ISWC, title, artist, duration, source) are checked and put
  in COPY text in columns when they are plain (the common case); a line with anything else (a value to
  normalize or reject, a count that is not a plain number) goes through :meth:`LineChecker.check
  <licensing.usage.rows.LineChecker.check>` in Python, as in the line-by-line reader, and is named there.

Problems are logged in line order. State carries from one chunk to the next: the current block and its
resources, the summary records given so far, the FOOT record's line. Memory holds one chunk.

A file this reader cannot take exactly as the line-by-line reader would (lone carriage returns as line ends,
or a chunk whose lines Polars counts differently) raises :class:`Unsuitable` before anything is kept: the
caller reads it line by line instead.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from typing import IO, Any

# One thread of Polars: the worker reads while PostgreSQL, on the same machine, takes in what was read; more
# threads for the reader take cores from the database (measured: a slower load on two cores). An operator
# may set it otherwise in the environment.
os.environ.setdefault("POLARS_MAX_THREADS", "1")

import polars as pl  # noqa: E402

from licensing.usage import readers
from licensing.usage.readers import HEAD, PROFILES, RELEASE, RESOURCE, SUMMARY, USAGE, FileRefused
from licensing.usage.rows import LineChecker, duration_seconds, iswc_of
from registers.importing import textfile

#: Bytes of the file worked on at a time (the chunk ends at a line end).
CHUNK_BYTES = 8 << 20
ISRC_COMPACT = r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$"
#: The cells read from records that are not usage (an AS02 record's ISWC is its twelfth).
WIDE = 12
RESOURCE_SCHEMA = {"rn": pl.Int64, "epoch": pl.Int64, "ref": pl.String, "isrc": pl.String, "title": pl.String,
                   "artist": pl.String, "duration": pl.String, "iswc": pl.String}  # fmt: skip


class Unsuitable(Exception):
    """This file is read line by line instead."""


def usable(encoding: textfile.Encoding) -> bool:
    return encoding.codec in ("utf-8", "cp1251", "cp1252")


def scan(fh: IO[bytes]) -> tuple[int, bool]:
    """The file's lines, and whether a carriage return ends a line on its own anywhere (the line-by-line
    reader counts it a line end; Polars does not), in one pass."""
    fh.seek(0)
    lines, lone, last, carry = 0, False, b"", b""
    while chunk := fh.read(1 << 20):
        lines += chunk.count(b"\n")
        last = chunk[-1:]
        if not lone and (carry or b"\r" in chunk):
            data = carry + chunk
            # a CR at the chunk's end may be followed by LF in the next one
            body, carry = (data[:-1], data[-1:]) if data.endswith(b"\r") else (data, b"")
            lone = body.count(b"\r") != body.count(b"\r\n")
    fh.seek(0)
    return lines + (1 if last not in (b"", b"\n") else 0), lone or carry == b"\r"


def _first(cell: pl.Expr, pipes: bool = True) -> pl.Expr:
    """A cell's first value where it lists several with ``|`` (the cell itself when ``pipes`` is false: no
    ``|`` in the chunk, so no cell to split)."""
    return cell.str.split("|").list.first() if pipes else cell


class FastDsrReader(readers.Reader):
    def __init__(
        self, fh: IO[bytes], checker: LineChecker, encoding: textfile.Encoding, chunk_bytes: int = CHUNK_BYTES
    ) -> None:
        self.fh, self.checker, self.encoding = fh, checker, encoding
        self.chunk_bytes = chunk_bytes
        self.profile = ""
        self.line = 0
        # carried from chunk to chunk
        self.block = ""
        self.epoch = 0
        self.footed = 0
        self.countries: dict[str, bool] = {}
        self.resources = _resource_cells(pl.DataFrame(schema=RESOURCE_SCHEMA), self._good_countries)
        self.summaries = _summary_cells(
            pl.DataFrame(schema={"sn": pl.Int64, "sid": pl.String, "source": pl.String})
        )
        prefix = f"{checker.prefix}{checker.default_period}\t"
        self.prefix = prefix
        self.pipes = True

    def rows(self) -> Iterator[str]:
        for batch in self.batches():
            yield from batch.splitlines(keepends=True)

    def batches(self, size: int = 0) -> Iterator[str]:
        fh = self.fh
        fh.seek(self.encoding.skip)
        while data := fh.read(self.chunk_bytes):
            data += fh.readline()
            if self.encoding.codec != "utf-8":
                data = data.decode(self.encoding.codec).encode("utf-8")
            text = self._chunk(data)
            if text:
                yield text
        if not self.footed:
            raise FileRefused(self.line + 1, "dsr_no_foot")

    # -- one chunk ------------------------------------------------------------------------------------------
    def _lines(self, data: bytes) -> pl.DataFrame:
        expected = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
        frame = pl.read_csv(
            io.BytesIO(data), has_header=False, separator="\x1f", quote_char=None, new_columns=["t"],
            schema={"t": pl.String}, infer_schema=False, truncate_ragged_lines=False,
        )  # fmt: skip
        if frame.height != expected:
            raise Unsuitable(f"{frame.height} lines read, {expected} counted")
        return frame.with_row_index("n", offset=self.line + 1).with_columns(
            pl.col("n").cast(pl.Int64), pl.col("t").fill_null("")
        )

    def _chunk(self, data: bytes) -> str:
        frame = self._lines(data)
        first = self.line + 1
        self.line += frame.height
        self.pipes = b"|" in data
        if first == 1:
            self._head(frame["t"][0])
        frame = frame.with_columns(k=pl.col("t").str.slice(0, 4))
        events: list[tuple[int, int, str, dict[str, Any]]] = []  # (line, order, what, detail)
        # the FOOT record, and anything after it (blank lines may follow it)
        if self.footed:
            after, frame = frame, frame.head(0)
        else:
            # on the four-character record kind first: a search of the chunk's bytes for FOOT costs more
            foot = frame.filter(pl.col("k") == "FOOT").filter(
                (pl.col("n") > 1) & ((pl.col("t") == "FOOT") | pl.col("t").str.starts_with("FOOT\t"))
            )
            after = frame.head(0)
            if foot.height:
                foot_line, foot_text = int(foot["n"][0]), foot["t"][0]
                cells = foot_text.split("\t")
                given = cells[1].strip() if len(cells) > 1 else ""
                if not given.isdecimal() or int(given) != foot_line:
                    events.append((foot_line, 0, "refuse", {"code": "dsr_foot_count", "given": given or "—",
                                                             "counted": foot_line}))  # fmt: skip
                after = frame.filter(pl.col("n") > foot_line)
                frame = frame.filter(pl.col("n") < foot_line)
                self.footed = foot_line
        stray = after.filter(pl.col("t").str.strip_chars() != "")
        if stray.height:
            events.append((int(stray["n"][0]), 0, "refuse", {"code": "dsr_after_foot"}))
        if first == 1:
            frame = frame.filter(pl.col("n") > 1)
        usage = pl.col("k").is_in(list(USAGE))
        others = frame.filter(~usage)
        marks = self._others(others, events)
        text = self._usage(frame.filter(usage), marks, events)
        extra = self._events(events)
        return text + extra

    def _head(self, raw: str) -> None:
        cells = raw.rstrip("\r\n").split("\t")
        if cells[0] != "HEAD" or len(cells) < HEAD["min"]:
            raise FileRefused(1, "dsr_no_head")
        self.profile = cells[HEAD["profile"]]
        if self.profile not in PROFILES:
            raise FileRefused(1, "dsr_profile", p=self.profile)

    def _others(
        self, others: pl.DataFrame, events: list[tuple[int, int, str, dict[str, Any]]]
    ) -> pl.DataFrame:
        """Blocks, resources and summaries from the records that are not usage; their problems as events.
        Returns the block marks: (line, block, epoch) where a record names a block. Each kind of record is
        split only as far as its cells are read."""
        k = pl.col("k")

        def split(rows: pl.DataFrame, cells: int) -> pl.DataFrame:
            return rows.with_columns(s=pl.col("t").str.split_exact("\t", cells - 1)).unnest("s")

        def too_short(rows: pl.DataFrame, low: pl.Expr | int) -> pl.DataFrame:
            """Names the records shorter than ``low`` cells; returns the others."""
            checked = rows.with_columns(low=low if isinstance(low, pl.Expr) else pl.lit(low))
            is_short = pl.lit(False)
            for n in sorted({spec["min"] for spec in (*RESOURCE.values(), *SUMMARY.values())}):
                if f"field_{n - 1}" in checked.columns:
                    is_short = (
                        pl.when(pl.col("low") == n)
                        .then(pl.col(f"field_{n - 1}").is_null())
                        .otherwise(is_short)
                    )
            checked = checked.with_columns(short=is_short)
            for line, raw, low_n in checked.filter(pl.col("short")).select("n", "t", "low").iter_rows():
                record = raw.rstrip("\r\n").split("\t")
                events.append((line, 1, "log", {"code": "dsr_record_length", "kind": record[0], "low": low_n,
                                                "n": len(record)}))  # fmt: skip
            return checked.filter(~pl.col("short"))

        res = too_short(
            split(others.filter(k.is_in(list(RESOURCE))), WIDE),
            pl.when(k == "AS01").then(RESOURCE["AS01"]["min"]).otherwise(RESOURCE["AS02"]["min"]),
        )
        rel = split(others.filter(k.is_in(list(RELEASE))), 2).filter(pl.col("field_1").is_not_null())
        sums = too_short(
            split(others.filter(k.is_in(list(SUMMARY))), SUMMARY["SY01"]["min"]),
            pl.when(k == "SY08").then(SUMMARY["SY08"]["min"]).otherwise(SUMMARY["SY01"]["min"]),
        )
        rest = others.filter(~k.is_in([*RESOURCE, *RELEASE, *SUMMARY])).filter(
            pl.col("t").str.strip_chars() != ""
        )
        for line, raw in rest.select("n", "t").iter_rows():
            events.append(
                (line, 1, "log", {"code": "dsr_unknown_record", "kind": raw.split("\t", 1)[0][:20]})
            )
        marks = pl.concat([res.select("n", "k", blk="field_1"), rel.select("n", "k", blk="field_1")]).sort(
            "n"
        )
        changed = (pl.col("blk") != pl.col("blk").shift(1, fill_value=self.block)).cast(pl.Int64)
        marks = marks.with_columns(epoch=changed.cum_sum() + self.epoch)
        resources = _resource_cells(
            res.join(marks.select("n", "epoch"), on="n").select(
                rn="n", epoch="epoch", ref="field_2", isrc=_first(pl.col("field_4"), self.pipes), title="field_5",
                artist=_first(pl.col("field_7"), self.pipes), duration="field_9",
                iswc=pl.when(k == "AS02").then(_first(pl.col("field_11"), self.pipes)).otherwise(pl.lit("")),  # AS01 has none
            ),
            self._good_countries,
        )  # fmt: skip
        summaries = _summary_cells(
            sums.select(
                sn="n", sid="field_1",
                source=pl.when(k == "SY08").then(pl.col(f"field_{SUMMARY['SY08']['source']}"))
                .otherwise(pl.col(f"field_{SUMMARY['SY01']['source']}")),
            )
        )  # fmt: skip
        start_block, start_epoch = self.block, self.epoch
        if marks.height:
            self.block, self.epoch = marks["blk"][-1], int(marks["epoch"][-1])
        self.all_resources = pl.concat([self.resources, resources])
        self.all_summaries = pl.concat([self.summaries, summaries])
        # carried: the current block's resources (the last of each reference), every summary's last
        self.resources = self.all_resources.filter(pl.col("epoch") == self.epoch).unique(
            "ref", keep="last", maintain_order=True
        )
        self.summaries = self.all_summaries.unique("sid", keep="last", maintain_order=True)
        start = pl.DataFrame({"n": [0], "blk": [start_block], "epoch": [start_epoch]},
                             schema={"n": pl.Int64, "blk": pl.String, "epoch": pl.Int64})  # fmt: skip
        return pl.concat([start, marks.select("n", "blk", "epoch")])

    def _good_countries(self, countries: list[str]) -> list[str]:
        """The ISRC country codes that are valid, of those given (each checked once)."""
        from licensing.usage.rows import isrc_of

        for country in countries:
            if country not in self.countries:
                self.countries[country] = isrc_of(country + "A000000001") is not None
        return [c for c, ok in self.countries.items() if ok]

    def _usage(
        self, su: pl.DataFrame, marks: pl.DataFrame, events: list[tuple[int, int, str, dict[str, Any]]]
    ) -> str:
        if not su.height:
            return ""
        parts: list[str] = []
        for kind in su["k"].unique().sort().to_list():
            spec = USAGE[kind]
            low = spec["min"]
            rows = su.filter(pl.col("k") == kind)
            split = rows.select("n", "t", s=pl.col("t").str.split_exact("\t", low - 1)).unnest("s")
            last = f"field_{low - 1}"
            short = split.filter(pl.col(last).is_null())
            for line, raw in short.select("n", "t").iter_rows():
                cells = raw.rstrip("\r\n").split("\t")
                events.append((line, 1, "bad", {"code": "dsr_record_length", "kind": cells[0], "low": low,
                                                "n": len(cells)}))  # fmt: skip
            lines = split.filter(pl.col(last).is_not_null()).select(
                "n",
                blk="field_1",
                said=f"field_{spec['summary']}",
                ref_raw=f"field_{spec['resource']}",
                plays=f"field_{spec['plays']}",
            )
            parts.append(self._resolve(lines, marks, events))
        return "".join(parts)

    def _resolve(
        self, lines: pl.DataFrame, marks: pl.DataFrame, events: list[tuple[int, int, str, dict[str, Any]]]
    ) -> str:
        lines = lines.join_asof(
            marks.rename({"blk": "cur"}), on="n", strategy="backward", check_sortedness=False
        )
        wrong_block = lines.filter(pl.col("blk") != pl.col("cur"))
        for line, ref, blk in wrong_block.select("n", "ref_raw", "blk").iter_rows():
            events.append((line, 1, "bad", {"code": "dsr_unknown_resource", "ref": ref, "block": blk}))
        # only what the COPY text needs is joined to every line; the raw cells only to lines checked in Python
        lines = lines.filter(pl.col("blk") == pl.col("cur")).select(
            "n", "epoch", "cur", "said", "plays", ref=_first(pl.col("ref_raw"), self.pipes)
        )
        resources = self.all_resources.select("epoch", "ref", "rn", "rplain", "pre", "rseconds")
        lines = _latest_before(lines, resources, ["epoch", "ref"], ["epoch", "ref"], "rn")
        missing = lines.filter(pl.col("rn").is_null())
        for line, ref, blk in missing.select("n", "ref", "cur").iter_rows():
            events.append((line, 1, "bad", {"code": "dsr_unknown_resource", "ref": ref, "block": blk}))
        summaries = self.all_summaries.select("sid", "sn", "splain", "ssource")
        lines = _latest_before(lines.filter(pl.col("rn").is_not_null()), summaries, ["said"], ["sid"], "sn")
        missing = lines.filter(pl.col("sn").is_null())
        for line, said in missing.select("n", "said").iter_rows():
            events.append((line, 1, "bad", {"code": "dsr_unknown_summary", "ref": said}))
        lines = lines.filter(pl.col("sn").is_not_null())
        return self._values(lines, events)

    def _values(self, lines: pl.DataFrame, events: list[tuple[int, int, str, dict[str, Any]]]) -> str:
        """The COPY text of the lines whose values are plain; the others go to Python as events."""
        count = pl.col("plays").cast(pl.Int64, strict=False)
        plain = (
            pl.col("rplain") & pl.col("splain") & pl.col("plays").str.contains(r"^[0-9]{1,10}$")
            & (count > 0) & (count <= 2_000_000_000)
        )  # fmt: skip
        lines = lines.with_columns(plain=plain.fill_null(False))
        slow = (
            lines.filter(~pl.col("plain"))
            .select("n", "rn", "sn", "plays")
            .join(self.all_resources.select("rn", "isrc", "iswc", "title", "artist", "duration"), on="rn")
            .join(self.all_summaries.select("sn", "source"), on="sn")
        )
        for row in slow.select(
            "n", "isrc", "iswc", "title", "artist", "plays", "duration", "source"
        ).iter_rows(named=True):
            events.append((row.pop("n"), 1, "check", row))
        good = lines.filter(pl.col("plain"))
        if not good.height:
            return ""
        # the cells are COPY text already: written as they are, a tab between them
        text = good.select(
            pl.lit(self.prefix[:-1]).alias("p"),
            "n",
            pl.lit("\\N").alias("w"),
            "pre",
            count.alias("c"),
            "rseconds",
            "ssource",
        ).write_csv(None, separator="\t", quote_style="never", include_header=False, line_terminator="\n")
        self.checker.good += good.height
        return text

    def _events(self, events: list[tuple[int, int, str, dict[str, Any]]]) -> str:
        """The problems and the lines to check in Python, in line order; a refusal ends the file there."""
        checker = self.checker
        log = checker.log
        out: list[str] = []
        for line, _order, what, detail in sorted(events, key=lambda e: (e[0], e[1])):
            if what == "refuse":
                params = {k: v for k, v in detail.items() if k != "code"}
                raise FileRefused(line, detail["code"], **params)
            if what == "check":
                text = checker.check(line, **detail)
                if text is not None:
                    out.append(text)
                continue
            params = {k: v for k, v in detail.items() if k != "code"}
            log.add(line, detail["code"], **params)
            if what == "bad":
                checker.bad += 1
        return "".join(out)


def _odd(value: pl.Expr) -> pl.Expr:
    """A value with space at its edges, a carriage return, or the quote the platform's own exports put before
    a formula: lines with one are checked in Python, line by line."""
    return value.str.contains(r"^[\s']|\s$|\r")


def _escaped(value: pl.Expr) -> pl.Expr:
    return value.str.replace_all("\\", "\\\\", literal=True)


def _resource_cells(resources: pl.DataFrame, good_countries: Any) -> pl.DataFrame:
    """A resource's COPY cells before the count (ISRC, ISWC, title, artist) and its duration in seconds, with
    ``rplain`` false when any of them is not plain (lines naming it are then checked in Python)."""
    isrc = pl.col("isrc").str.to_uppercase()
    resources = resources.with_columns(isrc_n=isrc)
    countries = good_countries(
        resources.filter(pl.col("isrc_n").str.contains(ISRC_COMPACT))["isrc_n"]
        .str.slice(0, 2)
        .unique()
        .to_list()
    )
    iswcs = resources.filter(pl.col("iswc") != "")["iswc"].unique().to_list()
    iswc_map = pl.DataFrame(
        {"iswc": iswcs, "iswc_n": [iswc_of(v) for v in iswcs]},
        schema={"iswc": pl.String, "iswc_n": pl.String},
    )
    resources = resources.join(iswc_map, on="iswc", how="left")
    # a duration in seconds, by the line-by-line reader's own rule, once per distinct value (few in a file)
    durations = resources.filter(pl.col("duration") != "")["duration"].unique().to_list()
    duration_map = pl.DataFrame(
        {"duration": durations, "seconds": [duration_seconds(v) for v in durations]},
        schema={"duration": pl.String, "seconds": pl.Int64},
    )
    resources = resources.join(duration_map, on="duration", how="left")
    duration = pl.col("duration")

    odd = pl.lit(False)
    for name in ("isrc", "iswc", "title", "artist", "duration"):
        odd = odd | _odd(pl.col(name))
    plain = (
        ~odd
        & ((pl.col("isrc_n") == "") | (pl.col("isrc_n").str.contains(ISRC_COMPACT)
                                        & pl.col("isrc_n").str.slice(0, 2).is_in(countries)))
        & ((pl.col("iswc") == "") | pl.col("iswc_n").is_not_null())
        & ((pl.col("isrc_n") != "") | ((pl.col("title") != "") & (pl.col("artist") != "")))
        & ((duration == "") | pl.col("seconds").is_not_null())
        & (pl.col("title").str.len_chars() <= 300) & (pl.col("artist").str.len_chars() <= 300)
    )  # fmt: skip
    return resources.with_columns(
        rplain=plain.fill_null(False),
        pre=pl.concat_str(
            [
                pl.col("isrc_n"),
                pl.col("iswc_n").fill_null(""),
                _escaped(pl.col("title")),
                _escaped(pl.col("artist")),
            ],
            separator="\t",
        ),  # fmt: skip
        rseconds=pl.col("seconds").cast(pl.String).fill_null("\\N"),
    ).drop("isrc_n", "iswc_n", "seconds")


def _summary_cells(summaries: pl.DataFrame) -> pl.DataFrame:
    """A summary record's source as a COPY cell, with ``splain`` false when it is not plain."""
    source = pl.col("source")
    return summaries.with_columns(
        splain=(~_odd(source) & (source.str.len_chars() <= 200)).fill_null(False),
        ssource=_escaped(source),
    )


def _latest_before(
    lines: pl.DataFrame, defined: pl.DataFrame, left: list[str], right: list[str], at: str
) -> pl.DataFrame:
    """Each line with the record ``defined`` last before it under the same key (``at`` null where none is):
    a hash join when each key is defined once (the usual case), else an as-of join on the line number."""
    if defined.select(pl.struct(right).is_unique().all()).item():
        joined = lines.join(defined, left_on=left, right_on=right, how="left", coalesce=True)
        return joined.with_columns(pl.when(pl.col(at) < pl.col("n")).then(pl.col(at)).alias(at))
    return lines.sort("n").join_asof(
        defined.sort(at), left_on="n", right_on=at, by_left=left, by_right=right, strategy="backward",
        check_sortedness=False,
    )  # fmt: skip
