from __future__ import annotations

from typing import Any

from django.core import checks

from udp.documents.rendering import missing_fonts


@checks.register()
def fonts_for_documents(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    missing = missing_fonts()
    if not missing:
        return []
    return [
        checks.Warning(
            f"PDF documents need DejaVu Sans; missing: {', '.join(str(p) for p in missing)}",
            hint="Install fonts-dejavu-core or set UDP_PDF_FONT_DIR to a folder holding DejaVuSans*.ttf.",
            id="documents.W001",
        )
    ]
