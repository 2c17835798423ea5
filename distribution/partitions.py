"""A run's bulk rows in partitions of their own: ``distribution_runweight`` (its use) and
``distribution_allocation`` (its money per holder share) are partitioned by run (LIST on ``run_id``, migrations
0017 and 0018). A run calculated for the first time writes each into a new table with no index, whose rows are
checked to be the run's as they are written, then attaches it: PostgreSQL builds the partition's indexes once,
sorted, instead of updating them row by row, and reads none of its rows to attach it. A run calculated again
empties its partitions and writes them again (their indexes kept)."""

from __future__ import annotations

from typing import Any

#: The tables partitioned by run.
RUN_TABLES = ("distribution_runweight", "distribution_allocation")


def partition_name(table: str, run_id: int) -> str:
    return f"{table}_{int(run_id)}"


def open_partition(cursor: Any, table: str, run_id: int) -> tuple[str, bool]:
    """The run's partition of ``table``, empty, and whether it is still to be attached (:func:`attach`)."""
    assert table in RUN_TABLES, table
    name = partition_name(table, run_id)
    cursor.execute("SELECT relispartition FROM pg_class WHERE oid = to_regclass(%s)", [name])
    found = cursor.fetchone()
    if found is not None:
        cursor.execute(f"TRUNCATE {name}")
        return name, not found[0]
    cursor.execute(
        f"CREATE TABLE {name} (LIKE {table} INCLUDING CONSTRAINTS, "
        f"CONSTRAINT {name}_of_run CHECK (run_id = {int(run_id)}))"
    )
    return name, True


def attach(cursor: Any, table: str, run_id: int) -> None:
    """Attach the run's partition of ``table``: its indexes are built here, from its rows."""
    name = partition_name(table, run_id)
    cursor.execute(f"ALTER TABLE {table} ATTACH PARTITION {name} FOR VALUES IN ({int(run_id)})")


def next_ids(cursor: Any, table: str) -> str:
    """The sequence of ``table``'s ids (its identity), for rows written straight into a partition."""
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    return str(cursor.fetchone()[0])
