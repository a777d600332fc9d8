"""Playbooks at work: each active step creates what it names once per customer and occasion.

An occasion is one time a step applies to a customer at its level now, keyed (``occasion``):
``order:<id>`` (after an order, or an order of a product), ``quarter:2026Q4``, ``day:<date>``
(every N days), ``entered:<level change id>``. Acting on it writes a StepRun, unique per (step,
customer, occasion), in the transaction that creates the task or records the message: a second
run side by side waits for the first's commit and then finds the row taken (IntegrityError in
its own savepoint), so nothing is made twice, whoever runs.

When: a survey or an e-mail goes at the occasion's time; a task is made as soon as its longest
reminder can still fire (its time minus that many minutes), due at the occasion's time. Never
a flood: an occasion whose time is more than RECENT (2 days) past is never acted on, so a
history import (orders placed months ago), a customer given a level long after their orders,
or a worker that was down for a week makes nothing for what is long gone; within RECENT the
periodic run catches up what a stopped worker missed.
"""

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation

from patron.customers.models import Channel, Consent, Customer
from patron.relationships.models import Action, CustomerLevel, Step, StepRun, Trigger
from patron.relationships.playbooks import describe, title_of
from patron.sales.models import Order
from patron.sales.rules import SPEND
from patron.tasks.reminders import assignee_preferences
from patron.workspace.clock import business_zone

logger = logging.getLogger(__name__)

RECENT = timedelta(days=2)
# A quarter's occasion is its first day at 09:00 in the workspace's time zone (a review meeting
# falls due in working hours), plus the step's days.
QUARTER_HOUR = 9


def _lead(step):
    if step.action != Action.TASK:
        return timedelta(0)
    return timedelta(minutes=max(step.remind_before_minutes or [0]))


def _at_level(step, customer_ids):
    levels = CustomerLevel.objects.filter(
        level=step.level, customer__merged_into__isnull=True, customer__erased_at__isnull=True
    )
    if customer_ids is not None:
        levels = levels.filter(customer_id__in=customer_ids)
    return levels


def _quarter(moment):
    local = moment.astimezone(business_zone())
    first_month = 3 * ((local.month - 1) // 3) + 1
    start = datetime(local.year, first_month, 1, QUARTER_HOUR, tzinfo=local.tzinfo)
    return f"quarter:{local.year}Q{(local.month - 1) // 3 + 1}", start


def occasions(step, now, customer_ids=None):
    """(customer_id, occasion key, occasion's time) of ``step`` to act on at ``now``: its time
    within RECENT before now, and its action due (the time, less a task's longest reminder)."""
    days = timedelta(days=step.days)
    earliest, latest = now - RECENT, now + _lead(step)
    if step.trigger in (Trigger.AFTER_ORDER, Trigger.AFTER_PRODUCT):
        orders = Order.objects.filter(
            status__in=SPEND,
            placed_at__gte=earliest - days,
            placed_at__lte=latest - days,
            customer__relationship_level__level=step.level,
            customer__merged_into__isnull=True,
            customer__erased_at__isnull=True,
        )
        if customer_ids is not None:
            orders = orders.filter(customer_id__in=customer_ids)
        if step.trigger == Trigger.AFTER_PRODUCT:
            product = Q()
            if step.sku:
                product |= Q(lines__product__sku__iexact=step.sku)
            if step.category:
                product |= Q(lines__product__category__iexact=step.category)
            orders = orders.filter(product).distinct()
        for order_id, customer_id, placed_at in orders.values_list("pk", "customer_id", "placed_at"):
            yield customer_id, f"order:{order_id}", placed_at + days
    elif step.trigger == Trigger.ENTERED:
        entered = _at_level(step, customer_ids).filter(since__gte=earliest - days, since__lte=latest - days)
        for customer_id, change_id, since in entered.values_list("customer_id", "change_id", "since"):
            yield customer_id, f"entered:{change_id}", since + days
    elif step.trigger == Trigger.EVERY:
        for customer_id, since in (
            _at_level(step, customer_ids).filter(since__lte=latest - days).values_list("customer_id", "since")
        ):
            at = since + ((latest - since) // days) * days
            if at >= earliest:
                yield customer_id, f"day:{at:%Y-%m-%d}", at
    elif step.trigger == Trigger.QUARTERLY:
        key, start = _quarter(latest)
        for customer_id, since in (
            _at_level(step, customer_ids).filter(since__lte=latest).values_list("customer_id", "since")
        ):
            at = max(start + days, since)
            if earliest <= at <= latest:
                yield customer_id, key, at


def _email(customer):
    points = sorted(customer.email_points, key=lambda point: (not point.is_primary, point.pk))
    return points[0].value if points else ""


def _task(step, customer, at, by):
    from patron.tasks.services import task_create

    owner = customer.owner
    if owner is None or not owner.is_active:
        return "no_owner", None, None
    language, _zone, _calendar = assignee_preferences(owner)
    with translation.override(language):
        notes, title = describe(step), title_of(step)
    task = task_create(
        by=by,
        customer=customer,
        title=title,
        kind=step.task_kind,
        due_at=at,
        assignee=owner,
        notes=notes,
        remind_before_minutes=step.remind_before_minutes,
    )
    return "task", task, None


def _survey(step, customer, by):
    from patron.feedback.services import survey_send

    survey = survey_send(by=by, customer=customer, kind=step.survey_kind, reason="playbook")
    return f"survey_{survey.status}", None, getattr(survey, "message", None)


def _mail(step, customer, by):
    from patron.outbox.services import mail_send

    address = _email(customer)
    if not address:
        return "no_email", None, None
    if Consent.objects.filter(customer=customer, channel=Channel.EMAIL, granted=False).exists():
        return "email_refused", None, None
    name = customer.display_name
    message = mail_send(
        to=address,
        subject=step.subject.replace("{name}", name),
        body=step.body.replace("{name}", name),
        by=by,
        purpose="playbook",
        language=customer.locale,
        customer=customer,
        fail_silently=True,
    )
    return ("email" if message.status != "failed" else "email_failed"), None, message


def act(step, customer_id, key, at, *, by):
    """Make what ``step`` names for this occasion, once: the StepRun, or None when another run
    made it already."""
    with transaction.atomic():
        customer = Customer.objects.select_related("owner").get(pk=customer_id)
        try:
            with transaction.atomic():
                run = StepRun.objects.create(
                    step=step, customer=customer, occasion=key, occasion_at=at, outcome="pending"
                )
        except IntegrityError:
            return None
        if step.action == Action.TASK:
            outcome, task, message = _task(step, customer, at, by)
        elif step.action == Action.SURVEY:
            outcome, task, message = _survey(step, customer, by)
        else:
            outcome, task, message = _mail(step, customer, by)
        run.outcome, run.task, run.message = outcome, task, message
        run.save(update_fields=["outcome", "task", "message"])
        return run


def playbooks_run(*, by, customer_ids=None, now=None):
    """Act on every occasion due of every active step (of these customers only, if given).
    Returns how many were made and how many failed (logged; the others go on)."""
    now = now or timezone.now()
    made = failed = 0
    for step in Step.objects.filter(active=True).order_by("id"):
        for customer_id, key, at in list(occasions(step, now, customer_ids)):
            if StepRun.objects.filter(step=step, customer_id=customer_id, occasion=key).exists():
                continue  # the constraint decides; this only spares a savepoint per occasion done
            try:
                made += act(step, customer_id, key, at, by=by) is not None
            except Exception:
                failed += 1
                logger.exception("Playbook step %s for customer %s (%s) failed", step.pk, customer_id, key)
    return {"made": made, "failed": failed}
