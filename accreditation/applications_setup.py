"""What the applications part of the accreditation domain registers when the app is ready: its notice
kinds and console cards. (The certificate's document kind is declared in ``accreditation/documents.py``.)"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from udp.accounts.models import User

SUBJECT = _("Your application for accreditation no. %(id)s")


def ready() -> None:
    _register_kinds()
    _add_cards()
    _cmo_page()


def _cmo_page() -> None:
    """The CMO's public page shows its certificate lines with their status today."""
    from registers.public_sections import add_cmo_section

    add_cmo_section(_cmo_lines)


def _cmo_lines(cmo: Any) -> tuple[str, dict[str, Any]]:
    from accreditation import selectors
    from accreditation.models import Accreditation
    from udp.core import clock

    today = clock.today()
    lines = list(
        Accreditation.objects.filter(cmo=cmo)
        .select_related("area", "certificate")
        .order_by("area__item", "-valid_from")
    )
    for line in lines:
        line.status = selectors.status_on(line, today)  # type: ignore[attr-defined]
    return "accreditation/public/_cmo_lines.html", {"lines": lines}


def _register_kinds() -> None:
    from udp.notices.kinds import Kind, register

    for kind in (
        Kind(
            "accreditation_submitted",
            _(
                "%(cmo)s submitted application for accreditation no. %(id)s (areas %(areas)s): check that it is complete."
            ),
            subject=_("An application for accreditation to check"),
        ),
        Kind(
            "accreditation_complete",
            _(
                "Application for accreditation no. %(id)s of %(cmo)s (areas %(areas)s) is complete: announce the commission's meeting."
            ),
            subject=_("An application for accreditation is complete"),
        ),
        Kind(
            "accreditation_complete_cmo",
            _(
                "Your application for accreditation no. %(id)s is complete; the authorized body announces the commission's meeting."
            ),
            subject=SUBJECT,
        ),
        Kind(
            "accreditation_incomplete",
            _("Your application for accreditation no. %(id)s is returned as incomplete: %(note)s"),
            subject=SUBJECT,
        ),
        Kind(
            "accreditation_meeting",
            _("The accreditation commission considers your application no. %(id)s on %(date)s."),
            subject=SUBJECT,
        ),
        Kind(
            "accreditation_decided",
            _(
                "The authorized body decided your application no. %(id)s: granted in areas %(granted)s "
                "(certificate %(certificate)s), refused in areas %(refused)s."
            ),
            subject=SUBJECT,
        ),
        Kind(
            "accreditation_appealed",
            _("%(cmo)s appealed the refusal in area %(area)s (application no. %(id)s)."),
            subject=_("An appeal of a refusal of accreditation"),
        ),
        Kind(
            "accreditation_appeal_decided",
            _(
                "Your appeal on area %(area)s (application no. %(id)s) is decided: %(outcome)s. Certificate: %(certificate)s."
            ),
            subject=SUBJECT,
        ),
    ):
        register(kind)


def _add_cards() -> None:
    from udp.accounts.consoles import Card, add_card

    add_card("cmo", Card("applications_accreditation", _("Accreditation: applications"), "accreditation:applications",
                         count=_cmo_open, section="organisation", waiting=True))  # fmt: skip
    add_card("regulator", Card("applications_accreditation", _("Applications for accreditation to decide"),
                               "accreditation:applications", count=_regulator_open, section="accreditation",
                               waiting=True))  # fmt: skip
    add_card("operator", Card("applications_accreditation", _("Applications for accreditation to check"),
                              "accreditation:applications", query="status=submitted", count=_operator_open,
                              section="queues", waiting=True))  # fmt: skip


def _cmo_open(user: User) -> int:
    from accreditation.models import Application, ApplicationStatus

    return Application.objects.filter(
        cmo=user.cmo, status__in=[ApplicationStatus.DRAFT, ApplicationStatus.INCOMPLETE]
    ).count()


def _regulator_open(user: User) -> int:
    from accreditation.models import Application, ApplicationStatus

    return Application.objects.filter(
        status__in=[ApplicationStatus.COMPLETE, ApplicationStatus.SCHEDULED, ApplicationStatus.CONCLUDED]
    ).count()


def _operator_open(user: User) -> int:
    from accreditation.models import Application, ApplicationStatus

    return Application.objects.filter(status=ApplicationStatus.SUBMITTED).count()
