"""Entering and correcting authors and rightsholders through the entry pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.urls import reverse

from registers.models import Party
from tests import factories as f

VALID_IBAN = "KZ86125KZT5004100100"


def party_post(party: Party | None = None, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "person", "name_kk": "", "name_ru": "", "name_lat": "", "pseudonyms": "", "iin": "", "bin": "",
        "ipi_names": "", "ipi_base_number": "", "isni": "", "birth_date": "", "death_date": "", "rehabilitated_on": "",
        "citizenship": "", "resident": "unknown", "address": "", "email": "", "phone": "", "iban": "", "bank_name": "",
        "bic": "", "h-TOTAL_FORMS": "0", "h-INITIAL_FORMS": "0", "h-MIN_NUM_FORMS": "0", "h-MAX_NUM_FORMS": "40",
    }  # fmt: skip
    if party is not None:
        for name in (
            "kind",
            "name_kk",
            "name_ru",
            "name_lat",
            "iin",
            "bin",
            "citizenship",
            "address",
            "email",
            "phone",
        ):
            data[name] = getattr(party, name) or ""
        data["birth_date"] = party.birth_date.isoformat() if party.birth_date else ""
    data.update(changes)
    return data


@pytest.mark.statute("A45-1.2-holders")
def test_a_holder_edits_their_own_entry_with_pseudonyms_ipi_and_bank_account(personas):
    party = personas.holder_party
    ipi = f.make_ipi()
    response = f.signed_in(personas.holder).post(
        reverse("edit:party", args=[party.pk]),
        party_post(
            party, pseudonyms="Aika\nАйка", ipi_names=ipi, iban=VALID_IBAN, bank_name="Halyk", bic="hsbkkzkx"
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    assert set(party.pseudonyms.values_list("name", flat=True)) == {"Aika", "Айка"}
    assert list(party.ipi_names.values_list("name_number", flat=True)) == [ipi]
    bank = party.bank_accounts.get()
    assert (bank.iban, bank.bic) == (VALID_IBAN, "HSBKKZKX")


def test_a_holders_own_page_shows_their_iin(personas):
    response = f.signed_in(personas.holder).get(reverse("edit:party", args=[personas.holder_party.pk]))
    assert personas.holder_party.iin in response.content.decode()


def test_a_wrong_iin_check_digit_is_named(personas):
    party = personas.holder_party
    wrong = party.iin[:11] + str((int(party.iin[11]) + 1) % 10)
    response = f.signed_in(personas.holder).post(
        reverse("edit:party", args=[party.pk]), party_post(party, iin=wrong)
    )
    assert response.status_code == 200
    assert "The IIN check digit is wrong." in response.context["form"].errors["iin"]
    assert Party.objects.get(pk=party.pk).iin == party.iin


def test_a_wrong_iban_is_refused(personas):
    party = personas.holder_party
    response = f.signed_in(personas.holder).post(
        reverse("edit:party", args=[party.pk]), party_post(party, iban="KZ00125KZT5004100100")
    )
    assert "iban" in response.context["form"].errors
    assert not party.bank_accounts.exists()


def test_a_holder_gets_404_on_the_other_holders_entry(personas):
    url = reverse("edit:party", args=[personas.other_party.pk])
    client = f.signed_in(personas.holder)
    assert client.get(url).status_code == 404
    assert client.post(url, party_post(personas.other_party, name_lat="Hijacked")).status_code == 404
    assert Party.objects.get(pk=personas.other_party.pk).name_lat == "Yerlan Akhmetov"


@pytest.mark.statute("A45-1.2-holders")
def test_cmo_staff_edit_their_member_but_get_404_on_another_cmos_member(personas):
    client = f.signed_in(personas.cmo_staff)
    response = client.post(
        reverse("edit:party", args=[personas.holder_party.pk]),
        party_post(personas.holder_party, citizenship="kz", death_date=""),
    )
    assert response.status_code == 302
    assert client.get(reverse("edit:party", args=[personas.other_party.pk])).status_code == 404


@pytest.mark.statute("A45-1.2-holders")
def test_cmo_staff_register_a_member_who_then_belongs_to_the_cmo(personas):
    iin = f.make_iin()
    response = f.signed_in(personas.cmo_staff).post(
        reverse("edit:party_create"), party_post(name_kk="Жаңа Мүше", iin=iin, pseudonyms="Zhana")
    )
    assert response.status_code == 302
    party = Party.objects.get(iin=iin)
    assert party.registered_by_cmo == personas.cmo
    assert list(party.pseudonyms.values_list("name", flat=True)) == ["Zhana"]


def test_a_holder_cannot_register_other_parties(personas):
    assert f.signed_in(personas.holder).get(reverse("edit:party_create")).status_code == 403


def test_an_heir_is_recorded_with_a_share(personas):
    heir = f.make_person(name_lat="Heir One")
    data = party_post(personas.holder_party, **{
        "h-TOTAL_FORMS": "1", "h-0-successor": str(heir.pk), "h-0-successor_label": "Heir", "h-0-share": "50,5", "h-0-kind": "heir",
    })  # fmt: skip
    response = f.signed_in(personas.holder).post(reverse("edit:party", args=[personas.holder_party.pk]), data)
    assert response.status_code == 302
    succession = personas.holder_party.successions.get()
    assert (succession.successor, str(succession.share)) == (heir, "50.50")


@pytest.mark.statute("A9-2.1.4")
def test_the_operators_correction_of_a_party_needs_a_reason_which_is_recorded(personas):
    party = personas.other_party
    url = reverse("edit:party", args=[party.pk])
    client = f.signed_in(personas.operator)
    refused = client.post(url, party_post(party, name_lat="Yerlan Akhmetov Jr"))
    assert refused.status_code == 200 and "reason" in refused.context["form"].errors
    assert (
        client.post(
            url, party_post(party, name_lat="Yerlan Akhmetov Jr", reason="Passport copy received")
        ).status_code
        == 302
    )
    event = (
        apps.get_model("registers", "PartyEvent")
        .objects.filter(pgh_obj_id=party.pk, name_lat="Yerlan Akhmetov Jr")
        .latest("pgh_id")
    )
    assert event.pgh_context.metadata["reason"] == "Passport copy received"
