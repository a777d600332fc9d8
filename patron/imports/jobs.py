"""Background jobs of imports."""

from huey import crontab
from huey.contrib.djhuey import HUEY, close_db, db_periodic_task

from patron.imports.heartbeats import sweep
from patron.imports.runs import run_execute, run_read
from patron.jobs.queue import job


@job(retries=0)
def read_run(run_id, attempt=None):
    """Read an uploaded file's preview. Not retried: a failed run offers Retry on its page."""
    run_read(run_id, attempt)


@job(retries=0)
def import_run(run_id, attempt=None):
    """Run an import started on the web page. Not retried: a rerun is the user's choice."""
    run_execute(run_id, attempt)


@db_periodic_task(crontab(minute="*"))
def sweep_import_runs():
    """Mark failed the web imports whose worker died (see patron.imports.heartbeats)."""
    sweep()


@HUEY.on_startup()
@close_db
def sweep_import_runs_at_start():
    """A worker that starts marks the imports its predecessor left running."""
    sweep()
