"""Read-only: the failed jobs an Admin should look at (the home page)."""

from patron.jobs.models import FailedJob


def failed_jobs(limit=5):
    """The count of failed jobs kept, and the latest ``limit`` of them (counted only when there
    are that many)."""
    latest = list(FailedJob.objects.defer("traceback", "arguments")[:limit])
    return (FailedJob.objects.count() if len(latest) == limit else len(latest)), latest
