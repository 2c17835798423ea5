"""Gap-free legal numbers.

Register, certificate and contract numbers are handed out by :func:`allocate_number` inside the
caller's transaction: the series row is locked, incremented and released at commit. A rolled-back
transaction gives its number back, so the series has no gaps and no number is used twice.
Primary keys are never used as legal numbers.
"""

from __future__ import annotations

from django.db import connection, transaction


def allocate_number(series: str, *, prefix: str | None = None, width: int = 7) -> str:
    """Return the next number of ``series``, formatted as ``PREFIX-0000001``.

    Must run inside a transaction (the row lock lasts until commit).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate_number() must be called inside transaction.atomic()")
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO core_registersequence (series, last_value) VALUES (%s, 1)
            ON CONFLICT (series) DO UPDATE SET last_value = core_registersequence.last_value + 1
            RETURNING last_value
            """,
            [series],
        )
        (value,) = cursor.fetchone()
    return f"{prefix or series}-{value:0{width}d}"
