"""Matching as Celery tasks: one task per chunk, each idempotent."""

from __future__ import annotations

from unittest import mock

import pytest

from distribution import matching, tasks
from distribution.models import UsageKey
from distribution.tests.helpers import JANUARY, lines, recording, report
from licensing.tests.usage_fixtures import make_licence

pytestmark = pytest.mark.django_db


def test_a_period_is_sent_as_one_task_per_chunk_and_a_chunk_sent_twice_matches_once(personas):
    licence = make_licence(personas)
    rec = recording(personas, "Dala", isrc="KZA012600001")
    lines(report(licence), [{"isrc": "KZA012600001"}, {"title": "Unknown"}, {"title": "Other"}])
    matching.refresh_work_keys()
    with mock.patch.object(tasks.match_chunk, "delay") as delay:  # the broker, not our code
        sent = tasks.match_period(JANUARY.isoformat(), size=2)
    assert sent == 2 == delay.call_count
    first = [tasks.match_chunk(*call.args) for call in delay.call_args_list]
    again = [tasks.match_chunk(*call.args) for call in delay.call_args_list]
    assert sum(r["identifier"] for r in first) == 1 and sum(r["unmatched"] for r in first) == 2
    assert all(set(r.values()) == {0} for r in again)
    assert UsageKey.objects.get(isrc="KZA012600001").recording_id == rec.pk
