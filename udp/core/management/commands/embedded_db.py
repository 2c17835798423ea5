"""``manage.py embedded_db stop|status``: the embedded PostgreSQL started when DATABASE_URL is unset."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Stop the embedded PostgreSQL (under UDP_DATA_DIR/pg), or say whether it runs."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["stop", "status"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        from udp.embedded_db import embedded_server_pid, stop_embedded_database

        data_dir = settings.DATA_DIR
        if action == "status":
            pid = embedded_server_pid(data_dir)
            self.stdout.write(f"running (pid {pid})" if pid else "not running")
            return
        if not settings.EMBEDDED_DATABASE:
            raise CommandError("DATABASE_URL is set: there is no embedded database to stop.")
        stopped = stop_embedded_database(data_dir)
        self.stdout.write("embedded PostgreSQL stopped" if stopped else "embedded PostgreSQL was not running")
