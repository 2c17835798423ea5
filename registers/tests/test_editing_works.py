"""Entering and correcting works through the entry pages, as each persona."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from registers.forms import parse_percent
from registers.models import Party, Work
from tests import factories as f


def work_post(title: str, rows: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "musical", "title": title, "alternate_titles": "", "iswc": "", "isrc": "", "isan": "",
        "language": "kk", "creation_year": "", "disclosed_on": "",
        "c-TOTAL_FORMS": str(len(rows)), "c-INITIAL_FORMS": "0", "c-MIN_NUM_FORMS": "0", "c-MAX_NUM_FORMS": "60",
    }  # fmt: skip
    for i, row in enumerate(rows):
        for key in ("party", "party_label", "new_name", "role", "pr", "mr", "sr"):
            data[f"c-{i}-{key}"] = row.get(key, "CA" if key == "role" else "")
    data.update(extra)
    return data


def holder_work(personas: Any, title: str = "Сары арқа") -> Work:
    return f.make_work(personas.holder, (personas.holder_party, "CA", {"PR": Decimal("100")}), title=title)


@pytest.mark.statute("A45-1.2-works")
def test_a_holder_registers_a_work_with_a_new_co_author_and_both_are_stored(personas):
    client = f.signed_in(personas.holder)
    rows = [
        {"party": personas.holder_party.pk, "role": "C", "pr": "50", "mr": "50,5"},
        {"new_name": "Мұқағали Мақатаев", "role": "A", "pr": "50", "mr": "49.5"},
    ]
    response = client.post(
        reverse("edit:work_create"),
        work_post("Ақ қайың", rows, iswc=f.make_iswc(), alternate_titles="Ak kaiyn\nБелая берёза"),
    )
    work = Work.objects.get(title="Ақ қайың")
    assert response.status_code == 302
    contributors = list(work.contributors.select_related("party"))
    assert [(c.party.name_kk, c.role) for c in contributors][1] == ("Мұқағали Мақатаев", "A")
    assert contributors[0].party == personas.holder_party
    assert not contributors[1].party.verified
    assert sorted(work.shares.filter(right_type="MR").values_list("percent", flat=True)) == [
        Decimal("49.50"),
        Decimal("50.50"),
    ]
    assert set(work.titles.values_list("title", flat=True)) == {"Ak kaiyn", "Белая берёза"}
    assert work.submitted_by == personas.holder


def test_a_co_author_picked_from_the_register_keeps_their_existing_entry(personas):
    existing = f.make_person(name_lat="Shamshi Kaldayakov")
    rows = [
        {"party": personas.holder_party.pk, "role": "A", "pr": "50"},
        {"party": existing.pk, "party_label": "Shamshi", "role": "C", "pr": "50"},
    ]
    f.signed_in(personas.holder).post(reverse("edit:work_create"), work_post("Менің Қазақстаным", rows))
    work = Work.objects.get(title="Менің Қазақстаным")
    assert set(work.contributors.values_list("party_id", flat=True)) == {
        personas.holder_party.pk,
        existing.pk,
    }
    assert Party.objects.filter(name_lat="Shamshi Kaldayakov").count() == 1


def test_shares_summing_to_99_99_are_refused_naming_the_right_type(personas):
    rows = [
        {"party": personas.holder_party.pk, "pr": "50", "mr": "50"},
        {"new_name": "Co Author", "role": "A", "pr": "49.99", "mr": "50"},
    ]
    response = f.signed_in(personas.holder).post(reverse("edit:work_create"), work_post("Almost", rows))
    assert response.status_code == 200
    assert "Shares for PR sum to 99.99 %" in response.content.decode()
    assert "Shares for MR" not in response.content.decode()
    assert not Work.objects.filter(title="Almost").exists()
    assert not Party.objects.filter(name_lat="Co Author").exists()


def test_a_party_outside_the_users_view_cannot_be_picked_by_id(personas):
    hidden = f.make_person(name_lat="Unverified Stranger", verified=False)
    rows = [{"party": hidden.pk, "pr": "100"}]
    response = f.signed_in(personas.holder).post(reverse("edit:work_create"), work_post("Sneaky", rows))
    assert response.status_code == 200
    assert not Work.objects.filter(title="Sneaky").exists()


def test_the_holder_is_prefilled_as_the_first_contributor(personas):
    response = f.signed_in(personas.holder).get(reverse("edit:work_create"))
    form = response.context["formset"].forms[0]
    assert form.initial["party"] == personas.holder_party.pk
    assert len(response.context["formset"].forms) == 4  # the holder's row plus three spare rows without JS


@pytest.mark.statute("A45-1.2-works")
def test_a_holder_edits_their_own_work(personas):
    work = holder_work(personas)
    rows = [{"party": personas.holder_party.pk, "pr": "100", "sr": "100"}]
    response = f.signed_in(personas.holder).post(
        reverse("edit:work", args=[work.pk]), work_post("Сарыарқа", rows, creation_year="1998")
    )
    work.refresh_from_db()
    assert response.status_code == 302
    assert (work.title, work.creation_year) == ("Сарыарқа", 1998)
    assert work.shares.filter(right_type="SR", percent=100).exists()


def test_a_holder_gets_404_on_the_other_holders_work(personas):
    other = f.make_work(personas.other_holder, (personas.other_party, "CA", {"PR": Decimal("100")}))
    client = f.signed_in(personas.holder)
    assert client.get(reverse("edit:work", args=[other.pk])).status_code == 404
    assert client.post(reverse("edit:work", args=[other.pk]), work_post("Stolen", [])).status_code == 404
    assert Work.objects.get(pk=other.pk).title != "Stolen"


def test_cmo_staff_edit_their_members_work_but_not_another_cmos(personas):
    mine, theirs = (
        holder_work(personas),
        f.make_work(personas.other_holder, (personas.other_party, "CA", {"PR": Decimal("100")})),
    )
    client = f.signed_in(personas.cmo_staff)
    assert client.get(reverse("edit:work", args=[mine.pk])).status_code == 200
    assert client.get(reverse("edit:work", args=[theirs.pk])).status_code == 404
    assert f.signed_in(personas.other_cmo_staff).get(reverse("edit:work", args=[mine.pk])).status_code == 404


def test_a_work_registered_by_cmo_staff_belongs_to_the_cmo(personas):
    rows = [{"party": personas.holder_party.pk, "pr": "100"}]
    f.signed_in(personas.cmo_staff).post(reverse("edit:work_create"), work_post("Dombra", rows))
    assert Work.objects.get(title="Dombra").registered_by_cmo == personas.cmo


@pytest.mark.statute("A9-2.1.4")
def test_the_operators_change_needs_a_reason_and_the_reason_is_recorded(personas):
    work = holder_work(personas)
    client = f.signed_in(personas.operator)
    rows = [{"party": personas.holder_party.pk, "pr": "100"}]
    refused = client.post(reverse("edit:work", args=[work.pk]), work_post("Corrected title", rows))
    assert refused.status_code == 200 and "reason" in refused.context["form"].errors
    assert Work.objects.get(pk=work.pk).title == "Сары арқа"

    accepted = client.post(
        reverse("edit:work", args=[work.pk]),
        work_post("Corrected title", rows, reason="Typo reported by the author"),
    )
    assert accepted.status_code == 302
    event = (
        apps.get_model("registers", "WorkEvent")
        .objects.filter(pgh_obj_id=work.pk, title="Corrected title")
        .get()
    )
    assert event.pgh_context.metadata["reason"] == "Typo reported by the author"
    assert event.pgh_context.metadata["user"] == personas.operator.pk


@pytest.mark.parametrize("persona", ["licensee", "regulator"])
def test_other_roles_cannot_reach_the_entry_pages(personas, persona):
    work = holder_work(personas)
    client = f.signed_in(getattr(personas, persona))
    for url in (
        reverse("edit:work_create"),
        reverse("edit:work", args=[work.pk]),
        reverse("edit:party", args=[personas.holder_party.pk]),
    ):
        assert client.get(url).status_code in (403, 404)
    assert client.post(reverse("edit:work", args=[work.pk]), work_post("X", [])).status_code in (403, 404)
    assert Work.objects.get(pk=work.pk).title == "Сары арқа"


def test_an_anonymous_visitor_is_sent_to_sign_in(personas):
    work = holder_work(personas)
    client = Client()
    for url in (
        reverse("edit:work_create"),
        reverse("edit:work", args=[work.pk]),
        reverse("edit:party_lookup") + "?q=Ai",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_unapproved_holder_is_sent_to_the_pending_page(personas):
    pending = f.make_account("new@example.kz", "holder", party=f.make_person())
    pending.moderation = "pending"
    pending.save()
    response = f.signed_in(pending).get(reverse("edit:work_create"))
    assert response.status_code == 302 and response["Location"] == reverse("account_pending")


def test_the_lookup_gives_public_names_and_ipi_but_nothing_confidential(personas):
    from registers.models import IPIName

    ipi = f.make_ipi()
    IPIName.objects.create(party=personas.other_party, name_number=ipi)
    response = f.signed_in(personas.holder).get(reverse("edit:party_lookup"), {"q": "Akhmet"})
    [result] = response.json()["results"]
    assert result["id"] == personas.other_party.pk and result["ipi"] == [ipi]
    body = response.content.decode()
    assert personas.other_party.iin not in body and "birth" not in body


def test_the_lookup_hides_unverified_entries_of_others(personas):
    f.make_person(name_lat="Hidden Newcomer", verified=False)
    assert (
        f.signed_in(personas.holder).get(reverse("edit:party_lookup"), {"q": "Hidden"}).json()["results"]
        == []
    )


@pytest.mark.parametrize(
    ("text", "expected"), [("50", "50"), ("50.5", "50.5"), ("33,34", "33.34"), (" 25 % ", "25"), ("", None)]
)
def test_percentages_are_read_with_a_dot_or_a_comma(text, expected):
    assert parse_percent(text) == (Decimal(expected) if expected else None)


def test_a_percentage_with_three_decimals_is_refused():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        parse_percent("33.333")
