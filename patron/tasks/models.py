"""Tasks on a customer or an organisation (call, meet, write, visit), and their reminders.

A task's stored status is open, done or cancelled. "Overdue" and "snoozed" are derived, never
stored, so no job has to keep them true: overdue is an open task whose due time has passed;
snoozed is an open task put off by `task_snooze`, which moves its due time and notes the new
time in ``snoozed_until`` (until that time comes, or the due time is set by hand again).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from patron.actors import ActorKind
from patron.constraints import one_of
from patron.customers.models import Customer
from patron.interactions.models import Interaction
from patron.organisations.models import Organisation
from patron.outbox.models import Message
from patron.sales.models import Order

# "Call every N days": at most ten years between two calls.
REPEAT_LIMIT_DAYS = 3650


class TaskKind(models.TextChoices):
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    EMAIL = "email", _("E-mail")
    VISIT = "visit", _("Visit")
    OTHER = "other", _("Other")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class TaskState(models.TextChoices):
    """What a task's list and page show: its status, with open split by the clock."""

    OPEN = "open", _("Open")
    OVERDUE = "overdue", _("Overdue")
    SNOOZED = "snoozed", _("Snoozed")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Task(models.Model):
    Kind = TaskKind
    Status = TaskStatus

    customer = models.ForeignKey(
        Customer,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tasks",
        db_index=False,  # task_customer leads with it
        verbose_name=_("customer"),
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tasks",
        db_index=False,  # task_organisation leads with it
        verbose_name=_("organisation"),
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=TaskKind.choices, default=TaskKind.OTHER)
    due_at = models.DateTimeField(_("due"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,  # a deleted account leaves its tasks for someone to take up
        related_name="tasks",
        db_index=False,  # task_my_day leads with it
        verbose_name=_("assigned to"),
    )
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    snoozed_until = models.DateTimeField(_("snoozed until"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    # The contact logged when the task was completed, if the person completing it asked for one.
    interaction = models.ForeignKey(
        Interaction, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # "Call every N days": once done, the task is followed by the next, N days after it was done
    # (patron.tasks.recurrence). ``repeats`` names the task this one follows, once each.
    repeat_every_days = models.PositiveSmallIntegerField(
        _("repeat every (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(REPEAT_LIMIT_DAYS)],
    )
    repeats = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="next",
        verbose_name=_("follows"),
    )
    # A follow-up rule's task for one order ("3 days after each order"): once per rule and order.
    rule = models.ForeignKey(
        "FollowUpRule", null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks", db_index=False
    )
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Who created it (patron.actors): staff, the customer (a survey answer, later) or a job.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_kind = models.CharField(_("created by"), max_length=8, choices=ActorKind.choices)
    actor_customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    actor_job = models.CharField(_("job"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        permissions = [("view_team_tasks", "Can see every member of staff's tasks")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(customer__isnull=False, organisation__isnull=True)
                | models.Q(customer__isnull=True, organisation__isnull=False),
                name="task_on_customer_or_organisation",
            ),
            models.CheckConstraint(condition=one_of("kind", TaskKind.values), name="task_kind_known"),
            models.CheckConstraint(condition=one_of("status", TaskStatus.values), name="task_status_known"),
            models.CheckConstraint(
                condition=one_of("actor_kind", ActorKind.values), name="task_actor_kind_known"
            ),
            # Done, and only done, says when.
            models.CheckConstraint(
                condition=models.Q(status=TaskStatus.DONE, completed_at__isnull=False)
                | (~models.Q(status=TaskStatus.DONE) & models.Q(completed_at__isnull=True)),
                name="task_completed_when_done",
            ),
            models.CheckConstraint(
                condition=models.Q(repeat_every_days__isnull=True)
                | models.Q(repeat_every_days__gte=1, repeat_every_days__lte=REPEAT_LIMIT_DAYS),
                name="task_repeat_days_1_to_3650",
            ),
            # A rule makes one task per order, whatever runs it twice (an event and a sweep).
            models.UniqueConstraint(fields=["rule", "order"], name="task_once_per_rule_and_order"),
        ]
        indexes = [
            # "My day": a person's open tasks by due time (overdue, today, upcoming).
            models.Index(fields=["assignee", "status", "due_at"], name="task_my_day"),
            models.Index(fields=["customer", "status", "due_at"], name="task_customer"),
            models.Index(fields=["organisation", "status", "due_at"], name="task_organisation"),
        ]

    def __str__(self):
        return f"{self.due_at:%Y-%m-%d %H:%M} {self.kind} {self.title}"

    def state(self, now=None):
        """Open, overdue, snoozed, done or cancelled, at ``now`` (default: now)."""
        if self.status != TaskStatus.OPEN:
            return TaskState(self.status)
        now = now or timezone.now()
        if self.snoozed_until is not None and self.snoozed_until > now:
            return TaskState.SNOOZED
        return TaskState.OVERDUE if self.due_at <= now else TaskState.OPEN


class Reminder(models.Model):
    """One reminder of a task, ``minutes_before`` its due time, at ``fire_at`` (kept equal to
    due_at - minutes_before while unsent). It fires once: one row per task and offset, and the
    job that sends it sets ``sent_at`` in the transaction that records the message, under the
    row's lock, and skips rows already sent. Unsent reminders of a task completed or cancelled
    are deleted in that transaction, so they are never sent; sent ones stay as its history."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reminders")
    minutes_before = models.PositiveIntegerField(_("minutes before"))
    fire_at = models.DateTimeField(_("fires at"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # The e-mail it sent to the assignee (patron.tasks.reminders), if they have an address.
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["task", "minutes_before"], name="reminder_once_per_offset"),
            models.CheckConstraint(
                condition=models.Q(minutes_before__gte=0), name="reminder_offset_not_negative"
            ),
        ]
        indexes = [
            # What the reminder job reads: the unsent reminders that have fallen due.
            models.Index(fields=["fire_at"], condition=models.Q(sent_at__isnull=True), name="reminder_due"),
        ]

    def __str__(self):
        return f"{self.task_id} -{self.minutes_before}m {self.fire_at:%Y-%m-%d %H:%M}"


class ReminderNotice(models.Model):
    """The in-app side of a fired reminder: shown to ``user`` (the assignee when it fired) on
    every page until dismissed. One per reminder, by the database."""

    reminder = models.OneToOneField(Reminder, on_delete=models.CASCADE, related_name="notice")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    fired_at = models.DateTimeField(_("fired"))
    dismissed_at = models.DateTimeField(_("dismissed"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder notice")
        verbose_name_plural = _("reminder notices")
        indexes = [
            # Every page asks for its reader's notices not yet dismissed.
            models.Index(
                fields=["user", "fired_at"],
                condition=models.Q(dismissed_at__isnull=True),
                name="notice_shown",
            ),
        ]

    def __str__(self):
        return f"{self.user_id} {self.reminder_id} {self.fired_at:%Y-%m-%d %H:%M}"


class FollowUpRule(models.Model):
    """ "3 days after each order, a call": an Admin or a Marketer sets it; each order recorded
    then makes one task for its customer's owner (or ``fallback_assignee``), due ``days_after``
    days after the order was placed, with a reminder each of ``remind_before_minutes``
    (patron.tasks.recurrence)."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=TaskKind.choices, default=TaskKind.CALL)
    days_after = models.PositiveSmallIntegerField(
        _("days after the order"), validators=[MinValueValidator(0), MaxValueValidator(REPEAT_LIMIT_DAYS)]
    )
    remind_before_minutes = models.JSONField(_("reminders (minutes before)"), default=list, blank=True)
    fallback_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("for customers without an owner"),
    )
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up rule")
        verbose_name_plural = _("follow-up rules")
        constraints = [
            models.CheckConstraint(condition=one_of("kind", TaskKind.values), name="followuprule_kind_known"),
            models.CheckConstraint(
                condition=models.Q(days_after__lte=REPEAT_LIMIT_DAYS), name="followuprule_days_at_most_3650"
            ),
        ]

    def __str__(self):
        return f"{self.title} +{self.days_after}d"


class CalendarFeed(models.Model):
    """A member of staff's secret calendar address (patron.tasks.ical). The token is derived
    from ``nonce`` and the SECRET_KEY, so the page can show it again; the database keeps only
    its hash to find it by (a copy of the database alone opens no calendar). A new nonce makes
    a new token and the old address stops answering."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="task_feed")
    nonce = models.CharField(max_length=64)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("made"), auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"
