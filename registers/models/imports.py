"""Bulk imports of works (CSV/XLSX template, CWR 2.1/2.2) and their line-by-line reports."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


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


class ImportBatch(models.Model):
    format = models.CharField(_("format"), max_length=4, choices=ImportFormat.choices)
    policy = models.CharField(
        _("policy"), max_length=16, choices=ImportPolicy.choices, default=ImportPolicy.KEEP_GOOD
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    filename = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="import_batches")
    cmo = models.ForeignKey(
        "registers.CMO", null=True, blank=True, on_delete=models.PROTECT, related_name="import_batches"
    )
    lines_total = models.PositiveIntegerField(default=0)
    works_created = models.PositiveIntegerField(default=0)
    works_updated = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, help_text="[{line, record, field, reason}]")
    ack_file = models.FileField(_("acknowledgement file"), upload_to="imports/ack/%Y/%m/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import of works")

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"
