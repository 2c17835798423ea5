"""The mandate agreement (Art. 43.4, 44.1) as a PDF, in the holder's language with the texts the law asks for.

A contract with a Kazakh party is made in the state language and in Russian (the Law on languages):
the agreement always carries the Kazakh and Russian texts, the holder's own language first; a holder
who reads English gets the English text first, then the Kazakh and Russian ones.
"""

from __future__ import annotations

from typing import Any, cast

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from mandates.models import MandateRequest
from registers.models import Contract
from udp.core.params import short_day
from udp.documents import kinds
from udp.documents.actions import issue_document
from udp.documents.models import IssuedDocument


def agreement_standing(document: IssuedDocument) -> kinds.Standing | None:
    """A mandate agreement stands while a mandate under it is in force (or is still to be signed), with all its
    works; terminated before it came into force, or every area of it withdrawn, it no longer stands; some
    areas withdrawn, or some works taken out of an area (Art. 46.2, once the notice has taken effect),
    a part of it no longer stands. The works are counted, not named: which works a holder manages alone is
    not the page's to say."""
    from django.db.models import Count

    from mandates.models import Withdrawal, WithdrawalScope, WithdrawalStatus
    from registers.models.contracts import ContractStatus, MandateStatus

    request = cast(MandateRequest, document.subject)
    contract = request.contract
    if contract is None:
        return None
    if contract.status == ContractStatus.TERMINATED:
        return kinds.Standing(gettext("The agreement was terminated before it came into force."))
    mandates = list(contract.mandates.select_related("area").order_by("area__item"))
    ended = [m for m in mandates if m.status == MandateStatus.ENDED]
    days = [m.ends_on for m in ended if m.ends_on is not None]
    if mandates and len(ended) == len(mandates):
        return kinds.Standing(
            gettext(
                "Every mandate under the agreement has ended: the CMO no longer manages these rights under it."
            ),
            max(days) if days else None,
        )
    parts = []
    if ended:
        areas = "; ".join(
            gettext("area %(area)s from %(day)s") % {"area": m.area.item, "day": short_day(m.ends_on)}
            for m in ended
        )
        parts.append(
            gettext("The holder withdrew these areas from the agreement: %(areas)s.") % {"areas": areas}
        )
    # works taken out by a notice that has taken effect (a cancelled notice puts them back)
    taken_out = (
        Withdrawal.objects.filter(
            mandate__in=[m for m in mandates if m.status != MandateStatus.ENDED],
            scope=WithdrawalScope.WORKS,
            status=WithdrawalStatus.EFFECTIVE,
        )
        .values("area__item", "effective_on")
        .annotate(works=Count("works"))
        .order_by("area__item", "effective_on")
    )
    if taken_out:
        works = "; ".join(
            ngettext(
                "%(count)s work of area %(area)s from %(day)s",
                "%(count)s works of area %(area)s from %(day)s",
                row["works"],
            )
            % {"count": row["works"], "area": row["area__item"], "day": short_day(row["effective_on"])}
            for row in taken_out
        )
        parts.append(
            gettext("The holder took works out of the CMO's management under the agreement: %(works)s.")
            % {"works": works}
        )
    if not parts:
        return None
    return kinds.Standing(" ".join(parts), whole=False)


AGREEMENT = kinds.register(
    kinds.DocumentKind(
        code="mandate_agreement",
        series="MAG",
        title=_("Mandate agreement"),
        template="documents/mandates/agreement.html",
        version="1",
        standing=agreement_standing,
    )
)

#: The texts the law asks for, besides the holder's own language (first).
STATE_TEXTS = ("kk", "ru")


def agreement_languages(language: str) -> list[str]:
    """The holder's language first, then Kazakh and Russian where not already there."""
    return [language, *(lang for lang in STATE_TEXTS if lang != language)]


def _text(request: MandateRequest, contract: Contract, language: str) -> dict[str, Any]:
    holder, cmo = request.holder, request.cmo
    with translation.override(language):
        areas = "; ".join(str(area) for area in request.areas.order_by("item"))
        params = {
            "holder": holder.name,
            "cmo": f"{cmo.party.name} ({cmo.short_name})",
            "areas": areas,
            "starts": date_format(request.starts_on, "DATE_FORMAT"),
            "number": contract.number,
        }
        return {
            "language": language,
            "heading": gettext("Mandate agreement no. %(number)s") % params,
            "clauses": [
                gettext(
                    "%(holder)s (the rightsholder) entrusts %(cmo)s (the organisation) with the collective "
                    "management of their property rights in these areas of collective management: %(areas)s."
                )
                % params,
                gettext(
                    "The organisation manages these rights on a collective basis: it licenses the use of the "
                    "works, collects the remuneration, and distributes and pays it to the rightsholder under "
                    "its distribution rules (Art. 43 and 46 of the Law on copyright and related rights)."
                )
                % params,
                gettext(
                    "The mandate is in force from %(starts)s for an indefinite period. The rightsholder may "
                    "withdraw the rights or listed works by a notice to the organisation; the withdrawal takes "
                    "effect three months after the notice is received (Art. 46.2)."
                )
                % params,
                gettext(
                    "While this mandate is in force the rightsholder gives no other organisation a mandate for "
                    "the same area (Art. 43.4)."
                )
                % params,
                gettext(
                    "Both parties sign this agreement electronically on the Unified Digital Platform; it is "
                    "entered in the register of contracts under no. %(number)s."
                )
                % params,
            ],
        }


def agreement_data(request: MandateRequest, contract: Contract) -> dict[str, Any]:
    holder, cmo = request.holder, request.cmo
    languages = agreement_languages(request.language)
    with translation.override(request.language):
        holder_name = holder.name
    return {
        "contract": {"number": contract.number, "starts_on": request.starts_on},
        "holder": {"name": holder_name, "iin": holder.iin or "", "bin": holder.bin or ""},
        "cmo": {"name": cmo.party.name, "short_name": cmo.short_name, "bin": cmo.party.bin or ""},
        "areas": [str(area) for area in request.areas.order_by("item")],
        "texts": [_text(request, contract, language) for language in languages],
    }


def issue_agreement(request: MandateRequest, contract: Contract, *, by: Any) -> IssuedDocument:
    """The agreement of an accepted request, in the holder's language (inside the accepting action)."""
    data = agreement_data(request, contract)
    return issue_document(
        AGREEMENT, request, by=by, language=request.language, data=data, public_label=contract.number,
        confidential=True,
    )  # fmt: skip
