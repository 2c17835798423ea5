"""Gap-free legal numbers (register and contract numbers come from an allocator, never from keys).

The concurrency tests open real, committing connections from threads; each uses its own series
name and deletes it afterwards, so nothing leaks into other tests (a ``transactional_db`` test
would flush the reference data that migrations load, for every test that runs after it).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction

from udp.core.models import RegisterSequence
from udp.core.numbering import allocate_number

pytestmark = pytest.mark.statute("A45-1.2-contracts")


class Rollback(Exception):
    pass


def run_in_threads(*scenarios: Callable[[], Any]) -> list[Any]:
    """Run each scenario in its own thread (so its own database connection); return their results."""
    results: list[Any] = [None] * len(scenarios)
    errors: list[BaseException] = []

    def runner(index: int, scenario: Callable[[], Any]) -> None:
        try:
            results[index] = scenario()
        except BaseException as exc:  # handed back to the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, s)) for i, s in enumerate(scenarios)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    return results


@pytest.fixture
def own_series(db: Any) -> Any:
    """A series name no other test uses; its committed row is deleted afterwards."""
    series = f"T{uuid.uuid4().hex[:10].upper()}"
    yield series
    run_in_threads(lambda: RegisterSequence.objects.filter(series=series).delete())


def test_numbers_start_at_one_and_go_up_by_one(db: None) -> None:
    with transaction.atomic():
        assert allocate_number("MAN") == "MAN-0000001"
        assert allocate_number("MAN") == "MAN-0000002"
    assert RegisterSequence.objects.get(series="MAN").last_value == 2


def test_a_rolled_back_transaction_gives_its_number_back(db: None) -> None:
    with transaction.atomic():
        assert allocate_number("MAN") == "MAN-0000001"
    with pytest.raises(Rollback), transaction.atomic():
        assert allocate_number("MAN") == "MAN-0000002"
        raise Rollback
    with transaction.atomic():
        assert allocate_number("MAN") == "MAN-0000002"


def test_each_series_counts_on_its_own(db: None) -> None:
    with transaction.atomic():
        assert allocate_number("MAN") == "MAN-0000001"
        assert allocate_number("LIC") == "LIC-0000001"
        assert allocate_number("MAN") == "MAN-0000002"
        assert allocate_number("accreditation", prefix="ACC", width=4) == "ACC-0001"
        assert allocate_number("LIC") == "LIC-0000002"


def test_allocating_outside_a_transaction_is_refused() -> None:
    # No database here: the allocator must refuse before it touches one.
    with pytest.raises(RuntimeError, match=r"inside transaction\.atomic\(\)"):
        allocate_number("MAN")


def test_committed_numbers_have_no_gap_after_a_rollback(own_series: Any) -> None:
    def scenario() -> list[str]:
        numbers = []
        with transaction.atomic():
            numbers.append(allocate_number(own_series, prefix="N"))
        with pytest.raises(Rollback), transaction.atomic():
            allocate_number(own_series, prefix="N")
            raise Rollback
        with transaction.atomic():
            numbers.append(allocate_number(own_series, prefix="N"))
        return numbers

    assert run_in_threads(scenario) == [["N-0000001", "N-0000002"]]


@pytest.mark.parametrize(
    ("first_commits", "expected"),
    [(True, ("N-0000001", "N-0000002")), (False, (None, "N-0000001"))],
)
def test_concurrent_transactions_wait_for_each_other_and_get_consecutive_numbers(
    own_series: Any, first_commits: Any, expected: Any
) -> None:
    """The second transaction waits on the series row until the first ends; a rollback frees the number."""
    first_holds, second_started = threading.Event(), threading.Event()
    timeline: list[str] = []

    def first() -> str | None:
        try:
            with transaction.atomic():
                number = allocate_number(own_series, prefix="N")
                first_holds.set()
                second_started.wait(10)
                time.sleep(0.5)  # the second is now blocked on the row lock
                timeline.append("first ends")
                if not first_commits:
                    raise Rollback
            return number
        except Rollback:
            return None

    def second() -> str:
        first_holds.wait(10)
        with transaction.atomic():
            second_started.set()
            number = allocate_number(own_series, prefix="N")
            timeline.append("second allocated")
        return number

    assert tuple(run_in_threads(first, second)) == expected
    assert timeline == ["first ends", "second allocated"]
