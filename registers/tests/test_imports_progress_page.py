"""An import's page: a progress bar fed by a small JSON answer while it runs, then the outcome with the
ACK and the bad lines side by side."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from registers.models import ImportBatch
from registers.tasks import import_works
from registers.tests import imports
from tests import DATA
from tests import factories as f

REAL_CWR = DATA / "cwr" / "CW220001DMP_000.V21"
CSV = b"work_ref,title,contributor_name,role,pr_share\nV-1,Good song,Writer One,CA,100\nV-2,Bad,Writer Two,CA,90\n"

pytestmark = pytest.mark.usefixtures("media_in_tmp")


def upload(client: Client, name: str, content: bytes) -> ImportBatch:
    imports.upload(client, name, content)
    return ImportBatch.objects.latest("pk")


def test_a_running_import_shows_a_progress_bar_and_answers_its_progress_as_json(personas: Any) -> None:
    client = f.signed_in(personas.cmo_staff)
    batch = upload(client, "works.csv", CSV)
    page = client.get(reverse("imports:detail", args=[batch.pk])).content.decode()

    assert 'class="progress"' in page and "js/import-progress.js" in page
    assert "0 lines — waiting for its turn" in page
    assert ">Queued<" not in page  # progress, not a status badge
    progress = client.get(reverse("imports:progress", args=[batch.pk]))
    assert progress["Cache-Control"] == "no-store"
    assert progress.json() == {
        "status": "queued", "status_label": "Queued", "running": True, "stage": "queued",
        "stage_label": "waiting for its turn", "lines_done": 0, "lines_total": 0, "percent": 0,
        "text": "0 lines — waiting for its turn",
    }  # fmt: skip
    ImportBatch.objects.filter(pk=batch.pk).update(
        status="running", stage="writing", lines_done=1500, lines_total=6000
    )
    assert (
        client.get(reverse("imports:progress", args=[batch.pk])).json()["text"]
        == "1,500 of 6,000 lines — writing works"
    )
    assert client.get(reverse("imports:progress", args=[batch.pk])).json()["percent"] == 25

    ImportBatch.objects.filter(pk=batch.pk).update(status="queued", stage="queued")
    import_works(batch.pk)
    ended = client.get(reverse("imports:progress", args=[batch.pk])).json()
    assert (ended["running"], ended["percent"], ended["text"]) == (False, 100, "3 of 3 lines — finished")
    page = client.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert 'class="progress"' not in page and reverse("imports:problems_csv", args=[batch.pk]) in page


def test_the_ack_and_the_bad_lines_are_offered_side_by_side(personas: Any) -> None:
    client = f.signed_in(personas.cmo_staff)
    batch = upload(client, "CW.V21", REAL_CWR.read_bytes().replace(b"T1234567894", b"T1234567890"))
    import_works(batch.pk)
    batch.refresh_from_db()
    assert batch.ack_file and batch.errors_count, f.problems_of(batch)

    page = client.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    downloads = page.split('class="d-flex flex-wrap gap-2 downloads"')[1].split("</p>")[0]
    assert reverse("imports:ack", args=[batch.pk]) in downloads
    assert reverse("imports:problems_csv", args=[batch.pk]) in downloads


def test_another_cmos_staff_get_404_on_the_progress_the_ack_and_the_bad_lines(personas: Any) -> None:
    batch = upload(f.signed_in(personas.cmo_staff), "CW.V21", REAL_CWR.read_bytes())
    import_works(batch.pk)
    other = f.signed_in(personas.other_cmo_staff)

    for name in ("detail", "progress", "ack", "problems_csv"):
        assert other.get(reverse(f"imports:{name}", args=[batch.pk])).status_code == 404, name
