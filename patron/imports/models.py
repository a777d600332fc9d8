from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from patron.constraints import one_of
from patron.imports.messages import shown


class SourceMapping(models.Model):
    """The column mapping last used for one source and kind, offered again next time.

    ``mapping`` is {column name: field}; an empty field means the column was left unmapped on
    purpose (``--map "column="``, or "Keep as a custom attribute" / "Not imported" on the page for
    a column a field was proposed for): a customer file keeps it as a custom attribute, an order
    file does not import it.
    """

    source = models.CharField(_("source"), max_length=50)
    kind = models.CharField(_("kind"), max_length=20)
    mapping = models.JSONField(_("mapping"), default=dict)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("source mapping")
        verbose_name_plural = _("source mappings")
        constraints = [models.UniqueConstraint(fields=["source", "kind"], name="source_mapping_once")]

    def __str__(self):
        return f"{self.source} ({self.kind})"


class ImportKind(models.TextChoices):
    CUSTOMERS = "customers", _("Customers")
    ORDERS = "orders", _("Orders")


class ImportStatus(models.TextChoices):
    PREVIEWING = "previewing", _("Reading the file")
    UPLOADED = "uploaded", _("Uploaded")
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Importing")
    FINISHED = "finished", _("Finished")
    REFUSED = "refused", _("Refused")
    FAILED = "failed", _("Failed")


class ImportRun(models.Model):
    """One file imported from the web page: uploaded, previewed, then run as a background job.

    Uploaded as "previewing": a job reads the file's first rows once into ``preview`` and leaves
    it "uploaded" (or "refused"). Started, it is "queued", then "running" in a worker, then
    "finished", "refused" or "failed". ``heartbeat_at`` is the last sign of life of its job: set
    when the job is queued, then every few seconds while it works. An active run silent for
    longer than ``PATRON_IMPORT_HEARTBEAT`` seconds (its worker died, or its job was lost from
    the queue) is marked failed, to be retried or discarded. ``attempt`` counts the jobs queued
    for the run: a job works on the run only while it is its attempt, so a job that lost it stops.
    """

    # Declared above, where Meta's constraints can see them; ImportRun.Kind and .Status as before.
    Kind = ImportKind
    Status = ImportStatus

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    source = models.CharField(_("source"), max_length=50)
    file_name = models.CharField(_("file"), max_length=255)
    stored_path = models.CharField(max_length=500, editable=False)
    options = models.JSONField(default=dict, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.UPLOADED)
    rows_done = models.PositiveIntegerField(default=0)
    rows_estimated = models.PositiveIntegerField(null=True)
    summary = models.JSONField(default=dict, editable=False)
    preview = models.JSONField(default=dict, editable=False)
    heartbeat_at = models.DateTimeField(null=True, editable=False)
    attempt = models.PositiveIntegerField(default=0, editable=False)
    message = models.TextField(blank=True)
    # The message's id and parameters (patron.imports.messages), worded again for each reader.
    said = models.JSONField(default=dict, editable=False)
    # When the uploaded file (and its reject file) was deleted: at once when refused, else after
    # the workspace's retention period (patron.imports.retention). The run stays listed.
    file_deleted_at = models.DateTimeField(null=True, editable=False)
    reject_path = models.CharField(max_length=500, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_runs"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    started_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=one_of("kind", ImportKind.values), name="import_run_kind_known"),
            models.CheckConstraint(
                condition=one_of("status", ImportStatus.values), name="import_run_status_known"
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.file_name}"

    @property
    def is_active(self):
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def shown_message(self):
        """The run's message in the active language, in the page's words."""
        return shown(self.said) or self.message

    @property
    def shown_rejects(self):
        """[(row, column, reason)] of the first rejected rows kept, each reason in the active
        language from its message id and parameters (as the reject file was written, in the
        uploader's, for a run kept before they were)."""
        return [
            (row, column, shown(said) or reason)
            for row, column, reason, said in (
                (*kept[:3], kept[3] if len(kept) > 3 else {}) for kept in self.summary.get("rejects", [])
            )
        ]

    @property
    def is_silent(self):
        """Its job has given no sign of life for longer than the heartbeat limit."""
        limit = timezone.now() - timedelta(seconds=settings.PATRON_IMPORT_HEARTBEAT)
        return self.heartbeat_at is None or self.heartbeat_at < limit

    @property
    def speed(self):
        """{"rate": rows a second, "left": minutes left or None} once rows are being read."""
        if not self.started_at or not self.rows_done:
            return None
        seconds = (timezone.now() - self.started_at).total_seconds()
        if seconds <= 0:
            return None
        rate = self.rows_done / seconds
        left = None
        if self.rows_estimated and self.rows_estimated > self.rows_done:
            left = max(1, round((self.rows_estimated - self.rows_done) / rate / 60))
        return {"rate": round(rate), "left": left}
