"""Signs of life of a web import's job, and what becomes of a run whose job gives none.

While a job reads or imports a file, a thread beside it saves the run's ``heartbeat_at`` every
few seconds, however slow a batch is. A run that is reading, waiting or importing, and whose
job has been silent for longer than ``PATRON_IMPORT_HEARTBEAT`` seconds, is marked failed by
``sweep``: its worker died (killed, out of memory, the machine restarted), or its job is no
longer in the queue. A run still waiting in the queue behind other jobs is left alone. The
sweep runs when the imports or a run's page are viewed, every minute in the worker, and when
a worker starts; the failed run's page offers Retry and Discard.
"""

import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from patron.imports.messages import said
from patron.imports.models import ImportRun

logger = logging.getLogger(__name__)
Status = ImportRun.Status


def beat_every():
    """Seconds between heartbeats: at most 5, and four beats within the limit."""
    return max(0.1, min(5.0, settings.PATRON_IMPORT_HEARTBEAT / 4))


class RunLost(Exception):
    """The run is no longer this job's: it was marked failed, retried or discarded meanwhile."""


class Heartbeat:
    """``with Heartbeat(run):`` saves the run's heartbeat every few seconds from a thread.

    ``run`` must be in the status and attempt its job took it in; when the run is found in
    another (the sweep marked it failed, a retry took it), ``lost`` is set and the beats stop.
    """

    def __init__(self, run):
        self.run = ImportRun.objects.filter(pk=run.pk, status=run.status, attempt=run.attempt)
        self.lost = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"import-{run.pk}-heartbeat", daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join()

    def check(self):
        """Raise RunLost when the run is no longer this job's."""
        if self.lost.is_set():
            raise RunLost

    def _beat(self):
        try:
            while not self._stop.wait(beat_every()):
                try:
                    alive = self.run.update(heartbeat_at=timezone.now())
                except DatabaseError as error:  # a busy database: the next beat tries again
                    logger.warning("Import heartbeat not saved: %s", error)
                    continue
                if not alive:
                    self.lost.set()
                    return
        finally:
            connection.close()  # this thread's own connection


def sweep():
    """Mark failed each active run whose job has been silent for longer than the limit, and
    say why in the language of whoever uploaded it. Returns how many were marked."""
    limit = settings.PATRON_IMPORT_HEARTBEAT
    now = timezone.now()
    active = ImportRun.objects.filter(status__in=[Status.PREVIEWING, Status.QUEUED, Status.RUNNING])
    silent = [run for run in active.only("status", "options", "heartbeat_at", "attempt") if _silent(run, now)]
    if not silent:
        return 0
    waiting = _waiting_in_queue() if any(run.status != Status.RUNNING for run in silent) else set()
    marked = 0
    for run in silent:
        if run.status != Status.RUNNING and run.pk in waiting:
            continue
        with translation.override(run.options.get("language")):
            message = _message(run.status, limit)
        # Only if no beat and no job came meanwhile.
        marked += ImportRun.objects.filter(
            pk=run.pk, status=run.status, attempt=run.attempt, heartbeat_at=run.heartbeat_at
        ).update(status=Status.FAILED, message=message, said=message.as_json(), finished_at=now)
    return marked


def _silent(run, now):
    limit = timedelta(seconds=settings.PATRON_IMPORT_HEARTBEAT)
    return run.heartbeat_at is None or run.heartbeat_at < now - limit


def _message(status, limit):
    if status == Status.RUNNING:
        return said(
            gettext_noop("The import stopped: its worker gave no sign of life for %(seconds)d seconds."),
            seconds=limit,
        )
    if status == Status.QUEUED:
        return said(gettext_noop("The import did not start: its job is no longer in the queue."))
    return said(gettext_noop("The file was not read: its job stopped or is no longer in the queue."))


def _waiting_in_queue():
    """The runs whose job (reading or importing) is still waiting in the queue."""
    from huey.contrib.djhuey import HUEY

    from patron.imports.jobs import run_execute, run_read  # jobs import runs, which import this module

    kinds = (run_execute.task_class, run_read.task_class)
    return {task.args[0] for task in HUEY.pending() if isinstance(task, kinds) and task.args}
