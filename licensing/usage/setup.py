"""What the usage reports register when the app is ready: notice kinds and the reasons of the history."""

from __future__ import annotations

from django.utils.translation import gettext_lazy


def ready() -> None:
    from licensing.usage.notices import register_kinds
    from udp.audit import MESSAGES

    register_kinds()
    MESSAGES.update(
        {
            "usage_report_received": gettext_lazy("Usage report received"),
            "usage_report_read": gettext_lazy("Usage report read"),
            "usage_report_overdue": gettext_lazy(
                "Usage report overdue: the user, the CMO and the authorized body told"
            ),
        }
    )
