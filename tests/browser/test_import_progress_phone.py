"""An uploader on a 390 px phone uploads a file of works, watches the import's progress, finds the notice
in the bell when it ends, and downloads the bad lines as CSV (line, record, field, reason)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from registers.importing import progress
from registers.models import ImportBatch
from tests import factories as f
from tests.browser import checks
from tests.browser.test_journey import ARTIFACTS
from udp.accounts.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GOOD_WORKS = 240


def works_csv(path: Path, party_id: int) -> Path:
    """The holder's own works (a holder registers works of which they are a contributor), one share bad."""
    lines = ["work_ref,title,party_id,role,pr_share"]
    lines += [f"P-{n},Song number {n},{party_id},CA,100" for n in range(1, GOOD_WORKS + 1)]
    lines.append(f"P-BAD,Broken song,{party_id},CA,90")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


WIDE = (
    "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
    ".slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"
)


def _fits(page: Any) -> bool:
    fits = bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))
    assert fits, page.evaluate(WIDE)
    return fits


@pytest.mark.statute("A45-1.2-works")
def test_an_uploader_follows_the_import_then_reads_the_notice_and_downloads_the_bad_lines(
    live_server: Any,
    browser: Any,
    settings: Any,
    tmp_path: Path,
    monkeypatch: Any,
) -> None:
    from celery.contrib.testing.worker import start_worker

    from udp.celery import app

    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(progress, "EVERY", 20)
    uploader = f.make_account(
        "uploader@example.kz", Role.HOLDER, party=f.make_person(name_lat="Aliya Writer")
    )
    context = browser.new_context(
        locale="en-US", viewport={"width": 390, "height": 800}, accept_downloads=True
    )
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    checks.sign_in(page, live_server.url, uploader)
    assert page.locator("#notices-unread").count() == 0  # nothing to read yet

    page.goto(f"{live_server.url}/imports/new/")
    page.set_input_files("input[name=file]", str(works_csv(tmp_path / "catalogue.csv", uploader.party_id)))
    page.check("input[name=policy][value=keep_good]")
    page.click("#content form[method=post] [type=submit]")
    page.wait_for_selector("#import-progress-text")
    assert page.inner_text("#import-progress-text") == "0 lines — waiting for its turn"  # no worker yet
    assert _fits(page)
    batch = ImportBatch.objects.get()

    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        # the page follows the import by itself: lines read of the file's lines, and the stage
        page.wait_for_function(
            "/^[1-9][0-9]* of 242 lines — writing works$/.test("
            "document.getElementById('import-progress-text')?.textContent || '')",
            timeout=60_000,
        )
        width = page.eval_on_selector("#import-progress .progress-bar", "e => parseFloat(e.style.width)")
        assert 0 < width < 100
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "import-progress-phone.png"), full_page=True)
        page.wait_for_selector("#download-bad-lines", timeout=120_000)  # ended: the page shows the outcome

    batch.refresh_from_db()
    assert (batch.status, batch.works_created, batch.works_rejected) == ("partial", GOOD_WORKS, 1), (
        f.problems_of(batch)[:3]
    )
    assert "Imported with errors" in page.content()
    assert page.locator("#import-progress").count() == 0
    assert _fits(page)

    with page.expect_download() as download_info:
        page.click("#download-bad-lines")
    download = download_info.value
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["line", "record", "field", "reason"]
    assert rows[1][0] == str(GOOD_WORKS + 2) and "sum to 90.00" in rows[1][3]

    assert page.inner_text("#notices-unread").startswith("1")  # the bell
    page.click("#notices-bell")
    page.wait_for_selector("#notices")
    text = page.inner_text("#notices")
    assert (
        f"Import of catalogue.csv: the good lines were imported (works created: {GOOD_WORKS}, updated: 0, not imported: 1)"
        in text
    )
    assert _fits(page)
    page.screenshot(path=str(ARTIFACTS / "notices-phone.png"), full_page=True)
    page.click("#read-all")
    page.wait_for_load_state()
    assert page.locator("#notices-unread").count() == 0
    context.close()
