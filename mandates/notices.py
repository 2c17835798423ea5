"""The notices a withdrawal sends (registered with :mod:`udp.notices.kinds` when the app is ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from udp.notices.kinds import Kind, register

WITHDRAWAL_SUBJECT = _("A withdrawal from a CMO")


def register_kinds() -> None:
    register(
        Kind(
            "withdrawal_received",
            _(
                "%(holder)s gave notice of withdrawal no. %(id)s from your organisation (area of collective "
                "management %(area)s%(works)s), received on %(received)s. It takes effect on %(effective)s."
            ),
            subject=WITHDRAWAL_SUBJECT,
        )
    )
    register(
        Kind(
            "withdrawal_filed",
            _(
                "Your notice of withdrawal no. %(id)s from %(cmo)s (area of collective management "
                "%(area)s%(works)s) is received. It takes effect on %(effective)s."
            ),
            subject=WITHDRAWAL_SUBJECT,
        )
    )
    register(
        Kind(
            "withdrawal_cancelled",
            _("%(holder)s cancelled the notice of withdrawal no. %(id)s from your organisation."),
            subject=WITHDRAWAL_SUBJECT,
        )
    )
    register(
        Kind(
            "withdrawal_effective",
            _(
                "Withdrawal no. %(id)s from %(cmo)s (area of collective management %(area)s%(works)s) took "
                "effect on %(effective)s: %(cmo)s no longer licenses it. What %(cmo)s now owes is listed "
                "on the withdrawal's page."
            ),
            subject=WITHDRAWAL_SUBJECT,
        )
    )
    register(
        Kind(
            "withdrawal_obligation_done",
            _("%(cmo)s reports an obligation after withdrawal no. %(id)s done."),
        )
    )
    register(
        Kind(
            "withdrawal_obligation_overdue",
            _("Overdue since %(due)s: %(cmo)s has not yet done an obligation after withdrawal no. %(id)s."),
            subject=_("An obligation after a withdrawal is overdue"),
        )
    )
