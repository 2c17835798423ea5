"""The cards requests for management and paper mandates put on the consoles (:mod:`udp.accounts.consoles`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mandates.access import paper_mandates_answerable_by, requests_visible_to
from mandates.models import HolderAnswer, RequestStatus
from udp.accounts.consoles import Card, add_card
from udp.accounts.models import User


def add_request_cards() -> None:
    """Called once, from :meth:`mandates.apps.MandatesConfig.ready`."""
    add_card(
        "portal",
        Card("mandates", _("Mandates: requests and agreements"), "mandates:list", count=_holder_waiting),
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
