"""The job queue: huey, set up once. `job` makes a function a huey task, with retries:
calling it queues it (in tests, PATRON_QUEUE_IMMEDIATE runs it at once), `.call_local(...)`
runs it here, and a job that fails its last retry is kept as a FailedJob.

Services queue their jobs with `queue_after_commit`, never by calling the job inside their
transaction: a worker must find the rows the job is about, and a request rolled back queues
nothing. A job is named like the service it runs and takes ``requested_by``, the id of the
user who asked (None when scheduled); it calls its service as
``Actor.for_job(<its name>, requested_by)`` (patron.actors), so what it writes says "system,
asked by ...", and the job's name is registered with its words (`patron.actors.register_job`).
"""

import traceback

from django.conf import settings
from huey import signals
from huey.contrib.djhuey import HUEY, db_task

from patron.commits import after_commit
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


# queue_after_commit(task, *args, **kwargs) queues the task's call once the transaction commits
# (calling a task queues it).
queue_after_commit = after_commit


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
