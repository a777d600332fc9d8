"""Reminders in the background (patron.tasks.reminders says how each fires once): a job at each
reminder's time, queued when it is made or moved; a sweep every minute and one when a worker
starts, for reminders whose job was lost with a worker that stopped, or that fell due while no
worker ran. And the follow-up rules' tasks for orders recorded (patron.tasks.recurrence)."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, close_db, db_periodic_task

from patron.jobs.queue import job, queue_after_commit
from patron.tasks import recurrence, reminders
from patron.tasks.models import FollowUpRule, Reminder


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


@job
def follow_ups_create(order_ids):
    """The tasks the follow-up rules make for orders just recorded (patron.tasks.recurrence)."""
    recurrence.follow_ups_create(order_ids)


@job
def follow_ups_for_import(source, started_at):
    """The same for an import's recent orders (an import of old orders makes none)."""
    recurrence.follow_ups_create(recurrence.imported_orders(source, started_at))


def orders_recorded_follow_up(sender, *, event, **kwargs):
    """Connected to patron.sales.events.orders_recorded: orders recorded one at a time."""
    if event.created and FollowUpRule.objects.filter(active=True).exists():
        follow_ups_create(list(event.created))


def orders_imported_follow_up(sender, *, event, **kwargs):
    """Connected to patron.sales.events.orders_imported: only when some order it recorded is
    recent enough for a rule's task to be still to come."""
    since = recurrence.follow_up_window() if event.created else None
    if since is not None and event.placed_to is not None and event.placed_to > since:
        follow_ups_for_import(event.source, event.started_at)
