"""Domains put their cards on the audiences' consoles; a console shows them in order, with numbers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories as f
from tests.personas import Personas
from udp.accounts import consoles


def test_the_registers_put_their_cards_on_the_operator_console(personas: Personas) -> None:
    cards = consoles.cards_for("operator", personas.operator)
    # the registers' cards first (apps are ready in INSTALLED_APPS order), then the mandates' own
    assert [c.key for c in cards] == [
        "pending", "parties", "works", "cmos", "licensees", "accesses", "societies", "conflicts"
    ]  # fmt: skip
    by_key = {c.key: c for c in cards}
    assert by_key["cmos"].count == 2 and by_key["cmos"].url == reverse("operator:registers") + "?kind=cmo"
    body = f.signed_in(personas.operator).get(reverse("operator:home")).content.decode()
    assert f'href="{reverse("operator:registers")}?kind=work"' in body
    assert "Works and objects of related rights" in body


def test_a_card_added_again_replaces_the_old_one_in_its_place(personas: Personas) -> None:
    original = consoles._cards["operator"]["works"]
    try:
        consoles.add_card("operator", consoles.Card("works", "Works", "public:works", count=lambda user: 7))
        cards = consoles.cards_for("operator", personas.operator)
        assert [c.key for c in cards][2] == "works" and cards[2].count == 7
    finally:
        consoles.add_card("operator", original)


def test_there_is_no_console_by_another_name() -> None:
    with pytest.raises(ValueError, match="no console"):
        consoles.add_card("minister", consoles.Card("x", "X", "public:works"))
