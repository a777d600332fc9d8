"""Uploaded files are not kept for good: a refused or discarded upload is deleted at once, any
other after the number of days the workspace keeps uploads (``upload_retention_days``, set by an
Admin on the workspace settings page). The run stays, listed with its outcome and message; only
its file and reject file go, and ``file_deleted_at`` says when.

Run every hour by the worker (``patron.imports.jobs.uploads_delete_expired``) and by
``patron uploads clean``.
"""

import shutil
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from patron.imports.models import ImportRun
from patron.workspace.services import get_workspace

Status = ImportRun.Status
# A run whose file a job is reading or importing keeps it, however old.
IN_USE = (Status.PREVIEWING, Status.QUEUED, Status.RUNNING)


def delete_upload(run):
    """Delete the run's uploaded file and reject file (its folder) and say so on the run."""
    folder = Path(run.stored_path).parent
    if run.stored_path and folder.parent.name == "imports":
        shutil.rmtree(folder, ignore_errors=True)
    now = timezone.now()
    ImportRun.objects.filter(pk=run.pk).update(file_deleted_at=now, reject_path="")
    run.file_deleted_at, run.reject_path = now, ""


def uploads_delete_expired(now=None):
    """Delete the files uploaded longer ago than the workspace keeps them; the number deleted."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=get_workspace().upload_retention_days)
    expired = ImportRun.objects.filter(file_deleted_at__isnull=True, created_at__lt=cutoff).exclude(
        status__in=IN_USE
    )
    deleted = 0
    for run in expired.only("pk", "stored_path"):
        delete_upload(run)
        deleted += 1
    return deleted
