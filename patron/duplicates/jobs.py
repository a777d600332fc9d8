"""Background jobs of duplicates."""

from patron.duplicates.scanning import scan_run
from patron.jobs.queue import job


@job(retries=0)
def find_duplicates(scan_id):
    """The scan asked for on the review page (see scanning.scan_request). Not retried: it is asked
    for again."""
    scan_run(scan_id)
