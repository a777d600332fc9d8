"""Read-only: the failed jobs an Admin should look at (the home page)."""

from patron.jobs.models import FailedJob


def failed_jobs(limit=5):
    """The count of failed jobs kept, and the latest ``limit`` of them."""
    return FailedJob.objects.count(), list(FailedJob.objects.defer("traceback", "arguments")[:limit])
