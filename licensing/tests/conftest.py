from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from licensing.models import Licence, UsageReport
from licensing.tests.usage_fixtures import make_licence
from licensing.usage.ingest import start_report

JAN = (dt.date(2026, 1, 1), dt.date(2026, 1, 31))


@pytest.fixture
def media_in_tmp(settings: Any, tmp_path: Path) -> Iterator[Path]:
    """Uploaded files in the test's own folder; messages in English, as asserted."""
    settings.MEDIA_ROOT = tmp_path
    with translation.override("en"):
        yield tmp_path


@pytest.fixture
def licence(personas: Any, media_in_tmp: Path) -> Licence:
    return make_licence(personas)


@pytest.fixture
def send(personas: Any, eager: None, django_capture_on_commit_callbacks: Any) -> Callable[..., UsageReport]:
    """Send a report for a licence as the music user; the task runs when the upload commits."""

    def sending(
        licence: Licence, upload: Any, policy: str = "keep_good", period: Any = JAN, by: Any = None
    ) -> UsageReport:
        with django_capture_on_commit_callbacks(execute=True):
            report = start_report(
                by or personas.licensee,
                licence,
                upload,
                period_start=period[0],
                period_end=period[1],
                policy=policy,
            )
        report.refresh_from_db()
        return report

    return sending
