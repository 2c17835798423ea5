"""The platform runs on a closed network: every stylesheet, script, font and image is served from our
own static files. No template, stylesheet or setting may point a browser at an http(s) asset."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.test import Client

ROOT = Path(__file__).resolve().parents[3]
ASSET = re.compile(
    r"""<(?:link|script|img|source|iframe|embed)\b[^>]*\b(?:href|src|srcset)\s*=\s*["']?\s*(?:https?:)?//"""
    r"""|@import\s+(?:url\()?["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//""",
    re.IGNORECASE,
)


def _own_files() -> list[Path]:
    files = list((ROOT / "templates").rglob("*.html"))
    files += [
        p
        for p in (ROOT / "static").rglob("*")
        if p.suffix in {".css", ".js", ".html"} and "vendor" not in p.parts
    ]
    for app in ("udp", "registers", "accreditation", "licensing", "distribution", "reporting", "demo"):
        files += list((ROOT / app).rglob("templates/**/*.html"))
    return files


def test_no_template_or_stylesheet_loads_an_asset_from_another_host() -> None:
    files = _own_files()
    assert any(p.name == "base.html" for p in files)  # the scan sees our templates
    offenders = [f"{p.relative_to(ROOT)}: {m.group(0)}" for p in files for m in ASSET.finditer(p.read_text())]
    assert offenders == []


def test_the_scan_would_catch_a_cdn_link() -> None:
    assert ASSET.search('<link rel="stylesheet" href="https://cdn.example.org/bootstrap.min.css">')
    assert ASSET.search('<script src="//cdn.example.org/x.js"></script>')
    assert ASSET.search("body { background: url('https://example.org/a.png') }")
    assert not ASSET.search('<a href="https://kazak.kz">KazAK</a>')  # a link a person follows is not an asset


def test_bootstrap_is_vendored_and_django_bootstrap5_points_at_it() -> None:
    vendor = ROOT / "static" / "vendor" / "bootstrap"
    for name in ("bootstrap.min.css", "bootstrap.bundle.min.js", "LICENSE"):
        assert (vendor / name).is_file(), name
    for key in ("css_url", "javascript_url"):
        url = str(settings.BOOTSTRAP5[key]["url"])  # type: ignore[index]
        assert url.startswith(settings.STATIC_URL) and "//" not in url, url
    assert settings.BOOTSTRAP5.get("theme_url") is None


def test_settings_name_no_asset_on_another_host() -> None:
    for name in dir(settings):
        if name.isupper() and ("URL" in name or name == "BOOTSTRAP5"):
            assert "cdn" not in repr(getattr(settings, name)).lower(), name


def test_a_rendered_page_loads_only_its_own_assets(db: None) -> None:
    html = Client().get("/").content.decode()
    assert "/static/vendor/bootstrap/bootstrap.min.css" in html
    assert not ASSET.search(html)
