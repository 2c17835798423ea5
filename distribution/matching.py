"""Matching usage lines to recordings and works, set-based, on the distinct keys (Art. 46.1 (3)).

A period (one month of ``licensing_usage_line``) is matched in three steps:

1. :func:`prepare_period` — one parallel ``CREATE UNLOGGED TABLE … AS SELECT`` gathers each CMO's distinct
   (title, artist, ISRC, ISWC) of the month's counted lines (reports accepted or partly accepted) with
   their counts into the month's work table (:func:`staged_table`), hash-joined to the registers' ISRCs
   and ISWCs (stage 1) and numbered in the order of their texts (for one CMO, the order of the unique key of
   :class:`~distribution.models.UsageKey`). Keys of an earlier gathering left unmatched or for review (not
   decided by a person) are reopened; a month with no key yet is marked so its chunks insert plainly.
2. :func:`chunks` — ranges of those numbers; each range is one :func:`match_chunk` (the Celery task
   ``distribution.match_chunk``), idempotent: a key is written again only when it was reopened (a chunk
   whose first key is written, or that meets a key written meanwhile, inserts or updates instead).
3. :func:`match_chunk` — one ``INSERT … SELECT`` writes each key of the range once with its final stage:
   (1) the identifier found while gathering; the normalized key of the others (``distribution_key_part``
   and ``distribution_artist_key`` in SQL: one Latin spelling of Kazakh, Russian and Latin script, case,
   spaces and punctuation gone, "feat. …" and second artists dropped), computed once per key; (2) the CMO's
   confirmed match; (3) the normalized key against :class:`WorkKey` (one candidate matches, several go to
   review); then (4) fuzzy candidates (:mod:`distribution.fuzzy`) for the keys left; what is left is
   unmatched. :func:`finish_period` drops the work table.

Lines are never linked one by one: :func:`matched_usage_sql` joins them to their key on the four columns
the keys were made distinct on (a hash join).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import IntegrityError, connection, transaction

#: The statuses of a report whose lines count (as :mod:`licensing.reconciling` reads them).
COUNTED_REPORTS = ("accepted", "partial")
#: Roles whose names make a key: performers and the writers of a musical work.
NAME_ROLES = ("PER", "CA", "C", "A")
#: Distinct keys per chunk (one Celery task each).
CHUNK = 50_000


def refresh_work_keys() -> int:
    """Rebuild :class:`WorkKey` from the registers, set-based: every title (the work's and its other
    titles) of each musical work, recording and performance with each name (Kazakh, Russian, Latin, as
    credited) of its performers and writers. Returns the number of keys."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE distribution_workkey IN EXCLUSIVE MODE")
        cursor.execute("TRUNCATE distribution_workkey")
        cursor.execute(
            """
            WITH titles AS (
                SELECT w.id AS work_id, distribution_key_part(w.title) AS k
                  FROM registers_work w WHERE w.kind IN ('musical', 'recording', 'performance')
                UNION
                SELECT t.work_id, distribution_key_part(t.title)
                  FROM registers_worktitle t JOIN registers_work w ON w.id = t.work_id
                 WHERE w.kind IN ('musical', 'recording', 'performance')
            ), party_names AS (
                SELECT DISTINCT p.id AS party_id, distribution_key_part(n) AS k
                  FROM registers_party p, unnest(ARRAY[p.name_kk, p.name_ru, p.name_lat]) AS n
                 WHERE n <> '' AND p.id IN (SELECT party_id FROM registers_workcontributor
                                             WHERE role = ANY(%(roles)s))
            ), names AS (
                SELECT c.work_id, pn.k FROM registers_workcontributor c
                  JOIN party_names pn ON pn.party_id = c.party_id
                 WHERE c.role = ANY(%(roles)s)
                UNION
                SELECT c.work_id, distribution_key_part(c.credited_as) FROM registers_workcontributor c
                 WHERE c.role = ANY(%(roles)s) AND c.credited_as <> ''
            ), embodied AS (
                SELECT recording_id, min(work_id) AS work_id FROM registers_embodiedwork GROUP BY recording_id
            )
            INSERT INTO distribution_workkey (nkey, block, work_id, recording_id)
            SELECT DISTINCT t.k || '|' || n.k, left(t.k, 2) || left(n.k, 1),
                   CASE WHEN w.kind = 'musical' THEN w.id ELSE e.work_id END,
                   CASE WHEN w.kind = 'musical' THEN NULL ELSE w.id END
              FROM titles t
              JOIN names n ON n.work_id = t.work_id
              JOIN registers_work w ON w.id = t.work_id
              LEFT JOIN embodied e ON e.recording_id = w.id
             WHERE t.k <> '' AND n.k <> ''
            """,
            {"roles": list(NAME_ROLES)},
        )
        count = cursor.rowcount
        cursor.execute("ANALYZE distribution_workkey")
    return count


#: Memory for the hash aggregates and sorts of gathering and matching (per statement node, per process).
WORK_MEM = "256MB"


def staged_table(period: dt.date) -> str:
    """The month's distinct keys as :func:`prepare_period` gathered them (an unlogged work table)."""
    return f"distribution_keys_{period:%Y%m}"


def prepare_period(period: dt.date) -> int:
    """Gather the month's distinct keys into its work table (one parallel aggregate over the month's
    partition, with the registers' ISRC and ISWC each matches, sorted by their texts and numbered, so
    chunks are ranges of numbers and each writes its keys in index order), bring the counts of keys
    already there up to date and give the keys not decided by a person another try. Returns the number
    of distinct keys (all of them go through a chunk; one already decided stays as it is)."""
    staged = staged_table(period)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext('distribution.prepare_period'), %s)",
            [period.year * 100 + period.month],
        )
        cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        # compiling the plan (in each parallel worker) costs more than it saves on a scan of text keys
        cursor.execute("SET LOCAL jit = off")
        # a hash aggregate of a month's keys spills to disk and leaves them to be sorted for numbering after
        cursor.execute("SET LOCAL enable_hashagg = off")
        cursor.execute(f"DROP TABLE IF EXISTS {staged}")
        # no key of the month written yet (its first gathering): the chunks insert without looking for one
        # (asked per CMO, so each is one probe of the keys' unique index, not a scan of every month's keys)
        cursor.execute(
            "SELECT NOT EXISTS (SELECT 1 FROM registers_cmo c WHERE EXISTS ("
            "    SELECT 1 FROM distribution_usagekey u WHERE u.cmo_id = c.id AND u.period = %s))",
            [period],
        )
        row = cursor.fetchone()
        fresh = bool(row and row[0])
        # the licences joined by hash in each parallel worker, so the workers sort on the whole key and group
        # their part of it (a partial aggregate) before the merge; a nested loop to the licences after the merge
        # left the leader alone to sort again by CMO and to group every line (about 2 s of 11 on 5 million)
        cursor.execute("SET LOCAL enable_nestloop = off")
        cursor.execute(
            f"""
            CREATE UNLOGGED TABLE {staged} AS
            SELECT g.n, g.cmo_id, g.title, g.artist, g.isrc, g.iswc, g.lines, g.plays,
                   r.id AS rec, w.id AS iswc_work, %(fresh)s::boolean AS fresh
              -- grouped by sorting on the keys in bytes, the title first (each worker sorts its part of the
              -- month, the parts merged), so the groups come out in the order they are numbered in, with no
              -- second sort; for one CMO that is the order of the keys' unique index
              FROM (SELECT row_number() OVER (ORDER BY k.title, k.artist, k.isrc, k.iswc, k.cmo_id)::bigint AS n,
                           k.*
                      FROM (SELECT l.title COLLATE "C" AS title, l.artist COLLATE "C" AS artist,
                                   l.isrc COLLATE "C" AS isrc, l.iswc COLLATE "C" AS iswc, li.cmo_id,
                                   count(*)::int AS lines, sum(l.plays)::bigint AS plays
                              FROM licensing_usage_line l
                              JOIN licensing_usagereport r ON r.id = l.report_id AND r.status = ANY(%(counted)s)
                              JOIN licensing_licence li ON li.id = l.licence_id
                             WHERE l.period = %(period)s
                             GROUP BY 1, 2, 3, 4, 5) AS k) AS g
              -- stage 1 (ISRC, then ISWC) as one hash join of all the month's keys with the registers; a key
              -- with no identifier hashes to nothing rather than to an identifier cleaned of nothing. An ISRC
              -- is twelve letters and digits, as wide as the lines' column: one with anything else in it has
              -- fewer and matches no registered ISRC, cleaned or not, so only its case is made the registers'
              -- (no pattern to run on a million keys); an ISWC may be written with its dots and dashes
              LEFT JOIN registers_work r ON r.isrc = upper(nullif(g.isrc, ''))
              LEFT JOIN registers_work w
                ON w.iswc = CASE WHEN g.iswc <> '' THEN upper(regexp_replace(g.iswc, '[^A-Za-z0-9]', '', 'g')) END
            """,
            {"period": period, "counted": list(COUNTED_REPORTS), "fresh": fresh},
        )
        count = cursor.rowcount
        cursor.execute("SET LOCAL enable_nestloop = on")
        cursor.execute(f"CREATE INDEX ON {staged} (n)")
        cursor.execute(f"ANALYZE {staged}")
        # the gathering recorded with the counted reports it saw (in this transaction's snapshot, as its lines)
        cursor.execute(
            """
            INSERT INTO distribution_matchingmonth (period, gathering, reports, gathered_at, chunks, done)
            VALUES (%(period)s, 1, %(reports)s, now(), 0, '{}')
            ON CONFLICT (period) DO UPDATE
               SET gathering = distribution_matchingmonth.gathering + 1, reports = EXCLUDED.reports,
                   gathered_at = EXCLUDED.gathered_at, chunks = 0, done = '{}', finished_at = NULL
            """,
            {"period": period, "reports": _reports_seen(cursor, [period]).get(period, "")},
        )
        if fresh:
            return count
        # keys of an earlier gathering: counts brought up to date; the undecided ones tried again
        reopen = "(k.decided_by_id IS NULL AND k.status IN ('unmatched', 'review'))"
        cursor.execute(
            f"""
            UPDATE distribution_usagekey k
               SET lines = s.lines, plays = s.plays,
                   status = CASE WHEN {reopen} THEN 'pending' ELSE k.status END,
                   stage = CASE WHEN {reopen} THEN 0 ELSE k.stage END,
                   score = CASE WHEN {reopen} THEN NULL ELSE k.score END,
                   work_id = CASE WHEN {reopen} THEN NULL ELSE k.work_id END,
                   recording_id = CASE WHEN {reopen} THEN NULL ELSE k.recording_id END,
                   candidates = CASE WHEN {reopen} THEN '{{}}' ELSE k.candidates END
              FROM {staged} s
             WHERE k.period = %(period)s AND s.cmo_id = k.cmo_id AND s.title = k.title COLLATE "C"
               AND s.artist = k.artist COLLATE "C" AND s.isrc = k.isrc COLLATE "C"
               AND s.iswc = k.iswc COLLATE "C"
               AND ({reopen} OR (k.lines, k.plays) IS DISTINCT FROM (s.lines, s.plays))
            """,
            {"period": period},
        )
    return count


def chunks(period: dt.date, size: int = CHUNK) -> list[tuple[int, int]]:
    """The ranges of the month's gathered keys (their numbers), ``size`` keys each (the last smaller)."""
    staged = staged_table(period)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [staged])
        row = cursor.fetchone()
        if not row or row[0] is None:
            return []
        cursor.execute(f"SELECT count(*) FROM {staged}")
        row = cursor.fetchone()
    total = int(row[0]) if row else 0
    return [(lo, min(lo + size - 1, total)) for lo in range(1, total + 1, size)]


def finish_period(period: dt.date) -> None:
    """Drop the month's work table once every chunk is done (a later gathering makes it again)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {staged_table(period)}")
        cursor.execute(
            "UPDATE distribution_matchingmonth SET finished_at = now() WHERE period = %s", [period]
        )


#: Each month's counted reports as a fingerprint of their ids: a report counts in every month it covers.
REPORTS_SEEN = """
    SELECT m.month::date, md5(string_agg(r.id::text, ',' ORDER BY r.id))
      FROM licensing_usagereport r
     CROSS JOIN LATERAL generate_series(date_trunc('month', r.period_start), r.period_end, interval '1 month') AS m(month)
     WHERE r.status = ANY(%(counted)s)
       AND (%(months)s::date[] IS NULL OR m.month::date = ANY(%(months)s::date[]))
     GROUP BY 1
"""


def _reports_seen(cursor: Any, months: Sequence[dt.date] | None) -> dict[dt.date, str]:
    cursor.execute(
        REPORTS_SEEN, {"counted": list(COUNTED_REPORTS), "months": list(months) if months else None}
    )
    return dict(cursor.fetchall())


def due_months(
    months: Sequence[dt.date] | None = None, *, running_for: dt.timedelta | None = None
) -> list[dt.date]:
    """The months (of ``months`` when given) to match again: never gathered, or whose counted reports are no
    longer those their last gathering saw (a report accepted since, or replaced), or asked again since
    (:func:`ask_again`), or whose last gathering did not finish. ``running_for``: leave out a month whose
    gathering began less than that long ago and whose chunks are not all done (they are on their way); one
    unfinished for longer lost them, and is gathered again."""
    if months is not None and not months:
        return []
    params: dict[str, Any] = {
        "counted": list(COUNTED_REPORTS),
        "months": list(months) if months else None,
        "running": running_for,
    }
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH seen AS ({REPORTS_SEEN})
            SELECT s.month FROM seen s(month, reports)
              LEFT JOIN distribution_matchingmonth mm ON mm.period = s.month
             WHERE (mm.id IS NULL OR mm.gathered_at IS NULL OR mm.reports <> s.reports
                    OR mm.requested_at > mm.gathered_at OR mm.finished_at IS NULL)
               AND (%(running)s::interval IS NULL OR mm.id IS NULL OR mm.finished_at IS NOT NULL
                    OR mm.gathered_at IS NULL OR mm.gathered_at < now() - %(running)s::interval)
             ORDER BY 1
            """,
            params,
        )
        return [row[0] for row in cursor.fetchall()]


def match_due(months: Sequence[dt.date], *, fuzzy: bool = True) -> list[dt.date]:
    """Match here, one after another, those of ``months`` that are due (:func:`due_months`): what a run does
    before it reads their matched use. Returns the months matched."""
    due = due_months(months)
    for month in due:
        match_period(month, fuzzy=fuzzy)
    return due


def ask_again(since: dt.date) -> int:
    """Ask the months from ``since`` on whose keys nobody decided were left unmatched or for review to be matched
    again (the registers' keys were rebuilt: a work registered since may match them). Returns how many. Asked
    at the moment of asking, so a gathering that began before (``now()``: its transaction's start) is due again."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE distribution_matchingmonth mm SET requested_at = clock_timestamp()
             WHERE mm.period >= %s AND EXISTS (
                   SELECT 1 FROM distribution_usagekey k
                    WHERE k.period = mm.period AND k.status IN ('unmatched', 'review') AND k.decided_by_id IS NULL)
            """,
            [since],
        )
        return cursor.rowcount


def chunks_sent(period: dt.date, count: int) -> int:
    """Record that the month's last gathering was sent as ``count`` chunks; returns that gathering's number
    (each chunk's task reports to it, :func:`chunk_done`)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE distribution_matchingmonth SET chunks = %s WHERE period = %s RETURNING gathering",
            [count, period],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def gathering_open(period: dt.date, gathering: int) -> bool:
    """Whether ``gathering`` is the month's last gathering and some of its chunks are not done yet."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM distribution_matchingmonth WHERE period = %s AND gathering = %s AND finished_at IS NULL",
            [period, gathering],
        )
        return cursor.fetchone() is not None


def chunk_done(period: dt.date, gathering: int, lo: int) -> bool:
    """Record the chunk from ``lo`` of the month's gathering ``gathering`` done (once, however often it is
    run; a chunk of an earlier gathering counts for nothing). The last one drops the month's work table
    (:func:`finish_period`); returns whether this was it."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE distribution_matchingmonth SET done = array_append(done, %(lo)s)
             WHERE period = %(period)s AND gathering = %(gathering)s AND NOT (%(lo)s = ANY(done))
            RETURNING cardinality(done) >= chunks
            """,
            {"period": period, "gathering": gathering, "lo": lo},
        )
        row = cursor.fetchone()
        last = bool(row and row[0])
        if last:
            finish_period(period)
    return last


@dataclass
class ChunkResult:
    identifier: int = 0
    confirmed: int = 0
    key: int = 0
    fuzzy: int = 0
    review: int = 0
    unmatched: int = 0


#: One statement per chunk: each gathered key of the range with every exact stage worked out at once, and
#: written once: (1) ISRC, then ISWC, as the gathering found them (a recording brings the work it
#: embodies); the normalized key of the others, computed once per key; (2) the CMO's confirmed match of
#: that key; (3) the registers' keys (one recording matches, with the work it embodies; no recording and
#: one work matches; anything else goes to review with the candidates, recordings first). What none of them
#: matched waits for the fuzzy stage (``fuzzy``) when it has a block, and is unmatched otherwise. A key
#: already written is matched again only when its gathering reopened it (``pending``). The work table keeps
#: the texts bytewise ("C"); the normalizing functions take them in the database's collation, as lines are.
MATCH = """
    WITH s AS MATERIALIZED (
        SELECT s.n, s.cmo_id, s.title, s.artist, s.isrc, s.iswc, s.lines, s.plays, s.rec,
               CASE WHEN s.rec IS NOT NULL
                    THEN (SELECT min(e.work_id) FROM registers_embodiedwork e WHERE e.recording_id = s.rec)
               END AS rec_work,
               s.iswc_work,
               CASE WHEN s.rec IS NULL AND s.iswc_work IS NULL AND (s.title <> '' OR s.artist <> '')
                    THEN distribution_key_part(s.title COLLATE "default") END AS t,
               CASE WHEN s.rec IS NULL AND s.iswc_work IS NULL AND (s.title <> '' OR s.artist <> '')
                    THEN distribution_artist_key(s.artist COLLATE "default") END AS a
          FROM {staged} s
         WHERE s.n BETWEEN %(lo)s AND %(hi)s
    ), k AS (
        SELECT s.*, coalesce(s.t || '|' || s.a, '') AS nkey, coalesce(left(s.t, 2) || left(s.a, 1), '') AS block
          FROM s
    ), m AS (
        SELECT k.*, c.work_id AS c_work, c.recording_id AS c_rec, c.id AS confirmed, x.*
          FROM k
          LEFT JOIN LATERAL (
                SELECT c.id, c.work_id, c.recording_id FROM distribution_confirmedmatch c
                 WHERE k.nkey <> '' AND c.cmo_id = k.cmo_id AND c.nkey = k.nkey LIMIT 1) AS c ON true
          LEFT JOIN LATERAL (
                SELECT count(*) AS found,
                       min(wk.recording_id) AS recording, max(wk.recording_id) AS last_recording,
                       min(wk.work_id) FILTER (WHERE wk.recording_id IS NOT NULL) AS recording_work,
                       min(wk.work_id) FILTER (WHERE wk.recording_id IS NULL) AS work,
                       max(wk.work_id) FILTER (WHERE wk.recording_id IS NULL) AS last_work
                  FROM distribution_workkey wk
                 WHERE k.nkey <> '' AND c.id IS NULL AND wk.nkey = k.nkey) AS x ON true
    ), r AS (
        SELECT m.*,
               CASE WHEN rec IS NOT NULL OR iswc_work IS NOT NULL THEN 1
                    WHEN confirmed IS NOT NULL THEN 2
                    WHEN found > 0 THEN 3 ELSE 0 END AS stage,
               found > 0 AND (recording = last_recording
                              OR (recording IS NULL AND work = last_work)) AS by_key
          FROM m
    ), ins AS (
        INSERT INTO distribution_usagekey AS u
               (cmo_id, period, isrc, iswc, title, artist, nkey, block, lines, plays, stage, score, status,
                work_id, recording_id, candidates)
        SELECT cmo_id, %(period)s, isrc, iswc, title, artist, nkey, block, lines, plays, stage,
               CASE WHEN stage IN (1, 2) OR by_key THEN 100 END,
               CASE WHEN stage IN (1, 2) OR by_key THEN 'matched'
                    WHEN stage = 3 THEN 'review'
                    WHEN %(fuzzy)s AND block <> '' THEN 'pending'
                    ELSE 'unmatched' END,
               CASE stage WHEN 1 THEN coalesce(rec_work, CASE WHEN rec IS NULL THEN iswc_work END)
                          WHEN 2 THEN c_work
                          WHEN 3 THEN CASE WHEN recording = last_recording THEN recording_work
                                           WHEN recording IS NULL AND work = last_work THEN work END END,
               CASE stage WHEN 1 THEN rec
                          WHEN 2 THEN c_rec
                          WHEN 3 THEN CASE WHEN recording = last_recording THEN recording END END,
               -- the candidates (recordings, and works with none, the first ten by number): the one found,
               -- or read again when there are several
               CASE WHEN stage <> 3 THEN '{{}}'
                    WHEN recording = last_recording AND work IS NULL THEN ARRAY[recording]
                    WHEN recording IS NULL AND work = last_work THEN ARRAY[work]
                    ELSE ARRAY(SELECT DISTINCT coalesce(wk.recording_id, wk.work_id)
                                 FROM distribution_workkey wk WHERE wk.nkey = r.nkey ORDER BY 1 LIMIT 10) END
          FROM r
         ORDER BY n
        {conflict}
        RETURNING u.id, u.stage, u.status
    )
    SELECT stage, status, count(*), array_agg(id) FILTER (WHERE status = 'pending') FROM ins GROUP BY 1, 2
"""

#: How :data:`MATCH` meets a key already written: matched again only when its gathering reopened it.
#: Left out where the month had no key when it was gathered and the chunk's first key is not written yet
#: (a chunk writes all its keys or none): a plain insert, which costs a quarter less.
ON_CONFLICT = """
            ON CONFLICT (cmo_id, period, title COLLATE "C", artist COLLATE "C", isrc COLLATE "C",
                         iswc COLLATE "C")
            DO UPDATE SET nkey = EXCLUDED.nkey, block = EXCLUDED.block, lines = EXCLUDED.lines,
                          plays = EXCLUDED.plays, stage = EXCLUDED.stage, score = EXCLUDED.score,
                          status = EXCLUDED.status, work_id = EXCLUDED.work_id,
                          recording_id = EXCLUDED.recording_id, candidates = EXCLUDED.candidates
            WHERE u.status = 'pending'
"""

#: Whether a chunk may insert plainly: its gathering was the month's first and its first key is not written.
FIRST_WRITE = """
    SELECT s.fresh AND NOT EXISTS (
               SELECT 1 FROM distribution_usagekey u
                WHERE u.cmo_id = s.cmo_id AND u.period = %(period)s AND u.title = s.title COLLATE "C"
                  AND u.artist = s.artist COLLATE "C" AND u.isrc = s.isrc COLLATE "C"
                  AND u.iswc = s.iswc COLLATE "C")
      FROM {staged} s WHERE s.n = %(lo)s
"""


class StaleChunk(RuntimeError):
    """The month's gathered keys are gone (dropped, or lost with the server): gather the month again."""


def match_chunk(period: dt.date, lo: int, hi: int, *, fuzzy: bool = True) -> ChunkResult:
    """Match the gathered keys numbered ``lo..hi`` of ``period``: one statement writes each key with its
    exact stages, then (``fuzzy``) the fuzzy stage takes the ones left with a block, and what it leaves is
    unmatched; all in one transaction. Idempotent: run again, it finds its keys written and not reopened,
    and changes nothing."""
    staged = staged_table(period)
    result = ChunkResult()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s), %s)",
            [f"distribution.match_chunk {period:%Y-%m}", lo % 2_000_000_000],
        )
        cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        # a chunk's plan costs enough to be compiled, which took a third of its time (about 0.4 s)
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SELECT to_regclass(%s)", [staged])
        row = cursor.fetchone()
        if not row or row[0] is None:
            raise StaleChunk(f"{period:%Y-%m}: the month's keys are not gathered; prepare the month again")
        params: dict[str, Any] = {"period": period, "lo": lo, "hi": hi, "fuzzy": fuzzy}
        cursor.execute(FIRST_WRITE.format(staged=staged), params)
        row = cursor.fetchone()
        plain = bool(row and row[0])
        if plain:
            try:
                with transaction.atomic():
                    cursor.execute(MATCH.format(staged=staged, conflict=""), params)
            except IntegrityError:  # a key of the chunk written meanwhile (another gathering's chunk)
                plain = False
        if not plain:
            cursor.execute(MATCH.format(staged=staged, conflict=ON_CONFLICT), params)
        pending: list[int] = []
        for stage, status, count, ids in cursor.fetchall():
            if status == "pending":
                pending.extend(ids or [])
            elif status == "unmatched":
                result.unmatched += count
            elif status == "review":
                result.review += count
            elif stage == 1:
                result.identifier += count
            elif stage == 2:
                result.confirmed += count
            elif stage == 3:
                result.key += count
        if pending:
            from distribution.fuzzy import match_fuzzy

            accepted, review = match_fuzzy(cursor, pending)
            result.fuzzy += accepted
            result.review += review
            cursor.execute(
                "UPDATE distribution_usagekey SET status = 'unmatched', stage = 0 "
                "WHERE id = ANY(%s) AND status = 'pending'",
                [pending],
            )
            result.unmatched += cursor.rowcount
    return result


def match_period(period: dt.date, *, fuzzy: bool = True, size: int = CHUNK) -> ChunkResult:
    """Match a month here, chunk after chunk (the Celery path is :func:`distribution.tasks.match_period`)."""
    prepare_period(period)
    total = ChunkResult()
    for lo, hi in chunks(period, size):
        part = match_chunk(period, lo, hi, fuzzy=fuzzy)
        for name in vars(total):
            setattr(total, name, getattr(total, name) + getattr(part, name))
    finish_period(period)
    return total


def months(period_start: dt.date, period_end: dt.date) -> list[dt.date]:
    """The first days of the months from ``period_start``'s to ``period_end``'s."""
    month, out = period_start.replace(day=1), []
    while month <= period_end:
        out.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return out


class MatchedUsage(NamedTuple):
    work_id: int | None
    recording_id: int | None
    licence_id: int
    period: dt.date
    plays: int
    duration_s: int | None


def matched_usage_sql(
    period_start: dt.date, period_end: dt.date, licence_ids: Sequence[int] | None = None
) -> tuple[str, list[Any]]:
    """SQL and parameters of the matched use per work, recording, licence and month between the two
    dates (months by their first day): columns ``work_id, recording_id, licence_id, period, plays,
    duration_s``. Counted reports only. For a run to join or ``INSERT … SELECT`` from."""
    sql = """
        SELECT k.work_id, k.recording_id, l.licence_id, l.period,
               sum(l.plays)::bigint AS plays, sum(l.duration_s)::bigint AS duration_s
          FROM licensing_usage_line l
          JOIN licensing_usagereport r ON r.id = l.report_id AND r.status = ANY(%s)
          JOIN licensing_licence li ON li.id = l.licence_id
          JOIN distribution_usagekey k
            ON k.cmo_id = li.cmo_id AND k.period = l.period AND k.isrc = l.isrc AND k.iswc = l.iswc
           AND k.title = l.title AND k.artist = l.artist
         WHERE l.period >= %s AND l.period <= %s AND k.status = 'matched'
    """
    params: list[Any] = [list(COUNTED_REPORTS), period_start.replace(day=1), period_end]
    if licence_ids is not None:
        sql += " AND l.licence_id = ANY(%s)"
        params.append(list(licence_ids))
    sql += " GROUP BY k.work_id, k.recording_id, l.licence_id, l.period"
    return sql, params


def matched_usage(
    period_start: dt.date, period_end: dt.date, licence_ids: Iterable[int] | None = None
) -> list[MatchedUsage]:
    """The rows of :func:`matched_usage_sql`, ordered."""
    sql, params = matched_usage_sql(
        period_start, period_end, list(licence_ids) if licence_ids is not None else None
    )
    with connection.cursor() as cursor:
        cursor.execute(sql + " ORDER BY 4, 3, 1, 2", params)
        return [MatchedUsage(*row) for row in cursor.fetchall()]
