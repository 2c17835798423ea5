"""Synthetic registers for benchmarks: millions of parties and works loaded through PostgreSQL COPY.

The load runs with ``session_replication_role = replica``: row-history triggers, foreign-key
triggers, the deferred shares trigger and the search vocabulary's triggers are skipped, so the
invariants they would check are checked afterwards with one set-based query each
(:func:`share_sums_off`) and the vocabulary is counted from the loaded works in one statement. Identifiers are
generated valid (ISWC and IPI check digits) and unique: they derive from primary keys reserved
from the tables' sequences, so a second run adds rows beside the first.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from demo import wordlists as w
from registers import vocabulary
from registers.search import join_variants, transliterate, variants
from registers.term import AuthorFacts, work_protection
from udp import identifiers

#: ISWC and IPI numbers of synthetic rows: a prefix plus the row's primary key (demo data uses others).
ISWC_BASE = 300_000_000
IPI_BASE = 700_000_000
CHUNK = 20_000
#: Loads at least this big drop the GIN index first and build it once at the end (much faster).
REBUILD_INDEX_FROM = 200_000

Log = Callable[[str], None]


def _zipf_weights(n: int, s: float = 0.9) -> list[float]:
    return [1 / (rank + 1) ** s for rank in range(n)]


def _cum(weights: Sequence[float]) -> list[float]:
    total, out = 0.0, []
    for x in weights:
        total += x
        out.append(total)
    return out


@dataclass
class Vocabulary:
    """Title words per script, weighted by rank, and a generator of rare made-up words."""

    rng: random.Random
    rare: float = 0.25
    cum: dict[str, list[float]] = field(default_factory=dict)

    WORDS = {"kk": w.KK_WORDS, "ru": w.RU_WORDS, "en": w.EN_WORDS}
    SYLLABLES = {"kk": w.KK_SYLLABLES, "ru": w.RU_SYLLABLES, "en": w.EN_SYLLABLES}

    def __post_init__(self) -> None:
        self.cum = {lang: _cum(_zipf_weights(len(words))) for lang, words in self.WORDS.items()}

    def word(self, lang: str) -> str:
        if self.rng.random() < self.rare:
            return "".join(self.rng.choice(self.SYLLABLES[lang]) for _ in range(self.rng.randint(2, 4)))
        return self.rng.choices(self.WORDS[lang], cum_weights=self.cum[lang])[0]

    def title(self, lang: str) -> str:
        n = self.rng.choices((1, 2, 3, 4), weights=(20, 40, 28, 12))[0]
        words = dict.fromkeys(self.word(lang) for _ in range(n))
        return " ".join(words).capitalize()


def person_names(rng: random.Random) -> tuple[str, str, str]:
    """A realistic person's name as (Kazakh, Russian, Latin)."""
    if rng.random() < 0.8:
        given_kk, given_ru, female = rng.choice(w.KZ_GIVEN)
        sur_kk, sur_ru = rng.choice(w.KZ_SURNAMES)
        if female:
            sur_kk, sur_ru = sur_kk + "а", sur_ru + "а"
        kk, ru = f"{given_kk} {sur_kk}", f"{given_ru} {sur_ru}"
    else:
        given_ru, female = rng.choice(w.RU_GIVEN)
        sur_ru = rng.choice(w.RU_SURNAMES) + ("а" if female else "")
        kk = ru = f"{given_ru} {sur_ru}"
    return kk, ru, transliterate(ru).title()


def _latin_title(text: str) -> str:
    return transliterate(text).capitalize()


@dataclass
class LoadResult:
    parties: int = 0
    works: int = 0
    contributors: int = 0
    shares: int = 0
    titles: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)


def _reserve_ids(cursor: object, table: str, count: int) -> int:
    """Move ``table``'s id sequence past ``count`` new ids and return the first of them."""
    cursor.execute(  # type: ignore[attr-defined]
        f"SELECT pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT max(id) FROM {table}), 0)"
    )
    seq, max_id = cursor.fetchone()  # type: ignore[attr-defined]
    cursor.execute(f"SELECT last_value, is_called FROM {seq}")  # type: ignore[attr-defined]
    last, called = cursor.fetchone()  # type: ignore[attr-defined]
    start = max(max_id, last if called else last - 1) + 1
    cursor.execute("SELECT setval(%s, %s)", [seq, start + count - 1])  # type: ignore[attr-defined]
    return int(start)


def _copy(cursor: object, table: str, columns: str, lines: list[str]) -> None:
    if not lines:
        return
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
        copy.write("".join(lines))


PARTY_COLS = (
    "id, kind, name_kk, name_ru, name_lat, ipi_base_number, citizenship, resident, address, email, phone, "
    "verified, created_at, updated_at"
)
IPI_COLS = "id, party_id, name_number, name_type, name"
WORK_COLS = (
    "id, kind, title, language, iswc, creation_year, anonymous, pseudonymous, protection_basis, public, "
    "submitter_ref, search_text, created_at, updated_at"
)
TITLE_COLS = "id, work_id, title, kind, language"
CONTRIB_COLS = "id, work_id, party_id, role, credited_as, sequence"
SHARE_COLS = "id, work_id, contributor_id, right_type, percent"

#: Shares of n writers as exact strings: the first takes the remainder so each set sums to the whole.
_SPLIT_100 = {1: ["100.00"], 2: ["50.00", "50.00"], 3: ["33.34", "33.33", "33.33"]}
_SPLIT_50 = {1: ["50.00"], 2: ["25.00", "25.00"], 3: ["16.67", "16.67", "16.66"]}
_WRITER_ROLES = {1: ["CA"], 2: ["C", "A"], 3: ["C", "A", "AR"]}
_LANGS = ("kk", "ru", "en")
_LANG_WEIGHTS = (45, 35, 20)


class SyntheticLoader:
    def __init__(self, *, seed: int = 2025, log: Log = lambda s: None) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.vocab = Vocabulary(self.rng)
        self.log = log
        self.now = timezone.now().isoformat()
        basis = work_protection(authors=[AuthorFacts(death_date=None)], disclosed_on=None)
        self.living_basis = str(basis.basis)

    # -- parties -----------------------------------------------------------------------------------
    def _load_parties(self, cursor: object, count: int) -> tuple[list[int], list[int], dict[int, list[str]]]:
        """Insert ``count`` parties (about 4 % publishers) with IPI names; return person ids, entity ids, variants."""
        start = _reserve_ids(cursor, "registers_party", count)
        self.rng.seed(self.seed * 1_000_003 + start)  # a second run draws other names and titles
        ipi_start = _reserve_ids(cursor, "registers_ipiname", count)
        persons: list[int] = []
        entities: list[int] = []
        party_variants: dict[int, list[str]] = {}
        party_lines: list[str] = []
        ipi_lines: list[str] = []
        for i in range(count):
            pid = start + i
            if self.rng.random() < 0.04:
                word = self.vocab.word(self.rng.choice(_LANGS)).capitalize()
                suffix = self.rng.choice(("Music", "Records", "Publishing", "Media", "Sound"))
                lat = f"{transliterate(word).capitalize()} {suffix}"
                kk, ru = f"«{word} {suffix}» ЖШС", f"ТОО «{word} {suffix}»"
                kind, citizenship, resident = "entity", "", "\\N"
                entities.append(pid)
            else:
                kk, ru, lat = person_names(self.rng)
                kind, citizenship, resident = "person", "KZ", "t"
                persons.append(pid)
            party_variants[pid] = [*variants(kk), *variants(ru), *variants(lat)]
            party_lines.append(
                f"{pid}\t{kind}\t{kk}\t{ru}\t{lat}\t\t{citizenship}\t{resident}\t\t\t\tt\t{self.now}\t{self.now}\n"
            )
            ipi = identifiers.ipi_name_number_with_check(f"{IPI_BASE + pid:09d}")
            ipi_lines.append(f"{ipi_start + i}\t{pid}\t{ipi}\tPA\t{lat.upper()}\n")
        _copy(cursor, "registers_party", PARTY_COLS, party_lines)
        _copy(cursor, "registers_ipiname", IPI_COLS, ipi_lines)
        return persons, entities, party_variants

    # -- works -------------------------------------------------------------------------------------
    def _pick(self, ids: list[int]) -> int:
        # Skewed: a few prolific writers, a long tail of occasional ones.
        return ids[int(len(ids) * self.rng.random() ** 2)]

    def _work_rows(
        self,
        ids: dict[str, int],
        persons: list[int],
        entities: list[int],
        party_variants: dict[int, list[str]],
        out: dict[str, list[str]],
    ) -> None:
        rng = self.rng
        wid = ids["work"]
        lang = rng.choices(_LANGS, weights=_LANG_WEIGHTS)[0]
        title = self.vocab.title(lang)
        titles = [title]
        if rng.random() < 0.12:
            alt_kind = "TL" if lang != "en" else "TT"
            alt = _latin_title(title) if lang != "en" else self.vocab.title(rng.choice(("kk", "ru")))
            if alt != title:
                titles.append(alt)
                out["titles"].append(f"{ids['title']}\t{wid}\t{alt}\t{alt_kind}\t\n")
                ids["title"] += 1
        n = rng.choices((1, 2, 3), weights=(50, 35, 15))[0]
        writers = list(dict.fromkeys(self._pick(persons) for _ in range(n)))
        n = len(writers)
        publisher = self._pick(entities) if entities and rng.random() < 0.25 else None
        pr_split = _SPLIT_50[n] if publisher else _SPLIT_100[n]
        groups = [variants(t) for t in titles]
        for seq, (party, role) in enumerate(zip(writers, _WRITER_ROLES[n], strict=True)):
            cid = ids["contrib"]
            ids["contrib"] += 1
            out["contribs"].append(f"{cid}\t{wid}\t{party}\t{role}\t\t{seq}\n")
            out["shares"].append(f"{ids['share']}\t{wid}\t{cid}\tPR\t{pr_split[seq]}\n")
            ids["share"] += 1
            if not publisher:
                out["shares"].append(f"{ids['share']}\t{wid}\t{cid}\tMR\t{_SPLIT_100[n][seq]}\n")
                ids["share"] += 1
            groups.append(party_variants[party])
        if publisher:
            cid = ids["contrib"]
            ids["contrib"] += 1
            out["contribs"].append(f"{cid}\t{wid}\t{publisher}\tE\t\t{n}\n")
            out["shares"].append(f"{ids['share']}\t{wid}\t{cid}\tPR\t50.00\n")
            out["shares"].append(f"{ids['share'] + 1}\t{wid}\t{cid}\tMR\t100.00\n")
            ids["share"] += 2
            groups.append(party_variants[publisher])
        iswc = identifiers.iswc_with_check(f"{ISWC_BASE + wid:09d}")
        year = rng.randint(1960, 2025)
        out["works"].append(
            f"{wid}\tmusical\t{title}\t{lang}\t{iswc}\t{year}\tf\tf\t{self.living_basis}\tt\t\t"
            f"{join_variants(groups)}\t{self.now}\t{self.now}\n"
        )
        ids["work"] += 1

    def load(self, *, works: int, holders: int) -> LoadResult:
        if works < 0 or holders < 1:
            raise ValueError("need at least one holder and a non-negative number of works")
        result = LoadResult()
        began = time.monotonic()
        connection.ensure_connection()
        raw = connection.connection
        rebuild = works >= REBUILD_INDEX_FROM
        with raw.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
            try:
                if rebuild:
                    cursor.execute("DROP INDEX IF EXISTS work_search_gin")
                with transaction.atomic():
                    t = time.monotonic()
                    persons, entities, party_variants = self._load_parties(cursor, holders)
                    if not persons:  # every holder drew a publisher: make the first a person
                        persons, entities = entities[:1], entities[1:]
                    result.parties = holders
                    result.timings["parties"] = time.monotonic() - t
                    self.log(f"parties: {holders} in {result.timings['parties']:.1f} s")
                    ids = {
                        "work": _reserve_ids(cursor, "registers_work", works),
                        "title": _reserve_ids(cursor, "registers_worktitle", works),
                        "contrib": _reserve_ids(cursor, "registers_workcontributor", 4 * works),
                        "share": _reserve_ids(cursor, "registers_share", 8 * works),
                    }
                    first_work = ids["work"]
                t = time.monotonic()
                done = 0
                while done < works:
                    size = min(CHUNK, works - done)
                    out: dict[str, list[str]] = {"works": [], "titles": [], "contribs": [], "shares": []}
                    for _ in range(size):
                        self._work_rows(ids, persons, entities, party_variants, out)
                    with transaction.atomic():
                        _copy(cursor, "registers_work", WORK_COLS, out["works"])
                        _copy(cursor, "registers_worktitle", TITLE_COLS, out["titles"])
                        _copy(cursor, "registers_workcontributor", CONTRIB_COLS, out["contribs"])
                        _copy(cursor, "registers_share", SHARE_COLS, out["shares"])
                    done += size
                    result.titles += len(out["titles"])
                    result.contributors += len(out["contribs"])
                    result.shares += len(out["shares"])
                    if done % (CHUNK * 10) == 0 or done == works:
                        rate = done / max(time.monotonic() - t, 1e-9)
                        self.log(f"works: {done}/{works} ({rate:,.0f}/s)")
                result.works = works
                result.timings["works"] = time.monotonic() - t
            finally:
                if rebuild:
                    t = time.monotonic()
                    self.log("building the search index…")
                    cursor.execute("SET maintenance_work_mem = '1GB'")
                    cursor.execute(
                        "CREATE INDEX IF NOT EXISTS work_search_gin ON registers_work USING gin (search)"
                    )
                    result.timings["index"] = time.monotonic() - t
                cursor.execute("SET session_replication_role = origin")
            t = time.monotonic()
            vocabulary.count_works(first_work, first_work + works - 1)  # the load skipped its triggers
            result.timings["vocabulary"] = time.monotonic() - t
            self.log(f"vocabulary in {result.timings['vocabulary']:.1f} s")
            t = time.monotonic()
            bad = share_sums_off(first_work=first_work)
            if bad:
                raise RuntimeError(f"{bad} (work, right type) share sums are not 100")
            result.timings["verify"] = time.monotonic() - t
            t = time.monotonic()
            if not connection.in_atomic_block:
                for table in ("registers_party", "registers_ipiname", "registers_work", "registers_worktitle",
                              "registers_workcontributor", "registers_share", "registers_searchword",
                              "registers_searchdeletion"):  # fmt: skip
                    cursor.execute(f"ANALYZE {table}")
            result.timings["analyze"] = time.monotonic() - t
        result.seconds = time.monotonic() - began
        return result


def share_sums_off(*, first_work: int = 0) -> int:
    """How many (work, right type) pairs from ``first_work`` on have shares not summing to exactly 100."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM (
                SELECT work_id, right_type FROM registers_share WHERE work_id >= %s
                GROUP BY work_id, right_type HAVING sum(percent) <> 100
            ) AS off
            """,
            [first_work],
        )
        return int(cursor.fetchone()[0])


def load_synthetic(*, works: int, holders: int, seed: int = 2025, log: Log = lambda s: None) -> LoadResult:
    return SyntheticLoader(seed=seed, log=log).load(works=works, holders=holders)
