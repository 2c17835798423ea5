"""The database backend for the embedded PostgreSQL: Django's own, except that the first connection
starts the server (or finds it running) and learns where its socket is."""

from __future__ import annotations

from typing import Any

import environ
from django.conf import settings
from django.db.backends.postgresql import base as postgresql

from udp.embedded_db import embedded_database_url


class DatabaseWrapper(postgresql.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        options = self.settings_dict.setdefault("OPTIONS", {})
        if not self.settings_dict.get("HOST") and not options.get("host"):
            server = environ.Env.db_url_config(embedded_database_url(settings.DATA_DIR))
            # the OPTIONS dict is shared with the copies Django makes (the test database's too)
            options["host"] = server["HOST"] or server["OPTIONS"]["host"]
            if server["PORT"] or server["OPTIONS"].get("port"):
                options["port"] = server["PORT"] or server["OPTIONS"]["port"]
        return super().get_connection_params()
