"""Imports from the web page: upload, preview, run as a background job, report.

    run = run_upload(by=user, kind="orders", upload=request.FILES["file"], source="pos", ...)
    preview = run_preview(run=run, by=user)        # first rows, detected format and mapping
    run_start(run=run, by=user, mapping={...})      # queues patron.imports.jobs.import_run
    run_execute(run_id)                             # in the worker: the same importer as the CLI

Nothing is written to customers or orders before run_start; the importers then work as on the
command line, batch by batch, and the run records their progress and summary.
"""

import itertools
import shutil
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from patron.accounts.permissions import require_perm
from patron.imports.customers import import_customers
from patron.imports.formats import FileRefused
from patron.imports.headers import FIELDS, MappingProblem, ambiguous_columns
from patron.imports.mapping import blank_columns, data_columns, date_reader_for, mapping_for
from patron.imports.models import ImportRun
from patron.imports.orders import LINE_FIELDS, import_orders, order_number_search, reading_mapping
from patron.imports.reading import open_table
from patron.imports.summary import ImportRefused
from patron.imports.values import CALENDARS, ORDERS, AmbiguousDates
from patron.scoring.jobs import score_after_import

IMPORTERS = {"customers": import_customers, "orders": import_orders}
PERMISSIONS = {
    "customers": ("customers.add_customer", "customers.change_customer"),
    "orders": ("sales.add_order", "sales.change_order"),
}
DATE_FIELDS = {"customers": "birthday", "orders": "placed_at"}
PREVIEW_ROWS = 10
KEPT_REJECTS = 100
PROGRESS_EVERY = 0.5  # seconds between saves of a running import's progress
# The upload and its reject file side by side, under fixed names: kept under its own name, a
# file called rejects.csv would be overwritten by its reject file while it is being read.
UPLOAD_NAME = "upload"
REJECTS_NAME = "rejects.csv"
REFUSALS = (FileRefused, ImportRefused, MappingProblem, AmbiguousDates)


def may_import(user, kind):
    try:
        require_perm(user, *PERMISSIONS[kind])
    except PermissionDenied:
        return False
    return True


def importable_kinds(user):
    return [kind for kind in IMPORTERS if may_import(user, kind)]


def run_upload(*, by, kind, upload, source, country="", encoding="", date_order="", calendar=""):
    """Keep an uploaded file for an import of ``kind``; nothing is imported yet."""
    if kind not in IMPORTERS:
        raise ValidationError({"kind": [_("Choose customers or orders.")]})
    require_perm(by, *PERMISSIONS[kind])
    errors = {}
    source = (source or "").strip()
    if not source or len(source) > 50:
        errors["source"] = [_("A source has 1 to 50 characters.")]
    if upload.size > settings.PATRON_IMPORT_MAX_BYTES:
        errors["file"] = [
            _("This file is larger than %(limit)d MB: import it with the patron import command.")
            % {"limit": settings.PATRON_IMPORT_MAX_BYTES // 2**20}
        ]
    if date_order and date_order not in ORDERS or calendar and calendar not in CALENDARS:
        errors["date_order"] = [_("Choose a date order and calendar from the lists.")]
    if errors:
        raise ValidationError(errors)
    folder = Path(settings.DATA_DIR) / "imports" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    name = Path(upload.name or "upload").name[-200:]
    path = folder / UPLOAD_NAME
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    options = {"country": (country or "").upper(), "encoding": encoding, "date_order": date_order}
    # The reasons of rejected rows are written in the language of the person who uploads.
    options |= {"calendar": calendar, "language": translation.get_language()}
    return ImportRun.objects.create(
        kind=kind, source=source, file_name=name, stored_path=str(path), options=options, created_by=by
    )


def run_get(*, pk, by):
    """The run, for a user who may import its kind."""
    run = ImportRun.objects.select_related("created_by").get(pk=pk)
    require_perm(by, *PERMISSIONS[run.kind])
    return run


def run_list(*, by, limit=20):
    return ImportRun.objects.filter(kind__in=importable_kinds(by)).select_related("created_by")[:limit]


def run_preview(*, run, by):
    """What the file holds and how it will be read: a dict for the preview page.

    {"refused": message} when the file cannot be imported at all; otherwise format,
    encoding, delimiter, columns, the first rows, the mapping {column: field}, the fields of
    the kind, and "dates": a message when the date column needs a date order. For orders
    also: "order_number", the column proposed as the order number when no header names it
    (with "other_numbers", other columns that could be it), or "no_order_number"; "ignored",
    the columns that would not be imported; "ambiguous", {column: the fields it could be}.
    """
    require_perm(by, *PERMISSIONS[run.kind])
    options = run.options
    try:
        with open_table(run.stored_path, encoding=options.get("encoding") or None) as table:
            columns = data_columns(table.header)
            mapping = mapping_for(run.kind, run.source, columns, options.get("overrides", ()))
            rows = [row.values[: len(columns)] for row in itertools.islice(table.rows(), PREVIEW_ROWS)]
            preview = {
                "format": table.format,
                "encoding": table.encoding,
                "delimiter": table.delimiter,
                "estimated_rows": table.estimated_rows(),
                "columns": columns,
                "rows": rows,
                "mapping": mapping,
                "fields": list(FIELDS[run.kind]),
                "dates": _date_problem(table, run, mapping),
            }
            if run.kind == "orders":
                preview |= _order_columns(table, run, columns, mapping)
    except REFUSALS as refusal:
        return {"refused": _message(refusal)}
    return preview


def _order_columns(table, run, columns, mapping):
    """What the preview of an orders file says about its order number and unused columns.

    With no column mapped to the order number, the column that looks most like it is proposed
    (in ``mapping``, so that the page offers it), with the evidence, for the user to confirm.
    """
    found = []
    if "order_id" not in mapping.values():
        blank = blank_columns(run.kind, run.source, columns, run.options.get("overrides", ()))
        found = [c for c in order_number_search(table, columns, mapping) if c.column not in blank]
        if found:
            mapping[found[0].column] = "order_id"
    reading = reading_mapping(mapping, lines=bool(set(mapping.values()) & LINE_FIELDS))
    return {
        "order_number": found[0] if found else None,
        "other_numbers": [candidate.column for candidate in found[1:]],
        "no_order_number": "order_id" not in mapping.values(),
        "ignored": [column for column in columns if column not in reading],
        "ambiguous": ambiguous_columns(run.kind, columns, mapping),
    }


def _date_problem(table, run, mapping):
    """The message of a date column that needs its order told, or ""."""
    options = run.options
    try:
        date_reader_for(
            table,
            mapping,
            DATE_FIELDS[run.kind],
            order=options.get("date_order") or None,
            calendar=options.get("calendar") or None,
        )
    except AmbiguousDates as problem:
        return problem.message
    return ""


def run_start(*, run, by, mapping, date_order="", calendar=""):
    """Queue the import with the columns mapped as the user chose: {column: field or ""}."""
    require_perm(by, *PERMISSIONS[run.kind])
    known = set(FIELDS[run.kind])
    if any(field and field not in known for field in mapping.values()):
        raise ValidationError(_("Choose each column's field from the list."))
    options = {
        **run.options,
        "overrides": [f"{column}={field}" for column, field in mapping.items()],
        "date_order": date_order if date_order in ORDERS else run.options.get("date_order", ""),
        "calendar": calendar if calendar in CALENDARS else run.options.get("calendar", ""),
    }
    # A conditional update, so that a double click or two tabs queue the file once.
    queued = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.UPLOADED).update(
        options=options, status=ImportRun.Status.QUEUED
    )
    if not queued:
        raise ValidationError(_("This import has already been started."))
    run.options, run.status = options, ImportRun.Status.QUEUED
    from patron.imports.jobs import import_run  # the job module imports this one

    import_run(run.pk)
    return run


def run_execute(run_id):
    """Run a queued import (the job's body): progress, then the summary, a refusal or a failure."""
    claimed = ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.QUEUED).update(
        status=ImportRun.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return  # no longer queued: another worker took it
    run = ImportRun.objects.select_related("created_by").get(pk=run_id)
    options = run.options
    saved = [0.0]

    def progress(done, estimate):
        now = time.monotonic()
        if now - saved[0] >= PROGRESS_EVERY:
            saved[0] = now
            ImportRun.objects.filter(pk=run.pk).update(rows_done=done, rows_estimated=estimate)

    rejects = Path(run.stored_path).with_name(REJECTS_NAME)
    try:
        with translation.override(options.get("language")):
            summary = IMPORTERS[run.kind](
                run.stored_path,
                by=run.created_by,
                source=run.source,
                country=options.get("country") or None,
                encoding=options.get("encoding") or None,
                date_order=options.get("date_order") or None,
                calendar=options.get("calendar") or None,
                overrides=options.get("overrides", ()),
                rejects_path=rejects,
                progress=progress,
            )
    except (*REFUSALS, PermissionDenied) as refusal:
        _end(run, ImportRun.Status.REFUSED, message=_message(refusal))
        return
    except Exception as error:
        _end(run, ImportRun.Status.FAILED, message=f"{type(error).__name__}: {error}")
        raise
    run.summary = {
        **summary.as_dict(),
        "rejects": [[r.row, r.column, r.reason] for r in summary.rejects[:KEPT_REJECTS]],
    }
    run.reject_path = summary.reject_file or ""
    run.rows_done = summary.read
    run.rows_estimated = summary.read
    _end(run, ImportRun.Status.FINISHED)
    score_after_import(summary)


def _end(run, status, message=""):
    run.status, run.message, run.finished_at = status, message, timezone.now()
    run.save()


def _message(refusal):
    return getattr(refusal, "message", "") or str(refusal)


def run_discard(*, run, by):
    """Forget an upload that was not imported, and its file."""
    require_perm(by, *PERMISSIONS[run.kind])
    if run.status != ImportRun.Status.UPLOADED:
        raise ValidationError(_("Only an import that has not started can be discarded."))
    shutil.rmtree(Path(run.stored_path).parent, ignore_errors=True)
    run.delete()
