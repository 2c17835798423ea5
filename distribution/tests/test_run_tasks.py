"""The run task (``distribution.calculate_run``, as the pages, the API and the schedule send it): a run
calculated from the ledger's collections and the matched usage, idempotent and resumable, whatever happens to
the worker (sent twice, interrupted, killed mid-run and sent again by the hourly sweep)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import OperationalError, connection, transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from distribution.calculating import ATTEMPTS, STALE_CALCULATING, calculate_requested, resend_stale
from distribution.models import Allocation, Payee, RequestStatus, Run, RunRequest, RunStatus
from distribution.runs import LOCK_SPACE, approve_run
from distribution.tests.quarter import POOL, Q1_2027, Quarter, collected_quarter

ROOT = Path(__file__).resolve().parents[2]


def _request(personas: Any, quarter: Quarter, costs: str = "15", funds: str = "5") -> RunRequest:
    """A staff member's request, as :func:`distribution.calculating.request_run` records it."""
    start, end = Q1_2027
    return RunRequest.objects.create(
        cmo=personas.cmo, area=quarter.area, period_start=start, period_end=end, costs_percent=Decimal(costs),
        funds_percent=Decimal(funds), requested_by=personas.cmo_staff,
    )  # fmt: skip


def _calculate(personas: Any, quarter: Quarter, costs: str = "15", funds: str = "5") -> dict[str, Any]:
    """Ask for the run and let the worker's step calculate it: the run's id, or why there is none."""
    request = calculate_requested(_request(personas, quarter, costs, funds).pk)
    assert request is not None
    return {"run": request.run_id, "code": request.error_code or "calculated"}


def _one_run_summing_to_the_pool() -> Run:
    run = Run.objects.exclude(status=RunStatus.CANCELLED).get()
    payees = list(Payee.objects.filter(run=run))
    assert sum(p.gross_tiyn for p in payees) == run.pool_tiyn == POOL
    assert sum(p.net_tiyn + p.costs_tiyn + p.funds_tiyn for p in payees) == POOL
    assert sum(Allocation.objects.filter(run=run).values_list("gross_tiyn", flat=True)) == POOL
    keys = [(p.party_id, p.work_id, p.route) for p in payees]
    assert len(keys) == len(set(keys))  # nobody twice
    return run


@pytest.mark.django_db
@pytest.mark.statute("A44.5-distribute")
def test_the_task_runs_the_quarter_from_collections_and_matched_usage_and_sent_again_changes_nothing(
    personas: Any, clock: Any
) -> None:
    """3 000 000 tiyn over "Dala" (3 plays, A) and "Kok" (1 play, A 25 %, B 75 %): 2 250 000 and 750 000;
    Kok's 187 500 to A and 562 500 to B. A 2 437 500 gross, B 562 500; 20 % off each: 1 950 000 and 450 000."""
    quarter = collected_quarter(personas, clock)
    first = _calculate(personas, quarter)
    again = _calculate(personas, quarter)
    assert first == again == {"run": first["run"], "code": "calculated"}
    run = _one_run_summing_to_the_pool()
    net = {p.party_id: (p.gross_tiyn, p.net_tiyn) for p in Payee.objects.filter(run=run)}
    assert net == {quarter.a.pk: (2_437_500, 1_950_000), quarter.b.pk: (562_500, 450_000)}
    approve_run(run, by=personas.cmo_admin)
    assert _calculate(personas, quarter) == {"run": None, "code": "already_approved"}
    assert Run.objects.get().status == RunStatus.APPROVED


class Cut(OperationalError):
    """The database connection lost after a number of statements (a worker killed, a network cut)."""


def _cut_after(statements: int) -> Callable[..., Any]:
    seen = [0]

    def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        seen[0] += 1
        if seen[0] == statements + 1:  # once: what follows (the rollback) goes through
            raise Cut("connection lost")
        return execute(sql, params, many, context)

    return wrapper


STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("start"), st.sampled_from(["0", "10", "15"]), st.sampled_from(["0", "5"])),
        st.tuples(st.just("interrupted"), st.integers(min_value=0, max_value=60), st.just("")),
    ),
    min_size=1,
    max_size=6,
)


@pytest.mark.django_db
@pytest.mark.statute("A44.5-distribute")
@hypothesis_settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=STEPS)
def test_any_sequence_of_starts_restarts_and_interrupted_starts_leaves_one_run_summing_to_the_pool(
    personas: Any, clock: Any, steps: list[tuple[str, Any, str]], quarter_once: list[Quarter]
) -> None:
    if not quarter_once:
        quarter_once.append(collected_quarter(personas, clock))
    quarter = quarter_once[0]
    with transaction.atomic():
        completed = False
        for kind, first, second in steps:
            if kind == "start":
                _calculate(personas, quarter, first, second)
                completed = True
                continue
            try:
                with transaction.atomic(), connection.execute_wrapper(_cut_after(first)):
                    _calculate(personas, quarter)
            except Cut:
                pass
            else:
                completed = True
        if completed:
            run = _one_run_summing_to_the_pool()
            assert run.calculated_at is not None
        else:
            assert not Run.objects.exists() and not Payee.objects.exists()
        transaction.set_rollback(True)


@pytest.fixture
def quarter_once() -> list[Quarter]:
    """The quarter, made once for all the examples of a property (each example rolls its runs back)."""
    return []


# --- a real worker, killed mid-run --------------------------------------------------------------------


def _worker(queue: str, log: Path) -> subprocess.Popen[bytes]:
    """``celery -A udp worker`` on the test database and the test Redis, taking ``queue`` only."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "udp.settings",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": os.environ["REDIS_URL"],
        "UDP_CLOCK_TRAVEL": "1",
        "UDP_CLOCK_FILE": str(settings.UDP_CLOCK_FILE),
    }
    command = [sys.executable, "-m", "celery", "-A", "udp", "worker", "-P", "solo", "-Q", queue, "-l", "INFO",
               "--without-heartbeat", "--without-mingle", "--without-gossip"]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)


def _send(queue: str, args: tuple[Any, ...]) -> None:
    from celery import Celery

    sender = Celery("udp-test-sender", broker=os.environ["REDIS_URL"])
    sender.send_task("distribution.calculate_run", args=args, queue=queue)


def _wait(until: Callable[[], bool], what: str, log: Path, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if until():
            return
        time.sleep(0.05)
    raise AssertionError(f"waited {seconds} s for {what}; the worker said:\n{log.read_text()[-3000:]}")


def _sql(query: str, params: list[Any]) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchone()[0]


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for worker in started:
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()


@pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="a real worker needs the Redis broker (REDIS_URL)"
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.statute("A44.5-distribute")
def test_a_worker_killed_mid_run_leaves_nothing_and_the_run_sent_again_completes_exactly_once(
    personas: Any, clock: Any, workers: list[subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    quarter = collected_quarter(personas, clock)
    queue, log = f"udp-test-{uuid.uuid4().hex}", tmp_path / "worker.log"
    request = _request(personas, quarter)
    args = (request.pk,)
    # Hold the allocations table so the run stops inside its transaction, after writing the run and its weights.
    blocker = connection.copy()
    blocker.connect()
    try:
        with blocker.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("LOCK TABLE distribution_allocation IN ACCESS EXCLUSIVE MODE")
            workers.append(_worker(queue, log))
            _send(queue, args)
            waiting = (
                "SELECT count(*) FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid "
                "WHERE a.datname = current_database() AND a.wait_event_type = 'Lock' "
                "AND a.backend_xid IS NOT NULL AND l.locktype = 'advisory' AND l.classid = %s AND l.granted"
            )
            _wait(lambda: _sql(waiting, [LOCK_SPACE]) == 1, "the run to stop mid-way", log)
            workers[0].send_signal(signal.SIGKILL)  # mid-run: the run and its weights written, not committed
            assert workers[0].wait(10) == -signal.SIGKILL
            cursor.execute("ROLLBACK")
    finally:
        blocker.close()
    # the killed worker's transaction is rolled back once its backend finds the client gone
    held = (
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s "
        "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    )
    _wait(lambda: _sql(held, [LOCK_SPACE]) == 0, "the killed worker's transaction to end", log)
    assert not Run.objects.exists() and not Payee.objects.exists()
    request.refresh_from_db()
    assert (request.status, request.attempts) == (RequestStatus.CALCULATING, 1)  # as the lost worker left it
    assert request.started_at is not None

    # the hourly sweep finds it calculating for too long and sends it again (its message, sent here to the
    # test's queue); a message the broker delivers again after the worker was lost is the same message twice
    assert resend_stale(request.started_at + STALE_CALCULATING - dt.timedelta(minutes=1)) == []
    assert resend_stale(request.started_at + STALE_CALCULATING + dt.timedelta(minutes=1)) == [request.pk]
    workers.append(_worker(queue, log))
    _send(queue, args)
    _send(queue, args)  # and sent twice: calculated once, the second finds it done
    _wait(lambda: Run.objects.filter(calculated_at__isnull=False).exists(), "the run", log)
    first = _one_run_summing_to_the_pool()
    _wait(lambda: b"succeeded" in log.read_bytes() and log.read_bytes().count(b"succeeded") >= 2, "both", log)
    run = _one_run_summing_to_the_pool()
    assert run.pk == first.pk
    assert {p.party_id: p.net_tiyn for p in Payee.objects.filter(run=run)} == {
        quarter.a.pk: 1_950_000, quarter.b.pk: 450_000,
    }  # fmt: skip
    request.refresh_from_db()
    assert (request.status, request.run_id, request.attempts) == (RequestStatus.DONE, run.pk, 2)


@pytest.mark.django_db
@pytest.mark.statute("A44.5-distribute")
def test_a_request_whose_worker_is_lost_again_and_again_fails_and_the_staff_who_asked_are_told(
    personas: Any, clock: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from udp.notices.models import Notice

    quarter = collected_quarter(personas, clock)
    request = _request(personas, quarter)
    waiting = _request(personas, quarter, costs="10")  # never taken by a worker: its message was lost
    RunRequest.objects.filter(pk=request.pk).update(
        status=RequestStatus.CALCULATING, attempts=ATTEMPTS - 1, started_at=request.created_at
    )
    later = request.created_at + STALE_CALCULATING + dt.timedelta(minutes=1)
    assert resend_stale(later) == [request.pk, waiting.pk]
    RunRequest.objects.filter(pk=request.pk).update(attempts=ATTEMPTS)  # taken once more, and lost again
    with django_capture_on_commit_callbacks(execute=True):
        assert resend_stale(later) == [waiting.pk]
    request.refresh_from_db()
    assert (request.status, request.error_code, request.error_params) == (
        RequestStatus.FAILED,
        "interrupted",
        {"attempts": ATTEMPTS},
    )
    notice = Notice.objects.get(code="distribution_run_not_calculated")
    assert notice.recipient == personas.cmo_staff and notice.params["attempts"] == ATTEMPTS
    assert calculate_requested(request.pk) is None  # a failed request is not taken again
    assert not Run.objects.exists()
