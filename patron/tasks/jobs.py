"""Reminders in the background (patron.tasks.reminders says how each fires once): a job at each
reminder's time, queued when it is made or moved; a sweep every minute and one when a worker
starts, for reminders whose job was lost with a worker that stopped, or that fell due while no
worker ran."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, close_db, db_periodic_task

from patron.jobs.queue import job, queue_after_commit
from patron.tasks import reminders
from patron.tasks.models import Reminder


@job(retries=0)
def reminder_fire(reminder_id):
    """Fire the reminder if it is due and unsent (not retried by the queue: the minute's sweep
    fires a reminder left unsent, and a retry a moment later would find it early anyway)."""
    reminders.reminder_fire(reminder_id)


@db_periodic_task(crontab(minute="*"))
def reminders_fire_due():
    reminders.reminders_fire_due()


@HUEY.on_startup()
@close_db
def reminders_fire_due_at_start():
    reminders.reminders_fire_due()


def reminders_schedule(task_id):
    """Queue a reminder_fire at the time of each unsent reminder of the task, once the current
    transaction commits (a reminder moved since is found early by its old job, which does
    nothing, and fired by its new one)."""
    queue_after_commit(_schedule, task_id)


def _schedule(task_id):
    now = timezone.now()
    unsent = Reminder.objects.filter(task_id=task_id, sent_at__isnull=True)
    for pk, fire_at in unsent.values_list("pk", "fire_at"):
        reminder_fire.schedule(args=(pk,), eta=max(fire_at, now))
