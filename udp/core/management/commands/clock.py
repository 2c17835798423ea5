"""``manage.py clock``: show or move the platform's clock (tests, demo and training copies only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from udp.core import clock


class Command(BaseCommand):
    help = "Show the platform's date, move it (UDP_CLOCK_TRAVEL=1 only) or put it back."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action", choices=["show", "travel", "forward", "reset"], nargs="?", default="show"
        )
        parser.add_argument("value", nargs="?", help="travel: YYYY-MM-DD or an ISO moment; forward: days")

    def handle(self, *args: Any, **options: Any) -> None:
        action, value = options["action"], options["value"]
        try:
            if action == "travel":
                if not value:
                    raise CommandError("travel needs a date, e.g. manage.py clock travel 2027-03-05")
                moment: dt.date | dt.datetime
                moment = dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
                clock.travel_to(moment)
            elif action == "forward":
                clock.move_by(dt.timedelta(days=int(value or "1")))
            elif action == "reset":
                clock.reset()
        except ValueError as error:
            raise CommandError(str(error)) from error
        except Exception as error:  # ImproperlyConfigured: travel not allowed here
            if action == "show":
                raise
            raise CommandError(str(error)) from error
        now = clock.now()
        moved = " (moved)" if clock.is_moved() else ""
        self.stdout.write(f"{timezone.localtime(now):%Y-%m-%d %H:%M %Z}{moved}")
