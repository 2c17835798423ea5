"""Fixtures the registers' tests share (the personas are the project's: ``tests/personas.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation


@pytest.fixture
def media_in_tmp(settings: Any, tmp_path: Path) -> Iterator[Path]:
    """Uploaded files and acknowledgements in the test's own folder; messages in English, as asserted."""
    settings.MEDIA_ROOT = tmp_path
    with translation.override("en"):
        yield tmp_path
