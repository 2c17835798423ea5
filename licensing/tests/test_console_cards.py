"""The music user's console says what waits for them: agreements to sign and usage reports overdue; the CMO's
counts its users' overdue reports, without calling them its own task."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from licensing import actions
from licensing.tests.helpers import cafe_declaration, published
from mandates.tests.request_helpers import make_signatory
from tests import factories as f
from udp.accounts import consoles


def _waiting(view: consoles.ConsoleView) -> list[tuple[str, int | None]]:
    return [(card.key, card.count) for card in view.waiting]


@pytest.mark.statute("A44.2-1-reports")
def test_an_overdue_report_waits_on_the_users_console_and_is_counted_on_the_cmos(
    personas: Any, licence: Any, clock: Any
) -> None:
    clock.travel_to(dt.date(2026, 2, 15))  # January's report is due on 15 February
    assert ("usage-reports", 1) not in _waiting(consoles.console_view("space", personas.licensee))
    clock.travel_to(dt.date(2026, 2, 16))
    space = consoles.console_view("space", personas.licensee)
    assert ("usage-reports", 1) in _waiting(space)
    body = f.signed_in(personas.licensee).get(reverse("space:home")).content.decode()
    waiting = body.split('id="waiting"', 1)[1].split("</section>", 1)[0]
    assert "Usage reports" in waiting and f'href="{reverse("usage:space_list")}"' in waiting

    cards = {card.key: card for card in consoles.console_view("cmo", personas.cmo_staff).cards}
    assert cards["usage-reports"].count == 1 and not cards["usage-reports"].waiting
    other = {card.key: card for card in consoles.console_view("cmo", personas.other_cmo_staff).cards}
    assert other["usage-reports"].count == 0


def test_an_agreement_the_user_has_not_signed_waits_on_their_console(
    personas: Any, media_in_tmp: Any
) -> None:
    make_signatory(personas.cmo_staff, personas.cmo)
    published(personas.cmo_staff)
    actions.request_agreement(cafe_declaration(personas.licensee), by=personas.licensee, cmo=personas.cmo,
                              kind="licence")  # fmt: skip
    assert ("licences-to-sign", 1) in _waiting(consoles.console_view("space", personas.licensee))
    card = {c.key: c for c in consoles.cards_for("space", personas.licensee)}["licences-to-sign"]
    assert card.url == reverse("licences:index") + "?status=awaiting_user"
    # the CMO countersigns after the user: nothing of it waits for its staff yet
    assert ("licences-to-sign", 1) not in _waiting(consoles.console_view("cmo", personas.cmo_staff))
