"""Domains put their cards on the audiences' consoles; a console shows them in order, with numbers."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests import factories as f
from tests.personas import Personas
from udp.accounts import consoles
from udp.accounts.models import Role


def test_the_registers_put_their_cards_on_the_operator_console(personas: Personas) -> None:
    cards = consoles.cards_for("operator", personas.operator)
    # the registers' cards first (apps are ready in INSTALLED_APPS order), then the mandates' own, then
    # accreditation's, then licensing's, then distribution's
    assert [c.key for c in cards] == [
        "pending", "parties", "works", "cmos", "licensees", "accesses", "proposals", "societies", "conflicts",
        "applications_accreditation", "publications-calendar", "index-values", "monitoring-providers",
        "distribution-runs",
    ]  # fmt: skip
    by_key = {c.key: c for c in cards}
    assert by_key["cmos"].count == 2 and by_key["cmos"].url == reverse("operator:registers") + "?kind=cmo"
    body = f.signed_in(personas.operator).get(reverse("operator:home")).content.decode()
    assert f'href="{reverse("operator:registers")}?kind=work"' in body
    assert "Works and objects of related rights" in body


def test_a_card_added_again_replaces_the_old_one_in_its_place(personas: Personas) -> None:
    original = consoles._cards["operator"]["works"]
    try:
        consoles.add_card(
            "operator",
            consoles.Card("works", "Works", "public:works", count=lambda user: 7, section="registers"),
        )
        cards = consoles.cards_for("operator", personas.operator)
        assert [c.key for c in cards][2] == "works" and cards[2].count == 7
    finally:
        consoles.add_card("operator", original)


def test_there_is_no_console_by_another_name() -> None:
    with pytest.raises(ValueError, match="no console"):
        consoles.add_card("minister", consoles.Card("x", "X", "public:works"))


def test_each_console_shows_the_registers_cards_in_order(personas: Personas) -> None:
    keys = {
        console: [c.key for c in consoles.cards_for(console, user)]
        for console, user in [
            ("portal", personas.holder), ("cmo", personas.cmo_staff), ("space", personas.licensee),
            ("regulator", personas.regulator),
        ]
    }  # fmt: skip
    registers_cards = {
        "portal": ["my-entry", "my-cmos"],
        "cmo": ["cmo-card", "members", "repertoire"],
        "space": ["user-entry", "find-work"],
        "regulator": ["pending", "registers"],
    }
    # the registers' cards come first, in order; the domains above them add theirs after
    assert {
        console: keys[console][: len(cards)] for console, cards in registers_cards.items()
    } == registers_cards


def test_a_card_with_a_snippet_renders_it_with_its_names_and_the_consoles_subject(personas: Personas) -> None:
    card = consoles.Card(
        "test-card", "Mandates", template="registers/cards/my_cmos.html",
        context=lambda user: {"areas": [{"area": personas.cmo.areas.get(item=7), "mandate": None}]},
        visible=lambda user: user == personas.holder,
    )  # fmt: skip
    consoles.add_card("portal", card)
    try:
        body = f.signed_in(personas.holder).get(reverse("portal:home")).content.decode()
        section = body.split('<section class="card h-100" id="test-card">', 1)[1].split("</section>", 1)[0]
        assert "Mandates" in section and "No mandate yet" in section
        assert "test-card" not in [c.key for c in consoles.cards_for("portal", personas.other_holder)]
    finally:
        del consoles._cards["portal"]["test-card"]


def test_a_holder_without_an_entry_sees_no_entry_cards_but_the_way_to_get_one(personas: Personas) -> None:
    holder = f.make_account("unlinked@example.kz", Role.HOLDER)
    assert consoles.cards_for("portal", holder) == []
    body = f.signed_in(holder).get(reverse("portal:home")).content.decode()
    assert "not linked to an entry in the register" in body and 'id="my-entry"' not in body


def test_a_card_without_a_link_is_a_figure_and_one_with_a_description_says_it(personas: Personas) -> None:
    body = f.signed_in(personas.regulator).get(reverse("regulator:home")).content.decode()
    assert '<div class="card h-100"><div class="card-body"><h3 class="card-title h5">' in body
    assert "CMOs and users; read only." in body and f'href="{reverse("regulator:registers")}"' in body


def test_a_console_with_sections_refuses_a_card_that_names_none_of_them() -> None:
    with pytest.raises(ValueError, match="its sections are organisation, members, licensing, distribution"):
        consoles.add_card("cmo", consoles.Card("x", "X", "public:works", section="elsewhere"))
    with pytest.raises(ValueError, match="its sections are"):
        consoles.add_card("cmo", consoles.Card("x", "X", "public:works"))
    with pytest.raises(ValueError, match="the portal console has no sections"):
        consoles.add_card("portal", consoles.Card("x", "X", "public:works", section="members"))
    assert "x" not in consoles._cards["cmo"] and "x" not in consoles._cards["portal"]


def _waiting(body: str) -> str:
    return body.split('id="waiting"', 1)[1].split("</section>", 1)[0]


def test_the_cmo_dashboard_lists_first_what_waits_for_its_staff_then_every_card_by_task(
    personas: Personas,
) -> None:
    from mandates.tests.request_helpers import requested

    staff = f.signed_in(personas.cmo_staff)
    body = staff.get(reverse("cmo:home")).content.decode()
    assert "Nothing waits for you." in _waiting(body)

    requested(personas.holder, personas.cmo, 7)
    view = consoles.console_view("cmo", personas.cmo_staff)
    # every card the staff may see is in one of the sections, in the console's order of sections
    assert [s.key for s in view.sections] == ["organisation", "members", "licensing", "distribution"]
    assert sorted(c.key for s in view.sections for c in s.cards) == sorted(c.key for c in view.cards)
    by_section = {s.key: [c.key for c in s.cards] for s in view.sections}
    assert {"match-review", "distribution-runs", "payouts"} <= set(by_section["distribution"])
    assert {"members", "repertoire", "mandates"} <= set(by_section["members"])
    # only what waits and is not 0: the request to answer, not the CMO's tariffs however many
    tariffs = {c.key: c for c in view.cards}["tariffs"]
    assert not tariffs.waiting
    assert [(c.key, c.count) for c in view.waiting] == [("mandates", 1)]

    body = staff.get(reverse("cmo:home")).content.decode()
    waiting = _waiting(body)
    assert "Requests for management waiting" in waiting and f'href="{reverse("mandates:list")}"' in waiting
    assert '<span class="badge rounded-pill text-bg-warning fs-6">1</span>' in waiting
    assert "Nothing waits for you." not in waiting
    # the list comes before the sections, and the sections' titles in order
    titles = [
        "The organisation and its accreditation", "Members, repertoire and mandates",
        "Licences, invoices and usage reports", "Distribution and payouts",
    ]  # fmt: skip
    places = [body.index(title) for title in titles]
    assert body.index('id="waiting"') < places[0] and places == sorted(places)

    # another CMO's staff: the request is not theirs to answer
    other = f.signed_in(personas.other_cmo_staff).get(reverse("cmo:home")).content.decode()
    assert "Nothing waits for you." in _waiting(other)


def test_the_holders_portal_says_what_waits_for_them_and_has_no_sections(personas: Personas) -> None:
    view = consoles.console_view("portal", personas.holder)
    assert view.counts_waiting and view.waiting == []
    assert [(s.key, s.label) for s in view.sections] == [("", "")]
    body = f.signed_in(personas.holder).get(reverse("portal:home")).content.decode()
    assert "Nothing waits for you." in _waiting(body) and 'class="console-section"' not in body


def _api(user: Any, language: str = "en") -> Any:
    from rest_framework.test import APIClient

    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.force_authenticate(user)
    return client


def test_the_api_gives_each_person_their_own_console_as_their_home_page_shows_it(personas: Personas) -> None:
    from mandates.tests.request_helpers import requested

    requested(personas.holder, personas.cmo, 7)
    answer = _api(personas.cmo_staff).get("/api/console/")
    assert answer.status_code == 200
    data = answer.json()
    assert data["console"] == "cmo" and data["counts_waiting"] is True
    assert [(c["key"], c["count"], c["url"]) for c in data["waiting"]] == [
        ("mandates", 1, reverse("mandates:list"))
    ]
    assert data["waiting"][0]["label"] == "Requests for management waiting"
    view = consoles.console_view("cmo", personas.cmo_staff)
    assert [(s["key"], [c["key"] for c in s["cards"]]) for s in data["sections"]] == [
        (s.key, [c.key for c in s.cards]) for s in view.sections
    ]
    tariffs = next(c for s in data["sections"] for c in s["cards"] if c["key"] == "tariffs")
    assert tariffs["waiting"] is False and tariffs["url"] == reverse("tariffs:mine")

    # in the reader's language
    kk = _api(personas.cmo_staff, "kk").get("/api/console/").json()
    assert kk["sections"][0]["label"] == "Ұйым және оның аккредиттеуі"
    # another CMO's staff: not theirs to answer; the holder: their portal, with no sections
    assert _api(personas.other_cmo_staff).get("/api/console/").json()["waiting"] == []
    portal = _api(personas.holder).get("/api/console/").json()
    assert portal["console"] == "portal" and [s["key"] for s in portal["sections"]] == [""]
    assert {c["key"] for c in portal["sections"][0]["cards"]} == {
        c.key for c in consoles.cards_for("portal", personas.holder)
    }
    assert _api(personas.regulator).get("/api/console/").json()["console"] == "regulator"


@pytest.mark.statute("A9-2.1.9")
def test_the_console_api_is_for_signed_in_approved_people_with_their_second_factor(
    personas: Personas,
) -> None:
    from django.test import Client
    from rest_framework.test import APIClient

    from udp.accounts.actions import issue_api_key
    from udp.accounts.models import Moderation
    from udp.accounts.scopes import Scope

    assert APIClient().get("/api/console/").status_code in (401, 403)
    # staff who never set up their authenticator app, signed in with the password alone
    unenrolled = f.make_account("new-staff@kaz.kz", Role.CMO_STAFF, cmo=personas.cmo, mfa=False)
    session = Client()
    session.post("/accounts/login/", {"login": unenrolled.email, "password": f.PASSWORD})
    answer = session.get("/api/console/")
    assert answer.status_code == 403 and answer.json()["code"] == "mfa_required"
    # an account still waiting for the operator
    waiting = f.make_account("waiting@example.kz", Role.HOLDER)
    waiting.moderation = Moderation.PENDING
    waiting.save(update_fields=["moderation"])
    assert _api(waiting).get("/api/console/").status_code == 403
    # a key, whatever its scopes: the console is a person's
    _row, key = issue_api_key(by=personas.cmo_staff, name="robot", scopes=list(Scope.values))
    machine = APIClient()
    machine.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert machine.get("/api/console/").status_code == 403


def test_the_schema_documents_the_console(personas: Personas) -> None:
    schema = _api(personas.holder).get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/console/"]["get"]
    assert operation["summary"] == "My console: what waits for me, then every card by section"


def test_a_proposal_that_touches_a_co_authors_share_waits_on_their_console_not_the_proposers(
    personas: Personas,
) -> None:
    from decimal import Decimal

    work = f.make_work(
        personas.operator,
        (personas.holder_party, "C", {"PR": Decimal("50")}),
        (personas.other_party, "A", {"PR": Decimal("50")}),
    )
    sole = {"contributors": [{"party": personas.holder_party.pk, "role": "CA", "shares": {"PR": "100"}}]}
    assert _api(personas.holder).patch(f"/api/works/{work.pk}/", sole, format="json").status_code == 202

    waiting = consoles.console_view("portal", personas.other_holder).waiting
    assert [(c.key, c.count, c.url) for c in waiting] == [("proposals", 1, reverse("claims:overview"))]
    assert consoles.console_view("portal", personas.holder).waiting == []
    body = f.signed_in(personas.other_holder).get(reverse("portal:home")).content.decode()
    assert "Proposals awaiting your answer" in _waiting(body)
