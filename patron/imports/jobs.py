"""Background jobs of imports."""

from patron.imports.runs import run_execute
from patron.jobs.queue import job


@job(retries=0)
def import_run(run_id):
    """Run an import started on the web page. Not retried: a rerun is the user's choice."""
    run_execute(run_id)
