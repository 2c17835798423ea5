"""The cards requests for information and monitoring put on the consoles (see :mod:`udp.accounts.consoles`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from udp.accounts.consoles import Card, add_card


def _open_requests(user: Any) -> int:
    from licensing.info_access import info_requests_visible_to

    return info_requests_visible_to(user).filter(status="open").count()


def _open_reconciliations(user: Any) -> int:
    from licensing.monitoring_access import reconciliations_visible_to

    return reconciliations_visible_to(user).filter(status="open").count()


def _flags(user: Any) -> int:
    from licensing.monitoring_access import flags_visible_to

    return flags_visible_to(user).count()


def add_cards() -> None:
    add_card(
        "space",
        Card(
            "info-requests",
            _("Requests for information"),
            "info_space:list",
            count=_open_requests,
            waiting=True,
        ),  # fmt: skip
    )
    add_card(
        "space",
        Card(
            "monitoring",
            _("Monitoring and your reports"),
            "monitoring_space:index",
            count=_open_reconciliations,
            waiting=True,
        ),
    )
    add_card(
        "cmo",
        Card(
            "monitoring-flags",
            _("Under-reporting found by monitoring"),
            "monitoring_cmo:index",
            count=_flags,
            section="licensing",
        ),
    )
    add_card(
        "regulator",
        Card(
            "info-requests",
            _("Requests for information"),
            "info_regulator:list",
            count=_open_requests,
            section="licensing",
            waiting=True,
        ),  # fmt: skip
    )
    add_card(
        "regulator",
        Card(
            "monitoring-flags",
            _("Under-reporting found by monitoring"),
            "monitoring_regulator:index",
            count=_flags,
            section="licensing",
        ),
    )
    add_card(
        "operator",
        Card(
            "monitoring-providers",
            _("Monitoring providers"),
            "monitoring_operator:providers",
            section="reference",
        ),  # fmt: skip
    )
