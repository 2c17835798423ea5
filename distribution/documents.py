"""Distribution's PDFs: each holder's statement of an approved run (:mod:`distribution.statements`), and the
answer to a claim of remuneration (:mod:`distribution.remuneration`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from udp.documents import kinds

STATEMENT = kinds.register(
    kinds.DocumentKind(
        code="distribution_statement",
        series="DST",
        title=_("Distribution statement"),
        template="documents/distribution/statement.html",
        version="3",
    )
)

CLAIM = kinds.register(
    kinds.DocumentKind(
        code="distribution_claim",
        series="DRC",
        title=_("Answer to a claim of remuneration"),
        template="documents/distribution/claim.html",
        version="1",
    )
)
