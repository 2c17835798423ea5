"""The fast way in for text files (CSV and DSR in UTF-8, windows-1251 or windows-1252): PostgreSQL reads the
file itself and the lines are checked set-based, so a file of millions of lines costs about what COPY costs.

1. The file's bytes go into an UNLOGGED table of the report's own by ``COPY … FROM STDIN``: a CSV into one text
   column per header column (PostgreSQL's CSV parser), a DSR file one line a row (records split with
   ``string_to_array`` afterwards). Each row gets its line number from an identity column, in file order.
2. The named values (the same as the template's columns) are gathered into a second table; for DSR, each SU
   record joined to the resource of its block and the summary record it names.
3. Each check is one query over all lines (``INSERT … SELECT`` into the problems table of the run): the first
   :data:`~licensing.usage.problems.MAX_STORED` problems are kept, all counted by code. ISRCs and ISWCs are
   checked by :mod:`udp.identifiers`, once per distinct value (an ISRC's validity is its format and its
   country code).
4. The good lines become COPY-shaped rows of the staging table the Python path fills too.

Anything this way cannot take exactly as the line-by-line readers would (a CSV line with the wrong number of
columns, a quoted field spanning lines, a blank line, mixed line ends) raises :class:`Fallback`: the caller
rolls back to its savepoint and reads the file line by line instead, naming each bad line.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections import Counter
from typing import IO, Any

from django.conf import settings
from django.db import connection

from licensing.usage.problems import MAX_STORED, ProblemLog
from licensing.usage.readers import PROFILES, FileRefused, _header
from licensing.usage.rows import isrc_of, iswc_of
from registers.importing import textfile

logger = logging.getLogger(__name__)
PG_ENCODINGS = {"utf-8": "UTF8", "cp1251": "WIN1251", "cp1252": "WIN1252"}
ISRC_FORMAT = r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$"


class Fallback(Exception):
    """The set-based way cannot read this file exactly: read it line by line."""


def usable(encoding: textfile.Encoding) -> bool:
    return encoding.codec in PG_ENCODINGS


class SetBased:
    def __init__(
        self, report: Any, fh: IO[bytes], encoding: textfile.Encoding, log: ProblemLog, lines_total: int
    ):
        self.report = report
        self.fh = fh
        self.encoding = encoding
        self.log = log
        self.lines_total = lines_total
        self.raw = f"licensing_usage_raw_{int(report.pk)}"
        self.fields = f"licensing_usage_fields_{int(report.pk)}"
        self.bad = f"licensing_usage_bad_{int(report.pk)}"
        self.parsed = f"licensing_usage_parsed_{int(report.pk)}"
        self.good = 0
        self.bad_lines = 0
        self.line = 0

    # -- reading the bytes ------------------------------------------------------------------------------------
    def _copy(self, sql: str) -> None:
        self.fh.seek(self.encoding.skip)
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            while chunk := self.fh.read(1 << 20):
                copy.write(chunk)
        self.fh.seek(0)

    def _options(self, extra: str) -> str:
        return f"ENCODING '{PG_ENCODINGS[self.encoding.codec]}', {extra}"

    def _execute(self, sql: str, params: Any = None) -> Any:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            logger.debug("%.3f s: %s", time.perf_counter() - started, sql[:160])
            return cursor.fetchall() if cursor.description else cursor.rowcount

    # -- CSV ------------------------------------------------------------------------------------------------------
    def load_csv(self) -> None:
        self.fh.seek(self.encoding.skip)
        first = self.fh.readline(65536).decode(self.encoding.codec, "replace")
        self.fh.seek(0)
        delimiter = ";" if first.count(";") > first.count(",") else ","
        import csv

        names = next(csv.reader([first], delimiter=delimiter), [])
        header = _header(names, 1)
        if any(not n for n in header) or len(set(header)) != len(header):
            raise Fallback("blank or repeated header cells")
        columns = ", ".join(f"c_{name} text" for name in header)
        self._execute(
            f"CREATE UNLOGGED TABLE {self.raw} (line_no bigint GENERATED ALWAYS AS IDENTITY, {columns})"
        )
        try:
            self._copy(
                f"COPY {self.raw} ({', '.join(f'c_{n}' for n in header)}) FROM STDIN "
                f"({self._options(f'FORMAT csv, HEADER true, DELIMITER {_literal(delimiter)}')})"
            )
        except Exception as exc:  # a line of the wrong width, a quote left open, mixed line ends
            raise Fallback(str(exc)) from None
        rows = self._execute(f"SELECT count(*) FROM {self.raw}")[0][0]
        if rows + 1 != self.lines_total:  # a quoted field spanning lines, or blank lines: numbers would drift
            raise Fallback("line numbers")
        self.line = self.lines_total

        def value(name: str) -> str:
            return f"coalesce(c_{name}, '')" if name in header else "''"

        self._execute(
            f"CREATE TEMPORARY VIEW {self.fields} AS SELECT line_no + 1 AS line_no, "
            + ", ".join(
                f"{value(n)} AS {n}"
                for n in ("played_at", "isrc", "iswc", "title", "artist", "plays", "duration", "source")
            )  # fmt: skip
            + f" FROM {self.raw}"
        )

    # -- DSR --------------------------------------------------------------------------------------------------------
    def load_dsr(self) -> None:
        self._execute(
            f"CREATE UNLOGGED TABLE {self.raw} (line_no bigint GENERATED ALWAYS AS IDENTITY, line text)"
        )
        try:
            self._copy(f"COPY {self.raw} (line) FROM STDIN ({self._options(_SINGLE_CELL)})")
        except Exception as exc:
            raise Fallback(str(exc)) from None
        ((rows, blank),) = self._execute(
            f"SELECT count(*), count(*) FILTER (WHERE coalesce(line, '') = '') FROM {self.raw}"
        )
        if rows != self.lines_total or blank:
            raise Fallback("line numbers")
        self.line = rows
        head = self._execute(f"SELECT line FROM {self.raw} WHERE line_no = 1")
        cells = head[0][0].split("\t") if head else []
        if not cells or cells[0] != "HEAD" or len(cells) < 10:
            raise FileRefused(1, "dsr_no_head")
        if cells[2] not in PROFILES:
            raise FileRefused(1, "dsr_profile", p=cells[2])
        foot = self._execute(
            f"SELECT line_no, line FROM {self.raw} WHERE line LIKE 'FOOT%%' ORDER BY line_no LIMIT 1"
        )
        if not foot:
            raise FileRefused(rows + 1, "dsr_no_foot")
        foot_line, foot_text = foot[0]
        if foot_line != rows:
            raise FileRefused(foot_line + 1, "dsr_after_foot")
        given = (foot_text.split("\t") + [""])[1].strip()
        if not given.isdecimal() or int(given) != rows:
            raise FileRefused(foot_line, "dsr_foot_count", given=given or "—", counted=rows)
        cells_table = f"licensing_usage_cells_{int(self.report.pk)}"
        self._execute(
            f"CREATE UNLOGGED TABLE {cells_table} AS SELECT line_no, left(c[1], 4) AS kind, c[1] AS record, c "
            f"FROM (SELECT line_no, string_to_array(line, E'\\t') AS c FROM {self.raw} WHERE line_no > 1 AND line_no < %s) s",
            [rows],
        )
        self.cells = cells_table
        self._execute(
            f"CREATE UNLOGGED TABLE {self.bad} (line_no bigint, code text, params jsonb, bad boolean)"
        )
        # record types not read, and records too short (an SU record too short is a bad line)
        self._execute(
            f"INSERT INTO {self.bad} SELECT line_no, 'dsr_unknown_record', jsonb_build_object('kind', left(record, 20)), false "
            f"FROM {cells_table} WHERE kind NOT IN ('SU01','SU02','SU05','AS01','AS02','SY01','SY02','SY03','SY08',"
            "'RE01','RE02','MW01')"
        )
        for kinds, low, bad in ((("SU01",), 9, True), (("SU02",), 8, True), (("SU05",), 7, True), (("AS01",), 11, False),
                                (("AS02",), 12, False), (("SY01", "SY02", "SY03"), 8, False), (("SY08",), 6, False)):  # fmt: skip
            self._execute(
                f"INSERT INTO {self.bad} SELECT line_no, 'dsr_record_length', jsonb_build_object('kind', record, 'low', "
                f"%s, 'n', cardinality(c)), %s FROM {cells_table} WHERE kind = ANY(%s) AND cardinality(c) < %s",
                [low, bad, list(kinds), low],
            )
        summaries = (
            f"SELECT DISTINCT ON (c[2]) c[2] AS id, CASE WHEN kind = 'SY08' THEN c[6] ELSE c[8] END AS source "
            f"FROM {cells_table} WHERE (kind IN ('SY01','SY02','SY03') AND cardinality(c) >= 8) "
            "OR (kind = 'SY08' AND cardinality(c) >= 6) ORDER BY c[2], line_no DESC"
        )
        resources = (
            f"SELECT DISTINCT ON (c[2], c[3]) c[2] AS block, c[3] AS ref, split_part(c[5], '|', 1) AS isrc, c[6] AS title, "
            "split_part(c[8], '|', 1) AS artist, c[10] AS duration, "
            "CASE WHEN kind = 'AS02' THEN split_part(c[12], '|', 1) ELSE '' END AS iswc "
            f"FROM {cells_table} WHERE (kind = 'AS01' AND cardinality(c) >= 11) OR (kind = 'AS02' AND cardinality(c) >= 12) "
            "ORDER BY c[2], c[3], line_no DESC"
        )
        usages = (
            "SELECT line_no, c[2] AS block, c[3] AS summary, "
            "split_part(CASE kind WHEN 'SU05' THEN c[5] ELSE c[6] END, '|', 1) AS ref, "
            "CASE kind WHEN 'SU01' THEN c[9] WHEN 'SU02' THEN c[8] ELSE c[7] END AS plays "
            f"FROM {cells_table} WHERE (kind = 'SU01' AND cardinality(c) >= 9) OR (kind = 'SU02' AND cardinality(c) >= 8) "
            "OR (kind = 'SU05' AND cardinality(c) >= 7)"
        )
        self._execute(
            f"CREATE UNLOGGED TABLE {self.fields} AS SELECT u.line_no, ''::text AS played_at, "
            "coalesce(r.isrc, '') AS isrc, coalesce(r.iswc, '') AS iswc, coalesce(r.title, '') AS title, "
            "coalesce(r.artist, '') AS artist, coalesce(u.plays, '') AS plays, coalesce(r.duration, '') AS duration, "
            "coalesce(s.source, '') AS source, u.ref, u.block, u.summary, r.ref IS NOT NULL AS has_resource, "
            "s.id IS NOT NULL AS has_summary "
            f"FROM ({usages}) u LEFT JOIN ({resources}) r ON r.block = u.block AND r.ref = u.ref "
            f"LEFT JOIN ({summaries}) s ON s.id = u.summary"
        )
        self._execute(
            f"INSERT INTO {self.bad} SELECT line_no, 'dsr_unknown_resource', jsonb_build_object('ref', ref, 'block', block), "
            f"true FROM {self.fields} WHERE NOT has_resource"
        )
        self._execute(
            f"INSERT INTO {self.bad} SELECT line_no, 'dsr_unknown_summary', jsonb_build_object('ref', summary), true "
            f"FROM {self.fields} WHERE has_resource AND NOT has_summary"
        )

    # -- the checks, set-based -----------------------------------------------------------------------------------
    def check(self) -> None:
        """One pass makes the typed lines with a flag per check; one query per check names the bad lines."""
        if not _exists(self.bad):
            self._execute(
                f"CREATE UNLOGGED TABLE {self.bad} (line_no bigint, code text, params jsonb, bad boolean)"
            )
        f, bad, parsed = self.fields, self.bad, self.parsed
        zone = settings.TIME_ZONE
        start, end = self.report.period_start, self.report.period_end
        dsr = _has_column(f, "has_resource")
        isrc_n = "upper(translate(btrim(isrc), ' -', ''))"
        # identifiers: each distinct value once, through udp.identifiers (an ISRC: its format and country code)
        invalid_isrc: list[str] = []
        for country, sample, wrong in self._execute(
            f"SELECT left(v, 2), min(v), array_agg(v) FILTER (WHERE v !~ %s) FROM (SELECT DISTINCT {isrc_n} AS v "
            f"FROM {f} WHERE btrim(isrc) <> '') d GROUP BY 1",
            [ISRC_FORMAT],
        ):
            invalid_isrc += wrong or []
            if isrc_of(sample if sample not in (wrong or []) else "") is None and sample not in (wrong or []):
                invalid_isrc += [v for (v,) in self._execute(
                    f"SELECT DISTINCT {isrc_n} FROM {f} WHERE {isrc_n} LIKE %s", [country + "%"])]  # fmt: skip
        iswcs = {
            v: iswc_of(v) or ""
            for (v,) in self._execute(f"SELECT DISTINCT btrim(iswc) FROM {f} WHERE btrim(iswc) <> ''")
        }
        unquote = (
            "CASE WHEN left({c}, 1) = chr(39) AND substr({c}, 2, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) "
            "THEN substr({c}, 2) ELSE {c} END"
        )
        # regexp captures are slow in PostgreSQL: values are tested with ~ and cut with substr and split_part,
        # each computed once (OFFSET 0 keeps the inner query from being folded into the outer one)
        self._execute(
            f"""CREATE UNLOGGED TABLE {parsed} AS
            SELECT line_no, isrc_raw, isrc_n, coalesce(w.norm, '') AS iswc_n, iswc_raw, (w.raw IS NULL OR w.norm <> '') AS iswc_ok,
                {unquote.format(c="title")} AS title, {unquote.format(c="artist")} AS artist, {unquote.format(c="source")} AS source,
                plays, CASE WHEN plays <> '' AND length(plays) <= 12 AND ltrim(plays, '0123456789') = '' THEN plays::bigint
                  END AS plays_n, duration,
                CASE WHEN duration = '' THEN NULL
                  WHEN shape = '' AND length(duration) <= 9 THEN duration::integer
                  WHEN shape = ':' AND length(duration) <= 13 AND left(duration, 1) <> ':' AND right(duration, 1) <> ':'
                    THEN split_part(duration, ':', 1)::integer * 60
                    + split_part(duration, ':', 2)::integer
                  WHEN shape = '::' AND length(duration) <= 14 AND position('::' in duration) = 0
                    AND left(duration, 1) <> ':' AND right(duration, 1) <> ':' THEN split_part(duration, ':', 1)::integer * 3600
                    + split_part(duration, ':', 2)::integer * 60 + split_part(duration, ':', 3)::integer
                  WHEN length(duration) <= 30 AND left(duration, 2) = 'PT' AND length(duration) > 3
                    AND translate(pt, '0123456789.', '') IN ('H', 'M', 'S', 'HM', 'HS', 'MS', 'HMS')
                    AND translate(pt, '0123456789.', '#') !~ '^#?[HMS]|[HMS][HMS]|#.*#' IS NOT TRUE THEN
                    coalesce(nullif(CASE WHEN pt LIKE '%%H%%' THEN split_part(pt, 'H', 1) END, '')::integer, 0) * 3600
                    + coalesce(nullif(CASE WHEN pt_m LIKE '%%M%%' THEN split_part(pt_m, 'M', 1) END, '')::integer, 0) * 60
                    + coalesce(floor(nullif(CASE WHEN pt_s LIKE '%%S' THEN rtrim(pt_s, 'S') END, '')::numeric)::integer, 0)
                  END AS seconds,
                played_at,
                CASE WHEN stamp IN ('9999-99-99', '9999-99-99 99:99', '9999-99-99T99:99', '9999-99-99 99:99:99',
                  '9999-99-99T99:99:99') AND substr(played_at, 6, 2)::int BETWEEN 1 AND 12 AND substr(played_at, 9, 2)::int >= 1
                  AND substr(played_at, 9, 2)::int <= extract(day FROM make_date(substr(played_at, 1, 4)::int,
                    substr(played_at, 6, 2)::int, 1) + interval '1 month - 1 day')
                  AND coalesce(nullif(substr(played_at, 12, 2), ''), '0')::int < 24
                  AND coalesce(nullif(substr(played_at, 15, 2), ''), '0')::int < 60
                  AND coalesce(nullif(substr(played_at, 18, 2), ''), '0')::int < 60
                  THEN make_timestamptz(substr(played_at, 1, 4)::int, substr(played_at, 6, 2)::int, substr(played_at, 9, 2)::int,
                    coalesce(nullif(substr(played_at, 12, 2), ''), '0')::int, coalesce(nullif(substr(played_at, 15, 2), ''), '0')::int,
                    coalesce(nullif(substr(played_at, 18, 2), ''), '0')::int, %(zone)s) END AS moment,
                (isrc_n = '' OR NOT isrc_n = ANY(%(invalid)s)) AS isrc_ok
            FROM (
              SELECT *, CASE WHEN pt LIKE '%%H%%' THEN split_part(pt, 'H', 2) ELSE pt END AS pt_m,
                CASE WHEN pt LIKE '%%M%%' THEN split_part(CASE WHEN pt LIKE '%%H%%' THEN split_part(pt, 'H', 2) ELSE pt END, 'M', 2)
                  WHEN pt LIKE '%%H%%' THEN split_part(pt, 'H', 2) ELSE pt END AS pt_s
              FROM (
                SELECT line_no, upper(btrim(isrc)) AS isrc_raw, upper(translate(btrim(isrc), ' -', '')) AS isrc_n,
                  btrim(iswc) AS iswc_raw, btrim(title) AS title, btrim(artist) AS artist, btrim(source) AS source,
                  btrim(plays) AS plays, btrim(duration) AS duration, substr(btrim(duration), 3) AS pt,
                  translate(btrim(duration), '0123456789', '') AS shape,
                  btrim(played_at) AS played_at, translate(btrim(played_at), '0123456789', '9999999999') AS stamp
                FROM {f} {"WHERE has_resource AND has_summary" if dsr else ""} OFFSET 0
              ) a OFFSET 0
            ) t LEFT JOIN unnest(%(raw)s::text[], %(norm)s::text[]) AS w(raw, norm) ON w.raw = t.iswc_raw""",
            {"invalid": invalid_isrc, "zone": zone, "raw": list(iswcs),
             "norm": list(iswcs.values())},
        )  # fmt: skip
        checks = [
            ("bad_isrc", "jsonb_build_object('v', isrc_raw)", "NOT isrc_ok"),
            ("bad_iswc", "jsonb_build_object('v', iswc_raw)", "NOT iswc_ok"),
            ("no_recording", "'{}'::jsonb", "isrc_n = '' AND (title = '' OR artist = '')"),
            ("plays_not_positive", "jsonb_build_object('v', plays)",
             "(plays_n IS NOT NULL AND (plays_n <= 0 OR plays_n > 2000000000)) OR plays ~ '^-[0-9]+$'"),
            ("plays_not_number", "jsonb_build_object('v', plays)", "plays_n IS NULL AND plays !~ '^-[0-9]+$'"),
            ("duration_bad", "jsonb_build_object('v', duration)", "duration <> '' AND seconds IS NULL"),
            ("played_at_bad", "jsonb_build_object('v', played_at)", "played_at <> '' AND moment IS NULL"),
            ("field_too_long", "jsonb_build_object('f', 'title', 'limit', 300)", "char_length(title) > 300"),
            ("field_too_long", "jsonb_build_object('f', 'artist', 'limit', 300)", "char_length(artist) > 300"),
            ("field_too_long", "jsonb_build_object('f', 'source', 'limit', 200)", "char_length(source) > 200"),
        ]  # fmt: skip
        for code, params, where in checks:
            self._execute(
                f"INSERT INTO {bad} SELECT line_no, '{code}', {params}, true FROM {parsed} WHERE {where}"
            )
        self._execute(
            f"INSERT INTO {bad} SELECT line_no, 'outside_period', jsonb_build_object('day', "
            f"to_char((moment AT TIME ZONE %s)::date, 'YYYY-MM-DD'), 'start', %s, 'end', %s), true FROM {parsed} "
            f"WHERE moment IS NOT NULL AND (moment AT TIME ZONE %s)::date NOT BETWEEN %s AND %s",
            [zone, start.isoformat(), end.isoformat(), zone, start, end],
        )
        self._collect()

    def _collect(self) -> None:
        bad = self.bad
        counts = Counter(
            {code: n for code, n in self._execute(f"SELECT code, count(*) FROM {bad} GROUP BY code")}
        )
        for line_no, code, params in self._execute(
            f"SELECT line_no, code, params FROM {bad} ORDER BY line_no, code LIMIT %s", [MAX_STORED]
        ):
            values = json.loads(params) if isinstance(params, str) else params
            self.log.add(int(line_no), code, **(values or {}))
        for code, n in counts.items():
            self.log.counts[code] = n
        ((self.bad_lines,),) = self._execute(f"SELECT count(DISTINCT line_no) FROM {bad} WHERE bad")
        ((total,),) = self._execute(f"SELECT count(*) FROM {self.parsed}")
        dsr_bad = self._execute(
            f"SELECT count(DISTINCT line_no) FROM {bad} WHERE bad AND code IN "
            "('dsr_unknown_resource', 'dsr_unknown_summary', 'dsr_record_length')"
        )[0][0]
        self.good = int(total) - (int(self.bad_lines) - int(dsr_bad))

    def select_good(self) -> tuple[str, list[Any]]:
        """The good lines in the staging table's columns: a SELECT for ``INSERT … SELECT``, with its parameters."""
        parsed, bad = self.parsed, self.bad
        zone = settings.TIME_ZONE
        return (
            f"SELECT %s, %s, CASE WHEN moment IS NULL THEN %s::date ELSE date_trunc('month', moment AT TIME ZONE %s)::date "
            "END, line_no, moment, isrc_n, iswc_n, title, artist, plays_n, seconds, source "
            f"FROM {parsed} WHERE NOT EXISTS (SELECT 1 FROM {bad} b WHERE b.line_no = {parsed}.line_no AND b.bad)",
            [self.report.pk, self.report.licence_id, self.report.period_start.replace(day=1), zone],
        )

    def months(self) -> list[dt.date]:
        zone = settings.TIME_ZONE
        rows = self._execute(
            f"SELECT DISTINCT CASE WHEN moment IS NULL THEN %s::date ELSE date_trunc('month', moment AT TIME ZONE %s)::date "
            f"END FROM {self.parsed}",
            [self.report.period_start.replace(day=1), zone],
        )
        return [r[0] for r in rows]

    def drop(self) -> None:
        self._execute(f"DROP VIEW IF EXISTS {self.fields}") if not _exists_table(self.fields) else None
        for table in (
            self.raw,
            self.fields,
            self.bad,
            self.parsed,
            f"licensing_usage_cells_{int(self.report.pk)}",
        ):
            self._execute(f"DROP TABLE IF EXISTS {table}")


_SINGLE_CELL = "FORMAT csv, DELIMITER E'\\x1f', QUOTE E'\\x01'"


def _literal(char: str) -> str:
    return "E'\\t'" if char == "\t" else f"'{char}'"


def _exists(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
        return bool(cursor.fetchone()[0])


def _exists_table(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_class WHERE relname = %s AND relkind = 'r')", [name])
        return bool(cursor.fetchone()[0])


def _has_column(table: str, column: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s)",
            [table, column],
        )
        return bool(cursor.fetchone()[0])


__all__ = ["Fallback", "SetBased", "usable"]
