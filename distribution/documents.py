"""Distribution's PDFs: each holder's statement of an approved run (:mod:`distribution.statements`)."""

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
