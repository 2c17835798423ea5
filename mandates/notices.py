"""The notices requests for management, paper mandates and withdrawals send (registered with
:mod:`udp.notices.kinds` when the app is ready). Parameters are data: names, numbers, area items, text a
person typed."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from udp.notices.kinds import Kind, register

WITHDRAWAL_SUBJECT = _("A withdrawal from a CMO")


def register_kinds() -> None:
    _register_request_kinds()
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


REQUEST_SUBJECT = _("A request for collective management")
PAPER_SUBJECT = _("A mandate signed on paper")


def _register_request_kinds() -> None:
    register(
        Kind(
            "signatory_entered",
            _("%(by)s entered %(person)s (%(position)s) as a person who may sign for %(entity)s."),
            subject=_("Who signs for your organisation"),
        )
    )
    register(
        Kind(
            "signatory_ended",
            _(
                "%(by)s ended the authority of %(person)s (%(position)s) to sign for %(entity)s; the last day is %(until)s."
            ),
            subject=_("Who signs for your organisation"),
        )
    )
    register(
        Kind(
            "mandate_requested",
            _("%(holder)s asks your organisation to manage area(s) %(areas)s (request no. %(id)s)."),
            subject=REQUEST_SUBJECT,
        )
    )
    register(
        Kind(
            "mandate_request_sent",
            _("Your request no. %(id)s to %(cmo)s for area(s) %(areas)s is sent; %(cmo)s must answer it."),
        )
    )
    register(
        Kind(
            "mandate_request_cancelled",
            _("%(holder)s cancelled request no. %(id)s for area(s) %(areas)s."),
            subject=REQUEST_SUBJECT,
        )
    )
    register(
        Kind(
            "mandate_refused",
            _("%(cmo)s refused your request no. %(id)s for area(s) %(areas)s: %(note)s"),
            subject=REQUEST_SUBJECT,
        )
    )
    register(
        Kind(
            "mandate_refused_regulator",
            _("%(cmo)s refused request no. %(id)s of %(holder)s for area(s) %(areas)s."),
        )
    )
    register(
        Kind(
            "mandate_accepted",
            _("%(cmo)s accepted your request no. %(id)s: read and sign mandate agreement %(number)s."),
            subject=REQUEST_SUBJECT,
        )
    )
    register(
        Kind(
            "mandate_signed_by_other",
            _(
                "The other party signed the agreement of request no. %(id)s (%(holder)s, %(cmo)s): your signature is awaited."
            ),
            subject=REQUEST_SUBJECT,
        )
    )
    register(
        Kind(
            "mandate_in_force",
            _(
                "Mandate agreement %(number)s (%(holder)s, %(cmo)s, area(s) %(areas)s) is signed by both parties and in force."
            ),
            subject=REQUEST_SUBJECT,
        )
    )
    register(
        Kind(
            "mandate_overlap",
            _(
                "%(other)s cannot manage area(s) %(areas)s for %(holder)s: %(cmo)s already does. The overlap is "
                "recorded as a conflict."
            ),
            subject=_("Overlapping mandates"),
        )
    )
    register(
        Kind(
            "paper_mandate_entered",
            _(
                "%(cmo)s entered mandate %(number)s, signed on paper, for area(s) %(areas)s. Confirm it or "
                "dispute it."
            ),
            subject=PAPER_SUBJECT,
        )
    )
    register(
        Kind(
            "paper_mandate_confirmed",
            _("%(holder)s confirmed mandate %(number)s, signed on paper."),
        )
    )
    register(
        Kind(
            "paper_mandate_disputed",
            _("%(holder)s disputes mandate %(number)s, signed on paper: %(note)s"),
            subject=PAPER_SUBJECT,
        )
    )
