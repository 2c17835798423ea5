"""``get_api_key_for_user``, called directly, against every persona: the owner and the operator only."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404

from tests.personas import Personas, everyone
from udp.accounts import actions
from udp.accounts.access import get_api_key_for_user
from udp.accounts.scopes import Scope


def test_an_api_key_is_seen_by_its_owner_and_the_operator_only(personas: Personas) -> None:
    key, _secret = actions.issue_api_key(
        by=personas.holder, name="Back office", scopes=[Scope.REGISTERS_READ]
    )
    people = everyone(personas)
    got = set()
    for name, user in people.items():
        try:
            assert get_api_key_for_user(user, key.pk) == key
        except Http404:
            continue
        got.add(name)
    assert got == {"holder", "operator"}


@pytest.mark.parametrize("pk", [999_999_999, "x", None])
def test_a_missing_key_answers_404_like_a_forbidden_one(personas: Personas, pk: Any) -> None:
    with pytest.raises(Http404):
        get_api_key_for_user(personas.operator, pk)
