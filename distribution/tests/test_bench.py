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
    # the written floor wrote one row for each key matching wrote (the world has one licence)
    assert figures["floor_keys"] == figures["keys"] > 0
    assert figures["floor_written_seconds"] > 0 and figures["ratio_to_floor_written"] > 0
    assert not UsageKey.objects.exists()  # the world is removed


def test_bench_distribute_runs_a_real_run_on_a_small_world_and_its_money_sums_to_the_pool():
    from distribution.models import Run

    out = io.StringIO()
    call_command("bench", "distribute", "--json", "--works", "2000", "--holders", "300", "--lines", "5000",
                 "--pool", "1000003", stdout=out)  # fmt: skip
    figures = json.loads(out.getvalue().strip().splitlines()[-1])
    for name in ("lines", "seconds", "lines_per_s", "peak_rss_mb", "sum_exact", "floor_seconds",
                 "ratio_to_floor"):  # fmt: skip
        assert name in figures
    assert figures["lines"] == 5000 and figures["sum_exact"] is True
    assert figures["allocated"] == figures["gross"] == figures["net_and_deductions"] == 1_000_003
    # 20 % of 1 000 003 is 200 000.6, never past a fifth (200 000); costs 15 %: 150 000.45 → 150 000
    assert (figures["costs"], figures["funds"]) == (150_000, 50_000)
    assert figures["payees"] > 100 and figures["allocations"] >= figures["payees"]
    # the floor did the run's own work: a row for each allocation of both sides of area 5's money
    assert figures["floor_rows"] == figures["allocations"]
    assert not Run.objects.exists() and not UsageKey.objects.exists()  # the world and the run are removed


def test_bench_payout_pays_a_cmo_s_holders_reads_the_bank_s_statement_and_leaves_nothing_behind():
    from distribution.models import PaymentBatch, PayoutStatement
    from licensing.models import Transaction
    from registers.models import CMO, Party

    parties, postings = Party.objects.count(), Transaction.objects.count()
    out = io.StringIO()
    call_command("bench", "payout", "--json", "--holders", "500", "--returned", "0.1", stdout=out)
    figures = json.loads(out.getvalue().strip().splitlines()[-1])
    for name in ("lines", "seconds", "lines_per_s", "peak_rss_mb", "batch_seconds", "statement_seconds",
                 "file_mb", "statement_mb", "sum_exact"):  # fmt: skip
        assert name in figures
    # every transfer booked by the one debit, every tenth sent back; the money exact to the tiyn
    assert (figures["lines"], figures["booked"], figures["returned"]) == (500, 500, 50)
    assert figures["sum_exact"] is True
    assert not CMO.objects.filter(short_name__startswith="PAY").exists()
    assert not PaymentBatch.objects.exists() and not PayoutStatement.objects.exists()
    assert (Party.objects.count(), Transaction.objects.count()) == (parties, postings)
