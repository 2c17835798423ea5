"""Matching usage lines to recordings and works, set-based, on the distinct keys (Art. 46.1 (3)).

A period (one month of ``licensing_usage_line``) is matched in three steps:

1. :func:`prepare_period` — one ``INSERT … SELECT DISTINCT`` gathers each CMO's distinct (ISRC, ISWC,
   title, artist) of the month's counted lines (reports accepted or partly accepted) into
   :class:`~distribution.models.UsageKey`, with counts. Keys left unmatched or waiting for review
   (not decided by a person) are tried again, since the registers may have grown.
2. :func:`chunks` — the waiting keys split into id ranges; each range is one
   :func:`match_chunk` (the Celery task ``distribution.match_chunk``), idempotent: it only touches keys
   still ``pending`` in its range.
3. :func:`match_chunk` — the stages, cheapest first, each one ``UPDATE … FROM``: (1) exact ISRC, then
   ISWC; then the normalized key of the keys left (``distribution_key_part`` in SQL: one Latin spelling of
   Kazakh, Russian and Latin script, case, spaces and punctuation gone, "feat. …" and second artists
   dropped), computed once per key; (2) the CMO's confirmed matches; (3) the normalized key against :class:`WorkKey` (one candidate
   matches, several go to review); (4) fuzzy candidates (:mod:`distribution.fuzzy`); what is left is
   unmatched.

Lines are never linked one by one: :func:`matched_usage_sql` joins them to their key on the four columns
the keys were made distinct on (a hash join).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import connection, transaction

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


def prepare_period(period: dt.date) -> int:
    """Gather the month's distinct keys (new ones added, counts brought up to date) and give the keys
    not yet decided another try. Returns the number of keys waiting to be matched."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO distribution_usagekey AS k
                   (cmo_id, period, isrc, iswc, title, artist, nkey, block, lines, plays, stage, status,
                    candidates)
            SELECT li.cmo_id, l.period, l.isrc, l.iswc, l.title, l.artist, '', '', count(*), sum(l.plays),
                   0, 'pending', '{}'
              FROM licensing_usage_line l
              JOIN licensing_usagereport r ON r.id = l.report_id AND r.status = ANY(%(counted)s)
              JOIN licensing_licence li ON li.id = l.licence_id
             WHERE l.period = %(period)s
             GROUP BY li.cmo_id, l.period, l.isrc, l.iswc, l.title, l.artist
                ON CONFLICT (cmo_id, period, isrc, iswc, title, artist)
                DO UPDATE SET lines = EXCLUDED.lines, plays = EXCLUDED.plays
                 WHERE (k.lines, k.plays) IS DISTINCT FROM (EXCLUDED.lines, EXCLUDED.plays)
            """,
            {"period": period, "counted": list(COUNTED_REPORTS)},
        )
        cursor.execute(
            """
            UPDATE distribution_usagekey SET status = 'pending', stage = 0, score = NULL, work_id = NULL,
                   recording_id = NULL, candidates = '{}'
             WHERE period = %(period)s AND decided_by_id IS NULL AND status IN ('unmatched', 'review')
            """,
            {"period": period},
        )
        # fresh statistics, or the planner may take a month's new keys for one row and nest its loops
        cursor.execute("ANALYZE distribution_usagekey")
        cursor.execute(
            "SELECT count(*) FROM distribution_usagekey WHERE period = %s AND status = 'pending'", [period]
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def chunks(period: dt.date, size: int = CHUNK) -> list[tuple[int, int]]:
    """The id ranges of the period's pending keys, ``size`` keys each (the last one smaller)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT min(id), max(id) FROM (
                SELECT id, (row_number() OVER (ORDER BY id) - 1) / %s AS g
                  FROM distribution_usagekey WHERE period = %s AND status = 'pending') AS s
             GROUP BY g ORDER BY 1
            """,
            [size, period],
        )
        return [(int(lo), int(hi)) for lo, hi in cursor.fetchall()]


@dataclass
class ChunkResult:
    identifier: int = 0
    confirmed: int = 0
    key: int = 0
    fuzzy: int = 0
    review: int = 0
    unmatched: int = 0


_IN_CHUNK = "k.period = %(period)s AND k.id BETWEEN %(lo)s AND %(hi)s AND k.status = 'pending'"

STAGE_1_ISRC = f"""
    UPDATE distribution_usagekey k
       SET recording_id = w.id, stage = 1, score = 100, status = 'matched',
           work_id = (SELECT min(e.work_id) FROM registers_embodiedwork e WHERE e.recording_id = w.id)
      FROM registers_work w
     WHERE {_IN_CHUNK} AND k.isrc <> '' AND w.isrc = upper(regexp_replace(k.isrc, '[^A-Za-z0-9]', '', 'g'))
"""
STAGE_1_ISWC = f"""
    UPDATE distribution_usagekey k SET work_id = w.id, stage = 1, score = 100, status = 'matched'
      FROM registers_work w
     WHERE {_IN_CHUNK} AND k.iswc <> '' AND w.iswc = upper(regexp_replace(k.iswc, '[^A-Za-z0-9]', '', 'g'))
"""
STAGE_2 = f"""
    UPDATE distribution_usagekey k
       SET work_id = c.work_id, recording_id = c.recording_id, stage = 2, score = 100, status = 'matched'
      FROM distribution_confirmedmatch c
     WHERE {_IN_CHUNK} AND c.cmo_id = k.cmo_id AND c.nkey = k.nkey AND k.nkey <> ''
"""
#: One recording with the key matches (with the work it embodies); no recording and one work matches;
#: anything else goes to review with the candidates (recordings first).
STAGE_3 = f"""
    UPDATE distribution_usagekey k
       SET recording_id = CASE WHEN c.recordings = 1 THEN c.recording END,
           work_id = CASE WHEN c.recordings = 1 THEN c.recording_work
                          WHEN c.recordings = 0 AND c.works = 1 THEN c.work END,
           stage = 3,
           score = CASE WHEN c.recordings = 1 OR (c.recordings = 0 AND c.works = 1) THEN 100 END,
           status = CASE WHEN c.recordings = 1 OR (c.recordings = 0 AND c.works = 1)
                         THEN 'matched' ELSE 'review' END,
           candidates = c.candidates[1:10]
      FROM (SELECT k.id,
                   count(DISTINCT wk.recording_id) AS recordings,
                   min(wk.recording_id) AS recording,
                   min(wk.work_id) FILTER (WHERE wk.recording_id IS NOT NULL) AS recording_work,
                   count(DISTINCT wk.work_id) FILTER (WHERE wk.recording_id IS NULL) AS works,
                   min(wk.work_id) FILTER (WHERE wk.recording_id IS NULL) AS work,
                   array_agg(DISTINCT coalesce(wk.recording_id, wk.work_id)) AS candidates
              FROM distribution_usagekey k JOIN distribution_workkey wk ON wk.nkey = k.nkey
             WHERE {_IN_CHUNK} AND k.nkey <> ''
             GROUP BY k.id) AS c
     WHERE k.id = c.id
"""
#: The normalized key of the chunk's keys still pending after stage 1 (computed once per key, kept).
NKEY = f"""
    UPDATE distribution_usagekey k SET nkey = x.t || '|' || x.a, block = left(x.t, 2) || left(x.a, 1)
      FROM (SELECT id, distribution_key_part(title) AS t,
                   distribution_key_part(distribution_first_artist(artist)) AS a
              FROM distribution_usagekey k
             WHERE {_IN_CHUNK} AND k.nkey = '' AND (k.title <> '' OR k.artist <> '')) AS x
     WHERE k.id = x.id
"""
UNMATCHED = f"UPDATE distribution_usagekey k SET status = 'unmatched', stage = 0 WHERE {_IN_CHUNK}"


def match_chunk(period: dt.date, lo: int, hi: int, *, fuzzy: bool = True) -> ChunkResult:
    """Match the pending keys of ``period`` with ids in ``lo..hi``, stage by stage, in one transaction.
    Idempotent: a second run finds nothing pending and changes nothing."""
    params: dict[str, Any] = {"period": period, "lo": lo, "hi": hi}
    result = ChunkResult()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext('distribution.match_chunk'), %s)", [lo % 2_000_000_000]
        )
        for sql in (STAGE_1_ISRC, STAGE_1_ISWC):
            cursor.execute(sql, params)
            result.identifier += cursor.rowcount
        cursor.execute(NKEY, params)
        cursor.execute(STAGE_2, params)
        result.confirmed = cursor.rowcount
        cursor.execute(STAGE_3, params)
        cursor.execute(
            "SELECT count(*) FILTER (WHERE status = 'matched'), count(*) FILTER (WHERE status = 'review') "
            "FROM distribution_usagekey WHERE period = %(period)s AND id BETWEEN %(lo)s AND %(hi)s "
            "AND stage = 3",
            params,
        )
        row = cursor.fetchone()
        result.key, result.review = (int(row[0]), int(row[1])) if row else (0, 0)
        if fuzzy:
            from distribution.fuzzy import match_fuzzy

            accepted, review = match_fuzzy(cursor, params)
            result.fuzzy += accepted
            result.review += review
        cursor.execute(UNMATCHED, params)
        result.unmatched = cursor.rowcount
    return result


def match_period(period: dt.date, *, fuzzy: bool = True, size: int = CHUNK) -> ChunkResult:
    """Match a month here, chunk after chunk (the Celery path is :func:`distribution.tasks.match_period`)."""
    prepare_period(period)
    total = ChunkResult()
    for lo, hi in chunks(period, size):
        part = match_chunk(period, lo, hi, fuzzy=fuzzy)
        for name in vars(total):
            setattr(total, name, getattr(total, name) + getattr(part, name))
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
