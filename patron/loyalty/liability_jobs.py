"""The loyalty page's figures computed afresh in the background (liability_snapshot): when the
page finds them out of date and too slow for a request, when a Marketer or an Admin asks, and
each night after the expiry of points (jobs.points_expire_nightly)."""

from patron.jobs.queue import job
from patron.loyalty import liability_snapshot
from patron.workspace.services import get_workspace


@job(retries=0)
def liability_refresh():
    """Compute the loyalty page's figures for the data as it is now and keep them.

    It reads sums every staff member's page may show and writes only the kept figures, so it
    acts for nobody and takes no requester. Not retried: the next view queues it again if need be.
    """
    liability_snapshot.compute(get_workspace())
