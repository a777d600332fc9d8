"""Background jobs on customers."""

from django.utils.translation import gettext_lazy as _

from patron.actors import Actor, register_job
from patron.customers.models import Customer
from patron.customers.services import refresh_search_text
from patron.jobs.queue import job

register_job("customers_bulk_run", _("change to many customers"))


@job(retries=0)
def customers_bulk_run(action_id, requested_by=None):
    """Run the change to many customers recorded as ListAction ``action_id`` (customers.bulk),
    as the system asked by the user of id ``requested_by``. Not retried: what a failed run did
    stays done, its action says failed, and asking again changes only what is left."""
    from patron.customers.bulk import bulk_run

    bulk_run(action_id=action_id, by=Actor.for_job("customers_bulk_run", requested_by))


@job
def rebuild_search_text(batch_size=2000):
    """Rebuild every customer's search text, e.g. after the folding rules change. Returns the count."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    done = 0
    last_pk = 0
    while True:
        batch = list(
            Customer.objects.filter(pk__gt=last_pk)
            .order_by("pk")
            .prefetch_related("contact_points")[:batch_size]
        )
        if not batch:
            return done
        for customer in batch:
            refresh_search_text(customer)
        done += len(batch)
        last_pk = batch[-1].pk
