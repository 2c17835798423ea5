"""The crawl: every page each persona can reach, in Kazakh on a 390 px phone, in a real browser.

One live server, with the personas and register content on every page: works with shares and
contributors (a writer, a co-writer, a publisher, alternate titles), a work in the public domain, a
recording with a performer, an open proposal, a conflict, an import with problems, and history
written by the holder, the operator (with a reason) and the import. The pages are those of the URL
resolver with their path parameters filled, as :mod:`tests.test_access_matrix` enumerates them
(routes with an object are visited for each kind of work, the history for each kind of entry); each
persona visits the routes its access rule admits and those the rules leave to the library (allauth's
pages, the admin sign-in), signed in through the sign-in form and, where it has one, the
authenticator code. Every page that answers 200 with HTML is checked (:mod:`tests.browser.checks`),
with its ``<details>`` opened: wider than the screen (and which elements stick out), a code shown
where a name belongs, and the page not in Kazakh.

It fails with one report, page by page, also written to ``tests/artifacts/crawl-report.txt``, with a
screenshot of each failing page in ``tests/artifacts/crawl/``. Untranslated strings are
:mod:`tests.test_kk_coverage`'s business, not this crawl's.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pytest
from django.core.files.base import ContentFile

from registers.actions import ContributorInput, change_work
from registers.importing import run_import
from registers.models import ImportBatch, IPIName, Licensee, Pseudonym, UserCategory
from tests import factories as f
from tests import test_access_matrix as matrix
from tests.browser import checks

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
SHOTS = ARTIFACTS / "crawl"
REPORT = ARTIFACTS / "crawl-report.txt"
LANGUAGE, WIDTH = "kk", checks.PHONE
#: Everyone but the account that never set up its second factor (it reaches only the sign-in pages).
PERSONAS = [
    matrix.ANON, matrix.HOLDER, matrix.HOLDER2, matrix.LICENSEE, matrix.STAFF, matrix.ADMIN,
    matrix.STAFF2, matrix.REGULATOR, matrix.OPERATOR,
]  # fmt: skip
#: A page in every persona's reach is the shared layout's, reported once at the top when it has a problem.
SHARED_SHARE = 0.9
HUNDRED = Decimal("100")
#: What the crawl searches each register for: the holder's name, in the works' contributors, the
#: holders, the CMO's members, and a music user's name.
QUERY = "Серікова"
SEARCHES_ITSELF = """() => [...document.querySelectorAll('form:not([method=post i])')].some(
    (form) => form.querySelector('input[name=q]') && new URL(form.action, location.href).pathname === location.pathname)"""

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

#: An import of the holder's works: one good, one whose shares do not add up, one without a title or a known role.
CSV = (
    "work_ref,title,party_id,role,pr_share\n"
    "C-1,Алтай,{party},CA,100\n"
    "C-2,Бұзылған үлес,{party},CA,90\n"
    "C-3,,{party},XX,100\n"
)


class CrawlWorld(matrix.World):
    """The access matrix's objects, and enough register content that every page has something to show."""

    def __init__(self, personas: Any) -> None:
        super().__init__(personas)
        p = personas
        writer, co_writer = p.holder_party, p.other_party
        Pseudonym.objects.create(party=writer, name="Айгүл С.")
        IPIName.objects.create(party=writer, name_number=f.make_ipi(), name="SERIKOVA AIGUL")
        publisher = f.make_entity(
            name_kk="Әуен баспасы", name_ru="Издательство Мелодия", name_lat="Melodiya Publishing"
        )
        split = {"PR": Decimal("40"), "MR": Decimal("40")}
        rich = f.make_work(
            p.operator,
            (writer, "C", split),
            (co_writer, "A", split),
            (publisher, "E", {"PR": Decimal("20"), "MR": Decimal("20")}),
            title="Қара торғай",
            alternate_titles=["Karatorgai", "Черный скворец"],
            iswc=f.make_iswc(),
            reason="Хат №17",
        )
        classic = f.make_person(
            name_ru="Абай Кунанбаев", name_kk="Абай Құнанбайұлы", birth_date=dt.date(1845, 8, 10),
            death_date=dt.date(1904, 7, 6),
        )  # fmt: skip
        public_domain = f.make_work(
            p.operator, (classic, "CA", {"PR": HUNDRED}), title="Көзімнің қарасы", reason="classic"
        )
        recording = f.make_work(
            p.operator,
            (writer, "PER", {"RR": HUNDRED}),
            kind="recording",
            title="Қара торғай (live)",
            reason="Концерттік жазба",
        )
        change_work(
            self.work, by=p.operator, reason="Өтініш №42: атауындағы қате", title="Own song (corrected)"
        )
        change_work(
            self.work,
            by=p.holder,
            contributors=[ContributorInput(writer, "C", {"PR": Decimal("70")}), ContributorInput(writer, "A", {"PR": Decimal("30")})],
        )  # fmt: skip
        # a music user whose name holds the search word too, so that every register finds something
        Licensee.objects.create(
            party=f.make_entity(name_ru="ИП Серикова", name_kk="ЖК Серікова", name_lat="IE Serikova"),
            category=UserCategory.objects.get(code="restaurant"),
            trade_name="Серікова кофеханасы",
        )
        self.batch = self._import_with_problems(p.holder)
        self.works = [self.work, rich, public_domain, recording]

    @staticmethod
    def _import_with_problems(user: Any) -> ImportBatch:
        batch = ImportBatch(
            format="csv", policy="keep_good", filename="менің туындыларым.csv", uploaded_by=user
        )
        batch.file.save("works.csv", ContentFile(CSV.format(party=user.party_id).encode()), save=False)
        batch.save()
        run_import(batch.pk)
        batch.refresh_from_db()
        assert batch.problems.exists() and batch.works_created, (
            batch.status,
            list(batch.problems.values_list("code", "params")),
        )
        return batch

    def page_urls(self, route: str) -> list[str]:
        """The route's address for each work (if it has one), and the history of each kind of entry."""
        from registers.views.history import KINDS

        urls = []
        for work in self.works:
            self.work, first = work, self.work
            urls.append(self.page_url(route))
            self.work = first
        if route == "history/<str:kind>/<int:pk>/":
            entries = {"work": self.work, "party": self.party, "cmo": self.cmo, "licensee": self.licensee}
            urls += [f"/history/{kind}/{entries[kind].pk}/" for kind in KINDS]  # a new kind fails here
        return list(dict.fromkeys(urls))


def visits(who: str) -> list[tuple[str, bool]]:
    """The routes ``who`` visits, and whether the access rule says ``who`` reaches it."""
    found = []
    for route in matrix._routes():
        covered, allowed = matrix._page_rule(route)
        assert covered, route  # (the access matrix fails on it too)
        if allowed is None or who in allowed:
            found.append((route, allowed is not None))
    return found


def inspect(page: Any) -> list[str]:
    """The problems of the page in front of ``page``, each one line."""
    problems = []
    language = page.evaluate("document.documentElement.lang")
    if language != LANGUAGE:
        problems.append(f"not in Kazakh: <html lang={language!r}>")
    closed = checks.overflow(page)
    opened = checks.overflow(page) if checks.open_all_details(page) else closed
    if closed["scrollWidth"] > closed["innerWidth"]:
        problems.append("wider than the screen: " + checks.describe_overflow(closed))
    elif opened["scrollWidth"] > opened["innerWidth"]:
        problems.append(
            "wider than the screen once its <details> are open: " + checks.describe_overflow(opened)
        )
    counted: dict[str, int] = defaultdict(int)
    for found in checks.raw_codes(page):
        counted[checks.describe_code(found)] += 1
    problems += [f"raw code: {text}" + (f" ×{n}" if n > 1 else "") for text, n in counted.items()]
    return problems


def crawl(
    browser: Any, base: str, world: CrawlWorld
) -> tuple[dict[str, dict[str, list[str]]], dict[str, Any]]:
    """``{url: {persona: [problems]}}`` for every page reached, and the figures of the crawl."""
    pages: dict[str, dict[str, list[str]]] = defaultdict(dict)
    routes_of: dict[str, str] = {}
    unreached: list[str] = []
    errors: list[str] = []
    counts: dict[str, int] = {}
    shots: set[tuple[str, tuple[str, ...]]] = set()  # one screenshot of a page for each set of problems
    start = time.monotonic()
    for who in PERSONAS:
        context = checks.new_context(browser, base, language=LANGUAGE, width=WIDTH)
        page = context.new_page()
        user = world.users[who]
        if user is not None:
            checks.sign_in(page, base, user)
        counts[who] = 0
        for route, ruled in visits(who):
            reached = False
            urls = world.page_urls(route)
            for url in urls:
                try:
                    response = page.goto(base + url, wait_until="load")
                except Exception as error:  # a file to download is not a page
                    if "Download is starting" not in str(error):
                        raise
                    reached = True
                    continue
                assert response is not None
                status, redirected = response.status, response.request.redirected_from is not None
                if status >= 500:
                    errors.append(f"{who} GET {url} -> {status}")
                target = page.url.removeprefix(base)
                signed_out = any(
                    target.startswith(p) for p in ("/accounts/login/", "/accounts/2fa/", "/admin/login/")
                )
                reached = reached or (status < 400 and not (redirected and signed_out))
                kind = (response.headers.get("content-type") or "").split(";")[0]
                if status != 200 or redirected or kind != "text/html":
                    continue  # not a page of its own: a redirect, a refusal, a file
                counts[who] += 1
                routes_of[url] = route
                problems = inspect(page)
                pages[url][who] = problems
                if "?" not in url and page.evaluate(SEARCHES_ITSELF):
                    urls.append(f"{url}?q={quote(QUERY)}")  # a register's list shows what a search finds
                if problems and (url, tuple(problems)) not in shots:
                    shots.add((url, tuple(problems)))
                    page.screenshot(path=str(SHOTS / f"{who}--{checks._slug(url)}.png"), full_page=True)
            if ruled and not reached:
                unreached.append(f"{who}: {route}")
        context.close()
    figures = {"seconds": round(time.monotonic() - start, 1), "pages": counts, "routes": routes_of}
    assert not errors, "server errors:\n" + "\n".join(errors)
    assert not unreached, "the access rules admit these, but the crawl did not reach them:\n" + "\n".join(
        unreached
    )
    return pages, figures


def report(pages: dict[str, dict[str, list[str]]], figures: dict[str, Any]) -> tuple[str, int]:
    """One report, page by page; problems the shared layout has on (nearly) every page come first, once."""
    visited = sum(len(by) for by in pages.values())
    failing = sum(1 for by in pages.values() for problems in by.values() if problems)
    everywhere: dict[str, int] = defaultdict(int)
    for by in pages.values():
        for problems in by.values():
            for problem in set(problems):
                everywhere[problem] += 1
    shared = {p for p, n in everywhere.items() if n >= SHARED_SHARE * visited}
    per_persona = ", ".join(f"{who} {n}" for who, n in figures["pages"].items())
    lines = [
        f"Crawl at {WIDTH} px in Kazakh: {visited} pages ({per_persona}); {failing} with problems; "
        f"{figures['seconds']} s.",
        f"Screenshots of the failing pages: {SHOTS.relative_to(ARTIFACTS.parent.parent)}/<persona>--<page>.png",
        "",
    ]
    if shared:
        lines.append("On (nearly) every page, the shared layout:")
        lines += [f"  - {p}  [{everywhere[p]} of {visited} pages]" for p in sorted(shared)]
        lines.append("")
    for url in sorted(pages, key=lambda u: (figures["routes"][u], u)):
        by = pages[url]
        problems: dict[str, list[str]] = defaultdict(list)
        for who, found in by.items():
            for problem in found:
                if problem not in shared:
                    problems[problem].append(who)
        if not problems:
            continue
        lines.append(f"{unquote(url)}  ({figures['routes'][url]}) as {', '.join(by)}")
        for problem, whom in problems.items():
            only = f"  [only {', '.join(whom)}]" if len(whom) < len(by) else ""
            lines.append(f"  - {problem}{only}")
    if not failing:
        lines.append("No problems.")
    return "\n".join(lines) + "\n", failing


@pytest.mark.statute("A9-2.1.9")
def test_every_page_each_persona_reaches_fits_a_phone_and_names_what_it_shows_in_kazakh(
    live_server: Any, chromium: Any, personas: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    world = CrawlWorld(personas)
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)

    pages, figures = crawl(chromium, live_server.url, world)
    text, failing = report(pages, figures)
    REPORT.write_text(text)
    print(text)

    assert all(figures["pages"][who] > 0 for who in PERSONAS), figures["pages"]
    assert not failing, text
