"""What the publications part of the accreditation domain registers when the app is ready: its notice kinds,
console cards and the evidence provider for revocation ground 5 (Art. 46 duties missed) from its flags."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy

from registers.models import CMO


def ready() -> None:
    _register_kinds()
    _add_cards()
    _register_evidence()
    _cmo_page()


def _cmo_page() -> None:
    """The CMO's public page lists what it published (Art. 46.1 (12), 46.1-1)."""
    from registers.public_sections import add_cmo_section

    add_cmo_section(_cmo_publications)


def _cmo_publications(cmo: Any) -> tuple[str, dict[str, Any]]:
    from accreditation import publishing

    return "accreditation/publications/_public.html", {"publications": list(publishing.public_of(cmo.pk))}


def _register_kinds() -> None:
    from udp.notices.kinds import Kind, register

    subject = gettext_lazy("Notice of a general meeting of %(cmo)s")
    register(
        Kind(
            "publications_meeting_notice",
            gettext_lazy(
                "%(cmo)s notifies the authorized body of its general meeting on %(meeting)s (%(place)s)."
            ),
            subject=subject,
        )
    )
    register(
        Kind(
            "publications_meeting_notice_late",
            gettext_lazy(
                "%(cmo)s notifies the authorized body of its general meeting on %(meeting)s (%(place)s) late: "
                "the notice was due by %(due)s, 10 working days before the meeting."
            ),
            subject=subject,
        )
    )


def _add_cards() -> None:
    from udp.accounts.consoles import Card, add_card

    add_card(
        "cmo",
        Card(
            "publications",
            gettext_lazy("Publications and their deadlines"),
            "publications:index",
            count=_flags,
            section="organisation",
            waiting=True,
        ),
    )
    add_card(
        "regulator",
        Card(
            "publications",
            gettext_lazy("CMOs' publications: missed deadlines"),
            "publications:index",
            count=_flags,
            section="accreditation",
            waiting=True,
        ),
    )
    add_card(
        "operator",
        Card(
            "publications-calendar",
            gettext_lazy("Working days calendar"),
            "publications:calendar",
            section="reference",
        ),
    )


def _flags(user: Any) -> int:
    from accreditation.publishing import flags_for

    return len(flags_for(user))


def _register_evidence() -> None:
    from accreditation import evidence
    from accreditation.models import RevocationGround

    evidence.register(RevocationGround.ART46_DUTIES.value, _ground5)
    for code in (
        "charter_amendment_late", "gm_resolution_late", "audit_report_late", "meeting_notice_late",
        "gm_resolution_missing", "audit_overdue",
    ):  # fmt: skip
        evidence.describe_with(f"publication_{code}", _describer(code))


def _describer(code: str) -> Any:
    def describe(params: dict[str, Any]) -> str:
        from accreditation.publishing import describe as text

        due = params.get("due", "")
        done = params.get("done") or "—"
        return f"{text(code, params)} ({due} / {done})"

    return describe


def _ground5(cmo: CMO, area_id: int | None, day: dt.date) -> list[Any]:
    """Art. 46 duties missed, from the publication deadlines (the reciprocal copies come from the sanctions'
    provider, so they are not listed twice)."""
    from accreditation.evidence import Item
    from accreditation.publishing import flags

    items = []
    for flag in flags([cmo.pk], day):
        if flag.code == "reciprocal_copy_late":
            continue
        params = {
            **flag.params,
            "due": flag.due_on.isoformat(),
            "done": flag.done_on.isoformat() if flag.done_on else None,
        }
        # the regulator reads the flag where it is listed (a flag's own link is the CMO's action)
        items.append(
            Item(
                f"publication_{flag.code}", params, reverse("publications:index"), flag.done_on or flag.due_on
            )
        )
    return items
