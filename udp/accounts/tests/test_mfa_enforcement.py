"""The second factor holds on every way in (page, API session, token), and every way in is throttled alike.

An account that must have a second factor (CMO staff, the authorized body, the operator) reaches
nothing until it has one and this credential has used it; failed sign-ins count per account and per
address across the login form, the token endpoint and the TOTP step.
"""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from registers.models import Party, Work
from tests import factories as f
from udp.accounts.models import Role

TOKEN_URL = "/api/auth/token/"

pytestmark = pytest.mark.usefixtures("english", "fresh_cache")


@pytest.fixture
def unenrolled(personas):
    """Staff of the holder's own CMO, created by the operator, who never set up an authenticator app."""
    return f.make_account("new-staff@kaz.kz", Role.CMO_STAFF, cmo=personas.cmo, mfa=False)


@pytest.fixture
def member_work(personas):
    return f.make_work(
        personas.cmo_staff, (personas.holder_party, "CA", {"PR": f.Decimal("100"), "MR": f.Decimal("100")})
    )


def _form_sign_in(client: Client, email: str, password: str = f.PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


@pytest.mark.statute("A9-2.1.9")
def test_an_unenrolled_staff_session_reaches_no_api_operation(personas, unenrolled, member_work):
    client = Client()
    _form_sign_in(client, unenrolled.email)
    assert "_auth_user_id" in client.session  # signed in, password only

    holder_url = f"/api/holders/{personas.holder_party.pk}/"
    for method, url, body in [
        ("get", holder_url, None),
        ("get", "/api/holders/", None),
        ("get", f"/api/works/{member_work.pk}/", None),
        ("patch", holder_url, {"phone": "+7 700 000 0000"}),
        ("patch", f"/api/works/{member_work.pk}/", {"title": "Taken over"}),
        ("post", "/api/works/", {"title": "New"}),
    ]:
        kwargs = {"content_type": "application/json", "data": body} if body is not None else {}
        response = getattr(client, method)(url, **kwargs)
        assert response.status_code == 403, (method, url, response.status_code)
        assert response.json()["code"] == "mfa_required"
        assert personas.holder_party.iin not in response.content.decode()

    party = Party.objects.get(pk=personas.holder_party.pk)
    assert party.phone != "+7 700 000 0000"
    assert Work.objects.get(pk=member_work.pk).title == member_work.title


@pytest.mark.statute("A9-2.1.9")
def test_an_unenrolled_account_gets_no_token_and_an_old_token_stops_working(personas, unenrolled):
    refused = APIClient().post(TOKEN_URL, {"email": unenrolled.email, "password": f.PASSWORD}, format="json")
    assert refused.status_code in (401, 403)
    assert "token" not in refused.json()

    token = Token.objects.create(user=unenrolled)  # say, issued before the rule, or by an admin
    machine = APIClient()
    machine.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = machine.get(f"/api/holders/{personas.holder_party.pk}/")
    assert response.status_code == 401
    assert personas.holder_party.iin not in response.content.decode()

    f.activate_totp(unenrolled)  # once it has a second factor, a token issued against a code works
    cache.clear()
    issued = APIClient().post(
        TOKEN_URL, {"email": unenrolled.email, "password": f.PASSWORD, "code": f.totp_code()}, format="json"
    )
    assert issued.status_code == 200
    machine.credentials(HTTP_AUTHORIZATION=f"Token {issued.json()['token']}")
    assert machine.get(f"/api/holders/{personas.holder_party.pk}/").json()["iin"] == personas.holder_party.iin


@pytest.mark.statute("A9-2.1.9")
def test_a_session_that_skipped_the_code_is_not_signed_in_for_pages_or_api(personas):
    """An enrolled account whose session never passed the second factor (say, via a password-only login)."""
    client = Client()
    client.force_login(personas.cmo_staff)  # no second-factor record in the session

    assert client.get(f"/api/holders/{personas.holder_party.pk}/").status_code == 403
    page = client.get("/cmo/")
    assert page.status_code == 302 and page.url.startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session  # signed out, to sign in properly

    f.login(client, personas.cmo_staff)  # with the code
    assert client.get("/cmo/").status_code == 200
    assert client.get(f"/api/holders/{personas.holder_party.pk}/").status_code == 200


@pytest.mark.statute("A9-2.1.9")
def test_staff_cannot_remove_their_authenticator_app(personas):
    client = Client()
    f.login(client, personas.cmo_staff)
    client.post("/accounts/2fa/totp/deactivate/", {})
    assert Authenticator.objects.filter(user=personas.cmo_staff, type=Authenticator.Type.TOTP).exists()


def test_a_holder_may_remove_their_own_authenticator_app(personas):
    f.activate_totp(personas.holder)
    client = Client()
    f.login(client, personas.holder)
    client.post("/accounts/reauthenticate/", {"password": f.PASSWORD})
    client.post("/accounts/2fa/totp/deactivate/", {})
    assert not Authenticator.objects.filter(user=personas.holder, type=Authenticator.Type.TOTP).exists()


# --- throttling ---------------------------------------------------------------------------------


def _token(email: str, password: str = f.PASSWORD, **extra: str):
    return APIClient().post(TOKEN_URL, {"email": email, "password": password, **extra}, format="json")


@pytest.mark.statute("A9-2.1.9")
def test_the_token_endpoint_locks_an_account_after_five_wrong_passwords(personas):
    for _ in range(5):
        assert _token(personas.holder.email, "wrong").status_code in (401, 403)

    locked = _token(personas.holder.email)
    assert locked.status_code == 429 and "token" not in locked.json()
    # the lock is per account: another account behind the same address signs in
    assert _token(personas.other_holder.email).status_code == 200
    cache.clear()  # the window passes
    assert _token(personas.holder.email).status_code == 200


@pytest.mark.statute("A9-2.1.9")
def test_form_and_token_count_failures_together(personas):
    client = Client()
    for _ in range(3):
        _form_sign_in(client, personas.holder.email, "wrong")
    for _ in range(2):
        _token(personas.holder.email, "wrong")

    assert _token(personas.holder.email).status_code == 429
    _form_sign_in(client, personas.holder.email)
    assert "_auth_user_id" not in client.session


def test_one_address_failing_on_one_account_does_not_lock_others_out_of_the_form(personas):
    attacker = Client()
    for _ in range(10):
        _form_sign_in(attacker, personas.holder.email, "wrong")

    colleague = Client()  # same address (the test client's), another account
    response = _form_sign_in(colleague, personas.other_holder.email)
    assert response.status_code == 302 and "_auth_user_id" in colleague.session


@pytest.mark.statute("A9-2.1.9")
def test_wrong_totp_codes_at_the_token_endpoint_are_throttled(personas):
    right = f.totp_code()
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        assert _token(personas.operator.email, code=wrong).status_code in (401, 403)

    assert _token(personas.operator.email, code=right).status_code == 429
