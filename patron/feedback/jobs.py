"""Surveys that go out by themselves, as the survey settings say: after a customer's Nth order
and after a completed task. The receivers only queue a job, after the commit that told them.

Never after a history import: the orders of a bulk import are told by ``orders_imported``,
which is not listened to, and an order recorded one at a time but placed more than
RECENT_DAYS ago (an old order keyed in or sent through the API) is history too. A return, and
an order cancelled or refunded, asks nothing. The minimum interval per customer is kept by
``survey_send`` (reason "order" or "task").
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from patron.actors import Actor, register_job
from patron.customers.models import Customer
from patron.feedback.models import SurveyReason
from patron.feedback.services import survey_send, survey_settings
from patron.jobs.queue import job, queue_after_commit

RECENT_DAYS = 14
register_job("surveys_after_orders", _("survey after an order"))
register_job("survey_after_task", _("survey after a task"))


def _counted(orders):
    from patron.sales.models import Order

    return orders.filter(return_of__isnull=True).exclude(
        status__in=[Order.Status.CANCELLED, Order.Status.REFUNDED]
    )


@job
def surveys_after_orders(order_ids):
    """A survey to each customer for whom one of these orders is their Nth."""
    from patron.sales.models import Order

    config = survey_settings()
    if not config.after_orders:
        return
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    orders = _counted(Order.objects.filter(pk__in=order_ids, placed_at__gte=since))
    by = Actor.system(job="surveys_after_orders")
    done = set()
    for order in orders.order_by("pk"):
        if order.customer_id in done:
            continue
        earlier = _counted(Order.objects.filter(customer_id=order.customer_id))
        earlier = earlier.filter(placed_at__lt=order.placed_at) | earlier.filter(
            placed_at=order.placed_at, pk__lte=order.pk
        )
        if earlier.count() != config.after_orders_count:
            continue
        customer = Customer.objects.filter(pk=order.customer_id).first()
        if customer is not None:
            done.add(customer.pk)
            survey_send(by=by, customer=customer, kind=config.after_orders_kind, reason=SurveyReason.ORDER)


@job
def survey_after_task(task_id):
    """A survey to the customer of a task completed, when the settings ask for one."""
    from patron.tasks.models import Task

    config = survey_settings()
    task = Task.objects.select_related("customer").filter(pk=task_id, customer__isnull=False).first()
    if config.after_task and task is not None:
        by = Actor.system(job="survey_after_task")
        survey_send(by=by, customer=task.customer, kind=config.after_task_kind, reason=SurveyReason.TASK)


def on_orders_recorded(sender, *, event, **kwargs):
    """orders_recorded: orders created one at a time (not those an import or a change told)."""
    if event.created and survey_settings().after_orders:
        queue_after_commit(surveys_after_orders, list(event.created))


def on_task_completed(sender, *, task, **kwargs):
    if task.customer_id and survey_settings().after_task:
        queue_after_commit(survey_after_task, task.pk)
