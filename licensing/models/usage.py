"""Users' usage reports (Art. 44.2-1): the file as received, its outcome, the problems of its bad lines, and
the usage lines themselves in a table partitioned by month (``licensing_usage_line``, made by raw SQL in the
migration; :class:`UsageLine` reads it)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UsageFormat(models.TextChoices):
    CSV = "csv", _("CSV (template)")
    XLSX = "xlsx", _("XLSX (template)")
    JSON = "json", _("JSON (API)")
    DSR = "dsr", _("DDEX DSR flat file")


class UsagePolicy(models.TextChoices):
    KEEP_GOOD = "keep_good", _("Keep the good lines, name the bad ones")
    ALL_OR_NOTHING = "all_or_nothing", _("All or nothing: refuse the file if a line is bad")


class UsageStatus(models.TextChoices):
    RECEIVED = "received", _("Received, waiting")
    PARSING = "parsing", _("Being read")
    ACCEPTED = "accepted", _("Accepted")
    PARTIAL = "partial", _("Accepted in part: bad lines named")
    REFUSED = "refused", _("Refused")
    FAILED = "failed", _("Failed")
    REPLACED = "replaced", _("Replaced by a corrected report")
    DUPLICATE = "duplicate", _("Duplicate of an earlier report")


#: Statuses after which a report no longer changes (but ``replaced``, which a later report sets).
ENDED = (
    UsageStatus.ACCEPTED,
    UsageStatus.PARTIAL,
    UsageStatus.REFUSED,
    UsageStatus.FAILED,
    UsageStatus.DUPLICATE,
)
#: A report whose lines count: the one a correction replaces.
KEPT = (UsageStatus.ACCEPTED, UsageStatus.PARTIAL)


class UsageStage(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CHECKING = "checking", _("Checking the file")
    READING = "reading", _("Reading lines")
    SAVING = "saving", _("Saving the lines")
    DONE = "done", _("Done")


STORED_EXTENSION = {"csv": "csv", "xlsx": "xlsx", "json": "json", "dsr": "tsv"}


def usage_upload_path(instance: UsageReport, filename: str) -> str:
    """A generated name, never the uploader's (kept, cleaned, in ``original_name``)."""
    extension = STORED_EXTENSION.get(instance.format, "bin")
    return f"usage/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class UsageReport(models.Model):
    """One file (or API body) of usage a user sent for one licence and period."""

    licence = models.ForeignKey(
        "licensing.Licence", on_delete=models.PROTECT, related_name="usage_reports", verbose_name=_("licence")
    )
    report_due = models.ForeignKey(
        "licensing.ReportDue", null=True, blank=True, on_delete=models.SET_NULL, related_name="usage_reports",
        verbose_name=_("report due"),
    )  # fmt: skip
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    format = models.CharField(_("format"), max_length=5, choices=UsageFormat.choices)
    file = models.FileField(_("file as received"), upload_to=usage_upload_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=130, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.BigIntegerField(_("size, bytes"), default=0)
    policy = models.CharField(_("policy"), max_length=15, choices=UsagePolicy.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=UsageStatus.choices, default=UsageStatus.RECEIVED
    )
    stage = models.CharField(
        _("stage"), max_length=10, choices=UsageStage.choices, default=UsageStage.WAITING
    )
    lines_total = models.BigIntegerField(_("lines in the file"), default=0)
    lines_read = models.BigIntegerField(_("lines read"), default=0)
    lines_good = models.BigIntegerField(_("good lines"), default=0)
    lines_bad = models.BigIntegerField(_("bad lines"), default=0)
    problem_counts = models.JSONField(_("problems by kind"), default=dict, blank=True)
    failure_code = models.CharField(_("why it failed"), max_length=40, blank=True)
    failure_params = models.JSONField(_("failure details"), default=dict, blank=True)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by",
        verbose_name=_("replaces"),
    )  # fmt: skip
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates",
        verbose_name=_("duplicate of"),
    )  # fmt: skip
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by")
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("usage report")
        verbose_name_plural = _("usage reports")
        indexes = [
            models.Index(fields=["licence", "period_start", "status"], name="usage_report_licence_period"),
            models.Index(fields=["licence", "sha256"], name="usage_report_licence_sha"),
        ]
        constraints = [
            models.CheckConstraint(
                name="usage_report_period_ordered", condition=Q(period_end__gte=models.F("period_start"))
            ),
            models.CheckConstraint(
                name="usage_report_counts",
                condition=Q(lines_good__gte=0, lines_bad__gte=0, lines_read__gte=0),
            ),
            models.CheckConstraint(
                name="usage_report_duplicate_names_original",
                condition=~Q(status="duplicate") | Q(duplicate_of__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        from udp.core.params import short_day

        return f"{self.licence_id}: {short_day(self.period_start)} – {short_day(self.period_end)} ({self.get_status_display()})"

    @property
    def ended(self) -> bool:
        return self.status in ENDED or self.status == UsageStatus.REPLACED

    @property
    def failure(self) -> str:
        from licensing.usage.problems import render

        return render(self.failure_code, self.failure_params) if self.failure_code else ""

    @property
    def percent(self) -> int:
        if self.ended:
            return 100
        if not self.lines_total:
            return 0
        return min(99, int(self.lines_read * 100 / self.lines_total))


class UsageProblem(models.Model):
    """One kept problem of a report (the first :data:`licensing.usage.problems.MAX_STORED`; all are counted)."""

    report = models.ForeignKey(
        UsageReport, on_delete=models.CASCADE, related_name="problems", verbose_name=_("usage report")
    )
    line_no = models.BigIntegerField(_("line"))
    code = models.CharField(_("kind of problem"), max_length=40)
    params = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["line_no", "id"]
        verbose_name = _("problem of a usage report")
        verbose_name_plural = _("problems of usage reports")
        indexes = [models.Index(fields=["report", "line_no", "id"], name="usage_problem_report_line")]

    def __str__(self) -> str:
        return f"{self.line_no}: {self.code}"

    @property
    def reason(self) -> str:
        from licensing.usage.problems import render

        return render(self.code, self.params)


class UsageLine(models.Model):
    """One line of usage: a recording played (or a work performed), how often, where. The table is
    partitioned by ``period`` (the first day of the month), one partition a month made on demand, and a
    DEFAULT partition; it is written only set-based or by COPY (:mod:`licensing.usage.ingest`). A line is named
    by (report, line, month), unique by construction (a reader numbers each line of a file once); the table has
    no B-tree index to keep up at every load, only a BRIN index on (report, line), since a report's lines are
    written together and lie together."""

    pk = models.CompositePrimaryKey("report", "line_no", "period")
    report = models.ForeignKey(
        UsageReport, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    licence = models.ForeignKey(
        "licensing.Licence", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    period = models.DateField(_("month"))
    line_no = models.BigIntegerField(_("line"))
    played_at = models.DateTimeField(_("played at"), null=True)
    isrc = models.CharField("ISRC", max_length=12, blank=True)
    iswc = models.CharField("ISWC", max_length=15, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    artist = models.CharField(_("artist"), max_length=300, blank=True)
    plays = models.IntegerField(_("plays"))
    duration_s = models.IntegerField(_("duration, seconds"), null=True)
    source_ref = models.CharField(_("station or premises"), max_length=200, blank=True)

    class Meta:
        managed = False
        db_table = "licensing_usage_line"
        verbose_name = _("usage line")
        verbose_name_plural = _("usage lines")

    def __str__(self) -> str:
        return f"{self.report_id}:{self.line_no}"

    def save(self, *args: Any, **kwargs: Any) -> None:  # pragma: no cover - written set-based only
        raise NotImplementedError("usage lines are written by licensing.usage.ingest")
