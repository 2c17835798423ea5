"""The mandates domain's cards on the consoles (see :mod:`udp.accounts.consoles`): "My rights", requests
for management, mandates signed on paper, signatories, withdrawals and their obligations."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from mandates.access import paper_mandates_answerable_by, requests_visible_to, withdrawals_visible_to
from mandates.models import HolderAnswer, RequestStatus, WithdrawalStatus
from mandates.rights import rights_of
from mandates.signatories import current_q, entity_of, signatories_of
from mandates.withdrawing import overdue_obligations
from udp.accounts.consoles import Card, add_card
from udp.accounts.models import User


def add_cards() -> None:
    """Called once, from :meth:`mandates.apps.MandatesConfig.ready`."""
    # "Who manages my rights" on the portal, with what is pending and the way to "My rights by area"
    add_card(
        "portal",
        Card(
            "my-cmos", _("Who manages my rights"), glossary="mandate", visible=_has_party,
            template="mandates/cards/my_rights.html", context=_my_rights, width="col-lg-5",
        ),
    )  # fmt: skip
    _request_cards()
    add_card(
        "portal",
        Card(
            "withdrawals", _("Withdrawals from a CMO"), "withdrawals:list", count=_pending, visible=_has_party
        ),
    )
    add_card("cmo", Card("withdrawals", _("Withdrawal notices received"), "withdrawals:list", count=_pending,
                         section="members", waiting=True))  # fmt: skip
    add_card("cmo", Card("licensed-repertoire", _("Licensed repertoire on a date"), "withdrawals:repertoire",
                         section="licensing"))  # fmt: skip
    add_card(
        "regulator",
        Card(
            "withdrawals",
            _("Withdrawals and overdue obligations"),
            "withdrawals:list",
            count=_overdue,
            section="accreditation",
            waiting=True,
        ),  # fmt: skip
    )


def _pending(user: User) -> int:
    return withdrawals_visible_to(user).filter(status=WithdrawalStatus.PENDING).count()


def _overdue(user: User) -> int:
    return overdue_obligations().filter(withdrawal__in=withdrawals_visible_to(user)).count()


def _my_rights(user: User) -> dict[str, Any]:
    return {"rows": rights_of(user.party) if user.party else []}


def _has_party(user: User) -> bool:
    return user.party_id is not None


def _request_cards() -> None:
    add_card(
        "portal",
        Card(
            "mandates",
            _("Mandates: requests and agreements"),
            "mandates:list",
            count=_holder_waiting,
            visible=_has_party,
            waiting=True,
        ),
    )
    add_card(
        "cmo",
        Card(
            "mandates",
            _("Requests for management waiting"),
            "mandates:list",
            count=_cmo_waiting,
            section="members",
            waiting=True,
        ),  # fmt: skip
    )
    add_card(
        "cmo", Card("paper_mandates", _("Mandates signed on paper"), "mandates:paper_list", section="members")
    )
    add_card(
        "cmo",
        Card("signatories", _("Who signs for the organisation"), "mandates:signatories", section="members"),
    )
    add_card(
        "portal",
        Card(
            "signatories",
            _("Who signs for the organisation"),
            "mandates:signatories",
            count=_current_signatories,
            description=_("The people who may sign agreements for your company."),
            visible=_is_entity_holder,
        ),
    )
    add_card(
        "regulator",
        Card(
            "mandate_refusals",
            _("Refusals of management"),
            "mandates:list",
            query="status=refused",
            count=_refused,
            section="registers",
        ),
    )


def _is_entity_holder(user: User) -> bool:
    return entity_of(user) is not None


def _current_signatories(user: User) -> int:
    return signatories_of(user).filter(current_q()).count()


def _holder_waiting(user: User) -> int:
    signing = requests_visible_to(user).filter(
        status=RequestStatus.AWAITING_SIGNATURES, holder_signature__isnull=True
    )
    paper = paper_mandates_answerable_by(user).filter(holder_answer=HolderAnswer.PENDING)
    return signing.count() + paper.count()


def _cmo_waiting(user: User) -> int:
    visible = requests_visible_to(user)
    return (
        visible.filter(status=RequestStatus.REQUESTED).count()
        + visible.filter(status=RequestStatus.AWAITING_SIGNATURES, cmo_signature__isnull=True).count()
    )


def _refused(user: User) -> int:
    return requests_visible_to(user).filter(status=RequestStatus.REFUSED).count()
