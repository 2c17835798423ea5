"""One portal for every subject of the platform, each with its own role and home (Art. 2 (21-1), (21-2))."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories as f
from udp.accounts.models import Moderation, Role

pytestmark = pytest.mark.usefixtures("english")


HOMES = {
    "holder": "/portal/",
    "other_holder": "/portal/",
    "licensee": "/space/",
    "cmo_admin": "/cmo/",
    "cmo_staff": "/cmo/",
    "other_cmo_staff": "/cmo/",
    "regulator": "/regulator/",
    "operator": "/operator/",
}
CONSOLES = ["/operator/", "/cmo/", "/regulator/", "/portal/", "/space/"]


@pytest.mark.statute("A2.21-1")
@pytest.mark.statute("A2.21-2")
@pytest.mark.parametrize(("persona", "home"), HOMES.items())
def test_each_actor_is_sent_to_their_own_home_and_can_open_it(personas, client: Client, persona, home):
    f.login(client, getattr(personas, persona))

    response = client.get("/home/")

    assert response.status_code == 302 and response["Location"] == home
    assert client.get(home).status_code == 200


@pytest.mark.statute("A2.21-1")
@pytest.mark.statute("A2.21-2")
@pytest.mark.parametrize(("persona", "home"), HOMES.items())
def test_each_actor_is_refused_every_other_actors_home(personas, client: Client, persona, home):
    f.login(client, getattr(personas, persona))

    for url in CONSOLES:
        if url != home:
            assert client.get(url).status_code == 403, url


@pytest.mark.statute("A2.21-2")
@pytest.mark.parametrize("role", [Role.HOLDER, Role.LICENSEE])
def test_an_account_awaiting_review_is_sent_to_the_waiting_page_from_everywhere(db, client: Client, role):
    extra = {"licensee": f.make_licensee()} if role == Role.LICENSEE else {"party": f.make_person()}
    user = f.make_account(f"{role}-pending@example.kz", role, **extra)
    user.moderation = Moderation.PENDING
    user.save()
    f.login(client, user)

    assert client.get("/home/")["Location"] == "/accounts/pending/"
    for url in CONSOLES:
        assert client.get(url)["Location"] == "/accounts/pending/", url
    assert client.get("/accounts/pending/").status_code == 200


def test_a_rejected_applicant_sees_the_reason_on_the_waiting_page(db, client: Client):
    user = f.make_account("rejected@example.kz", Role.HOLDER, party=f.make_person())
    user.moderation, user.moderation_note = Moderation.REJECTED, "Фамилия не совпадает с ИИН"
    user.save()
    f.login(client, user)

    assert "Фамилия не совпадает с ИИН" in client.get("/accounts/pending/").content.decode()


def test_an_anonymous_visitor_is_asked_to_sign_in_for_home(db, client: Client):
    response = client.get("/home/")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
