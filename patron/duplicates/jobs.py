"""Background jobs of duplicates."""

from django.utils.translation import gettext_lazy as _

from patron.actors import Actor, register_job
from patron.duplicates import scanning
from patron.jobs.queue import job

register_job("scan_run", _("search for duplicates"))


@job(retries=0)
def scan_run(scan_id, requested_by=None):
    """The scan asked for on the review page (see scanning.scan_request), as the system asked by
    the user of id ``requested_by``. Not retried: it is asked for again."""
    scanning.scan_run(scan_id, by=Actor.for_job("scan_run", requested_by))
