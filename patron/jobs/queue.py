"""The job queue: huey, set up once. Every job is a plain function first; `job` only
schedules it, with retries, and a job that fails its last retry is kept as a FailedJob."""

import traceback

from django.conf import settings
from huey import signals
from huey.contrib.djhuey import HUEY, db_task

from patron.jobs.models import FailedJob


def job(function=None, *, retries=None, retry_delay=None):
    """Make `function` a background job: `function(...)` runs now, `function.delay(...)` queues it."""

    def wrap(fn):
        task = db_task(
            retries=settings.PATRON_JOB_RETRIES if retries is None else retries,
            retry_delay=settings.PATRON_JOB_RETRY_DELAY if retry_delay is None else retry_delay,
        )(fn)
        return task

    return wrap(function) if function else wrap


@HUEY.signal(signals.SIGNAL_ERROR)
def keep_final_failure(signal, task, exc=None):
    if task.retries:
        return  # huey queues it again
    FailedJob.objects.create(
        task_id=task.id,
        name=task.name,
        arguments=repr((task.args, task.kwargs))[:5000],
        error=f"{type(exc).__name__}: {exc}",
        traceback=traceback.format_exc(),
    )
