"""Background jobs whose message or worker may be lost: what has waited too long is sent to a worker again.

Each such job is idempotent (its row's status says whether it was done, and the worker takes the row under a
lock), so a row sent twice is done once. Beat calls the app's resend task every ten minutes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

#: how long a job may wait before it is taken for lost
LOST_AFTER = dt.timedelta(minutes=10)


def send_again(
    waiting: QuerySet[Any], *, since: str, send: Callable[[int], None], older_than: dt.timedelta = LOST_AFTER
) -> list[int]:
    """The rows of ``waiting`` whose field ``since`` is older than ``older_than``: each sent to a worker again
    with ``send`` (its primary key). Returns the keys sent."""
    lost = list(waiting.filter(**{f"{since}__lt": timezone.now() - older_than}).values_list("pk", flat=True))
    for pk in lost:
        send(pk)
    return lost
