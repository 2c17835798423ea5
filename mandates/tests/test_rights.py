"""The "My rights" page and the holder's own data: right per area and date, only ever one's own."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from tests import factories as f
from tests.personas import Personas, everyone

pytestmark = pytest.mark.django_db

P100 = {"PR": Decimal("100"), "MR": Decimal("100")}


def _zip(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}


def test_the_page_says_who_manages_each_area_and_what_is_self_managed(personas: Personas, clock: Any) -> None:
    party = personas.holder_party
    f.make_work(personas.holder, (party, "CA", P100), title="Көктем", kind="musical")
    clock.travel_to(dt.date(2026, 6, 1))
    page = f.signed_in(personas.holder).get(reverse("rights:home")).content.decode()
    area1 = page.split('id="area-1"')[1].split("</section>")[0]
    assert "KAZ" in area1 and "2026" in area1 and "Works it covers" in area1
    area7 = page.split('id="area-7"')[1].split("</section>")[0]
    assert "you manage these rights yourself" in area7
    assert "QAZ" not in page  # the other holder's CMO


def test_before_the_mandate_began_the_area_was_self_managed(personas: Personas, clock: Any) -> None:
    clock.travel_to(dt.date(2026, 1, 20))  # the personas' mandates are in force from 1 Feb 2026
    page = f.signed_in(personas.holder).get(reverse("rights:home")).content.decode()
    area1 = page.split('id="area-1"')[1].split("</section>")[0]
    assert "you manage these rights yourself" in area1


def test_the_download_holds_all_of_the_holders_own_data_and_nobody_elses(personas: Personas) -> None:
    party = personas.holder_party
    f.make_work(personas.holder, (party, "CA", P100), title="Көктем", kind="musical", iswc=f.make_iswc())
    f.make_work(personas.other_holder, (personas.other_party, "CA", P100), title="Басқа", kind="musical")
    response = f.signed_in(personas.holder).get(reverse("rights:my_data"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    files = _zip(response.content)
    assert set(files) == {
        "holder.csv",
        "works.csv",
        "mandates.csv",
        "requests.csv",
        "withdrawals.csv",
        "works.V21",
    }
    holder = next(csv.DictReader(io.StringIO(files["holder.csv"])))
    assert holder["iin"] == party.iin and holder["address"] == party.address
    assert "Көктем" in files["works.csv"] and "Басқа" not in files["works.csv"]
    mandates = list(csv.DictReader(io.StringIO(files["mandates.csv"])))
    assert [(m["cmo"], m["area_item"], m["status"]) for m in mandates] == [("KAZ", "1", "active")]
    assert files["works.V21"].startswith("HDR") and "NWR" in files["works.V21"]
    assert "BASQA" not in files["works.V21"].upper()


def test_only_a_holder_reaches_their_rights_and_data(personas: Personas) -> None:
    for name, user in everyone(personas).items():
        client = f.signed_in(user) if user.is_authenticated else f.Client()
        for url in (reverse("rights:home"), reverse("rights:my_data")):
            response = client.get(url)
            if name == "anonymous":
                assert response.status_code == 302 and "/accounts/login/" in response["Location"], (name, url)
            elif name == "pending_holder":
                assert response.status_code == 302 and "pending" in response["Location"], (name, url)
            elif name == "cmo_staff_without_mfa":  # sent to set up the second factor first
                assert response.status_code == 302 and "/2fa/" in response["Location"], (name, url)
            elif name in {"holder", "other_holder"}:
                assert response.status_code == 200, (name, url)
            else:
                assert response.status_code == 403, (name, url)


def test_the_api_gives_the_same_answer_and_the_same_file(personas: Personas, clock: Any) -> None:
    clock.travel_to(dt.date(2026, 6, 1))
    client = f.signed_in(personas.holder)
    answer = client.get("/api/me/rights/").json()
    assert answer["on"] == "2026-06-01"
    by_area = {row["area"]: row for row in answer["areas"]}
    assert by_area[1]["mandate"]["cmo"] == "KAZ" and by_area[7]["mandate"] is None
    data = client.get("/api/me/data/")
    assert data.status_code == 200 and "mandates.csv" in _zip(data.content)
    assert f.signed_in(personas.cmo_staff).get("/api/me/rights/").status_code == 403
    assert f.Client().get("/api/me/data/").status_code in (401, 403)


def test_a_paper_mandate_waiting_for_the_holder_is_one_click_from_my_rights(
    personas: Personas, clock: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mandates.paper import confirm_paper_mandate, enter_paper_mandate
    from registers.models import Area

    clock.travel_to(dt.date(2026, 6, 1))
    paper = enter_paper_mandate(
        by=personas.cmo_staff, holder=personas.holder_party, areas=[Area.objects.get(item=7)],
        concluded_on=dt.date(2019, 3, 1), valid_from=dt.date(2019, 3, 1),
        scan=SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%%EOF\n"),
    )  # fmt: skip
    client = f.signed_in(personas.holder)
    area7 = client.get(reverse("rights:home")).content.decode().split('id="area-7"')[1].split("</section>")[0]
    assert reverse("mandates:paper", args=[paper.pk]) in area7 and "paper mandate" in area7
    confirm_paper_mandate(paper, by=personas.holder)
    area7 = client.get(reverse("rights:home")).content.decode().split('id="area-7"')[1].split("</section>")[0]
    assert reverse("mandates:paper", args=[paper.pk]) not in area7 and "KAZ" in area7
