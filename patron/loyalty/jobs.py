"""Loyalty in the background: earning for imported orders, the nightly expiry, and the
subscribers to the order events (connected in LoyaltyConfig.ready())."""

import logging
from datetime import UTC

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from huey.contrib.djhuey import close_db, db_periodic_task

from patron.actors import Actor, register_job
from patron.jobs.queue import job, queue_after_commit
from patron.loyalty import earning
from patron.loyalty.expiry import points_expire_all
from patron.loyalty.liability_jobs import liability_refresh
from patron.workspace.clock import business_zone

logger = logging.getLogger(__name__)

register_job("orders_settle", _("points for orders"))
register_job("imported_orders_earn", _("points for imported orders"))
register_job("points_expire_all", _("nightly expiry of points"))

# An event of up to this many orders is settled in the receiver (an order of the form or the
# API: its points show at once); more (an import's changed orders) go to a job.
AT_ONCE = 20


@job
def orders_settle(order_ids, requested_by=None):
    earning.orders_settle(order_ids=order_ids, by=Actor.for_job("orders_settle", requested_by))


@job
def imported_orders_earn(source, started_at, requested_by=None):
    by = Actor.for_job("imported_orders_earn", requested_by)
    earning.imported_orders_earn(source=source, started_at=started_at, by=by)


@close_db
def at_expiry_hour(minute):
    """Whether huey's ``minute`` (naive UTC) is PATRON_LOYALTY_EXPIRY_HOUR:00 in the workspace's
    time zone (patron.workspace.clock)."""
    local = minute.replace(tzinfo=UTC).astimezone(business_zone())
    return (local.hour, local.minute) == (settings.PATRON_LOYALTY_EXPIRY_HOUR, 0)


@db_periodic_task(at_expiry_hour)
def points_expire_nightly():
    points_expire_all(by=Actor.system(job="points_expire_all"))
    # The loyalty page's figures, once the night's expiry is done (liability_snapshot).
    queue_after_commit(liability_refresh)


def orders_recorded_settle(sender, *, event, **kwargs):
    """Settle the points of the orders recorded or changed (patron.sales.events.orders_recorded):
    a few at once, here; more in a job."""
    ids = [*event.created, *event.changed]
    if len(ids) <= AT_ONCE:
        try:
            earning.orders_settle(order_ids=ids, by=Actor.system(job="orders_settle"))
            return
        except Exception:  # a deadlock, a lost connection: the job tries again, with retries
            logger.exception("Points for orders %s not settled at once; queued", ids)
    queue_after_commit(orders_settle, ids)


def orders_imported_earn(sender, *, event, **kwargs):
    """Queue the earning for an import's created orders (patron.sales.events.orders_imported);
    the orders it changed are told by id to orders_recorded_settle."""
    if event.created:
        queue_after_commit(imported_orders_earn, event.source, event.started_at)
