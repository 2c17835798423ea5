"""``get_api_key_for_user``, called directly, against every persona: the owner and the operator only."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from tests import factories as f
from tests.personas import Personas
from udp.accounts import actions
from udp.accounts.access import get_api_key_for_user
from udp.accounts.models import Moderation, Role
from udp.accounts.scopes import Scope


def test_an_api_key_is_seen_by_its_owner_and_the_operator_only(personas: Personas) -> None:
    key, _secret = actions.issue_api_key(
        by=personas.holder, name="Back office", scopes=[Scope.REGISTERS_READ]
    )
    pending = f.make_account("pending@example.kz", Role.HOLDER, party=f.make_person())
    pending.moderation = Moderation.PENDING
    pending.save()
    people: dict[str, Any] = {
        "anonymous": AnonymousUser(),
        "pending_holder": pending,
        "cmo_staff_without_mfa": f.make_account("no-mfa@kaz.kz", Role.CMO_STAFF, cmo=personas.cmo, mfa=False),
        **{
            name: getattr(personas, name)
            for name in (
                "holder",
                "other_holder",
                "licensee",
                "cmo_staff",
                "cmo_admin",
                "other_cmo_staff",
                "regulator",
                "operator",
            )
        },
    }
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
