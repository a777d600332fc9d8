"""Imports from the web page: upload, preview, run as a background job, report.

    run = run_upload(by=user, kind="orders", upload=request.FILES["file"], source="pos", ...)
    run_read(run.pk)                                # a job: the preview, kept in run.preview
    run_start(run=run, by=user, mapping={...})      # queues patron.imports.jobs.run_execute
    run_execute(run_id, by=...)                     # in the worker: the same importer as the CLI

Nothing is written to customers or orders before run_start; the importers then work as on the
command line, batch by batch, and the run records their progress and summary. The file is read
for its preview once, by a job (see :mod:`patron.imports.previews`); the page and the start use
the preview kept on the run. Both jobs keep a heartbeat; a run whose job died is marked failed
(see :mod:`patron.imports.heartbeats`), and Retry runs it again: importers are idempotent, so a
second run writes only what the first did not.
"""

import shutil
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from patron.accounts.permissions import require
from patron.actors import as_actor
from patron.imports.customers import import_customers
from patron.imports.formats import FileRefused, check_upload
from patron.imports.headers import FIELDS, MappingProblem, header_key
from patron.imports.heartbeats import Heartbeat, RunLost, sweep
from patron.imports.mapping import data_columns
from patron.imports.messages import Said, as_json, on_the_web, said
from patron.imports.models import ImportRun
from patron.imports.orders import import_orders
from patron.imports.prechecks import choices_key, precheck
from patron.imports.previews import SHOWN_COLUMNS, read_preview
from patron.imports.reading import open_table
from patron.imports.retention import delete_upload
from patron.imports.summary import ImportRefused
from patron.imports.values import CALENDARS, ORDERS, AmbiguousDates
from patron.jobs.queue import queue_after_commit

IMPORTERS = {"customers": import_customers, "orders": import_orders}
PERMISSIONS = {
    "customers": ("customers.add_customer", "customers.change_customer"),
    "orders": ("sales.add_order", "sales.change_order"),
}
KEPT_REJECTS = 100
PROGRESS_EVERY = 0.5  # seconds between saves of a running import's progress
# The upload and its reject file side by side, under fixed names: kept under its own name, a
# file called rejects.csv would be overwritten by its reject file while it is being read.
UPLOAD_NAME = "upload"
REJECTS_NAME = "rejects.csv"
REFUSALS = (FileRefused, ImportRefused, MappingProblem, AmbiguousDates)
Status = ImportRun.Status
# What may be discarded: what is not being read or imported, or has waited for its job too long.
DISCARDABLE = (Status.UPLOADED, Status.REFUSED, Status.FAILED)
WAITING = (Status.PREVIEWING, Status.QUEUED)


def may_import(user, kind):
    try:
        require(user, *PERMISSIONS[kind])
    except PermissionDenied:
        return False
    return True


def importable_kinds(user):
    return [kind for kind in IMPORTERS if may_import(user, kind)]


def run_upload(*, by, kind, upload, source, country="", encoding="", date_order="", calendar=""):
    """Keep an uploaded file for an import of ``kind`` and queue the reading of its preview;
    nothing is imported yet.

    A file no import could read (too large, not a table, an archive bomb) is refused at once: it
    is not kept on disk, and the run is listed as refused with the reason. Choices the form
    should have kept from being wrong (kind, source, date order) are a ValidationError, and
    nothing is kept at all.
    """
    if kind not in IMPORTERS:
        raise ValidationError({"kind": [_("Choose customers or orders.")]})
    require(by, *PERMISSIONS[kind])
    errors = {}
    source = (source or "").strip()
    if not source or len(source) > 50:
        errors["source"] = [_("A source has 1 to 50 characters.")]
    if date_order and date_order not in ORDERS or calendar and calendar not in CALENDARS:
        errors["date_order"] = [_("Choose a date order and calendar from the lists.")]
    if errors:
        raise ValidationError(errors)
    folder = Path(settings.DATA_DIR) / "imports" / uuid.uuid4().hex
    path = folder / UPLOAD_NAME
    options = {"country": (country or "").upper(), "encoding": encoding, "date_order": date_order}
    # The reasons of rejected rows are written in the language of the person who uploads.
    options |= {"calendar": calendar, "language": translation.get_language()}
    run = ImportRun(
        kind=kind,
        source=source,
        file_name=Path(upload.name or "upload").name[-200:],
        stored_path=str(path),
        options=options,
        created_by=as_actor(by).user,
    )
    if upload.size > settings.PATRON_IMPORT_MAX_BYTES:
        too_large = gettext_noop(
            "This file is larger than %(limit)d MB: import it with the patron import command."
        )
        with on_the_web():
            return _refused_upload(run, said(too_large, limit=settings.PATRON_IMPORT_MAX_BYTES // 2**20))
    folder.mkdir(parents=True)
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    try:
        with on_the_web():
            check_upload(path)
    except FileRefused as refusal:
        shutil.rmtree(folder)
        return _refused_upload(run, refusal.message)
    run.status, run.heartbeat_at = Status.PREVIEWING, timezone.now()
    run.save()
    _queue(run, by)
    return run


def _refused_upload(run, message):
    """Save ``run`` as refused at its upload with ``message``: its file was never kept."""
    now = timezone.now()
    run.status, run.finished_at, run.file_deleted_at = Status.REFUSED, now, now
    for name, value in _told(message).items():
        setattr(run, name, value)
    run.save()
    return run


def run_get(*, pk, by):
    """The run, for a user who may import its kind (runs whose job died are marked so first)."""
    sweep()
    run = ImportRun.objects.select_related("created_by").get(pk=pk)
    require(by, *PERMISSIONS[run.kind])
    return run


def run_list(*, by, limit=20):
    sweep()
    runs = ImportRun.objects.filter(kind__in=importable_kinds(by)).select_related("created_by")
    return runs.defer("preview")[:limit]


def run_read(run_id, attempt=None):
    """Read the uploaded file's preview (the job's body): kept on the run, which is then
    "uploaded", or "refused" with the reason."""
    run = _claim(run_id, attempt, status=Status.PREVIEWING)
    if run is None:
        return
    with Heartbeat(run), translation.override(run.options.get("language")), on_the_web():
        try:
            preview = read_preview(run)
        except REFUSALS as refusal:
            _refuse(run, refusal)
            return
        except Exception as error:
            _end(run, Status.FAILED, **_failure(error))
            raise
    _end(run, Status.UPLOADED, preview=preview)


def _claim(run_id, attempt, *, status, **changes):
    """The run, taken by the job queued for its ``attempt`` and put in ``status``; None when the
    run was discarded, started again, or is no longer waiting for this job.

    A run marked failed because its job was not in the queue is taken all the same: the sweep
    looked while a worker held the job between the queue and here.
    """
    waiting = Status.QUEUED if status == Status.RUNNING else status
    claimed = ImportRun.objects.filter(pk=run_id, status__in=[waiting, Status.FAILED], attempt=attempt)
    if attempt is None:  # a job queued before runs counted their attempts
        claimed = ImportRun.objects.filter(pk=run_id, status=waiting)
    if not claimed.update(
        status=status, message="", said={}, finished_at=None, heartbeat_at=timezone.now(), **changes
    ):
        return None
    return ImportRun.objects.select_related("created_by").get(pk=run_id)


def run_choose(*, run, by, mapping, column="", field="", date_order=None, calendar=None):
    """Keep the fields, date order and calendar chosen on the preview page, and give ``field`` to
    ``column``, a column of a file too wide for the page named by the user. The page is then
    shown again with them, its cells read with them."""
    require(by, *PERMISSIONS[run.kind])
    _check_fields(run, [*mapping.values(), field])
    if run.status != Status.UPLOADED:
        raise ValidationError(_("This import has already been started."))
    options = dict(run.options)
    if date_order is not None and calendar is not None:
        options["date_order"] = date_order if date_order in ORDERS else ""
        options["calendar"] = calendar if calendar in CALENDARS else ""
    preview = run.preview
    chosen = {**preview["mapping"], **mapping}
    if column:
        column, index = _column_named(run, column)
        chosen = {other: mapped for other, mapped in chosen.items() if mapped != field or not field}
        chosen[column] = field
        if index >= SHOWN_COLUMNS and [index, column] not in preview["choices"]:
            preview["choices"].append([index, column])
    preview["mapping"] = {column: mapped for column, mapped in chosen.items() if mapped}
    ImportRun.objects.filter(pk=run.pk, status=Status.UPLOADED).update(preview=preview, options=options)
    run.preview, run.options = preview, options
    return run


def run_check(*, run, by, mapping, date_order="", calendar=""):
    """Check, before it starts, which rows of an orders file the import would reject with these
    choices ({column: field or ""}); kept on the preview (see :mod:`patron.imports.prechecks`)."""
    require(by, *PERMISSIONS[run.kind])
    _check_fields(run, mapping.values())
    if run.status != Status.UPLOADED or run.kind != "orders":
        raise ValidationError(_("This import has already been started."))
    if run.file_deleted_at:
        raise ValidationError(_("This file has been deleted: upload it again to import it."))
    check = precheck(run, mapping=mapping, date_order=date_order, calendar=calendar)
    preview = {**run.preview, "check": check}
    ImportRun.objects.filter(pk=run.pk, status=Status.UPLOADED).update(preview=preview)
    run.preview = preview
    return check


def checked_for(run, mapping, date_order="", calendar=""):
    """The check kept on the run when it was made for these choices, else None."""
    check = (run.preview or {}).get("check")
    if check and check["key"] == choices_key(mapping, date_order, calendar):
        return check
    return None


def _column_named(run, name):
    """(column, its index) for a name typed on the page: the header exactly, or folded like headers
    when that finds one column. Only the header of the file is read."""
    name = name.strip()
    with open_table(run.stored_path, encoding=run.options.get("encoding") or None) as table:
        columns = data_columns(table.header)
    if name in columns:
        return name, columns.index(name)
    key = header_key(name)
    found = [index for index, column in enumerate(columns) if header_key(column) == key]
    if len(found) != 1:
        raise ValidationError(_("The file has no column “%(column)s”.") % {"column": name})
    return columns[found[0]], found[0]


def _check_fields(run, fields):
    known = set(FIELDS[run.kind])
    if any(field and field not in known for field in fields):
        raise ValidationError(_("Choose each column's field from the list."))


def run_start(*, run, by, mapping, date_order="", calendar=""):
    """Queue the import with the columns mapped as the user chose: {column: field or ""}."""
    require(by, *PERMISSIONS[run.kind])
    _check_fields(run, mapping.values())
    options = {
        **run.options,
        "overrides": [f"{column}={field}" for column, field in mapping.items()],
        "date_order": date_order if date_order in ORDERS else run.options.get("date_order", ""),
        "calendar": calendar if calendar in CALENDARS else run.options.get("calendar", ""),
    }
    if run.file_deleted_at:
        raise ValidationError(_("This file has been deleted: upload it again to import it."))
    # A conditional update, so that a double click or two tabs queue the file once.
    queued = ImportRun.objects.filter(pk=run.pk, status=Status.UPLOADED, file_deleted_at=None).update(
        options=options, status=Status.QUEUED, heartbeat_at=timezone.now()
    )
    if not queued:
        raise ValidationError(_("This import has already been started."))
    run.options, run.status = options, Status.QUEUED
    _queue(run, by)
    return run


def _queue(run, by):
    """Queue, after the commit, the job of the run's status: the next attempt of reading or
    importing its file, asked by ``by``."""
    from patron.imports import jobs  # the job module imports this one

    ImportRun.objects.filter(pk=run.pk).update(attempt=F("attempt") + 1)
    run.attempt = ImportRun.objects.values_list("attempt", flat=True).get(pk=run.pk)
    task = jobs.run_read if run.status == Status.PREVIEWING else jobs.run_execute
    queue_after_commit(task, run.pk, run.attempt, requested_by=as_actor(by).user_id)


def run_execute(run_id, attempt=None, *, by):
    """Run a queued import (the job's body, ``by`` the system asked by who started it, whose
    permissions it has): progress, then the summary, a refusal or a failure."""
    run = _claim(run_id, attempt, status=Status.RUNNING, started_at=timezone.now())
    if run is None:
        return  # no longer queued: another worker took it, or it was discarded
    with Heartbeat(run) as heartbeat:
        _import(run, heartbeat, by)


def _import(run, heartbeat, by):
    """The import of a claimed run, its outcome saved on it. The orders it records are announced
    by the importer (:mod:`patron.sales.events`)."""
    options = run.options
    saved = [0.0]
    mine = ImportRun.objects.filter(pk=run.pk, status=Status.RUNNING, attempt=run.attempt)

    def progress(done, estimate):
        heartbeat.check()
        now = time.monotonic()
        if now - saved[0] >= PROGRESS_EVERY:
            saved[0] = now
            if not mine.update(rows_done=done, rows_estimated=estimate, heartbeat_at=timezone.now()):
                raise RunLost

    rejects = Path(run.stored_path).with_name(REJECTS_NAME)
    try:
        with translation.override(options.get("language")), on_the_web():
            summary = IMPORTERS[run.kind](
                run.stored_path,
                by=by,
                source=run.source,
                country=options.get("country") or None,
                encoding=options.get("encoding") or None,
                date_order=options.get("date_order") or None,
                calendar=options.get("calendar") or None,
                overrides=options.get("overrides", ()),
                rejects_path=rejects,
                progress=progress,
            )
    except RunLost:
        return  # marked failed meanwhile, or taken by a retry: theirs to report
    except (*REFUSALS, PermissionDenied) as refusal:
        with translation.override(options.get("language")):
            _refuse(run, refusal)
        return
    except Exception as error:
        with translation.override(options.get("language")):
            _end(run, Status.FAILED, **_failure(error))
        raise
    _end(
        run,
        Status.FINISHED,
        summary={
            **summary.as_dict(),
            # Each reason as written in the reject file, and its message ids for the page.
            "rejects": [
                [r.row, r.column, str(r.reason), as_json(r.reason)] for r in summary.rejects[:KEPT_REJECTS]
            ],
        },
        reject_path=summary.reject_file or "",
        rows_done=summary.read,
        rows_estimated=summary.read,
    )


def _end(run, status, **changes):
    """Save the outcome of the job that took ``run``, unless the run is no longer that job's;
    whether it was saved."""
    return ImportRun.objects.filter(pk=run.pk, status=run.status, attempt=run.attempt).update(
        status=status, finished_at=timezone.now(), **changes
    )


def _refuse(run, refusal):
    """Mark the run refused, with the reason, and delete its file: nothing will be imported from
    it. The run stays listed as refused."""
    message = getattr(refusal, "message", "") or str(refusal)
    if not message:  # a PermissionDenied without words
        message = said(gettext_noop("Your role may not import this file."))
    if _end(run, Status.REFUSED, **_told(message)):
        delete_upload(run)


def _failure(error):
    """The message of a job that failed on an unexpected error (the details for whoever runs
    Patron, in the worker's log and the failed jobs)."""
    message = gettext_noop(
        "The import stopped on an unexpected error (%(error)s): retry it, or tell whoever runs Patron."
    )
    return _told(said(message, error=f"{type(error).__name__}: {error}"[:500]))


def _told(message):
    """The run's message fields: the text in the uploader's language, and its id and parameters
    for the page to word it again in each reader's."""
    return {"message": str(message), "said": message.as_json() if isinstance(message, Said) else {}}


def run_retry(*, run, by):
    """Queue a failed run again: its preview when it has none, else its import from the start.

    Importers are idempotent: the rows a first attempt committed are found and not written again.
    """
    require(by, *PERMISSIONS[run.kind])
    if run.file_deleted_at:
        raise ValidationError(_("This file has been deleted: upload it again to import it."))
    status = Status.QUEUED if run.preview else Status.PREVIEWING
    retried = ImportRun.objects.filter(pk=run.pk, status=Status.FAILED).update(
        said={},
        status=status,
        message="",
        rows_done=0,
        rows_estimated=None,
        summary={},
        reject_path="",
        started_at=None,
        finished_at=None,
        heartbeat_at=timezone.now(),
    )
    if not retried:
        raise ValidationError(_("Only a failed import can be retried."))
    run.status = status
    _queue(run, by)
    return run


def may_discard(run):
    return run.status in DISCARDABLE or run.status in WAITING and run.is_silent


def run_discard(*, run, by):
    """Forget an upload that is not being imported, and its file (not what it imported)."""
    require(by, *PERMISSIONS[run.kind])
    if not may_discard(run) or not ImportRun.objects.filter(pk=run.pk, status=run.status).delete()[0]:
        raise ValidationError(_("Only an import that is not running can be discarded."))
    delete_upload(run)
