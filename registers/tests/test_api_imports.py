"""The import API: the same checks, names, bounds and permissions as the upload page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from registers.models import ImportBatch, IPIName, WorkContributor
from registers.tasks import import_works
from tests import factories as f

HEADER = "work_ref,title,contributor_name,party_id,ipi_name_number,role,pr_share\n"

pytestmark = pytest.mark.usefixtures("media_in_tmp", "english")


def api(user: Any = None) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


def post(client: APIClient, name: str, data: bytes, policy: str = "keep_good") -> Any:
    return client.post(
        "/api/imports/", {"file": SimpleUploadedFile(name, data), "policy": policy}, format="multipart"
    )


def test_an_api_upload_is_stored_under_a_generated_name_and_imported(personas: Any) -> None:
    client = api(personas.cmo_staff)
    response = post(client, "../../" + "x" * 300 + ".csv", (HEADER + "A1,Song,Writer,,,CA,100\n").encode())

    assert response.status_code == 201, response.content
    batch = ImportBatch.objects.get(pk=response.json()["id"])
    assert re.match(r"^imports/\d{4}/\d{2}/[0-9a-f]{32}\.csv$", str(batch.file.name))
    assert response.json()["filename"] == "x" * 115 + "….csv"
    import_works(batch.pk)
    detail = client.get(f"/api/imports/{batch.pk}/").json()
    assert (detail["status"], detail["works_created"], detail["errors_count"]) == ("done", 1, 0)


def test_an_api_upload_of_an_unknown_type_is_refused(personas: Any) -> None:
    response = post(api(personas.holder), "works.pdf", b"%PDF")

    assert response.status_code == 400 and "file" in response.json()
    assert not ImportBatch.objects.exists()


def test_the_api_gives_problem_counts_and_pages_of_problems_and_a_streamed_csv(personas: Any) -> None:
    client = api(personas.holder)
    lines = "".join(f"R{i},,W,,,XX,100\n" for i in range(3000))
    batch_id = post(client, "bad.csv", (HEADER + lines).encode()).json()["id"]
    import_works(batch_id)

    detail = client.get(f"/api/imports/{batch_id}/").json()
    assert detail["problem_counts"] == {"no_title": 3000, "unknown_role": 3000}
    assert (detail["errors_count"], detail["problems_truncated"]) == (6000, True)
    page = client.get(f"/api/imports/{batch_id}/problems/?page_size=100").json()
    assert len(page["results"]) == 100 and page["next"]
    assert page["results"][0] == {
        "line": 2,
        "record": "",
        "field": "title",
        "level": "error",
        "code": "no_title",
        "params": {},
        "reason": "A work needs a title.",
    }
    response = client.get(f"/api/imports/{batch_id}/problems-csv/")
    assert response.streaming
    assert len(f.streamed(response).decode("utf-8-sig").splitlines()) == 2001


def test_an_api_import_links_no_party_the_importer_may_not_see(personas: Any) -> None:
    pending = f.make_person(verified=False)
    ipi = f.make_ipi()
    IPIName.objects.create(party=pending, name_number=ipi)
    client = api(personas.holder)
    batch_id = post(client, "ipi.csv", (HEADER + f"P1,Song,,,{ipi},CA,100\n").encode()).json()["id"]

    import_works(batch_id)

    assert not WorkContributor.objects.filter(party=pending).exists()
    problems = client.get(f"/api/imports/{batch_id}/problems/").json()["results"]
    assert [p["code"] for p in problems] == ["ipi_not_visible"]


def test_imports_are_shown_to_their_uploader_their_cmo_and_the_operator_only(personas: Any) -> None:
    batch_id = post(api(personas.holder), "w.csv", HEADER.encode()).json()["id"]

    assert api(personas.other_holder).get(f"/api/imports/{batch_id}/").status_code == 404
    assert api(personas.other_holder).get(f"/api/imports/{batch_id}/problems/").status_code == 404
    assert api(personas.operator).get(f"/api/imports/{batch_id}/").status_code == 200
    assert api(personas.licensee).get("/api/imports/").status_code == 403
    assert post(api(personas.licensee), "w.csv", HEADER.encode()).status_code == 403
    assert api().get("/api/imports/").status_code in (401, 403)
    assert [b["id"] for b in api(personas.holder).get("/api/imports/").json()["results"]] == [batch_id]


def test_the_api_exports_csv_with_formula_like_titles_neutralised(personas: Any) -> None:
    from decimal import Decimal

    f.make_work(personas.holder, (personas.holder_party, "CA", {"PR": Decimal("100")}), title="=HYPERLINK(1)")

    response = api(personas.holder).get("/api/imports/export/csv/")

    assert response.status_code == 200
    assert "'=HYPERLINK(1)" in f.streamed(response).decode("utf-8-sig")


def test_the_import_endpoints_are_in_the_openapi_schema(db: Any) -> None:
    paths = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]

    for path in ("/api/imports/", "/api/imports/{id}/", "/api/imports/{id}/problems/", "/api/imports/{id}/problems-csv/",
                 "/api/imports/{id}/ack/", "/api/imports/export/{fmt}/", "/api/imports/template/{fmt}/"):  # fmt: skip
        assert path in paths, sorted(p for p in paths if "import" in p)
