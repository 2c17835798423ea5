"""Distribution's PDFs: each holder's statement of an approved run (:mod:`distribution.statements`), and the
answer to a claim of remuneration (:mod:`distribution.remuneration`)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from udp.core.params import short_day
from udp.documents import kinds


def statement_standing(document: Any) -> kinds.Standing | None:
    """A statement stands until its run is corrected (reversed and cancelled): then it is withdrawn, since the
    day of the reversing entry."""
    from distribution.models import RunStatus
    from licensing.models import SourceKind, Transaction

    run = document.subject.run
    if run.status != RunStatus.CANCELLED:
        return None
    reversal = Transaction.objects.filter(source_kind=SourceKind.RUN_REVERSAL, source_id=run.pk).first()
    return kinds.Standing(
        gettext("The statement is withdrawn: its distribution run was corrected, and a new run replaces it."),
        reversal.posted_on if reversal else None,
    )


def statement_label(document: Any) -> str:
    """The run's CMO and period, the days as the reader's language writes them."""
    run = document.subject.run
    return f"{run.cmo.short_name} · {short_day(run.period_start)} – {short_day(run.period_end)}"


def claim_label(document: Any) -> str:
    """The CMO claimed from and the day the claim was filed, as the reader's language writes it."""
    claim = document.subject
    return f"{claim.cmo.short_name} · {short_day(timezone.localdate(claim.filed_at))}"


STATEMENT = kinds.register(
    kinds.DocumentKind(
        code="distribution_statement",
        series="DST",
        title=_("Distribution statement"),
        template="documents/distribution/statement.html",
        version="3",
        standing=statement_standing,
        label=statement_label,
    )
)

CLAIM = kinds.register(
    kinds.DocumentKind(
        code="distribution_claim",
        series="DRC",
        title=_("Answer to a claim of remuneration"),
        template="documents/distribution/claim.html",
        version="1",
        label=claim_label,
    )
)
