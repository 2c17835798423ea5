"""The licensing pages: a café gets a licence on the web, the CMO countersigns, the public sees tariffs with their
repertoire and the agreements concluded; nobody reads another's agreement."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils.formats import date_format

from licensing.models import Licence, LicenceStatus, Tariff
from licensing.tests.helpers import accredit, category, licence_in_force, published
from licensing.tests.test_licences import make_signatory_for_user
from mandates.tests.request_helpers import make_signatory
from registers.models import LicenseeLocation
from tests import factories as f
from tests.personas import Personas
from udp.accounts.models import Role

pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.statute("A44.2-1-via-udp")
def test_a_cafe_gets_a_licence_on_the_web_and_the_cmo_countersigns(personas: Personas) -> None:
    p = personas
    make_signatory_for_user(p)
    make_signatory(p.cmo_staff, p.cmo)
    accredit(p, p.cmo, 1)
    published(p.cmo_staff)
    location = LicenseeLocation.objects.create(
        licensee=p.licensee.licensee,
        name="Café Alma",
        city="Almaty",
        address="Abay 10",
        area_m2=80,  # type: ignore[misc]
    )
    user = f.signed_in(p.licensee)
    form = user.get("/licences/get/").content.decode()
    assert "Square metres" in form
    response = user.post(
        "/licences/get/",
        {"location": location.pk, "category": category("restaurant").pk, "use": "background",
         "starts_on": dt.date.today().isoformat(), "param_m2": "80"},
    )  # fmt: skip
    assert response.status_code == 302
    offers_page = user.get(response["Location"]).content.decode()
    assert "KAZ" in offers_page and "115 200" in offers_page.replace("\xa0", " ").replace(",", " ")
    declaration = response["Location"].rstrip("/").split("/")[-1]
    made = user.post(f"/licences/get/{declaration}/request/", {"cmo": p.cmo.pk, "kind": "licence"})
    licence = Licence.objects.get()
    assert made["Location"] == f"/licences/{licence.pk}/"
    page = user.get(made["Location"]).content.decode()
    assert licence.contract.number in page and "Sign the agreement" in page
    assert user.get(f"/licences/{licence.pk}/agreement.pdf").status_code == 200
    assert licence.document is not None
    user.post(f"/licences/{licence.pk}/sign/", {"sha256": licence.document.sha256, "confirm": "on"})
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.AWAITING_CMO
    staff = f.signed_in(p.cmo_staff)
    assert "Refuse the agreement" in staff.get(f"/licences/{licence.pk}/").content.decode()
    staff.post(f"/licences/{licence.pk}/sign/", {"sha256": licence.document.sha256, "confirm": "on"})
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.IN_FORCE
    assert "Usage reports due" in user.get(f"/licences/{licence.pk}/").content.decode()


@pytest.mark.statute("A46.1.9-contracts-public")
def test_the_agreements_concluded_are_public_with_name_place_and_date(personas: Personas) -> None:
    p = personas
    make_signatory_for_user(p)
    licence = licence_in_force(p)
    page = Client().get("/contracts/").content.decode()
    assert licence.contract.number in page and str(licence.licensee) in page
    assert date_format(licence.contract.concluded_on, "SHORT_DATE_FORMAT") in page
    # an agreement not yet signed is not in the public list
    waiting = Licence.objects.filter(status=LicenceStatus.AWAITING_USER)
    assert not waiting.exists() or waiting.first().contract.number not in page  # type: ignore[union-attr]
    # the user's IIN or BIN never shows
    party = licence.licensee.party
    assert (party.iin or "IIN-NONE") not in page


@pytest.mark.statute("A46.1.6-repertoire")
def test_tariffs_are_public_with_the_repertoire_they_cover(personas: Personas) -> None:
    p = personas
    tariff = published(p.cmo_staff)
    anonymous = Client()
    listing = anonymous.get("/tariffs/").content.decode()
    assert f"/tariffs/{tariff.pk}/" in listing and "120.00" in listing
    page = anonymous.get(f"/tariffs/{tariff.pk}/").content.decode()
    assert "/works/?cmo=KAZ" in page
    # the repertoire link lists the CMO's managed works
    work = f.make_work(p.holder, (p.holder_party, "CA", {"PR": Decimal("100")}), title="Дала әні")
    works = anonymous.get("/works/?cmo=KAZ").content.decode()
    assert work.title in works
    # a draft is not public
    draft = Tariff.objects.create(
        cmo=p.cmo, area=tariff.area, category=tariff.category, use="live", valid_from=dt.date(2026, 1, 1)
    )
    assert anonymous.get(f"/tariffs/{draft.pk}/").status_code == 404
    assert f.signed_in(p.cmo_staff).get(f"/tariffs/{draft.pk}/").status_code == 200
    assert f.signed_in(p.other_cmo_staff).get(f"/tariffs/{draft.pk}/").status_code == 404


def test_nobody_reads_or_signs_another_partys_agreement(personas: Personas) -> None:
    p = personas
    make_signatory_for_user(p)
    licence = licence_in_force(p)
    other_user = f.make_account("shop@example.kz", Role.LICENSEE, licensee=f.make_licensee())
    for who in (other_user, p.other_cmo_staff, p.holder):
        client = f.signed_in(who)
        assert client.get(f"/licences/{licence.pk}/").status_code in (403, 404)
        assert client.get(f"/licences/{licence.pk}/agreement.pdf").status_code in (403, 404)
    assert Client().get(f"/licences/{licence.pk}/").status_code == 302
    assert f.signed_in(p.regulator).get(f"/licences/{licence.pk}/").status_code == 200
    # the regulator reads but does not sign
    assert f.signed_in(p.regulator).post(
        f"/licences/{licence.pk}/sign/", {"sha256": "0" * 64, "confirm": "on"}
    ).status_code in (403, 404)


@pytest.mark.statute("A16-1.min-rates")
def test_the_regulator_sets_a_minimum_rate_on_the_page_and_a_lower_tariff_is_refused(
    personas: Personas,
) -> None:
    p = personas
    regulator = f.signed_in(p.regulator)
    response = regulator.post(
        "/licensing/minimum-rates/new/",
        {"area": 1, "use": "background", "category": "", "valid_from": "2026-01-01", "act": "Order no. 5",
         "terms-TOTAL_FORMS": "1", "terms-INITIAL_FORMS": "0", "terms-MIN_NUM_FORMS": "0", "terms-MAX_NUM_FORMS": "10",
         "terms-0-shape": "per_unit", "terms-0-unit": "m2", "terms-0-amount": "150", "terms-0-basis": "kzt",
         "terms-0-period": "month"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Order no. 5" in Client().get("/minimum-rates/").content.decode()
    staff = f.signed_in(p.cmo_staff)
    made = staff.post(
        "/tariffs/new/",
        {"area": 1, "category": category("restaurant").pk, "use": "background", "valid_from": "2026-01-01",
         "licence_months": 12, "invoice_period": "quarter", "report_frequency": "quarterly", "report_due_days": 15,
         "terms-TOTAL_FORMS": "1", "terms-INITIAL_FORMS": "0", "terms-MIN_NUM_FORMS": "0", "terms-MAX_NUM_FORMS": "10",
         "terms-0-shape": "per_unit", "terms-0-unit": "m2", "terms-0-amount": "120", "terms-0-basis": "kzt",
         "terms-0-period": "month"},
    )  # fmt: skip
    assert made.status_code == 302, made.content.decode()[:3000]
    tariff = Tariff.objects.get()
    refused = staff.post(f"/tariffs/{tariff.pk}/publish/", follow=True).content.decode()
    assert "below the minimum rate" in refused and "150.00" in refused
    tariff.refresh_from_db()
    assert tariff.status == "draft"
