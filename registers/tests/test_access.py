"""Each ``get_*_for_user`` helper, called directly, against every persona.

The helpers answer "missing" and "forbidden" alike (404), so each case says only whether the persona
gets the object. A CMO account without its second factor has its role's rights here: what keeps it
out is the second-factor check that runs before any page or API view (``udp.accounts.mfa``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.http import Http404

from registers import access
from registers.models import Work
from tests import factories as f
from tests.personas import ACCOUNTS, Personas, everyone
from udp.accounts import mfa

EVERYONE = {"anonymous", *ACCOUNTS, "pending_holder", "cmo_staff_without_mfa"}


@dataclass
class World:
    people: dict[str, Any]
    objects: dict[str, Any]


@pytest.fixture
def world(personas: Personas) -> World:
    people = everyone(personas)
    assert mfa.mfa_missing(people["cmo_staff_without_mfa"])
    hundred = {"PR": Decimal("100")}
    public_work = f.make_work(personas.holder, (personas.holder_party, "CA", hundred), title="Public")
    private_work = f.make_work(personas.other_holder, (personas.other_party, "CA", hundred), title="Private")
    Work.objects.filter(pk=private_work.pk).update(public=False)
    unverified = f.make_person(verified=False, registered_by_cmo=personas.cmo)
    licensee = personas.licensee.licensee
    assert licensee is not None
    type(licensee).objects.filter(pk=licensee.pk).update(verified=False)
    return World(
        people,
        {
            "public_work": public_work,
            "private_work": private_work,
            "holder_party": personas.holder_party,
            "unverified_party": unverified,
            "cmo": personas.cmo,
            "unverified_licensee": licensee,
        },
    )


CMO_SIDE = {"cmo_staff", "cmo_admin", "cmo_staff_without_mfa"}
OFFICIALS = {"regulator", "operator"}

#: (helper, object, write, who gets it)
CASES: list[tuple[Callable[..., Any], str, bool, set[str]]] = [
    (access.get_work_for_user, "public_work", False, EVERYONE),
    (access.get_work_for_user, "public_work", True, {"holder", "operator"} | CMO_SIDE),
    (access.get_work_for_user, "private_work", False, {"other_holder", "other_cmo_staff"} | OFFICIALS),
    (access.get_work_for_user, "private_work", True, {"other_holder", "other_cmo_staff", "operator"}),
    (access.get_party_for_user, "holder_party", False, EVERYONE),
    (access.get_party_for_user, "holder_party", True, {"holder", "operator"} | CMO_SIDE),
    (access.get_party_for_user, "unverified_party", False, CMO_SIDE | OFFICIALS),
    (access.get_party_for_user, "unverified_party", True, CMO_SIDE | {"operator"}),
    (access.get_cmo_for_user, "cmo", False, EVERYONE),
    (access.get_cmo_for_user, "cmo", True, {"cmo_admin", "operator"}),
    (
        access.get_licensee_for_user,
        "unverified_licensee",
        False,
        {"licensee"} | CMO_SIDE | {"other_cmo_staff"} | OFFICIALS,
    ),
    (access.get_licensee_for_user, "unverified_licensee", True, {"licensee", "operator"}),
]


@pytest.mark.parametrize(
    ("helper", "obj", "write", "allowed"),
    CASES,
    ids=[f"{h.__name__}-{o}-{'write' if w else 'read'}" for h, o, w, _ in CASES],
)
def test_each_persona_gets_exactly_what_its_rule_allows(
    world: World, helper: Callable[..., Any], obj: str, write: bool, allowed: set[str]
) -> None:
    target = world.objects[obj]
    got = set()
    for name, user in world.people.items():
        try:
            found = helper(user, target.pk, write=write)
        except Http404:
            continue
        assert found == target
        got.add(name)
    assert got == allowed


@pytest.mark.parametrize("pk", [999_999_999, "x", None])
def test_a_missing_object_answers_404_as_a_forbidden_one_does(personas: Personas, pk: Any) -> None:
    for helper in (
        access.get_work_for_user,
        access.get_party_for_user,
        access.get_cmo_for_user,
        access.get_licensee_for_user,
    ):
        with pytest.raises(Http404):
            helper(personas.operator, pk)
