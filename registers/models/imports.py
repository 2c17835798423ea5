"""Bulk imports of works (CSV/XLSX template, CWR 2.1/2.2) and their line-by-line reports."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: File name extensions of uploads, by format; an upload is stored under a generated name with these.
STORED_EXTENSION = {"csv": "csv", "xlsx": "xlsx", "cwr": "V21"}


def upload_path(instance: ImportBatch, filename: str) -> str:
    """Where an upload is stored: a generated name, never the uploader's (kept in ``filename``)."""
    extension = STORED_EXTENSION.get(instance.format, "bin")
    return f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


def ack_path(instance: ImportBatch, filename: str) -> str:
    return f"imports/ack/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.V21"


class ImportFormat(models.TextChoices):
    CSV = "csv", _("CSV template")
    XLSX = "xlsx", _("XLSX template")
    CWR = "cwr", _("CWR 2.1 / 2.2")


class ImportPolicy(models.TextChoices):
    KEEP_GOOD = "keep_good", _("Import the good lines, report the bad ones")
    ALL_OR_NOTHING = "all_or_nothing", _("Refuse the whole file if any line is bad")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Imported")
    PARTIAL = "partial", _("Imported with errors")
    REFUSED = "refused", _("Refused")
    FAILED = "failed", _("Failed")


class ImportStage(models.TextChoices):
    """How far a running import is; ``done`` once it has ended (its status says how)."""

    QUEUED = "queued", _("waiting for its turn")
    READING = "reading", _("reading the file")
    CHECKING = "checking", _("checking the file")
    WRITING = "writing", _("writing works")
    ACKNOWLEDGING = "acknowledging", _("writing the acknowledgement")
    DONE = "done", _("finished")


class ImportBatch(models.Model):
    format = models.CharField(_("format"), max_length=4, choices=ImportFormat.choices)
    policy = models.CharField(
        _("policy"), max_length=16, choices=ImportPolicy.choices, default=ImportPolicy.KEEP_GOOD
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    file = models.FileField(_("file"), upload_to=upload_path, max_length=200)
    filename = models.CharField(_("file name"), max_length=255, help_text="as uploaded, for display only")
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="import_batches")
    cmo = models.ForeignKey(
        "registers.CMO", null=True, blank=True, on_delete=models.PROTECT, related_name="import_batches"
    )
    #: while running: the lines the file has (counted before reading it; 0 if not known yet);
    #: once ended: the lines read
    lines_total = models.PositiveIntegerField(_("lines"), default=0)
    lines_done = models.PositiveIntegerField(_("lines read"), default=0)
    stage = models.CharField(
        _("stage"), max_length=16, choices=ImportStage.choices, default=ImportStage.QUEUED
    )
    works_created = models.PositiveIntegerField(default=0)
    works_updated = models.PositiveIntegerField(default=0)
    #: changes waiting for the answers of the other holders they touch
    works_proposed = models.PositiveIntegerField(default=0)
    #: works left out because something about them is bad (each counted once, however many problems)
    works_rejected = models.PositiveIntegerField(default=0)
    #: CWR NWRs of works the uploader had already registered (ACK status DU)
    works_unchanged = models.PositiveIntegerField(default=0)
    #: CWR transactions naming works someone else registered (ACK status CO)
    works_in_conflict = models.PositiveIntegerField(default=0)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    errors_count = models.PositiveIntegerField(default=0)
    notes_count = models.PositiveIntegerField(default=0)
    problem_counts = models.JSONField(default=dict, blank=True, help_text="{code: number}, for every problem")
    refused_whole_file = models.BooleanField(
        default=False, help_text="the file could not be read (encoding, structure): nothing was imported"
    )
    failure_code = models.CharField(max_length=40, blank=True, help_text="why a failed import stopped")
    failure_params = models.JSONField(default=dict, blank=True)
    ack_file = models.FileField(_("acknowledgement file"), upload_to=ack_path, blank=True, max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import of works")
        verbose_name_plural = _("imports of works")

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def running(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)

    @property
    def percent(self) -> int:
        """How much of the file is read, 0 to 100 (100 once ended)."""
        if not self.running:
            return 100
        if not self.lines_total:
            return 0
        return min(100, self.lines_done * 100 // self.lines_total)

    @property
    def progress_text(self) -> str:
        """“120 of 5,000 lines — writing works”, in the reader's language."""
        from django.contrib.humanize.templatetags.humanize import intcomma
        from django.utils.translation import gettext

        stage = self.get_stage_display()
        if self.lines_total:
            return gettext("%(done)s of %(total)s lines — %(stage)s") % {
                "done": intcomma(self.lines_done),
                "total": intcomma(self.lines_total),
                "stage": stage,
            }
        return gettext("%(done)s lines — %(stage)s") % {"done": intcomma(self.lines_done), "stage": stage}

    @property
    def failure_reason(self) -> str:
        """Why the import failed, in the reader's language."""
        from registers.importing.problems import render

        return render(self.failure_code, self.failure_params) if self.failure_code else ""

    @property
    def problems_total(self) -> int:
        return self.errors_count + self.notes_count

    @property
    def problems_truncated(self) -> bool:
        return self.problems_total > self.problems.count()


class ImportProblem(models.Model):
    """One kept problem of a batch (the first :data:`registers.importing.problems.MAX_STORED`)."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="problems")
    line = models.PositiveIntegerField()
    record = models.CharField(max_length=8, blank=True)
    field = models.CharField(max_length=40, blank=True)
    level = models.CharField(max_length=5, default="error")
    code = models.CharField(max_length=60)
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["line", "id"]
        indexes = [models.Index(fields=["batch", "line", "id"], name="import_problem_batch_line")]

    def __str__(self) -> str:
        return f"{self.line}: {self.code}"

    @property
    def reason(self) -> str:
        from registers.importing.problems import render

        return render(self.code, self.params)

    @classmethod
    def from_problem(cls, batch: ImportBatch, data: dict[str, Any]) -> ImportProblem:
        return cls(
            batch=batch,
            line=max(int(data["line"]), 0),
            # a template's rows have no record type (the reader marks them "ROW" internally)
            record="" if data["record"] == "ROW" else str(data["record"])[:8],
            field=str(data["field"])[:40],
            level=data["level"],
            code=str(data["code"])[:60],
            params=data["params"],
        )
