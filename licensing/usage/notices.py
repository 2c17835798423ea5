"""The notices of usage reports (registered from :mod:`licensing.usage.setup`): how a report ended, and a
report that is overdue (A44.2-1-reports). Parameters are data: ids, numbers, dates."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from udp.notices.kinds import Kind, register

SUBJECT = _("A usage report")
OVERDUE_SUBJECT = _("A usage report is overdue")
ENDINGS = ("accepted", "partial", "refused", "failed")


def register_kinds() -> None:
    register(
        Kind(
            "usage_report_accepted",
            _("Usage report no. %(id)s (%(name)s) is accepted: %(good)s lines."),
            subject=SUBJECT,
        )
    )
    register(
        Kind(
            "usage_report_partial",
            _(
                "Usage report no. %(id)s (%(name)s): %(good)s lines kept, %(bad)s bad lines named on its page; "
                "send a corrected file to replace it."
            ),
            subject=SUBJECT,
        )
    )
    register(
        Kind(
            "usage_report_refused",
            _(
                "Usage report no. %(id)s (%(name)s) is refused, nothing was kept: the reasons are on its page."
            ),
            subject=SUBJECT,
        )
    )
    register(
        Kind(
            "usage_report_failed",
            _("Usage report no. %(id)s (%(name)s) could not be read; send it again."),
            subject=SUBJECT,
        )
    )
    register(
        Kind(
            "usage_report_overdue",
            _(
                "The usage report of licence %(licence)s for %(start)s – %(end)s was due on %(due)s and has not arrived."
            ),
            subject=OVERDUE_SUBJECT,
        )
    )


def tell_submitter(report: Any) -> None:
    from udp.notices.actions import notify

    if report.status not in ENDINGS:
        return
    notify(
        report.submitted_by,
        f"usage_report_{report.status}",
        {"id": report.pk, "name": report.original_name, "good": report.lines_good, "bad": report.lines_bad},
        link=f"/space/usage/{report.pk}/",
    )
