"""The registers' cards on the audiences' consoles (see :mod:`udp.accounts.consoles`).

Each card's snippet is under ``templates/registers/cards/``; the console page gives it its subject
(``party`` on the portal, ``cmo`` on the CMO dashboard, ``licensee`` and its ``party`` in the space).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from registers import access
from registers.claims import pending_answers_for
from registers.models import CMO, Area, Licensee, Mandate, Party, Work
from registers.models.contracts import MandateStatus
from udp.accounts import roles
from udp.accounts.consoles import Card, add_card
from udp.accounts.models import ConfidentialAccess, User
from udp.accounts.selectors import pending_accounts


def add_cards() -> None:
    """Called once, from :meth:`registers.apps.RegistersConfig.ready`."""
    _operator_cards()
    _portal_cards()
    _cmo_cards()
    _space_cards()
    _regulator_cards()
    _proposal_cards()


def _proposals_waiting(user: User) -> int:
    """Proposals waiting for ``user``'s answer, as the navigation's badge counts them."""
    return pending_answers_for(user).values("proposal_id").distinct().count()


def _answers_proposals(user: User) -> bool:
    """Those who answer proposals; a holder once their account has an entry in the register."""
    return roles.answers_proposals(user) and (not roles.is_holder(user) or user.party_id is not None)


def _proposal_cards() -> None:
    """Proposals that touch someone's claim wait for their answer: on each console of those who answer them."""
    for console, section in (
        ("portal", ""),
        ("cmo", "members"),
        ("regulator", "registers"),
        ("operator", "queues"),
    ):
        add_card(
            console,
            Card(
                "proposals", _("Proposals awaiting your answer"), "claims:overview", count=_proposals_waiting,
                description=_("Changes that touch your share or your entry wait for your yes or no"),
                visible=_answers_proposals, section=section, waiting=True,
            ),
        )  # fmt: skip


def _pending(user: User) -> int:
    return pending_accounts().count()


def _operator_cards() -> None:
    def count(model: type[Model]) -> Callable[[User], int]:
        return lambda user: model._default_manager.count()

    for card in (
        Card(
            "pending",
            _("Applications awaiting review"),
            "operator:accounts",
            count=_pending,
            section="queues",
            waiting=True,
        ),  # fmt: skip
        Card(
            "parties",
            _("Authors and rightsholders"),
            "operator:registers",
            "kind=party",
            count(Party),
            section="registers",
        ),
        Card(
            "works",
            _("Works and objects of related rights"),
            "operator:registers",
            "kind=work",
            count(Work),
            section="registers",
        ),
        Card("cmos", _("CMOs"), "operator:registers", "kind=cmo", count(CMO), section="registers"),
        Card(
            "licensees",
            _("Users"),
            "operator:registers",
            "kind=licensee",
            count(Licensee),
            section="registers",
        ),
        Card(
            "accesses",
            _("Looks at confidential data"),
            "operator:confidential_log",
            count=count(ConfidentialAccess),
            section="registers",
        ),
    ):
        add_card("operator", card)


# --- The rightsholder's portal -------------------------------------------------------------------


def _has_party(user: User) -> bool:
    return user.party_id is not None


def managing_cmos(party: Party | None) -> list[dict[str, Any]]:
    """Each area in force with the CMO the holder has an active mandate to, or none."""
    mandates: dict[int, Mandate] = {}
    if party is not None:
        active = Mandate.objects.filter(holder=party, status=MandateStatus.ACTIVE).select_related(
            "cmo", "contract"
        )
        mandates = {m.area_id: m for m in active}
    return [{"area": area, "mandate": mandates.get(area.pk)} for area in Area.objects.filter(in_force=True)]


def _my_entry(user: User) -> Mapping[str, Any]:
    party = user.party
    assert party is not None  # the card is visible only then
    return {
        "pseudonyms": party.pseudonyms.all(),
        "ipi_names": party.ipi_names.all(),
        "bank_accounts": party.bank_accounts.all(),
    }


def _portal_cards() -> None:
    add_card(
        "portal",
        Card(
            "my-entry", _("My entry in the register"), visible=_has_party,
            template="registers/cards/my_entry.html", context=_my_entry, width="col-lg-7",
        ),
    )  # fmt: skip
    add_card(
        "portal",
        Card(
            "my-cmos", _("Who manages my rights"), glossary="mandate", visible=_has_party,
            template="registers/cards/my_cmos.html", context=lambda user: {"areas": managing_cmos(user.party)},
            width="col-lg-5",
        ),
    )  # fmt: skip


# --- The CMO dashboard ---------------------------------------------------------------------------


def _has_cmo(user: User) -> bool:
    return user.cmo_id is not None


def _organisation(user: User) -> Mapping[str, Any]:
    cmo = user.cmo
    assert cmo is not None  # the card is visible only then
    return {
        "areas": cmo.area_links.select_related("area").order_by("area__item"),
        "member_count": access.member_parties(cmo).count(),
        "work_count": access.works_editable_by(user).count(),
        "can_edit": access.cmos_editable_by(user).filter(pk=cmo.pk).exists(),
    }


def _cmo_cards() -> None:
    for card in (
        Card(
            "cmo-card", _("The organisation"), visible=_has_cmo,
            template="registers/cards/cmo_organisation.html", context=_organisation, width="col-lg-8",
            section="organisation",
        ),
        Card(
            "members", _("Members"), visible=_has_cmo, template="registers/cards/cmo_members.html",
            context=lambda user: {"recent_members": access.member_parties(user.cmo).order_by("-created_at")[:5]},
            width="col-md-6 col-lg-4", section="members",
        ),
        Card(
            "repertoire", _("Repertoire"), visible=_has_cmo, template="registers/cards/cmo_repertoire.html",
            context=lambda user: {"recent_works": access.works_editable_by(user).order_by("-created_at")[:5]},
            width="col-md-6 col-lg-4", section="members",
        ),
    ):  # fmt: skip
        add_card("cmo", card)


# --- The music user's space ----------------------------------------------------------------------


def _space_cards() -> None:
    add_card(
        "space",
        Card("user-entry", _("Entry in the register of users"), template="registers/cards/user_entry.html",
             width="col-md-6"),
    )  # fmt: skip
    add_card(
        "space",
        Card("find-work", _("Find who licenses a work"), template="registers/cards/find_work.html",
             width="col-md-6"),
    )  # fmt: skip


# --- The regulator's workspace -------------------------------------------------------------------


def _regulator_cards() -> None:
    add_card(
        "regulator",
        Card(
            "pending",
            _("Applications awaiting the operator"),
            count=_pending,
            width="col-sm-6",
            section="registers",
        ),  # fmt: skip
    )
    add_card(
        "regulator",
        Card(
            "registers", _("Search the registers"), "regulator:registers", width="col-sm-6", section="registers",
            description=_("Authors and rightsholders, works, CMOs and users; read only."),
        ),
    )  # fmt: skip
