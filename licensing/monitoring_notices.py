"""The notices of requests for information (Art. 48-2.2) and of monitoring reconciliations, registered with
:mod:`udp.notices.kinds` when the app is ready. Parameters are data: ids, numbers, dates, typed text."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from udp.notices.kinds import Kind, register


def register_kinds() -> None:
    register(
        Kind(
            "info_request_asked",
            _(
                "The authorized body asks you for information (request no. %(id)s, “%(subject)s”) for "
                "%(period_from)s–%(period_to)s. Answer on the platform by %(due)s."
            ),
            subject=_("A request for information from the authorized body"),
        )
    )
    register(
        Kind(
            "info_request_answered",
            _("%(user)s answered your request for information no. %(id)s (“%(subject)s”)."),
            subject=_("An answer to your request for information"),
        )
    )
    register(
        Kind(
            "reconciliation_ready",
            _(
                "Monitoring counted %(detected)s plays under licence %(licence)s for %(period_from)s–%(period_to)s; "
                "your report has %(reported)s. Confirm or dispute the differences."
            ),
            subject=_("Check your usage report against monitoring"),
        )
    )
    register(
        Kind(
            "reconciliation_flagged",
            _(
                "Under-reporting under licence %(licence)s for %(period_from)s–%(period_to)s: %(detected)s plays "
                "detected, %(reported)s reported."
            ),
        )
    )
