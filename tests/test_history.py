"""The change history of register entries: who, when, what, before and after, why; never editable."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from registers.actions import ContributorInput, change_work, create_party, update_party
from registers.models import BankAccount, Pseudonym
from tests import factories as f


@pytest.fixture(autouse=True)
def english(settings):
    """Assertions read the English source strings, whatever translations are compiled."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def as_user(user) -> Client:
    client = Client()
    f.login(client, user)
    return client


def history_url(kind: str, pk: int) -> str:
    return reverse("history:object", args=[kind, pk])


@pytest.fixture
def corrected_work(personas):
    """A holder registers a work; the operator then corrects its title and splits the shares, giving a reason."""
    work = f.make_work(
        personas.holder, (personas.holder_party, "CA", {"PR": Decimal("100")}), title="Менің елім"
    )
    change_work(
        work,
        by=personas.operator,
        reason="Обращение №42: опечатка в названии",
        title="Менің елім-ай",
        contributors=[
            ContributorInput(personas.holder_party, "CA", {"PR": Decimal("60")}),
            ContributorInput(personas.other_party, "A", {"PR": Decimal("40")}),
        ],
    )
    return work


@pytest.mark.statute("A9-2.1.4")
def test_the_history_shows_who_changed_what_when_from_what_to_what_and_why(personas, corrected_work):
    response = as_user(personas.holder).get(history_url("work", corrected_work.pk))

    assert response.status_code == 200
    entries = response.context["entries"]
    title_change = next(
        e for e in entries if e.label == "update" and any(c.name == "title" for c in e.changes)
    )
    change = next(c for c in title_change.changes if c.name == "title")
    assert (change.before, change.after) == ("Менің елім", "Менің елім-ай")
    assert title_change.who == personas.operator.public_label
    assert title_change.reason == "Обращение №42: опечатка в названии"
    assert title_change.when is not None
    created = [e for e in entries if e.label == "insert" and e.model == "registers.Work"]
    assert len(created) == 1 and created[0].who == personas.holder.public_label
    html = response.content.decode()
    assert "Обращение №42" in html and "Менің елім-ай" in html


def test_the_history_of_a_work_includes_its_contributors_and_shares(personas, corrected_work):
    entries = as_user(personas.operator).get(history_url("work", corrected_work.pk)).context["entries"]

    share_events = {(e.label, e.changes and next(c.after or c.before for c in e.changes if c.name == "percent"))
                    for e in entries if e.model == "registers.Share"}  # fmt: skip
    assert {("insert", "100.00"), ("delete", "100.00"), ("insert", "60.00"), ("insert", "40.00")} <= {
        (label, str(Decimal(str(p)).quantize(Decimal("0.01")))) for label, p in share_events
    }
    added = [e for e in entries if e.model == "registers.WorkContributor" and e.label == "insert"]
    assert any(
        c.name == "party_id" and c.after == str(personas.other_party) for e in added for c in e.changes
    )


def test_the_history_of_a_party_includes_pseudonyms_and_bank_accounts(personas):
    party = personas.holder_party
    Pseudonym.objects.create(party=party, name="Айгуль С.")
    BankAccount.objects.create(party=party, iban="KZ86125KZT5004100100")

    entries = as_user(personas.holder).get(history_url("party", party.pk)).context["entries"]

    values = {c.after for e in entries for c in e.changes}
    assert "Айгуль С." in values and "KZ86125KZT5004100100" in values


@pytest.mark.statute("A9-2.1.9")
def test_confidential_values_in_the_history_are_masked_for_those_who_may_not_see_them(personas):
    party = personas.holder_party
    update_party(party, by=personas.holder, address="Астана, пр. Мангилик Ел 8")
    BankAccount.objects.create(party=party, iban="KZ86125KZT5004100100")

    for reader in (personas.holder, personas.cmo_staff, personas.operator):
        html = as_user(reader).get(history_url("party", party.pk)).content.decode()
        assert "Мангилик Ел" in html and "KZ86125KZT5004100100" in html and party.iin in html

    response = as_user(personas.regulator).get(history_url("party", party.pk))
    html = response.content.decode()
    assert response.status_code == 200 and "Айгуль Серикова" in html
    for secret in ("Мангилик Ел", "ул. Абая", "KZ86125KZT5004100100", party.iin):
        assert secret not in html


@pytest.mark.statute("A9-2.1.9")
@pytest.mark.parametrize("persona", ["other_holder", "other_cmo_staff", "licensee"])
def test_the_history_is_hidden_from_everyone_but_the_owner_and_officials(personas, persona):
    work = f.make_work(personas.holder, (personas.holder_party, "CA", {"PR": Decimal("100")}))
    client = as_user(getattr(personas, persona))

    assert as_user(personas.cmo_staff).get(history_url("work", work.pk)).status_code == 200
    assert client.get(history_url("work", work.pk)).status_code == 404
    assert client.get(history_url("party", personas.holder_party.pk)).status_code == 404


def test_an_anonymous_visitor_gets_404_for_any_history(personas, corrected_work, client):
    assert client.get(history_url("work", corrected_work.pk)).status_code == 404
    assert client.get(history_url("nonsense", 1)).status_code == 404


def test_owners_and_officials_read_the_history_of_cmos_and_users(personas):
    cmo_url = history_url("cmo", personas.cmo.pk)
    licensee_url = history_url("licensee", personas.licensee.licensee_id)

    assert as_user(personas.cmo_admin).get(cmo_url).status_code == 200
    assert as_user(personas.other_cmo_staff).get(cmo_url).status_code == 404
    assert as_user(personas.licensee).get(licensee_url).status_code == 200
    assert as_user(personas.holder).get(licensee_url).status_code == 404
    for official in (personas.operator, personas.regulator):
        assert as_user(official).get(cmo_url).status_code == 200
        assert as_user(official).get(licensee_url).status_code == 200


def test_a_party_created_by_a_cmo_records_the_cmo_staff_as_author(personas):
    party = create_party(by=personas.cmo_staff, kind="person", name_ru="Новый Автор", iin=f.make_iin())

    entries = as_user(personas.cmo_staff).get(history_url("party", party.pk)).context["entries"]

    assert entries[-1].label == "insert" and entries[-1].who == personas.cmo_staff.public_label


@pytest.mark.statute("A9-2.1.4")
@pytest.mark.parametrize("statement", ["UPDATE {table} SET pgh_label = 'forged'", "DELETE FROM {table}"])
def test_nobody_can_edit_or_delete_the_history(personas, corrected_work, statement):
    from registers.models import WorkEvent

    table = WorkEvent._meta.db_table
    assert WorkEvent.objects.filter(pgh_obj=corrected_work).exists()

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement.format(table=table))
    with pytest.raises(DatabaseError), transaction.atomic():
        WorkEvent.objects.filter(pgh_obj=corrected_work).delete()

    assert WorkEvent.objects.filter(pgh_obj=corrected_work, pgh_label="insert").count() == 1
