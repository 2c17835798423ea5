"""The CMO's public page shows what it published (Art. 46.1 (12), 46.1-1): ``{% cmo_publications cmo %}``."""

from __future__ import annotations

from typing import Any

from django import template

from accreditation import publishing

register = template.Library()


@register.inclusion_tag("accreditation/publications/_public.html")
def cmo_publications(cmo: Any) -> dict[str, Any]:
    return {"publications": list(publishing.public_of(cmo.pk))}
