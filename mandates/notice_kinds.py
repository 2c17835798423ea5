"""The notices requests for management and paper mandates send (registered with :mod:`udp.notices.kinds`
when the app is ready). Parameters are data: names, numbers, area items, text a person typed."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from udp.notices.kinds import Kind, register

REQUEST_SUBJECT = _("A request for collective management")
PAPER_SUBJECT = _("A mandate signed on paper")


def register_request_kinds() -> None:
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
