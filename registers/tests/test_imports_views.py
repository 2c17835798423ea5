"""The import pages, their permissions, and the import running as a Celery task."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from registers.models import ImportBatch, Work
from registers.tasks import import_works
from registers.tests.imports import upload
from tests import DATA
from tests import factories as f

REAL_CWR = DATA / "cwr" / "CW220001DMP_000.V21"  # from django-music-publisher, see test_cwr.py
CSV = (
    b"work_ref,title,contributor_name,role,pr_share\n"
    b"V-1,Good song,Writer One,CA,100\n"
    b"V-2,Bad song,Writer Two,CA,90\n"
)

pytestmark = pytest.mark.usefixtures("media_in_tmp")


@pytest.mark.smoke
def test_an_upload_queues_the_import_after_commit_and_the_result_page_names_bad_lines(
    personas: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = f.signed_in(personas.cmo_staff)
    with django_capture_on_commit_callbacks() as callbacks:
        response = upload(client, "works.csv", CSV)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse("imports:detail", args=[batch.pk])
    assert (batch.format, batch.status, batch.cmo, len(callbacks)) == ("csv", "queued", personas.cmo, 1)
    assert 'http-equiv="refresh"' in client.get(response.url).content.decode()

    import_works(batch.pk)

    page = client.get(response.url).content.decode()
    assert "Imported with errors" in page and "The good lines were imported" in page
    assert "sum to 90.00" in page and 'http-equiv="refresh"' not in page
    assert Work.objects.filter(submitter_ref="V-1").exists()


def test_the_task_does_not_import_a_finished_batch_twice(personas: Any) -> None:
    upload(f.signed_in(personas.cmo_staff), "works.csv", CSV)
    batch = ImportBatch.objects.get()
    assert import_works(batch.pk) == "partial"

    assert import_works(batch.pk) is None

    assert Work.objects.filter(submitter_ref="V-1").count() == 1
    batch.refresh_from_db()
    assert batch.works_created == 1


def test_a_file_of_unknown_type_is_refused_by_the_form(personas: Any) -> None:
    response = upload(f.signed_in(personas.cmo_staff), "works.pdf", b"%PDF")

    assert response.status_code == 200
    assert not ImportBatch.objects.exists()


def test_another_cmos_staff_and_other_holders_cannot_see_my_batch(personas: Any) -> None:
    upload(f.signed_in(personas.cmo_staff), "works.csv", CSV)
    batch = ImportBatch.objects.get()
    url = reverse("imports:detail", args=[batch.pk])

    assert f.signed_in(personas.cmo_admin).get(url).status_code == 200  # same CMO
    assert f.signed_in(personas.operator).get(url).status_code == 200
    assert f.signed_in(personas.other_cmo_staff).get(url).status_code == 404
    assert f.signed_in(personas.holder).get(url).status_code == 404
    assert f.signed_in(personas.licensee).get(url).status_code == 403
    assert Client().get(url).status_code == 302
    assert (
        batch.filename
        not in f.signed_in(personas.other_cmo_staff).get(reverse("imports:list")).content.decode()
    )


def test_the_ack_of_a_cwr_upload_can_be_downloaded_by_its_uploader_only(personas: Any) -> None:
    client = f.signed_in(personas.cmo_staff)
    upload(client, "CW220001DMP_000.V21", REAL_CWR.read_bytes())
    batch = ImportBatch.objects.get()
    import_works(batch.pk)
    url = reverse("imports:ack", args=[batch.pk])

    response = client.get(url)

    assert response.status_code == 200
    ack = f.streamed(response).decode()
    assert ack.startswith("HDR") and "MUSIC PUB CARTOONS" in ack and "DMP000001" in ack
    assert "AS" in [line[157:159] for line in ack.splitlines() if line.startswith("ACK")]
    assert f.signed_in(personas.other_cmo_staff).get(url).status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_downloads(personas: Any, fmt: str) -> None:
    response = f.signed_in(personas.holder).get(reverse("imports:template", args=[fmt]))

    assert response.status_code == 200
    assert f"works-template.{fmt}" in response["Content-Disposition"]


def test_the_export_holds_only_the_works_the_user_may_edit(personas: Any) -> None:
    f.make_work(personas.holder, (personas.holder_party, "CA", {"PR": Decimal("100")}), title="Mine")
    f.make_work(personas.other_holder, (personas.other_party, "CA", {"PR": Decimal("100")}), title="Not mine")

    response = f.signed_in(personas.holder).get(reverse("imports:export", args=["csv"]))
    csv = f.streamed(response).decode("utf-8-sig")
    cwr = f.signed_in(personas.holder).get(reverse("imports:export", args=["cwr"])).content.decode()

    assert "Mine" in csv and "Not mine" not in csv
    assert personas.holder_party.iin not in csv
    assert "Mine" in cwr and "Not mine" not in cwr


@pytest.mark.django_db(transaction=True)
@pytest.mark.smoke
def test_an_upload_is_imported_by_a_celery_worker(personas: Any) -> None:
    from celery.contrib.testing.worker import start_worker

    from udp.celery import app

    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        upload(f.signed_in(personas.cmo_staff), "CW220001DMP_000.V21", REAL_CWR.read_bytes())
        batch = ImportBatch.objects.get()
        deadline = time.monotonic() + 30
        while batch.status in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.2)
            batch.refresh_from_db()

    assert (batch.status, batch.works_created) == ("done", 1), f.problems_of(batch)
    assert Work.objects.get(iswc="T1234567894").registered_by_cmo == personas.cmo
    assert batch.ack_file


def test_the_upload_page_offers_the_templates_and_the_policies(personas: Any) -> None:
    page = f.signed_in(personas.holder).get(reverse("imports:upload")).content.decode()

    assert reverse("imports:template", args=["xlsx"]) in page
    assert 'value="all_or_nothing"' in page and 'value="keep_good"' in page
