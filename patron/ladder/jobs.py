"""The ladder's derivations in the background: every customer nightly, after a rule changed and
after an import of orders; the customers concerned when evidence arrives.

When evidence arrives: sales' ``orders_recorded`` (the orders' customers, read in the job) and
``orders_imported`` (every customer: an import tells no ids, and the whole derivation takes
under a minute), feedback's ``feedback_recorded`` (its ``customer_ids``), a referral saved in
the loyalty programme (its referrer, through Django's post_save: loyalty has no event of its
own), and evidence recorded by hand (services.py). Other sources are found nightly.
"""

from datetime import UTC

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from huey.contrib.djhuey import close_db, db_periodic_task

from patron.actors import register_job
from patron.jobs.queue import job, queue_after_commit
from patron.ladder import derivation
from patron.workspace.clock import business_zone

register_job("ladder_derive_all", _("ladder derivation"))
register_job("ladder_rederive", _("ladder derivation of a few customers"))


@job(retries=0)
def ladder_derive_all(why="evidence", requested_by=None):
    """Derive every customer's stage (``why``: "rules" after a rule changed)."""
    derivation.derive_all(why=why)


@job
def ladder_rederive(customer_ids=(), order_ids=()):
    """Derive the stages of ``customer_ids`` and of the customers of ``order_ids``."""
    from patron.sales.models import Order

    ids = set(customer_ids)
    if order_ids:
        ids |= set(Order.objects.filter(pk__in=list(order_ids)).values_list("customer_id", flat=True))
    ids.discard(None)
    if ids:
        derivation.derive(ids)


@close_db
def at_ladder_hour(minute):
    """Whether huey's ``minute`` (naive UTC) is half past PATRON_SCORING_HOUR on the business
    clock: the night's quiet hour, after the scoring has started."""
    local = minute.replace(tzinfo=UTC).astimezone(business_zone())
    return (local.hour, local.minute) == (settings.PATRON_SCORING_HOUR, 30)


@db_periodic_task(at_ladder_hour)
def ladder_derive_nightly():
    derivation.derive_all()


def rederive_later(customer_ids):
    """Derive these customers again once the current transaction commits (at once outside one)."""
    ids = sorted({int(pk) for pk in customer_ids})
    if ids:
        queue_after_commit(ladder_rederive, customer_ids=ids)


def on_orders_recorded(sender, *, event, **kwargs):
    order_ids = sorted({*event.created, *event.changed})
    if order_ids:
        ladder_rederive(order_ids=order_ids)


def on_orders_imported(sender, *, event, **kwargs):
    if event.created or event.changed:
        ladder_derive_all()


def on_feedback_recorded(sender, *, customer_ids, **kwargs):
    rederive_later(customer_ids)


def on_referral_saved(sender, *, instance, created, **kwargs):
    rederive_later([instance.referrer_id])
