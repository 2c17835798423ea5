"""A CMO brings in its membership: a list of paper mandates and a ZIP of scans; bad lines are reported."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from mandates.models import PaperMandate
from registers.models import Mandate
from registers.models.contracts import MandateStatus
from tests import factories as f
from tests.personas import Personas
from udp.core.spreadsheets import xlsx_bytes

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.4\n%%EOF\n"


def _zip(files: dict[str, bytes]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return SimpleUploadedFile("scans.zip", buffer.getvalue(), content_type="application/zip")


def test_the_good_lines_are_entered_and_each_bad_line_is_reported(personas: Personas) -> None:
    p = personas
    first, second = f.make_person(), f.make_person()
    listing = (
        "holder,areas,concluded_on,valid_from,paper_number,scan\n"
        f"{first.iin},1;7,2023-02-01,2023-03-01,12/2023,a.png\n"
        f"{second.iin},7,2023-02-01,,13/2023,b.pdf\n"
        "999999999999,7,2023-02-01,,14/2023,a.png\n"  # nobody in the register
        f"{p.other_party.iin},1,2023-02-01,,15/2023,a.png\n"  # QAZ manages area 1 for them: a conflict
        f"{second.iin},5,2023-13-01,,16/2023,missing.png\n"  # bad date, no such scan
    )
    response = f.signed_in(p.cmo_staff).post(
        "/mandates/paper/bulk/",
        {
            "listing": SimpleUploadedFile("members.csv", listing.encode()),
            "scans": _zip({"a.png": PNG, "b.pdf": PDF}),
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "2 mandates entered." in body and "3 lines not entered" in body
    assert PaperMandate.objects.count() == 2
    assert Mandate.objects.filter(holder=first, cmo=p.cmo, status=MandateStatus.ACTIVE).count() == 2
    assert "no rightsholder in the register" in body and "QAZ already manages area 1" in body
    assert "not a date" in body and "the ZIP has no file named missing.png" in body
    assert "data:text/csv;base64," in body


def test_the_api_reads_an_xlsx_list(personas: Personas) -> None:
    from udp.accounts.actions import issue_api_key

    holder = f.make_person()
    _key, secret = issue_api_key(
        by=personas.cmo_staff, name="office", scopes=["registers:read", "mandates:write"]
    )
    book = xlsx_bytes(["holder", "areas", "concluded_on", "scan"], [[holder.iin, "7", "2023-02-01", "x.png"]])
    response = Client(HTTP_AUTHORIZATION=f"Api-Key {secret}").post(
        "/api/paper-mandates/bulk/",
        {"listing": SimpleUploadedFile("members.xlsx", book), "scans": _zip({"x.png": PNG})},
    )
    assert response.status_code == 200, response.content
    assert response.json()["entered"] == 1 and response.json()["lines"][0]["contract"].startswith("MAN-")


def test_a_list_without_the_required_columns_is_refused_whole(personas: Personas) -> None:
    response = f.signed_in(personas.cmo_staff).post(
        "/mandates/paper/bulk/", {"listing": SimpleUploadedFile("members.csv", b"name,area\nA,1\n")}
    )
    assert "The header lacks the column(s) holder, areas, concluded_on, scan" in response.content.decode()
    assert not PaperMandate.objects.exists()
