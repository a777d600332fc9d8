"""Background jobs of imports."""

from django.utils.translation import gettext_lazy as _
from huey import crontab
from huey.contrib.djhuey import HUEY, close_db, db_periodic_task

from patron.actors import Actor, register_job
from patron.imports import retention, runs
from patron.imports.heartbeats import sweep
from patron.jobs.queue import job

register_job("run_execute", _("import"))


@job(retries=0)
def run_read(run_id, attempt=None, requested_by=None):
    """Read an uploaded file's preview; it writes nothing but the run (``requested_by``, who
    uploaded it, is kept with the job's arguments). Not retried: a failed run offers Retry."""
    runs.run_read(run_id, attempt)


@job(retries=0)
def run_execute(run_id, attempt=None, requested_by=None):
    """Run an import started on the web page, as the system asked by the user of id
    ``requested_by``, with their permissions. Not retried: a rerun is the user's choice."""
    runs.run_execute(run_id, attempt, by=Actor.for_job("run_execute", requested_by))


@db_periodic_task(crontab(minute="*"))
def sweep_import_runs():
    """Mark failed the web imports whose worker died (see patron.imports.heartbeats)."""
    sweep()


@HUEY.on_startup()
@close_db
def sweep_import_runs_at_start():
    """A worker that starts marks the imports its predecessor left running."""
    sweep()


@db_periodic_task(crontab(minute="23"))
def uploads_delete_expired():
    """Every hour: delete the uploaded files older than the workspace keeps them (see
    patron.imports.retention); their imports stay listed."""
    retention.uploads_delete_expired()
