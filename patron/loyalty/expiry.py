"""The nightly expiry: every customer's points past their expiry taken, one customer at a time
(ledger.points_expire, one transaction each, keyed by lot: a run made twice expires once)."""

from django.utils import timezone

from patron.accounts.permissions import require
from patron.actors import as_actor
from patron.loyalty.ledger import points_expire
from patron.loyalty.models import Entry
from patron.loyalty.programme import MANAGE

BATCH = 1000


def points_expire_all(*, by, now=None):
    """Expire what is left of every lot past its expiry at ``now``. Returns {"customers": how
    many lost points, "entries": expiry entries made, "points": points expired}."""
    actor = as_actor(by)
    require(actor, MANAGE)
    now = now or timezone.now()
    due = Entry.objects.filter(remaining__gt=0, expires_at__lte=now).order_by("customer")
    done = {"customers": 0, "entries": 0, "points": 0}
    last = 0
    while True:
        # In slices, read before writing: no cursor stays open across the writes.
        customers = list(due.filter(customer__gt=last).values_list("customer", flat=True).distinct()[:BATCH])
        if not customers:
            return done
        for customer in customers:
            made = points_expire(customer=customer, by=actor, now=now)
            if made:
                done["customers"] += 1
                done["entries"] += len(made)
                done["points"] -= sum(entry.points for entry in made)
        last = customers[-1]
