"""Reminders fire once each, at their time, in-app and by e-mail to the task's assignee.

A reminder is delivered in two steps, whatever stops in between:

1. ``reminder_fire`` (the claim), in one transaction: the task's row is locked first, as
   completing, cancelling and moving a task lock it (so none of them slips in between, and the
   locks are always taken in one order: no deadlock), then the reminder's (on SQLite the
   transaction takes the database's write lock at its start); it checks the reminder is still
   unsent, due and its task open; records the in-app notice (ReminderNotice, one per reminder by
   a unique constraint) and the e-mail, queued in the outbox (outbox.services.mail_queue); and
   sets ``sent_at``. A worker that stops before the commit leaves everything as it was, so the
   reminder fires again; after it, nothing fires twice.
2. The outbox sends the queued e-mail after the commit (outbox.services.mail_deliver): never
   lost, and twice only when a worker dies between handing it to the server and recording the
   reply (SMTP's window, RFC 1047), then with the same Message-ID; see that module.

Who runs it (patron.tasks.jobs): a job queued with ``eta`` = fire_at when a reminder is made or
moved; a sweep every minute and one when a worker starts, each firing every due reminder not yet
sent. A reminder found late (the worker was down) fires when found; one whose task was completed
or cancelled first was deleted with it, so it never fires.

The e-mail is written in the assignee's language (their profile's, else the workspace's
country's), with the due time in their time zone (their profile's, else the workspace's) and
their calendar.
"""

import zoneinfo

from babel import Locale
from babel.dates import format_time
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from patron.accounts.models import UserProfile
from patron.actors import Actor, register_job
from patron.outbox.purposes import register_purpose
from patron.outbox.services import mail_queue, mail_render
from patron.tasks.models import Reminder, ReminderNotice, Task
from patron.web.dates import calendar_override, format_day
from patron.workspace.money import babel_locale
from patron.workspace.services import get_workspace, workspace_language

JOB = "reminders"
register_job(JOB, gettext_lazy("reminders"))
register_purpose("reminder", gettext_lazy("reminder"))


def due_reminders(now=None):
    """Ids of the reminders due and not yet sent, oldest first (the partial index reminder_due)."""
    now = now or timezone.now()
    return list(
        Reminder.objects.filter(sent_at__isnull=True, fire_at__lte=now)
        .order_by("fire_at", "pk")
        .values_list("pk", flat=True)
    )


def reminder_fire(reminder_id, now=None):
    """Fire the reminder if it is due, unsent and its task open: record the notice and queue the
    e-mail, and mark it sent, in one transaction. The reminder, fired; None when there was
    nothing to do (already sent, not yet due, its task closed or gone, or another worker firing it)."""
    task_id = Reminder.objects.filter(pk=reminder_id).values_list("task_id", flat=True).first()
    if task_id is None:
        return None
    with transaction.atomic():
        now = now or timezone.now()
        task = (
            Task.objects.select_for_update(of=("self",))
            .select_related("assignee", "customer", "organisation")
            .filter(pk=task_id, status=Task.Status.OPEN)
            .first()
        )
        if task is None:
            return None
        reminder = (
            Reminder.objects.select_for_update()
            .filter(pk=reminder_id, task=task, sent_at__isnull=True, fire_at__lte=now)
            .first()
        )
        if reminder is None:
            return None
        assignee = task.assignee
        if assignee is not None and assignee.is_active:
            ReminderNotice.objects.create(reminder=reminder, user=assignee, fired_at=now)
            if assignee.email:
                reminder.message = _queue_mail(task, assignee)
        reminder.sent_at = now
        reminder.save(update_fields=["sent_at", "message"])
        return reminder


def reminders_fire_due(now=None):
    """Fire every reminder due and not yet sent; how many fired (the sweeps')."""
    return sum(reminder_fire(pk, now) is not None for pk in due_reminders(now))


def assignee_preferences(user):
    """(language, time zone, calendar) the user reads in: their profile's, else the workspace's."""
    profile = UserProfile.objects.filter(user=user).first()
    workspace = get_workspace()
    language = (profile and profile.language) or workspace_language()
    zone = (profile and profile.time_zone) or workspace.time_zone
    return language, zoneinfo.ZoneInfo(zone), (profile.calendar if profile else "")


def party_path(task):
    """The page of the task's customer or organisation."""
    if task.customer_id:
        return reverse("customers:detail", args=[task.customer_id])
    return reverse("organisations:detail", args=[task.organisation_id])


def due_text(moment, language):
    """The due time as the reader reads it, in the active zone and calendar, to the minute:
    "Dec 7, 2026, 9:00 AM", "7 ธ.ค. 2569 09:00"."""
    local = timezone.localtime(moment)
    locale = babel_locale(language)
    day = format_day(local.date(), "medium", language=language)
    clock = format_time(local, "short", locale=locale)
    joined = str(Locale.parse(locale).datetime_formats["medium"]).replace("'", "")
    return joined.replace("{1}", day).replace("{0}", clock)


def _queue_mail(task, assignee):
    language, zone, calendar = assignee_preferences(assignee)
    with translation.override(language), timezone.override(zone), calendar_override(calendar):
        context = {
            "task": task,
            "party": task.customer or task.organisation,
            "due": due_text(task.due_at, language),
            "zone": str(zone),
            "kind": task.get_kind_display(),
            "link": f"{settings.PATRON_BASE_URL}{party_path(task)}",
            "name": assignee.get_full_name() or assignee.get_username(),
        }
        subject, body = mail_render("tasks/mail/reminder", context, language=language)
    return mail_queue(
        to=assignee.email,
        subject=subject,
        body=body,
        by=Actor.system(job=JOB),
        purpose="reminder",
        language=language,
        customer=task.customer,
    )


def notices_shown(user, limit=5):
    """The reminders fired for ``user`` not yet dismissed, of tasks still open, newest first."""
    return list(
        ReminderNotice.objects.filter(
            user=user, dismissed_at__isnull=True, reminder__task__status=Task.Status.OPEN
        )
        .select_related("reminder__task__customer", "reminder__task__organisation")
        .order_by("-fired_at", "-pk")[:limit]
    )


def notice_dismiss(*, by, notice_id):
    """Dismiss one of ``by``'s own notices; another's, or one dismissed, is left as it is.
    Whether one was dismissed."""
    return bool(
        ReminderNotice.objects.filter(pk=notice_id, user=by, dismissed_at__isnull=True).update(
            dismissed_at=timezone.now()
        )
    )
