"""The checks of the crawl and the journeys find what they look for (:mod:`tests.browser.checks`):
each is run on a small page that has the problem, and on one that does not, so none can pass by
finding nothing."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from registers.models import RightType
from tests.browser import checks
from tests.browser.test_crawl import report

pytestmark = [pytest.mark.browser]

PHONE = {"width": checks.PHONE, "height": 800}


@pytest.fixture
def page(chromium: Any) -> Any:
    context = chromium.new_context(viewport=PHONE)
    yield context.new_page()
    context.close()


def test_a_page_wider_than_the_phone_is_found_with_the_element_that_sticks_out(page: Any) -> None:
    page.set_content(
        "<main><p>Fits</p><div id='wide' class='grid'><span>inside the wide block</span>"
        "<div style='width: 700px'>700 px of it</div></div>"
        "<div style='overflow-x: auto'><table style='width: 900px'><tr><td>scrolls in its box</td></tr></table></div>"
        "</main><style>#wide { width: 800px }</style>"
    )
    result = checks.overflow(page)
    assert result["scrollWidth"] > result["innerWidth"] == checks.PHONE
    culprits = [c["what"] for c in result["culprits"]]
    assert culprits == ["div#wide.grid"], (
        culprits
    )  # the outermost, not what is inside it, nor the scrolling table
    assert "div#wide.grid (right edge 808 px, 800 px wide" in checks.describe_overflow(result)


def test_a_page_that_fits_has_no_overflow_even_with_a_wide_table_in_a_scrolling_box(page: Any) -> None:
    page.set_content(
        "<main><p>Fits</p><div style='overflow-x: auto'><table style='width: 900px'><tr><td>x</td></tr></table>"
        "</div><div style='max-width: 100%'>a long word: Қазақстанның_авторлық_құқықтарын_ұжымдық_басқару</div></main>"
        "<style>div { overflow-wrap: anywhere }</style>"
    )
    assert checks.overflow(page) == {"scrollWidth": checks.PHONE, "innerWidth": checks.PHONE, "culprits": []}


def test_a_details_element_that_overflows_only_once_opened_is_found_after_opening_it(page: Any) -> None:
    page.set_content("<details><summary>More</summary><div style='width: 600px'>wide</div></details>")
    assert checks.overflow(page)["scrollWidth"] == checks.PHONE
    assert checks.open_all_details(page) == 1
    assert checks.overflow(page)["scrollWidth"] > checks.PHONE


def test_codes_shown_where_a_name_belongs_are_found(page: Any) -> None:
    cells = [
        "PR", "CA", "PER", "pending", "competing_registration", "author-living", "KK", "ru", "1, 7", "True", "None",
        "Work #12", "Party object (3)", "missing_columns",
    ]  # fmt: skip
    page.set_content(
        "<table><tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr></table>"
        "<p><span class='badge'>MR</span></p><select><option>SR</option></select>"
    )
    found = {f["text"]: f for f in checks.raw_codes(page)}
    assert set(found) == {*cells, "MR", "SR"}, set(found) ^ {*cells, "MR", "SR"}
    assert "Share.right_type" in found["PR"]["kind"] and found["PR"]["where"] == "td"
    assert "WorkContributor.role" in found["CA"]["kind"] and "WorkContributor.role" in found["PER"]["kind"]
    assert "ProposalAnswer.decision" in found["pending"]["kind"]
    assert "Conflict.kind" in found["competing_registration"]["kind"]
    assert found["author-living"]["kind"] == "term of protection basis"
    assert "language code" in found["KK"]["kind"] and "language code" in found["ru"]["kind"]
    assert found["1, 7"]["kind"] == "bare area numbers"
    assert found["True"]["kind"] == found["None"]["kind"] == "Python value"
    assert found["Work #12"]["kind"] == found["Party object (3)"]["kind"] == "object reference"
    assert found["missing_columns"]["kind"] == "import problem code"
    assert found["MR"]["where"] == "span.badge in p"
    assert checks.describe_code(found["PR"]).startswith("“PR” (Share.right_type")


def test_codes_with_their_names_identifiers_hidden_text_and_marked_up_code_are_not_raw_codes(
    page: Any,
) -> None:
    with translation.override("kk"):
        performing, mechanical = str(RightType.PERFORMING.label), str(RightType.MECHANICAL.label)
    page.set_content(
        f"<p>{performing} (PR)</p><p>{mechanical} (<abbr>MR</abbr>)</p>"
        "<table><tr><td>T-034.524.680-1</td><td>00014107338</td><td>KZG6D1234567</td><td>50,00</td><td>40 %</td>"
        "<td>KAZ</td><td>2026</td></tr></table>"
        "<div hidden>PR</div><p style='display: none'>pending</p><p><code>CA</code> <kbd>C</kbd></p>"
        "<script>const code = 'PR';</script>"
    )
    assert checks.raw_codes(page) == []


def test_a_code_next_to_something_else_than_its_name_is_still_a_raw_code(page: Any) -> None:
    page.set_content("<ul><li><span>C</span> Aigul Serikova</li></ul>")
    [found] = checks.raw_codes(page)
    assert (found["text"], found["where"]) == ("C", "span in li")


def test_a_journey_step_wider_than_the_phone_fails_the_journey_and_is_screenshot(
    chromium: Any, tmp_path: Path
) -> None:
    context = chromium.new_context(viewport=PHONE)
    journey = checks.Journey(tmp_path, "kk", checks.PHONE, "proof")
    page = checks.CheckedPage(context.new_page(), journey)
    page.goto("data:text/html,<p>fits</p>")
    page.goto("data:text/html,<div style='width:700px'>too wide</div>")
    context.close()
    assert [re.sub(r"-data.*", "", s) for s in journey.steps] == ["proof-01", "proof-02"]
    assert len(journey.problems) == 1 and "700 px" in journey.problems[0]
    assert sorted(p.name.split("-data")[0] for p in tmp_path.glob("*.png")) == [
        "kk-390-proof-01",
        "kk-390-proof-02",
    ]
    with pytest.raises(AssertionError, match="1 of 2 steps are wider than 390 px in kk"):
        journey.assert_fits()


def test_the_crawl_report_names_each_page_and_its_problem_once() -> None:
    """What the shared layout does everywhere comes first, once; a problem some personas have names them."""
    lang = "raw code: “KK” (language code) in button.lang"
    wide = "wider than the screen: 600 px"
    pages = {
        "/works/": {"anonymous": [lang, wide], "holder": [lang, wide]},
        "/portal/": {"holder": [lang, "raw code: “PR” (Share.right_type) in th"]},
        "/cmos/": {"anonymous": [lang], "holder": [lang]},
        "/cmos/1/": {"anonymous": [lang], "holder": [lang, wide]},
    }
    figures = {
        "seconds": 1.0,
        "pages": {"anonymous": 3, "holder": 4},
        "routes": {u: u.strip("/") for u in pages},
    }
    text, failing = report(pages, figures)
    assert failing == 7
    assert text.count("KK") == 1 and "[7 of 7 pages]" in text
    assert "/works/  (works) as anonymous, holder\n  - wider than the screen: 600 px\n" in text
    assert (
        "/cmos/1/  (cmos/1) as anonymous, holder\n  - wider than the screen: 600 px  [only holder]\n" in text
    )
    assert "/cmos/ " not in text  # nothing but the shared problem
    assert "/portal/" in text and "“PR”" in text
