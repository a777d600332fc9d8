"""Recurring follow-ups: a task that repeats, and follow-up rules on every order.

A task that repeats ("call every 90 days", ``repeat_every_days``): when it is done, the next one
is made in the same transaction, due that many days after it was done (the gap between two
calls is what the rhythm is about, whether the call came early or late), for the same customer
or organisation, with the same title, kind, notes, reminders (the same minutes before), and
rhythm, for the same assignee (or, whose account was closed, the one who completed it). Once:
the next names the task it follows (``repeats``, a one-to-one: unique in the database), and a
done task is never completed again. Cancelling a task ends its series: nothing more is to be
done.

A follow-up rule ("3 days after each order, a call", set by an Admin or a Marketer): each
completed order recorded (``orders_recorded``: the order form, the API; ``orders_imported``: an
import) makes one task for its customer's owner, else the rule's fallback assignee, due
``days_after`` days after the order was placed, with the rule's reminders. Only orders recent
enough that the task is still to come: an import of last year's orders makes none. Once per
rule and order, by a unique constraint (task_once_per_rule_and_order): an event told twice, or
a rule run again, finds the task made. An order's customer without an owner, with no fallback
named, gets no task (nobody to give it to); a return, a cancelled or refunded order neither.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patron.accounts.permissions import require
from patron.actors import Actor, as_actor, register_job
from patron.sales.models import Order
from patron.tasks.models import REPEAT_LIMIT_DAYS, FollowUpRule, Task

REPEAT_JOB = "task_repeat"
RULES_JOB = "follow_up_rules"
register_job(REPEAT_JOB, gettext_lazy("repeating task"))
register_job(RULES_JOB, gettext_lazy("follow-up rules"))
RULE_PERMISSION = "tasks.change_followuprule"


def check_repeat(days, errors):
    """None (no repeat) or a whole number of days from 1 to 3650; an error at repeat_every_days."""
    if days is None:
        return None
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= REPEAT_LIMIT_DAYS:
        errors["repeat_every_days"] = [
            _("Repeat every 1 to %(limit)d days, as a whole number.") % {"limit": REPEAT_LIMIT_DAYS}
        ]
    return days


def task_repeat(task, *, by, offsets):
    """The task that follows ``task``, just done, if it repeats (see the module's docstring);
    None otherwise. Called by task_complete in its transaction; ``offsets``: the reminders'
    minutes before, read before the unsent ones were deleted."""
    from patron.tasks.services import task_create

    if not task.repeat_every_days:
        return None
    actor = as_actor(by)
    assignee = task.assignee
    if assignee is None or not assignee.is_active:
        assignee = actor.user
    return task_create(
        by=Actor.system(job=REPEAT_JOB, requested_by=actor.user),
        customer=task.customer,
        organisation=task.organisation,
        title=task.title,
        kind=task.kind,
        notes=task.notes,
        due_at=task.completed_at + timedelta(days=task.repeat_every_days),
        assignee=assignee,
        remind_before_minutes=sorted(offsets),
        repeat_every_days=task.repeat_every_days,
        repeats=task,
    )


# Follow-up rules.


def _check_rule(title, kind, days_after, offsets, errors):
    from patron.tasks.services import _check_kind, _check_offsets, _check_title

    title = _check_title(title, errors)
    _check_kind(kind, errors)
    if isinstance(days_after, bool) or not isinstance(days_after, int) or not 0 <= days_after <= 365:
        errors["days_after"] = [_("Give 0 to 365 days after the order.")]
    return title, _check_offsets(offsets, errors)


def rule_save(
    *, by, rule=None, title, kind, days_after, remind_before_minutes=(), fallback_assignee=None, active=True
):
    """Make a follow-up rule, or change ``rule``: Admins and Marketers (tasks.change_followuprule)."""
    require(by, RULE_PERMISSION)
    errors = {}
    title, offsets = _check_rule(title, kind, days_after, remind_before_minutes, errors)
    if fallback_assignee is not None and not fallback_assignee.is_active:
        errors["fallback_assignee"] = [_("Choose an active member of staff.")]
    if errors:
        raise ValidationError(errors)
    rule = rule or FollowUpRule(created_by=as_actor(by).user)
    rule.title, rule.kind, rule.days_after = title, kind, days_after
    rule.remind_before_minutes, rule.fallback_assignee, rule.active = offsets, fallback_assignee, active
    rule.save()
    return rule


def rule_delete(*, by, rule):
    """Delete a rule; the tasks it made stay (their link to it is cleared)."""
    require(by, RULE_PERMISSION)
    rule.delete()


def follow_ups_create(order_ids, *, now=None):
    """The tasks the active rules make for these orders (see the module's docstring); how many
    were made. Run by a job after the orders' transaction committed."""
    from patron.tasks.services import task_create

    now = now or timezone.now()
    rules = list(FollowUpRule.objects.filter(active=True).select_related("fallback_assignee"))
    if not rules or not order_ids:
        return 0
    longest = max(rule.days_after for rule in rules)
    orders = (
        Order.objects.filter(
            pk__in=order_ids,
            status=Order.Status.COMPLETED,
            return_of__isnull=True,
            placed_at__gt=now - timedelta(days=longest),
            customer__merged_into__isnull=True,
        )
        .select_related("customer__owner")
        .order_by("pk")
    )
    made = 0
    by = Actor.system(job=RULES_JOB)
    for order in orders:
        done = set(Task.objects.filter(order=order, rule__isnull=False).values_list("rule_id", flat=True))
        for rule in rules:
            due_at = order.placed_at + timedelta(days=rule.days_after)
            owner = order.customer.owner
            assignee = owner if owner is not None and owner.is_active else rule.fallback_assignee
            if rule.pk in done or due_at <= now or assignee is None or not assignee.is_active:
                continue
            try:
                with transaction.atomic():
                    task_create(
                        by=by,
                        customer=order.customer,
                        title=rule.title,
                        kind=rule.kind,
                        due_at=due_at,
                        assignee=assignee,
                        remind_before_minutes=rule.remind_before_minutes,
                        rule=rule,
                        order=order,
                    )
            except IntegrityError:  # made meanwhile by another run: once per rule and order
                continue
            made += 1
    return made


def follow_up_window(now=None):
    """The earliest time an order may have been placed and still get a follow-up from some
    active rule; None when no rule is active (an import then looks at no order)."""
    longest = FollowUpRule.objects.filter(active=True).aggregate(longest=Max("days_after"))["longest"]
    if longest is None:
        return None
    return (now or timezone.now()) - timedelta(days=longest)


def imported_orders(source, started_at, now=None):
    """Ids of the completed orders an import from ``source`` recorded since ``started_at`` that
    are recent enough for a follow-up (never a flood of tasks for a history import)."""
    since = follow_up_window(now)
    if since is None:
        return []
    return list(
        Order.objects.filter(
            source=source,
            created_at__gte=started_at,
            placed_at__gt=since,
            status=Order.Status.COMPLETED,
            return_of__isnull=True,
        ).values_list("pk", flat=True)
    )


def active_staff():
    """Members of staff a rule may fall back on."""
    return get_user_model().objects.filter(is_active=True).order_by(get_user_model().USERNAME_FIELD)
