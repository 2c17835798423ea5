"""A synthetic world for the distribution's benchmarks: holders, recordings with their performers and
shares, a licence of one CMO with an accepted usage report, and a month of usage lines, each written by
one set-based statement (``INSERT … SELECT`` over ``generate_series``, no Python loop per row).

Titles and names are made of syllables written in Kazakh Cyrillic and in Latin at once (``қа``/``qa``),
so the usage can name a recording in the other script. Each usage line's true recording is kept in the
unlogged table ``bench_world_truth`` (report, line number, recording; none for usage of nothing
registered), which the match benchmark scores against. Lines are drawn per class: with the ISRC
(``isrc``), without it by title and artist in the other script, case and punctuation (``key``), with a
typo (``typo``), or of nothing registered (``unknown``).

The registers' rows are loaded with ``session_replication_role = replica`` (history and the deferred
shares trigger skipped; the shares written are 100 % each by construction). :func:`drop_world` removes
what a world added.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

SYLLABLES = [
    ("қа", "qa"), ("ра", "ra"), ("жол", "zhol"), ("тау", "tau"), ("са", "sa"), ("мұ", "mu"), ("ле", "le"),
    ("дін", "din"), ("бе", "be"), ("ку", "ku"), ("ай", "ai"), ("гүл", "gul"), ("нұр", "nur"), ("ер", "er"),
    ("лан", "lan"), ("ас", "as"), ("хан", "khan"), ("ба", "ba"), ("зар", "zar"), ("ши", "shi"), ("ота", "ota"),
    ("жан", "zhan"), ("да", "da"), ("ми", "mi"), ("сөз", "soz"), ("көк", "kok"), ("ты", "ty"), ("ном", "nom"),
    ("қыз", "qyz"), ("ел", "el"), ("шың", "shyng"), ("бөр", "bor"),
]  # fmt: skip

PERIOD = dt.date(2026, 3, 1)
#: The tables a world writes its rows into and :func:`drop_world` deletes them from.
WORLD_TABLES = (
    "licensing_usage_line", "distribution_usagekey", "bench_world_truth", "registers_share",
    "registers_workcontributor", "registers_work", "registers_party",
)  # fmt: skip
ISRC_PREFIX = "ZZBEN"


@dataclass
class World:
    cmo_id: int
    licence_id: int
    report_id: int
    period: dt.date
    first_work: int
    works: int
    first_party: int
    holders: int
    lines: int
    timings: dict[str, float] = field(default_factory=dict)


def _arrays() -> tuple[str, str]:
    cyr = "ARRAY[" + ",".join(f"'{c}'" for c, _ in SYLLABLES) + "]"
    lat = "ARRAY[" + ",".join(f"'{lat}'" for _, lat in SYLLABLES) + "]"
    return cyr, lat


def _word_sql(arr: str, seed: str, salt: int) -> str:
    """Two syllables of ``arr`` picked by a hash of ``seed`` (SQL), the same in both scripts."""
    n = len(SYLLABLES)
    return (
        f"({arr})[1 + abs(hashint4(({seed})::int # {salt})) %% {n}] || "
        f"({arr})[1 + abs(hashint4(({seed})::int # {salt * 7 + 3})) %% {n}]"
    )


def _title_sql(arr: str, seed: str) -> str:
    return " || ' ' || ".join(f"initcap({_word_sql(arr, seed, salt)})" for salt in (11, 23, 37))


def _name_sql(arr: str, seed: str) -> str:
    return " || ' ' || ".join(f"initcap({_word_sql(arr, seed, salt)})" for salt in (41, 53))


def _reserve(cursor: Any, table: str, count: int) -> int:
    cursor.execute(
        f"SELECT pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT max(id) FROM {table}), 0)"
    )
    seq, max_id = cursor.fetchone()
    cursor.execute(f"SELECT last_value, is_called FROM {seq}")
    last, called = cursor.fetchone()
    start = max(max_id, last if called else last - 1) + 1
    cursor.execute("SELECT setval(%s, %s)", [seq, start + count - 1])
    return int(start)


def _licence(cmo_short: str) -> tuple[int, int, int]:
    """A CMO, a licensee and its licence (awaiting the user: matching does not read the status), and an
    accepted usage report of :data:`PERIOD`; made with the ORM, a handful of rows."""
    from licensing.models import Declaration, Licence, UsageReport
    from registers.models import CMO, Contract, Licensee, Party, UserCategory
    from udp.accounts.models import User
    from udp.core.numbering import allocate_number

    party = Party.objects.create(kind="entity", name_ru=f"ОКУП {cmo_short}", name_lat=f"{cmo_short} CMO")
    cmo = CMO.objects.create(party=party, short_name=cmo_short)
    user = User.objects.create(email=f"bench-{cmo_short.lower()}@example.kz", role="licensee")
    org = Party.objects.create(kind="entity", name_ru="ТОО Бенч", name_lat=f"Bench {cmo_short} LLP")
    licensee = Licensee.objects.create(party=org, category=UserCategory.objects.get(code="radio"))
    start = PERIOD.replace(month=1)
    contract = Contract.objects.create(
        number=allocate_number("LIC"), kind="licence", cmo=cmo, licensee=licensee, concluded_on=start,
        valid_from=start, valid_until=dt.date(start.year, 12, 31),
    )  # fmt: skip
    declaration = Declaration.objects.create(
        licensee=licensee, category=licensee.category, use="background", starts_on=start, made_by=user
    )
    licence = Licence.objects.create(
        kind="licence", contract=contract, declaration=declaration, licensee=licensee, cmo=cmo,
        place="Bench", status="awaiting_user", starts_on=start, ends_on=dt.date(start.year, 12, 31),
        invoice_period="month", report_frequency="monthly", report_due_days=15,
        monthly_amount=Decimal("10000.00"), created_by=user,
    )  # fmt: skip
    report = UsageReport.objects.create(
        licence=licence, period_start=PERIOD, period_end=PERIOD.replace(day=28), format="csv",
        file=f"usage/bench-{cmo_short}.csv", sha256="0" * 64, policy="keep_good", status="accepted",
        submitted_by=user,
    )  # fmt: skip
    return cmo.pk, licence.pk, report.pk


def build_world(
    *, works: int, holders: int, lines: int, cmo_short: str = "BENCH", seed: float = 0.42,
    classes: tuple[float, float, float] = (0.60, 0.25, 0.05),
) -> World:  # fmt: skip
    """Load a world. ``classes`` are the shares of lines with the ISRC, by key and with a typo; the rest
    name nothing registered. Recordings are drawn skewed (a few played often, a long tail)."""
    import time

    from licensing.usage.ingest import ensure_partition

    cyr, lat = _arrays()
    timings: dict[str, float] = {}
    with transaction.atomic():
        cmo_id, licence_id, report_id = _licence(cmo_short)
    with connection.cursor() as cursor:
        t = time.perf_counter()
        cursor.execute("SET session_replication_role = replica")
        try:
            with transaction.atomic():
                party0 = _reserve(cursor, "registers_party", holders)
                work0 = _reserve(cursor, "registers_work", works)
                contrib0 = _reserve(cursor, "registers_workcontributor", works)
                share0 = _reserve(cursor, "registers_share", works)
                cursor.execute(
                    f"""
                    INSERT INTO registers_party (id, kind, name_kk, name_ru, name_lat, ipi_base_number,
                           citizenship, resident, address, email, phone, verified, created_at, updated_at)
                    SELECT %(p0)s + i, 'person', {_name_sql(cyr, "i")}, {_name_sql(cyr, "i")},
                           {_name_sql(lat, "i")}, '', 'KZ', true, '', '', '', true, now(), now()
                      FROM generate_series(0, %(h)s - 1) AS i
                    """,
                    {"p0": party0, "h": holders},
                )
                cursor.execute(
                    f"""
                    INSERT INTO registers_work (id, kind, title, language, isrc, anonymous, pseudonymous,
                           protection_basis, public, claims_status, submitter_ref, search_text,
                           created_at, updated_at)
                    SELECT %(w0)s + i, 'recording', {_title_sql(lat, "i")}, 'kk',
                           %(prefix)s || lpad(i::text, 7, '0'), false, false, '', true, 'agreed', '', '',
                           now(), now()
                      FROM generate_series(0, %(w)s - 1) AS i
                    """,
                    {"w0": work0, "w": works, "prefix": ISRC_PREFIX},
                )
                cursor.execute(
                    """
                    INSERT INTO registers_workcontributor (id, work_id, party_id, role, credited_as, sequence)
                    SELECT %(c0)s + i, %(w0)s + i, %(p0)s + abs(hashint4(i)) %% %(h)s, 'PER', '', 0
                      FROM generate_series(0, %(w)s - 1) AS i
                    """,
                    {"c0": contrib0, "w0": work0, "p0": party0, "h": holders, "w": works},
                )
                cursor.execute(
                    """
                    INSERT INTO registers_share (id, work_id, contributor_id, right_type, percent)
                    SELECT %(s0)s + i, %(w0)s + i, %(c0)s + i, 'RR', 100
                      FROM generate_series(0, %(w)s - 1) AS i
                    """,
                    {"s0": share0, "c0": contrib0, "w0": work0, "w": works},
                )
        finally:
            cursor.execute("SET session_replication_role = origin")
        timings["registers"] = time.perf_counter() - t
        t = time.perf_counter()
        with transaction.atomic():
            ensure_partition(cursor, PERIOD)
            cursor.execute(
                "CREATE UNLOGGED TABLE IF NOT EXISTS bench_world_truth "
                "(report_id bigint, line_no bigint, recording_id bigint)"
            )
            cursor.execute("SELECT setseed(%s)", [seed])
            isrc_share, key_share, typo_share = classes
            cursor.execute(
                """
                CREATE TEMP TABLE bench_draw ON COMMIT DROP AS
                SELECT n, r, u,
                       CASE WHEN u < %(a)s THEN 'isrc' WHEN u < %(b)s THEN 'key'
                            WHEN u < %(c)s THEN 'typo' ELSE 'unknown' END AS class
                  FROM (SELECT n, floor(%(w)s * power(random(), 3))::int AS r, random() AS u
                          FROM generate_series(1, %(l)s) AS n) AS d
                """,
                {"a": isrc_share, "b": isrc_share + key_share, "c": isrc_share + key_share + typo_share,
                 "w": works, "l": lines},
            )  # fmt: skip
            cursor.execute(
                f"""
                INSERT INTO licensing_usage_line (report_id, licence_id, period, line_no, played_at, isrc,
                       iswc, title, artist, plays, duration_s, source_ref)
                SELECT %(report)s, %(licence)s, %(period)s, d.n, NULL,
                       CASE WHEN d.class = 'isrc' THEN w.isrc ELSE '' END, '',
                       CASE d.class
                            WHEN 'isrc' THEN w.title
                            WHEN 'key' THEN CASE WHEN d.n %% 2 = 0 THEN upper({_title_sql(cyr, "d.r")})
                                                 ELSE replace(w.title, ' ', '-') || '!' END
                            WHEN 'typo' THEN overlay(w.title PLACING '' FROM 4 + d.n %% 5 FOR 1)
                            ELSE 'Zz ' || {_title_sql(lat, "d.r + 7919")} END,
                       CASE d.class
                            WHEN 'key' THEN CASE WHEN d.n %% 2 = 0 THEN p.name_kk
                                                 ELSE lower(p.name_lat) || ' feat. Guest' END
                            WHEN 'unknown' THEN 'Nobody ' || d.r
                            ELSE p.name_lat END,
                       1 + d.n %% 5, 120 + d.n %% 180, 'Bench radio'
                  FROM bench_draw d
                  JOIN registers_work w ON w.id = %(w0)s + d.r
                  JOIN registers_workcontributor c ON c.work_id = w.id
                  JOIN registers_party p ON p.id = c.party_id
                """,
                {"report": report_id, "licence": licence_id, "period": PERIOD, "w0": work0},
            )
            cursor.execute(
                "INSERT INTO bench_world_truth SELECT %s, n, CASE WHEN class = 'unknown' THEN NULL "
                "ELSE %s + r END FROM bench_draw",
                [report_id, work0],
            )
        for table in ("registers_party", "registers_work", "registers_workcontributor", "registers_share",
                      "licensing_usage_line", "bench_world_truth"):  # fmt: skip
            cursor.execute(f"ANALYZE {table}")
        timings["lines"] = time.perf_counter() - t
    return World(
        cmo_id=cmo_id, licence_id=licence_id, report_id=report_id, period=PERIOD, first_work=work0,
        works=works, first_party=party0, holders=holders, lines=lines, timings=timings,
    )  # fmt: skip


def drop_world(world: World) -> None:
    """Remove the world's lines, keys, truth and registers' rows (not the CMO, licence and report), and vacuum
    the tables they were in (outside a transaction)."""
    last_work = world.first_work + world.works - 1
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM licensing_usage_line WHERE report_id = %s", [world.report_id])
        cursor.execute("DELETE FROM distribution_usagekey WHERE cmo_id = %s", [world.cmo_id])
        cursor.execute("DELETE FROM bench_world_truth WHERE report_id = %s", [world.report_id])
        cursor.execute("SET LOCAL session_replication_role = replica")
        for table in ("registers_share", "registers_workcontributor"):
            cursor.execute(
                f"DELETE FROM {table} WHERE work_id BETWEEN %s AND %s", [world.first_work, last_work]
            )
        cursor.execute("DELETE FROM registers_work WHERE id BETWEEN %s AND %s", [world.first_work, last_work])
        cursor.execute(
            "DELETE FROM registers_party WHERE id BETWEEN %s AND %s",
            [world.first_party, world.first_party + world.holders - 1],
        )
    if not connection.in_atomic_block:
        # the deleted rows reclaimed now, not by autovacuum while the next bench (or anything else) runs: a
        # bench that follows another one is then timed on the same tables as the first
        with connection.cursor() as cursor:
            for table in WORLD_TABLES:
                cursor.execute(f"VACUUM (ANALYZE) {table}")
