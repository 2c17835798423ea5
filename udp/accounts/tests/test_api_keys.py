"""API keys for machine clients: issued and revoked by a person who has just proved who they are,
scoped, throttled per key, and never more than the owner's own rights (Art. 9-2.1 (9))."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.views import APIView

from registers.models import Party, Work
from tests import factories as f
from udp.accounts import actions
from udp.accounts.models import ApiKey, Moderation, User
from udp.accounts.scopes import Scope

pytestmark = [pytest.mark.usefixtures("english", "fresh_cache"), pytest.mark.statute("A9-2.1.9")]

KEYS_URL = "/api/keys/"
PAGE_URL = "/accounts/api-keys/"
ALL_SCOPES = list(Scope.values)
IN_A_MONTH = timezone.localdate() + dt.timedelta(days=30)


def issue(user: User, *scopes: Scope, name: str = "Back office") -> tuple[ApiKey, str]:
    return actions.issue_api_key(by=user, name=name, scopes=scopes or ALL_SCOPES)


def machine(key: str, keyword: str = "Api-Key") -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {key}")
    return client


def token_client(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def reauthenticated(user: User) -> Client:
    """A browser session of ``user`` that has just re-entered its password on allauth's page."""
    client = f.login(Client(), user)
    response = client.post("/accounts/reauthenticate/", {"password": f.PASSWORD})
    assert response.status_code == 302, response.content
    return client


# --- issuing ----------------------------------------------------------------------------------


def test_a_holder_issues_a_key_on_the_page_after_re_entering_the_password(personas):
    client = f.login(Client(), personas.holder)
    assert client.get(PAGE_URL).status_code == 200

    asked = client.post(
        PAGE_URL, {"name": "Back office", "scopes": ["registers:read"], "expires_on": IN_A_MONTH.isoformat()}
    )
    assert asked.status_code == 302 and asked["Location"].startswith("/accounts/reauthenticate/")
    assert not ApiKey.objects.exists()

    shown = client.post(asked["Location"], {"password": f.PASSWORD})  # the suspended request resumes
    assert shown.status_code == 200, shown.content
    assert "no-store" in shown["Cache-Control"]
    api_key = ApiKey.objects.get()
    key = shown.context["issued_key"]
    assert key in shown.content.decode() and key.startswith(api_key.prefix + "_")
    assert (api_key.owner, api_key.created_by, api_key.scopes) == (
        personas.holder,
        personas.holder,
        ["registers:read"],
    )
    assert api_key.hashed_key == hashlib.sha256(key.encode()).hexdigest() and key not in api_key.hashed_key
    assert timezone.localtime(api_key.expires_at).date() == IN_A_MONTH

    again = client.get(PAGE_URL).content.decode()
    assert api_key.prefix in again and key not in again


def test_a_cmo_session_that_skipped_the_second_factor_cannot_reach_the_keys_page(personas):
    client = Client()
    client.force_login(personas.cmo_staff)  # a password-only session (say, through the admin login)
    response = client.get(PAGE_URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert (
        client.post(
            PAGE_URL, {"name": "x", "scopes": ["registers:read"], "expires_on": IN_A_MONTH.isoformat()}
        ).status_code
        == 302
    )
    assert not ApiKey.objects.exists()


def test_a_cmo_account_issues_a_key_through_the_api_with_password_and_code(personas):
    client = token_client(personas.cmo_staff)
    body = {"name": "KAZ back office", "scopes": ["registers:read", "works:write"], "password": f.PASSWORD}

    unconfirmed = client.post(KEYS_URL, {"name": "x", "scopes": ["registers:read"]}, format="json")
    assert unconfirmed.status_code == 403 and "Confirm it is you" in unconfirmed.json()["detail"]
    assert client.post(KEYS_URL, {**body, "password": "wrong"}, format="json").status_code == 400
    assert client.post(KEYS_URL, body, format="json").status_code == 400  # no TOTP code
    assert not ApiKey.objects.exists()

    issued = client.post(KEYS_URL, {**body, "code": f.totp_code()}, format="json")
    assert issued.status_code == 201, issued.content
    assert issued["Cache-Control"] == "no-store"
    data = issued.json()
    api_key = ApiKey.objects.get()
    assert data["key"].startswith(data["prefix"]) and data["status"] == "active"
    assert (api_key.owner, api_key.cmo, api_key.role) == (personas.cmo_staff, personas.cmo, "cmo_staff")
    assert (
        timezone.now() + dt.timedelta(days=364) < api_key.expires_at < timezone.now() + dt.timedelta(days=366)
    )

    listed = client.get(KEYS_URL).json()["results"]
    assert [row["prefix"] for row in listed] == [api_key.prefix]
    assert "key" not in listed[0] and "hashed_key" not in listed[0]
    assert data["key"] not in client.get(KEYS_URL).content.decode()
    assert data["key"] not in client.get(f"{KEYS_URL}{api_key.pk}/").content.decode()


def test_a_session_that_just_re_authenticated_issues_a_key_through_the_api_without_a_password(personas):
    client = reauthenticated(personas.licensee)
    response = client.post(
        KEYS_URL,
        {"name": "Radio playlist system", "scopes": ["usage:write"]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert ApiKey.objects.get().licensee == personas.licensee.licensee

    stale = f.login(Client(), personas.holder)  # signed in, but no re-authentication
    refused = stale.post(
        KEYS_URL, {"name": "x", "scopes": ["registers:read"]}, content_type="application/json"
    )
    assert refused.status_code == 403


def test_a_key_lives_at_most_the_configured_maximum(personas):
    client = token_client(personas.holder)
    too_long = timezone.now() + dt.timedelta(days=800)
    response = client.post(
        KEYS_URL,
        {
            "name": "x",
            "scopes": ["registers:read"],
            "expires_at": too_long.isoformat(),
            "password": f.PASSWORD,
        },
        format="json",
    )
    assert response.status_code == 400 and "expires_at" in response.json()


# --- using a key ------------------------------------------------------------------------------


def test_a_key_acts_as_its_owner_within_its_scopes(personas):
    _row, read_only = issue(personas.holder, Scope.REGISTERS_READ)
    own = f"/api/holders/{personas.holder_party.pk}/"

    seen = machine(read_only).get(own)
    assert seen.status_code == 200
    assert seen.json()["iin"] == personas.holder_party.iin  # the owner's own confidential data

    refused = machine(read_only).patch(own, {"phone": "+7 700 123 45 67"}, format="json")
    assert refused.status_code == 403
    assert "holders:write" in refused.json()["detail"]
    assert Party.objects.get(pk=personas.holder_party.pk).phone != "+7 700 123 45 67"

    _row, writer = issue(personas.holder, Scope.HOLDERS_WRITE)
    assert machine(writer).patch(own, {"phone": "+7 700 123 45 67"}, format="json").status_code == 200
    assert machine(writer).get(own).status_code == 403  # writing does not include reading
    assert (
        machine(writer, "Bearer").patch(own, {"phone": "+7 700 000 00 01"}, format="json").status_code == 200
    )


def test_a_key_never_has_more_than_its_owners_rights(personas):
    _row, key = issue(personas.other_cmo_staff)  # every scope, but staff of the other CMO
    response = machine(key).patch(
        f"/api/holders/{personas.holder_party.pk}/", {"phone": "+7 700 999 99 99"}, format="json"
    )
    assert response.status_code in (403, 404)
    assert (
        personas.holder_party.iin
        not in machine(key).get(f"/api/holders/{personas.holder_party.pk}/").content.decode()
    )

    _row, licensee_key = issue(personas.licensee)
    assert machine(licensee_key).post("/api/works/", {"title": "Nope"}, format="json").status_code == 403


def test_a_cmo_back_office_registers_a_members_work_with_a_key(personas):
    api_key, key = issue(personas.cmo_staff, Scope.REGISTERS_READ, Scope.WORKS_WRITE)
    payload = {
        "title": "Back office song",
        "contributors": [{"party": personas.holder_party.pk, "role": "CA", "shares": {"PR": "100"}}],
    }
    response = machine(key).post("/api/works/", payload, format="json")
    assert response.status_code == 201, response.content
    assert Work.objects.get(title="Back office song").registered_by_cmo == personas.cmo
    api_key.refresh_from_db()
    assert api_key.last_used_at is not None


@pytest.mark.parametrize(
    ("breaks", "message"),
    [
        (lambda key, owner: actions.revoke_api_key(key, by=owner), "revoked"),
        (
            lambda key, owner: ApiKey.objects.filter(pk=key.pk).update(
                created_at=timezone.now() - dt.timedelta(days=2),
                expires_at=timezone.now() - dt.timedelta(days=1),
            ),
            "expired",
        ),
        (lambda key, owner: Authenticator.objects.filter(user=owner).delete(), "second factor"),
        (
            lambda key, owner: User.objects.filter(pk=owner.pk).update(moderation=Moderation.REJECTED),
            "not approved",
        ),
        (lambda key, owner: User.objects.filter(pk=owner.pk).update(is_active=False), "not approved"),
        (lambda key, owner: User.objects.filter(pk=owner.pk).update(cmo=f.make_cmo("NEW")), "organisation"),
    ],
    ids=["revoked", "expired", "owner-lost-totp", "owner-rejected", "owner-deactivated", "owner-moved-cmo"],
)
def test_a_key_stops_working_with_401(personas, breaks, message):
    api_key, key = issue(personas.cmo_staff)
    assert machine(key).get("/api/works/").status_code == 200
    breaks(api_key, personas.cmo_staff)
    response = machine(key).get("/api/works/")
    assert response.status_code == 401
    assert message in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Api-Key")


def test_an_unknown_or_malformed_key_is_refused(personas):
    _row, key = issue(personas.holder)
    assert machine(key[:-2] + "xx").get("/api/works/").status_code == 401
    assert machine(f"{key} extra").get("/api/works/").status_code == 401


# --- who manages keys -------------------------------------------------------------------------


def test_a_key_can_never_issue_list_or_revoke_keys(personas):
    api_key, key = issue(personas.holder)
    client = machine(key)
    body = {"name": "Child", "scopes": ["registers:read"], "password": f.PASSWORD}
    assert client.post(KEYS_URL, body, format="json").status_code == 403
    assert client.get(KEYS_URL).status_code == 403
    assert client.get(f"{KEYS_URL}{api_key.pk}/").status_code == 403
    assert (
        client.post(f"{KEYS_URL}{api_key.pk}/revoke/", {"password": f.PASSWORD}, format="json").status_code
        == 403
    )
    assert ApiKey.objects.count() == 1 and ApiKey.objects.get().is_active


def test_another_holder_and_another_cmo_neither_see_nor_revoke_a_key(personas):
    api_key, key = issue(personas.cmo_staff)
    for outsider in (personas.other_holder, personas.other_cmo_staff, personas.cmo_admin, personas.regulator):
        client = token_client(outsider)
        assert client.get(KEYS_URL).json()["results"] == [], outsider
        assert client.get(KEYS_URL, {"q": api_key.prefix}).json()["results"] == [], outsider
        assert client.get(f"{KEYS_URL}{api_key.pk}/").status_code == 404
        revoke = client.post(
            f"{KEYS_URL}{api_key.pk}/revoke/", {"password": f.PASSWORD, "code": f.totp_code()}, format="json"
        )
        assert revoke.status_code == 404
        page = reauthenticated(outsider)
        assert page.post(f"{PAGE_URL}{api_key.pk}/revoke/").status_code == 404
        assert f'id="api-key-{api_key.pk}"' not in page.get(PAGE_URL, {"q": api_key.prefix}).content.decode()
    assert machine(key).get("/api/works/").status_code == 200


def test_the_owner_revokes_a_key_on_the_page(personas):
    api_key, key = issue(personas.holder)
    client = f.login(Client(), personas.holder)
    asked = client.post(f"{PAGE_URL}{api_key.pk}/revoke/")
    assert asked.status_code == 302 and asked["Location"].startswith("/accounts/reauthenticate/")
    assert ApiKey.objects.get().is_active

    done = client.post(asked["Location"], {"password": f.PASSWORD})
    assert done.status_code == 302 and done["Location"] == PAGE_URL
    api_key.refresh_from_db()
    assert api_key.revoked_by == personas.holder and not api_key.is_active
    assert machine(key).get("/api/works/").status_code == 401


def test_the_operator_finds_and_revokes_a_leaked_key(personas):
    api_key, key = issue(personas.holder)
    page = reauthenticated(personas.operator)
    found = page.get(PAGE_URL, {"q": api_key.prefix}).content.decode()
    assert f'id="api-key-{api_key.pk}"' in found and personas.holder.email in found

    client = token_client(personas.operator)
    response = client.post(
        f"{KEYS_URL}{api_key.pk}/revoke/", {"password": f.PASSWORD, "code": f.totp_code()}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "revoked" and response.json()["revoked_by"] == personas.operator.email
    assert machine(key).get("/api/works/").status_code == 401


def test_issuing_and_revoking_are_kept_in_the_history_but_use_is_not(personas):
    api_key, key = issue(personas.holder)
    machine(key).get("/api/works/")
    actions.revoke_api_key(api_key, by=personas.operator)
    events = list(ApiKey.pgh_event_model.objects.filter(pgh_obj_id=api_key.pk).order_by("pgh_id"))
    assert [e.pgh_label for e in events] == ["insert", "update"]
    assert [e.pgh_context.metadata["user"] for e in events] == [personas.holder.pk, personas.operator.pk]
    assert events[-1].revoked_by_id == personas.operator.pk


# --- throttling -------------------------------------------------------------------------------


def test_each_key_is_throttled_on_its_own_and_people_are_not(personas, settings):
    rates = {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
        "api_key_read": "3/min",
        "api_key_write": "1/min",
    }
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    _row, first = issue(personas.holder)
    _row, second = issue(personas.holder, name="Monitoring")

    assert [machine(first).get("/api/areas/").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert machine(first).get("/api/areas/")["Retry-After"]
    assert machine(second).get("/api/areas/").status_code == 200  # another key, another count
    person = token_client(personas.holder)
    assert {person.get("/api/areas/").status_code for _ in range(5)} == {200}

    own = f"/api/holders/{personas.holder_party.pk}/"
    assert machine(second).patch(own, {"phone": "1"}, format="json").status_code == 200
    assert machine(second).patch(own, {"phone": "2"}, format="json").status_code == 429


# --- every operation declares its scope -------------------------------------------------------


def test_every_api_operation_declares_the_scope_a_key_needs(db):
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operations = [
        (path, method, op)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert len(operations) > 15
    undeclared = [(path, method) for path, method, op in operations if "x-api-key-scope" not in op]
    assert not undeclared, f"declare required_scopes on these views: {undeclared}"
    for path, method, op in operations:
        scope = op["x-api-key-scope"]
        assert scope is None or scope in Scope.values, (path, method)
        if method != "get" and scope is not None:
            assert Scope(scope).is_write, (path, method)
        listed = any("ApiKeyAuth" in requirement for requirement in op.get("security", []))
        assert listed == (scope is not None), (path, method)
    assert schema["components"]["securitySchemes"]["ApiKeyAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": schema["components"]["securitySchemes"]["ApiKeyAuth"]["description"],
    }
    by_path = {(path, method): op["x-api-key-scope"] for path, method, op in operations}
    assert by_path[("/api/works/", "post")] == "works:write"
    assert by_path[("/api/keys/", "post")] is None


class _Undeclared(APIView):
    """An API view whose author forgot ``required_scopes``."""

    def get(self, request: Any) -> Response:
        return Response({"user": request.user.email})


class _Closed(APIView):
    """A view that replaced the default permissions and so dropped the scope check."""

    permission_classes: list[Any] = []
    required_scopes = {"get": Scope.REGISTERS_READ}

    def get(self, request: Any) -> Response:
        return Response({"user": request.user.email})


@pytest.mark.parametrize("view", [_Undeclared, _Closed])
def test_a_view_without_scope_rules_refuses_keys_but_not_people(personas, view):
    _row, key = issue(personas.holder)
    factory = APIRequestFactory()
    by_key = view.as_view()(factory.get("/api/x/", HTTP_AUTHORIZATION=f"Api-Key {key}"))
    assert by_key.status_code == 403
    token = Token.objects.create(user=personas.holder)
    by_person = view.as_view()(factory.get("/api/x/", HTTP_AUTHORIZATION=f"Token {token.key}"))
    assert by_person.status_code == 200 and by_person.data == {"user": personas.holder.email}
