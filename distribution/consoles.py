"""Matching's cards: the CMO's usage to identify and claims to decide; the holder's unidentified usage."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from distribution.access import claims_visible_to, review_queue_for
from distribution.models import ClaimStatus, DemandStatus, ForeignRunStatus, RunStatus
from distribution.run_access import (
    foreign_runs_visible_to,
    remuneration_claims_visible_to,
    runs_visible_to,
    statements_visible_to,
)
from udp.accounts.consoles import Card, add_card
from udp.accounts.models import User


def _cmos_keeping_money_to_claim(user: User) -> int:
    """The CMOs keeping money for the holder that they may claim and have not claimed yet (one query each)."""
    from distribution.models import RemunerationClaim
    from distribution.remuneration import kept_by_cmo

    party = user.party
    if party is None:
        return 0
    keeping = {cmo_id for cmo_id, total in kept_by_cmo(party).items() if total > 0}
    claimed = RemunerationClaim.objects.filter(party=party, status=DemandStatus.PENDING).values_list(
        "cmo_id", flat=True
    )
    return len(keeping - set(claimed))


def add_cards() -> None:
    add_card(
        "cmo",
        Card(
            "match-review", _("Usage to identify"), "distribution_cmo:review",
            count=lambda user: review_queue_for(user).count(),
            description=_("Usage the matching could not tie to one work"),
            section="distribution", waiting=True,
        ),
    )  # fmt: skip
    add_card(
        "cmo",
        Card(
            "usage-claims", _("Claims of usage"), "distribution_cmo:claims",
            count=lambda user: claims_visible_to(user).filter(status=ClaimStatus.PENDING).count(),
            description=_("Holders who say unidentified usage is their work"),
            section="distribution", waiting=True,
        ),
    )  # fmt: skip
    add_card(
        "portal",
        Card(
            "unidentified-usage", _("Unidentified usage"), "distribution_portal:unmatched",
            description=_("Claim usage of your work that no work was found for"),
            visible=lambda user: user.party_id is not None,
        ),
    )  # fmt: skip
    add_card(
        "cmo",
        Card(
            "distribution-runs", _("Distribution runs"), "distribution_cmo:runs",
            count=lambda user: runs_visible_to(user).filter(status=RunStatus.CALCULATED).count(),
            description=_("Runs awaiting a second person's approval; start a quarter's run"),
            section="distribution", waiting=True,
        ),
    )  # fmt: skip
    add_card(
        "cmo",
        Card(
            "foreign-runs", _("Annual runs for foreign societies"), "distribution_cmo:foreign_runs",
            count=lambda user: foreign_runs_visible_to(user).filter(status=ForeignRunStatus.CALCULATED).count(),
            description=_("Each year's money for foreign societies, at the agreements' rates, and their exports"),
            section="distribution", waiting=True,
        ),
    )  # fmt: skip
    add_card(
        "portal",
        Card(
            "distribution-statements", _("Distribution statements"), "distribution_portal:statements",
            count=lambda user: statements_visible_to(user).count(),
            description=_("What you received from each distribution, with the deductions"),
            visible=lambda user: user.party_id is not None,
        ),
    )  # fmt: skip
    add_card(
        "portal",
        Card(
            "kept-money", _("Money kept for you"), "distribution_portal:kept",
            count=_cmos_keeping_money_to_claim,
            description=_("Claim what CMOs kept for you from their distributions; the CMOs to claim from are counted"),
            visible=lambda user: user.party_id is not None, waiting=True,
        ),
    )  # fmt: skip
    add_card(
        "cmo",
        Card(
            "remuneration-claims", _("Claims of remuneration"), "distribution_cmo:remuneration_claims",
            count=lambda user: remuneration_claims_visible_to(user).filter(status=DemandStatus.PENDING).count(),
            description=_("Holders who demand the money your distributions kept for them"),
            section="distribution", waiting=True,
        ),
    )  # fmt: skip
    add_card(
        "operator",
        Card(
            "distribution-runs", _("Distribution runs of every CMO"), "distribution_operator:runs",
            count=lambda user: runs_visible_to(user).filter(status=RunStatus.CALCULATED).count(),
            description=_("Each CMO's runs, pools and deductions; those awaiting approval counted"),
            section="registers",
        ),
    )  # fmt: skip
