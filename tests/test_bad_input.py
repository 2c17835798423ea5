"""Every hostile input gets a 4xx (or a normal answer), never a server error: pages and API alike.

The endpoints and their parameters are enumerated, not listed by hand: every API operation and its
query parameters from the OpenAPI schema, and every page of the URL resolver without path
parameters, with ``q`` and ``page`` added; so a new filter or search is fuzzed as soon as it exists.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests import factories as f

HOSTILE = [
    "²", "١٢", "\x00", "I²²²²²²²²²²", "99999999999999999999", "-1", "x" * 3000, "' OR 1=1 --", "2026-13-45",
]  # fmt: skip


def _schema_operations(client: Client) -> list[tuple[str, list[str]]]:
    schema = client.get("/api/schema/?format=json").json()
    found = []
    for path, operations in schema["paths"].items():
        if "{" in path:
            continue
        get = operations.get("get")
        if not get:
            continue
        params = [p["name"] for p in get.get("parameters", []) if p.get("in") == "query"]
        found.append((path, params))
    return found


def _pages() -> list[str]:
    """Page URLs without path parameters (the API and the account pages are covered elsewhere)."""
    urls: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for p in patterns:
            route = str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + route)
            elif isinstance(p, URLPattern) and "<" not in route and "(?P" not in route and "^" not in route:
                urls.append("/" + prefix + route)

    walk(get_resolver().url_patterns, "")
    skip = ("/api/", "/accounts/", "/i18n/", "/static/", "/media/", "/admin/")
    return sorted({u for u in urls if not u.startswith(skip) and not u.endswith("logout/")})


def _check(client: Client, url: str, params: dict[str, str], failures: list[str]) -> None:
    response = client.get(url, params)
    if response.status_code >= 500:
        failures.append(f"{response.status_code} GET {url} {params!r:.80}")


@pytest.mark.statute("A9-2.1.9")
@pytest.mark.parametrize("who", ["anonymous", "holder", "cmo_staff", "regulator", "operator"])
def test_every_api_filter_and_search_answers_hostile_values_without_a_server_error(personas, who):
    client = Client(raise_request_exception=False)
    if who != "anonymous":
        f.login(client, getattr(personas, who))
    operations = _schema_operations(client)
    assert len(operations) >= 10, operations  # the schema was read: works, holders, cmos, users, ...
    failures: list[str] = []
    for path, params in operations:
        for name in [*params, "page", "q", "cursor", "ordering"]:
            for value in HOSTILE:
                _check(client, path, {name: value}, failures)
    assert not failures, "\n".join(failures[:40])


@pytest.mark.statute("A9-2.1.9")
@pytest.mark.parametrize("who", ["anonymous", "holder", "cmo_staff", "regulator", "operator"])
def test_every_page_answers_hostile_search_and_paging_without_a_server_error(personas, who):
    client = Client(raise_request_exception=False)
    if who != "anonymous":
        f.login(client, getattr(personas, who))
    pages = _pages()
    assert "/" in pages and "/works/" in pages, pages
    failures: list[str] = []
    for url in [*pages, "/entries/parties/lookup/"]:
        for name in ("q", "page", "cmo", "kind", "area", "status", "role"):
            for value in HOSTILE:
                _check(client, url, {name: value}, failures)
    assert not failures, "\n".join(failures[:40])


@pytest.mark.parametrize(
    "path", ["/api/works/%00/", "/works/%00/", "/api/holders/%C2%B2/", "/history/work/%00/"]
)
def test_a_nul_byte_or_odd_digit_in_a_path_is_a_client_error(personas, path):
    client = Client(raise_request_exception=False)
    f.login(client, personas.operator)
    assert 400 <= client.get(path).status_code < 500


@pytest.mark.statute("A9-2.1.9")
def test_a_contributor_row_missing_a_field_is_a_400_naming_it(personas):
    from rest_framework.test import APIClient

    work = f.make_work(personas.holder, (personas.holder_party, "CA", {"PR": f.Decimal("100")}))
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(personas.holder)
    for row in (
        {"party": personas.holder_party.pk, "shares": {"PR": "100"}},
        {"role": "CA", "shares": {"PR": "100"}},
    ):
        response = api.patch(f"/api/works/{work.pk}/", {"contributors": [row]}, format="json")
        assert response.status_code == 400, (row, response.status_code)
        missing = "role" if "role" not in row else "party"
        assert missing in response.content.decode()


def test_a_nul_byte_in_a_form_is_a_client_error(personas):
    client = Client(raise_request_exception=False)
    f.login(client, personas.holder)
    response = client.post(f"/entries/party/{personas.holder_party.pk}/", {"name_lat": "A\x00B"})
    assert 400 <= response.status_code < 500
