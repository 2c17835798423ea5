"""The match benchmark on a small world: its figures are there, and the world's truth is met."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from distribution.models import UsageKey

pytestmark = pytest.mark.django_db


def test_bench_match_prints_its_figures_and_matches_the_known_truth():
    out = io.StringIO()
    call_command("bench", "match", "--json", "--works", "3000", "--holders", "400", "--lines", "6000",
                 "--chunk", "1000", "--fuzzy", stdout=out)  # fmt: skip
    figures = json.loads(out.getvalue().strip().splitlines()[-1])
    for name in ("lines", "seconds", "lines_per_s", "peak_rss_mb", "match_rate", "precision",
                 "floor_seconds", "ratio_to_floor"):  # fmt: skip
        assert name in figures
    assert figures["lines"] == 6000
    assert figures["chunks"] > 1
    assert figures["precision"] >= 0.999
    # ISRC (60 %) and title-and-artist lines (25 %) of recordings all match: 85 of the 90 % that are known
    assert figures["match_rate"] >= 0.94
    assert figures["by_identifier"] > 0 and figures["by_key"] > 0 and figures["by_fuzzy"] > 0
    assert not UsageKey.objects.exists()  # the world is removed
