"""What licensing puts on the consoles and the CMO's public page, registered when the app is ready."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from udp.accounts.models import User


def ready() -> None:
    from licensing import finance_setup, monitoring_cards, monitoring_notices, notices
    from licensing.usage import setup as usage_setup

    notices.register_kinds()
    notices.register_reasons()
    _add_cards()
    usage_setup.ready()
    finance_setup.ready()
    monitoring_notices.register_kinds()
    monitoring_cards.add_cards()
    _invoice_when_in_force()
    _register_bench()
    _add_cmo_section()


def _register_bench() -> None:
    from licensing.usage.bench import BENCH
    from udp.core.benches import register

    register(BENCH)


def _invoice_when_in_force() -> None:
    """An agreement that comes into force gets the invoice of its first period at once."""
    from licensing import actions, invoicing

    def first_invoice(licence: Any) -> None:
        invoicing.issue_first_invoice(licence)

    if not any(getattr(hook, "__name__", "") == "first_invoice" for hook in actions.ON_IN_FORCE):
        actions.ON_IN_FORCE.append(first_invoice)


def _add_cards() -> None:
    from udp.accounts.consoles import Card, add_card

    add_card("space", Card("get-licence", _("Get a licence"), "licences:declare",
                           description=_("Whom you need to pay, at what price, and sign online.")))  # fmt: skip
    add_card(
        "space", Card("my-licences", _("My licences and agreements"), "licences:index", count=_own_licences)
    )
    add_card("space", Card("licences-to-sign", _("Agreements to sign"), "licences:index",
                           query="status=awaiting_user", count=_to_sign, waiting=True))  # fmt: skip
    add_card("space", Card("usage-reports", _("Usage reports"), "usage:space_list", count=_overdue_reports,
                           description=_("Report what you used; the reports overdue are counted"),
                           waiting=True))  # fmt: skip
    add_card("cmo", Card("usage-reports", _("Usage reports"), "usage_cmo:list", count=_overdue_reports,
                         description=_("The users' reports; those overdue are counted"),
                         section="licensing"))  # fmt: skip
    add_card(
        "cmo", Card("tariffs", _("Our tariffs"), "tariffs:mine", count=_own_tariffs, section="licensing")
    )
    add_card("cmo", Card("licences-to-sign", _("Agreements to countersign"), "licences:index",
                         query="status=awaiting_cmo", count=_to_countersign, section="licensing",
                         waiting=True))  # fmt: skip
    add_card("regulator", Card("minimum-rates", _("Minimum rates"), "licensing_public:minimum_rates",
                               section="licensing"))  # fmt: skip
    add_card("regulator", Card("licences-refused", _("Licences refused by CMOs"), "licences:index",
                               query="status=refused", count=_refused, section="licensing"))  # fmt: skip
    add_card(
        "operator",
        Card(
            "index-values",
            _("Monthly calculation index (MCI)"),
            "licensing_rates:index_values",
            section="reference",
        ),  # fmt: skip
    )


def _own_licences(user: User) -> int:
    from licensing.access import licences_visible_to

    return licences_visible_to(user).count()


def _own_tariffs(user: User) -> int:
    from licensing.models import Tariff, TariffStatus

    return Tariff.objects.filter(cmo=user.cmo, status=TariffStatus.PUBLISHED).count()


def _to_countersign(user: User) -> int:
    from licensing.access import licences_visible_to

    return licences_visible_to(user).filter(status="awaiting_cmo").count()


def _to_sign(user: User) -> int:
    from licensing.access import licences_visible_to

    return licences_visible_to(user).filter(status="awaiting_user").count()


def _overdue_reports(user: User) -> int:
    from licensing.usage.overdue import overdue_reports
    from licensing.usage_access import reports_due_visible_to

    return overdue_reports(among=reports_due_visible_to(user)).count()


def _refused(user: User) -> int:
    from licensing.models import Licence

    return Licence.objects.filter(status="refused").count()


def _add_cmo_section() -> None:
    from registers.public_sections import add_cmo_section

    def tariffs(cmo: Any) -> tuple[str, dict[str, Any]] | None:
        from licensing.pricing import published_tariffs
        from udp.core import clock

        rows = list(
            published_tariffs(clock.today()).filter(cmo=cmo).order_by("area__item", "category__ordering")
        )
        return ("licensing/tariffs/_cmo_section.html", {"tariffs": rows, "cmo": cmo})

    add_cmo_section(tariffs)
