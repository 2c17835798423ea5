"""The mandates domain's cards on the consoles (see :mod:`udp.accounts.consoles`): "My rights", requests
for management, mandates signed on paper, signatories, withdrawals and their obligations."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mandates.access import paper_mandates_answerable_by, requests_visible_to, withdrawals_visible_to
from mandates.models import HolderAnswer, RequestStatus, WithdrawalStatus
from mandates.withdrawing import overdue_obligations
from udp.accounts.consoles import Card, add_card
from udp.accounts.models import User


def add_cards() -> None:
    """Called once, from :meth:`mandates.apps.MandatesConfig.ready`."""
    _request_cards()
    add_card(
        "portal",
        Card(
            "withdrawals", _("Withdrawals from a CMO"), "withdrawals:list", count=_pending, visible=_has_party
        ),
    )
    add_card("cmo", Card("withdrawals", _("Withdrawal notices received"), "withdrawals:list", count=_pending))
    add_card("cmo", Card("licensed-repertoire", _("Licensed repertoire on a date"), "withdrawals:repertoire"))
    add_card(
        "regulator",
        Card("withdrawals", _("Withdrawals and overdue obligations"), "withdrawals:list", count=_overdue),
    )


def _pending(user: User) -> int:
    return withdrawals_visible_to(user).filter(status=WithdrawalStatus.PENDING).count()


def _overdue(user: User) -> int:
    return overdue_obligations().filter(withdrawal__in=withdrawals_visible_to(user)).count()


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
        ),
    )
    add_card(
        "cmo", Card("mandates", _("Requests for management waiting"), "mandates:list", count=_cmo_waiting)
    )
    add_card("cmo", Card("paper_mandates", _("Mandates signed on paper"), "mandates:paper_list"))
    add_card("cmo", Card("signatories", _("Who signs for the organisation"), "mandates:signatories"))
    add_card(
        "regulator",
        Card(
            "mandate_refusals",
            _("Refusals of management"),
            "mandates:list",
            query="status=refused",
            count=_refused,
        ),
    )


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
