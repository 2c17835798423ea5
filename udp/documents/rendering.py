"""HTML templates to PDF (WeasyPrint), with fonts from the machine and nothing from the network.

Fonts: DejaVu Sans (the ``fonts-dejavu-core`` package, installed by the Dockerfile and ``.ci/run``)
covers Kazakh (ә ғ қ ң ө ұ ү һ і) as well as Russian and English. Its folder is
``UDP_PDF_FONT_DIR``; a system check warns when the files are missing.

Nothing is fetched while rendering: the URL fetcher serves ``data:`` URIs (the QR code) and the
font files, and refuses everything else, so a template can never make the server reach the network
or read other files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import segno
from django.conf import settings
from django.template.loader import render_to_string

#: (file, weight, style) of the face the documents use.
FONT_FILES = (
    ("DejaVuSans.ttf", "normal", "normal"),
    ("DejaVuSans-Bold.ttf", "bold", "normal"),
    ("DejaVuSans-Oblique.ttf", "normal", "italic"),
    ("DejaVuSans-BoldOblique.ttf", "bold", "italic"),
)
FONT_FAMILY = "UDP Document Sans"


def font_dir() -> Path:
    return Path(getattr(settings, "UDP_PDF_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))


def missing_fonts() -> list[Path]:
    return [font_dir() / name for name, _w, _s in FONT_FILES if not (font_dir() / name).is_file()]


def font_face_css() -> str:
    faces = []
    for name, weight, style in FONT_FILES:
        url = (font_dir() / name).resolve().as_uri()
        faces.append(
            f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{url}"); '
            f"font-weight: {weight}; font-style: {style}; }}"
        )
    return "\n".join(faces)


def local_only_fetcher() -> Any:
    """A WeasyPrint URL fetcher limited to ``data:`` URIs and the font files."""
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            if parts.scheme == "file":
                path = Path(unquote(parts.path)).resolve()
                if path.parent != font_dir().resolve() or path.suffix != ".ttf":
                    raise ValueError(f"documents read no file but their fonts: {url[:80]}")
            return super().fetch(url, headers)

    return LocalOnlyFetcher(allowed_protocols=("data", "file"), allow_redirects=False)


def qr_svg_data_uri(url: str) -> str:
    """A QR code of ``url`` as an SVG data URI, made here (no service, no network)."""
    return str(segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=2))


def qr_svg(url: str) -> str:
    """The same QR code as inline SVG markup, for an HTML page."""
    return str(segno.make(url, error="m", micro=False).svg_inline(scale=4, border=2))


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render ``template`` with ``context`` in the active language and return the PDF's bytes."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    html = render_to_string(
        template, {**context, "font_face_css": font_face_css(), "font_family": FONT_FAMILY}
    )
    fonts = FontConfiguration()
    document = HTML(string=html, url_fetcher=local_only_fetcher(), base_url=font_dir().as_uri() + "/")
    pdf: bytes = document.write_pdf(font_config=fonts)
    return pdf
