"""Background jobs on customers."""

from patron.customers.models import Customer
from patron.customers.services import refresh_search_text
from patron.jobs.queue import job


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
