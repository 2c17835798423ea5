"""``python -m udp.embedded_db status|start|stop [--if-unused]``: no Django settings are read."""

from __future__ import annotations

import sys

from udp.embedded_db import (
    default_data_dir,
    embedded_database_url,
    embedded_server_pid,
    embedded_server_users,
    stop_embedded_database,
)

USAGE = """usage: python -m udp.embedded_db status | start | stop [--if-unused]
  the embedded PostgreSQL under UDP_DATA_DIR/pg; start makes and starts it unless it runs already (one
  process, before a test run's workers, each of which would otherwise make it: as root the first also
  makes the system user the server runs as); --if-unused leaves it running while another process of the
  platform (a ./dev run, a test run, a shell) still uses it"""


def main(argv: list[str]) -> int:
    if argv not in (["status"], ["start"], ["stop"], ["stop", "--if-unused"]):
        print(USAGE, file=sys.stderr)
        return 2
    data_dir = default_data_dir()
    if argv == ["start"]:
        embedded_database_url(data_dir)
        print(f"embedded PostgreSQL: running (pid {embedded_server_pid(data_dir)})")
        return 0
    pid = embedded_server_pid(data_dir)
    if argv[0] == "status":
        print(f"embedded PostgreSQL: running (pid {pid})" if pid else "embedded PostgreSQL: not running")
        return 0
    users = embedded_server_users(data_dir) if pid and "--if-unused" in argv else []
    if users:
        print(f"embedded PostgreSQL: left running, in use by pid {', '.join(map(str, users))}")
        return 0
    stopped = stop_embedded_database(data_dir)
    print("embedded PostgreSQL: stopped" if stopped else "embedded PostgreSQL: was not running")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
