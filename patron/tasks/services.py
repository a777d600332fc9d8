"""Tasks: create, change, complete, cancel and snooze, each with its permission check, in one
transaction. A task's reminders are fired by patron.tasks.reminders: making or moving them
queues a job at each one's time once the transaction commits (patron.tasks.jobs).
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from patron.accounts.permissions import require
from patron.actors import as_actor
from patron.interactions.services import interaction_log
from patron.tasks.events import announce_completed
from patron.tasks.jobs import reminders_schedule
from patron.tasks.models import Reminder, Task
from patron.tasks.recurrence import check_repeat, task_repeat

TITLE_LIMIT = 200
REMINDERS_LIMIT = 10
# Four weeks: a reminder further ahead than that is a task of its own.
OFFSET_LIMIT = 4 * 7 * 24 * 60
_UNSET = object()


def assignee_by_username(username):
    """The active member of staff named ``username``, or ValidationError at ``assignee``."""
    username = (username or "").strip()
    field = get_user_model().USERNAME_FIELD
    user = (
        get_user_model().objects.filter(**{field: username, "is_active": True}).first() if username else None
    )
    if user is None:
        raise ValidationError(
            {"assignee": [_("There is no active member of staff named %(name)s.") % {"name": username}]}
        )
    return user


def _check_title(title, errors):
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("Give the task a title: what is to be done.")]
    elif len(title) > TITLE_LIMIT:
        errors["title"] = [_("At most %(limit)d characters.") % {"limit": TITLE_LIMIT}]
    return title


def _check_due(due_at, errors):
    if due_at is None:
        errors["due_at"] = [_("Say when the task is due.")]
    elif timezone.is_naive(due_at):
        errors["due_at"] = [_("Give the time with its time zone.")]


def _check_kind(kind, errors):
    if kind not in Task.Kind.values:
        errors["kind"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(Task.Kind.values)}]


def _check_assignee(assignee, errors):
    if assignee is None or not assignee.is_active:
        errors["assignee"] = [_("Assign the task to an active member of staff.")]


def _check_offsets(offsets, errors):
    offsets = list(offsets or ())
    if len(offsets) > REMINDERS_LIMIT:
        errors["remind_before_minutes"] = [
            _("At most %(limit)d reminders a task.") % {"limit": REMINDERS_LIMIT}
        ]
        return offsets
    for position, minutes in enumerate(offsets):
        if isinstance(minutes, bool) or not isinstance(minutes, int):
            message = _("Give the minutes before the due time as a whole number.")
        elif minutes < 0:
            message = _("A reminder comes before the due time: give 0 or more minutes.")
        elif minutes > OFFSET_LIMIT:
            message = _("A reminder comes at most %(limit)d minutes (four weeks) before the due time.") % {
                "limit": OFFSET_LIMIT
            }
        elif minutes in offsets[:position]:
            message = _("Give each reminder once.")
        else:
            continue
        errors[f"remind_before_minutes.{position}"] = [message]
    return offsets


def _raise(errors):
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def task_create(
    *,
    by,
    title,
    due_at,
    assignee,
    customer=None,
    organisation=None,
    kind=Task.Kind.OTHER,
    notes="",
    remind_before_minutes=(),
    repeat_every_days=None,
    repeats=None,
    rule=None,
    order=None,
):
    """A task on ``customer`` or ``organisation`` (one of the two), due at ``due_at`` (aware),
    for ``assignee``, with a reminder ``m`` minutes before the due time for each m given.

    ``repeat_every_days``: once done, the task is followed by the next that many days later
    (patron.tasks.recurrence). ``repeats``, ``rule`` and ``order``: what made it (the task it
    follows; a follow-up rule and its order), for the recurrence's own use."""
    actor = as_actor(by)
    require(actor, "tasks.add_task", customer=customer)
    errors = {}
    if (customer is None) == (organisation is None):
        errors["customer"] = [_("Say whom the task is about: a customer or an organisation.")]
    elif customer is not None and customer.merged_into_id:
        errors["customer"] = [_("This customer was merged into another one.")]
    title = _check_title(title, errors)
    _check_due(due_at, errors)
    _check_kind(kind, errors)
    _check_assignee(assignee, errors)
    offsets = _check_offsets(remind_before_minutes, errors)
    check_repeat(repeat_every_days, errors)
    _raise(errors)
    task = Task.objects.create(
        customer=customer,
        organisation=organisation,
        title=title,
        kind=kind,
        due_at=due_at,
        assignee=assignee,
        notes=notes or "",
        repeat_every_days=repeat_every_days,
        repeats=repeats,
        rule=rule,
        order=order,
        **actor.columns("created_by"),
    )
    Reminder.objects.bulk_create(
        Reminder(task=task, minutes_before=minutes, fire_at=_fire_at(due_at, minutes)) for minutes in offsets
    )
    if offsets:
        reminders_schedule(task.pk)
    return task


def _fire_at(due_at, minutes):
    return due_at - timedelta(minutes=minutes)


def _locked(task):
    return Task.objects.select_for_update().get(pk=task.pk)


@transaction.atomic
def task_update(
    *,
    by,
    task,
    title=_UNSET,
    due_at=_UNSET,
    assignee=_UNSET,
    notes=_UNSET,
    kind=_UNSET,
    remind_before_minutes=_UNSET,
    repeat_every_days=_UNSET,
):
    """Change what is given (``repeat_every_days`` None: the task no longer repeats). A new due
    time moves the reminders not yet sent with it (sent ones stay as they went); new offsets
    replace the unsent reminders, and an offset already sent is not sent again. A done or
    cancelled task keeps its time, assignee and reminders."""
    require(by, "tasks.change_task", customer=task.customer_id)
    task = _locked(task)
    if task.status != Task.Status.OPEN:
        kept = {"due_at": due_at, "assignee": assignee, "remind_before_minutes": remind_before_minutes}
        message = _("This task is closed: its time, assignee and reminders stay as they were.")
        _raise({name: [message] for name, value in kept.items() if value is not _UNSET})
    errors = {}
    if title is not _UNSET:
        task.title = _check_title(title, errors)
    if due_at is not _UNSET:
        _check_due(due_at, errors)
        task.due_at = due_at
        task.snoozed_until = None
    if assignee is not _UNSET:
        _check_assignee(assignee, errors)
        task.assignee = assignee
    if notes is not _UNSET:
        task.notes = notes or ""
    if kind is not _UNSET:
        _check_kind(kind, errors)
        task.kind = kind
    if remind_before_minutes is not _UNSET:
        offsets = _check_offsets(remind_before_minutes, errors)
    if repeat_every_days is not _UNSET:
        task.repeat_every_days = check_repeat(repeat_every_days, errors)
    _raise(errors)
    task.save()
    if remind_before_minutes is not _UNSET:
        _reminders_set(task, offsets)
    elif due_at is not _UNSET:
        _reminders_move(task)
    if remind_before_minutes is not _UNSET or due_at is not _UNSET:
        reminders_schedule(task.pk)
    return task


def _reminders_move(task):
    unsent = list(task.reminders.filter(sent_at__isnull=True))
    for reminder in unsent:
        reminder.fire_at = _fire_at(task.due_at, reminder.minutes_before)
    Reminder.objects.bulk_update(unsent, ["fire_at"])


def _reminders_set(task, offsets):
    task.reminders.filter(sent_at__isnull=True).exclude(minutes_before__in=offsets).delete()
    _reminders_move(task)
    present = set(task.reminders.values_list("minutes_before", flat=True))
    Reminder.objects.bulk_create(
        Reminder(task=task, minutes_before=minutes, fire_at=_fire_at(task.due_at, minutes))
        for minutes in offsets
        if minutes not in present
    )


@transaction.atomic
def task_complete(*, by, task, interaction=None):
    """Mark the task done now; its reminders not yet sent are deleted, so never sent. A task
    that repeats is followed by the next, made in the same transaction (patron.tasks.recurrence).

    ``interaction``: a dict of interaction_log's arguments (channel, direction, subject, body) to
    log the contact on the task's customer or organisation in the same transaction (the subject
    defaults to the task's title). Completing a done task again changes nothing and logs
    nothing, so a retried request is harmless; a cancelled task cannot be completed.
    """
    require(by, "tasks.change_task", customer=task.customer_id)
    task = _locked(task)
    if task.status == Task.Status.DONE:
        return task
    if task.status == Task.Status.CANCELLED:
        raise ValidationError({"status": [_("This task was cancelled: it cannot be completed.")]})
    if interaction is not None:
        details = {"subject": task.title, **interaction}
        task.interaction = interaction_log(
            by=by, customer=task.customer, organisation=task.organisation, **details
        )
    task.status = Task.Status.DONE
    task.completed_at = timezone.now()
    task.snoozed_until = None
    task.save()
    offsets = list(task.reminders.values_list("minutes_before", flat=True))
    task.reminders.filter(sent_at__isnull=True).delete()
    task_repeat(task, by=by, offsets=offsets)
    announce_completed(task)
    return task


@transaction.atomic
def task_cancel(*, by, task):
    """Cancel the open task: nothing more is to be done. Its reminders not yet sent are deleted,
    so never sent (sent ones stay as its history). Cancelling a cancelled task again changes
    nothing, so a retried request is harmless; a done task cannot be cancelled."""
    require(by, "tasks.change_task", customer=task.customer_id)
    task = _locked(task)
    if task.status == Task.Status.CANCELLED:
        return task
    if task.status == Task.Status.DONE:
        raise ValidationError({"status": [_("This task is done: it cannot be cancelled.")]})
    task.status = Task.Status.CANCELLED
    task.snoozed_until = None
    task.save()
    task.reminders.filter(sent_at__isnull=True).delete()
    return task


@transaction.atomic
def task_snooze(*, by, task, until):
    """Put the open task off until ``until`` (aware, in the future): its due time becomes that
    time, and its reminders not yet sent move with it."""
    require(by, "tasks.change_task", customer=task.customer_id)
    task = _locked(task)
    errors = {}
    if task.status != Task.Status.OPEN:
        errors["status"] = [_("Only an open task can be snoozed.")]
    if until is None or timezone.is_naive(until):
        errors["until"] = [_("Give the time with its time zone.")]
    elif until <= timezone.now():
        errors["until"] = [_("Snooze the task until a time still to come.")]
    _raise(errors)
    task.due_at = task.snoozed_until = until
    task.save()
    _reminders_move(task)
    reminders_schedule(task.pk)
    return task
