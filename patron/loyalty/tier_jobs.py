"""Tiers in the background: every customer each night, and the customers of an event too large
to evaluate in its receiver (an import's changed orders)."""

from datetime import UTC

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from huey.contrib.djhuey import close_db, db_periodic_task

from patron.actors import Actor, register_job
from patron.jobs.queue import job
from patron.loyalty.tiers import tier_evaluate, tiers_evaluate_all
from patron.workspace.clock import business_zone

register_job("tiers_evaluate_all", _("nightly review of tiers"))
register_job("tiers_evaluate_customers", _("review of tiers after orders"))
register_job("tier_evaluate_on_order", _("review of tiers after an order"))

TIERS_MINUTE = 30
"""The nightly review runs at PATRON_SCORING_HOUR:30: after the night's expiry of points and
the scoring it starts, so that a tier by lifetime value reads the new scores."""


@job
def tiers_evaluate_customers(customer_ids, requested_by=None):
    by = Actor.for_job("tiers_evaluate_customers", requested_by)
    for customer_id in customer_ids:
        tier_evaluate(customer_id, by)


@close_db
def at_tiers_time(minute):
    """Whether huey's ``minute`` (naive UTC) is PATRON_SCORING_HOUR:30 in the workspace's zone."""
    local = minute.replace(tzinfo=UTC).astimezone(business_zone())
    return (local.hour, local.minute) == (settings.PATRON_SCORING_HOUR, TIERS_MINUTE)


@db_periodic_task(at_tiers_time)
def tiers_evaluate_nightly():
    tiers_evaluate_all(by=Actor.system(job="tiers_evaluate_all"))
