"""The job queue: huey, set up once. `job` makes a function a huey task, with retries:
calling it queues it (in tests, PATRON_QUEUE_IMMEDIATE runs it at once), `.call_local(...)`
runs it here, and a job that fails its last retry is kept as a FailedJob."""

import traceback

from django.conf import settings
from huey import signals
from huey.contrib.djhuey import HUEY, db_task

from patron.jobs.models import FailedJob


def job(function=None, *, retries=None, retry_delay=None):
    """Make `function` a background job: `function(...)` queues it, `function.call_local(...)` runs it now."""

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
