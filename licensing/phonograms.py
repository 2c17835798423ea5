"""Commercial phonograms (Art. 39.2): one CMO collects the remuneration for both phonogram producers and
performers, and it is split between them equally unless their agreement says otherwise.

:func:`record_collector` enters who collects from a day, under which agreement, with the split (the
collecting CMO's admin, or the operator). Periods never overlap: entering a new collector closes the one
before. :func:`split_on` is what the distribution reads; with nothing entered it is 50/50.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from licensing.models import CollectionAgreementBasis, PhonogramCollector
from registers.models import CMO, Contract
from udp.accounts import roles
from udp.accounts.models import User
from udp.audit import audited
from udp.core import clock
from udp.money import split

EQUAL = Decimal(50)


@dataclass(frozen=True)
class PhonogramSplit:
    collector: PhonogramCollector | None
    producers_percent: Decimal
    performers_percent: Decimal

    def of(self, amount: Decimal) -> tuple[Decimal, Decimal]:
        """``amount`` split into (producers, performers), to the tiyn, the parts summing to the whole."""
        producers, performers = split(amount, [self.producers_percent, self.performers_percent])
        return producers, performers


def collector_on(day: dt.date | None = None) -> PhonogramCollector | None:
    day = day or clock.today()
    return (
        PhonogramCollector.objects.filter(valid_from__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .select_related("cmo", "agreement")
        .order_by("-valid_from")
        .first()
    )


def split_on(day: dt.date | None = None) -> PhonogramSplit:
    """The split of area 5's remuneration on ``day``: the agreed one, or half and half (A39.split)."""
    row = collector_on(day)
    if row is None:
        return PhonogramSplit(None, EQUAL, EQUAL)
    return PhonogramSplit(row, row.producers_percent, row.performers_percent)


def record_collector(
    *,
    by: User,
    cmo: CMO,
    valid_from: dt.date,
    basis: str = CollectionAgreementBasis.AGREEMENT,
    agreement: Contract | None = None,
    agreement_reference: str = "",
    producers_percent: Decimal = EQUAL,
) -> PhonogramCollector:
    """``cmo`` collects for producers and performers from ``valid_from``; the one before ends the day before."""
    if not (roles.is_operator(by) or (roles.is_cmo_admin(by) and by.cmo_id == cmo.pk)):
        raise PermissionError(_("the collecting CMO's admin or the operator records the collector"))
    if not cmo.area_links.filter(area__item=5).exists():
        raise ValidationError(
            {"cmo": _("%(cmo)s does not work in area 5 by its charter.") % {"cmo": cmo.short_name}}
        )
    if not Decimal(0) <= producers_percent <= Decimal(100):
        raise ValidationError({"producers_percent": _("A share is from 0 to 100 %.")})
    if basis == CollectionAgreementBasis.AGREEMENT and agreement is None and not agreement_reference.strip():
        raise ValidationError({"agreement_reference": _("Name the agreement under which the CMO collects.")})
    with audited(by):
        current = PhonogramCollector.objects.select_for_update().filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=valid_from)
        )
        for row in current:
            if row.valid_from >= valid_from:
                raise ValidationError(
                    {"valid_from": _("A collector is already recorded from that day or later.")}
                )
            row.valid_until = valid_from - dt.timedelta(days=1)
            row.save(update_fields=["valid_until"])
        return PhonogramCollector.objects.create(
            cmo=cmo, basis=basis, agreement=agreement, agreement_reference=agreement_reference.strip(),
            producers_percent=producers_percent, performers_percent=Decimal(100) - producers_percent,
            valid_from=valid_from, entered_by=by,
        )  # fmt: skip
