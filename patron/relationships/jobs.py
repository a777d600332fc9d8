"""Playbooks in the background: after orders, when a customer enters a level, and every hour
(the time-based steps, and a catch-up of what a stopped worker missed within runner.RECENT)."""

from django.utils.translation import gettext_lazy as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from patron.actors import Actor, register_job
from patron.jobs.queue import job
from patron.relationships import runner
from patron.relationships.models import CustomerLevel, LevelChange

JOB = "playbooks_run"
register_job(JOB, _("playbooks"))


def _by():
    return Actor.system(job=JOB)


@job()
def playbooks_for_customers(customer_ids):
    """The playbooks of these customers' levels (queued after their orders were recorded)."""
    return runner.playbooks_run(by=_by(), customer_ids=list(customer_ids))


@job()
def playbooks_entered(change_id):
    """The playbook of the level a customer just entered (queued by level_set)."""
    customer_id = LevelChange.objects.filter(pk=change_id).values_list("customer_id", flat=True).first()
    if customer_id is not None:
        return runner.playbooks_run(by=_by(), customer_ids=[customer_id])
    return None


@db_periodic_task(crontab(minute="7"))
def playbooks_hourly():
    return runner.playbooks_run(by=_by())


def orders_recorded_playbooks(sender, *, event, **kwargs):
    """patron.sales.events.orders_recorded: queue the playbooks of the orders' customers who
    have a level (an import's orders come through the hourly run, which acts on recent ones only)."""
    from patron.sales.models import Order

    order_ids = [*event.created, *event.changed]
    customer_ids = sorted(
        set(
            Order.objects.filter(pk__in=order_ids)
            .filter(customer_id__in=CustomerLevel.objects.values("customer_id"))
            .values_list("customer_id", flat=True)
        )
    )
    if customer_ids:
        playbooks_for_customers(customer_ids)
