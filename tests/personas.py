"""The personas every test shares: two holders, two CMOs, a music user, the regulator, the operator.

An anonymous visitor is Django's test client without a login. The ``personas`` fixture (root
``conftest.py``) builds them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser

from registers.models import CMO, Area, Contract, Mandate, Party
from tests import factories as f
from udp.accounts.models import Moderation, Role, User
from udp.core.numbering import allocate_number


@dataclass
class Personas:
    holder: User
    other_holder: User
    cmo: CMO
    other_cmo: CMO
    cmo_admin: User
    cmo_staff: User
    other_cmo_staff: User
    licensee: User
    regulator: User
    operator: User

    @property
    def holder_party(self) -> Party:
        return _party_of(self.holder)

    @property
    def other_party(self) -> Party:
        return _party_of(self.other_holder)


def _party_of(account: User) -> Party:
    if account.party is None:
        raise AssertionError(f"{account} has no party")
    return account.party


def make_personas() -> Personas:
    cmo = f.make_cmo("KAZ", areas=(1, 7))
    other_cmo = f.make_cmo("QAZ", areas=(1, 5))
    holder_party = f.make_person(
        name_ru="Айгуль Серикова",
        name_kk="Айгүл Серікова",
        name_lat="Aigul Serikova",
        address="Алматы, ул. Абая 1, кв. 2",
    )
    other_party = f.make_person(name_ru="Ерлан Ахметов", name_lat="Yerlan Akhmetov")
    holder = f.make_account("holder@example.kz", Role.HOLDER, party=holder_party)
    other_holder = f.make_account("other-holder@example.kz", Role.HOLDER, party=other_party)
    mandate_to(holder_party, cmo, area_item=1)
    mandate_to(other_party, other_cmo, area_item=1)
    licensee_org = f.make_licensee()
    return Personas(
        holder=holder,
        other_holder=other_holder,
        cmo=cmo,
        other_cmo=other_cmo,
        cmo_admin=f.make_account("admin@kaz.kz", Role.CMO_ADMIN, cmo=cmo),
        cmo_staff=f.make_account("staff@kaz.kz", Role.CMO_STAFF, cmo=cmo),
        other_cmo_staff=f.make_account("staff@qaz.kz", Role.CMO_STAFF, cmo=other_cmo),
        licensee=f.make_account("radio@example.kz", Role.LICENSEE, licensee=licensee_org),
        regulator=f.make_account("reviewer@minjust.gov.kz", Role.REGULATOR),
        operator=f.make_account("operator@udp.kz", Role.OPERATOR),
    )


#: The accounts :func:`everyone` names, besides the anonymous visitor.
ACCOUNTS = (
    "holder", "other_holder", "licensee", "cmo_staff", "cmo_admin", "other_cmo_staff", "regulator", "operator",
)  # fmt: skip


def everyone(p: Personas) -> dict[str, User | AnonymousUser]:
    """Every persona by name, with the anonymous visitor, an account the operator has not approved yet
    (``pending_holder``) and CMO staff who have not set up their second factor (``cmo_staff_without_mfa``)."""
    pending = f.make_account("pending@example.kz", Role.HOLDER, party=f.make_person())
    pending.moderation = Moderation.PENDING
    pending.save()
    without_mfa = f.make_account("no-mfa@kaz.kz", Role.CMO_STAFF, cmo=p.cmo, mfa=False)
    return {
        "anonymous": AnonymousUser(),
        **{name: getattr(p, name) for name in ACCOUNTS},
        "pending_holder": pending,
        "cmo_staff_without_mfa": without_mfa,
    }


def mandate_to(party: Party, cmo: CMO, *, area_item: int) -> Mandate:
    import datetime as dt

    from django.db import transaction

    with transaction.atomic():
        contract = Contract.objects.create(
            number=allocate_number("MAN"),
            kind="mandate",
            cmo=cmo,
            holder=party,
            concluded_on=dt.date(2026, 1, 15),
            valid_from=dt.date(2026, 2, 1),
        )
        area = Area.objects.get(item=area_item)
        contract.areas.add(area)
        return Mandate.objects.create(
            contract=contract, holder=party, cmo=cmo, area=area, valid_from=contract.valid_from
        )
