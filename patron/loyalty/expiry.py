"""The nightly expiry: every customer's points past their expiry taken, a batch of customers at
a time, with the same entries as ledger.points_expire makes for one customer.

Per batch, in one transaction: the batch's accounts locked in the order of their customers (as
ledger.points_earn_many locks them; a redemption locks one account, so no two wait on each
other in a circle, and none sees a batch half done), their lots past expiry read under that
lock, then one EXPIRE entry per lot keyed by it (ledger.expiry_keys: a run made twice expires
each lot once, which the key's unique index enforces) and its Allocation written with the bulk
writers of the imports (COPY on PostgreSQL), the lots emptied and each account's points lowered
with one statement each. A balance never goes below zero: the account's check constraint
refuses it, and the batch writes nothing then. On PostgreSQL the batches commit without
waiting for the log to reach the disk (patron.bulk.bulk_writes): a crash of the server may
lose the last batches, never part of one, nor anything done after them to the same accounts,
and the next run expires those lots again.

The keys are looked up only when the batch's first insert finds one taken: a lot whose points
came back after it expired (a redemption given back) and expires again, a rare event that
should not cost the whole night a look-up per lot.
"""

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from patron.accounts.permissions import require
from patron.actors import as_actor
from patron.bulk import bulk_writes, insert, moment_writer, new_ids
from patron.loyalty.ledger import accounts_add, expiry_keys
from patron.loyalty.models import Account, Allocation, Entry
from patron.loyalty.programme import MANAGE

BATCH = 2_000
"""Customers expired in one transaction: their accounts stay locked while it runs."""
CHUNK = 10_000
"""Ids or pairs given to one statement."""

ENTRY_COLUMNS = [
    "id",
    "customer_id",
    "kind",
    "points",
    "key",
    "fingerprint",
    "reason",
    "shortfall",
    "remaining",
    "available_at",
    "created_at",
    "actor_id",
    "actor_kind",
    "actor_job",
    "actor_customer_id",
]


def points_expire_all(*, by, now=None, batch=BATCH):
    """Expire what is left of every lot past its expiry at ``now``. Returns {"customers": how
    many lost points, "entries": expiry entries made, "points": points expired}."""
    actor = as_actor(by)
    require(actor, MANAGE)
    now = now or timezone.now()
    due = Entry.objects.filter(remaining__gt=0, expires_at__lte=now).values_list("customer", flat=True)
    # Read whole first (through the index of lots with points left), so that no cursor stays
    # open across the batches' transactions; a lot that comes due meanwhile waits for the next run.
    customers = sorted(set(due.iterator(chunk_size=CHUNK)))
    done = {"customers": 0, "entries": 0, "points": 0}
    with bulk_writes():
        for start in range(0, len(customers), batch):
            _batch(customers[start : start + batch], now, actor, done)
    return done


def _batch(customers, now, actor, done):
    """Expire the lots due of ``customers`` in one transaction; add what was made to ``done``."""
    with transaction.atomic():
        lots = _locked_due_lots(customers, now)
        try:
            with transaction.atomic():
                _expire(lots, {lot: f"expire:{lot}" for lot, *_rest in lots}, actor)
        except IntegrityError:  # a key taken: a lot that expires again (expiry_keys)
            _expire(lots, expiry_keys([lot for lot, *_rest in lots]), actor)
    done["customers"] += len({customer for _lot, customer, _left, _at in lots})
    done["entries"] += len(lots)
    done["points"] += sum(left for _lot, _customer, left, _at in lots)


def _locked_due_lots(customers, now):
    """[(lot, customer, points left, expires_at)] of the lots past expiry of ``customers``, read
    once their accounts are locked, by customer then as points_expire orders them."""
    locked = Account.objects.select_for_update().filter(customer_id__in=customers).order_by("customer_id")
    locked = list(locked.values_list("customer_id", flat=True))
    lots = Entry.objects.filter(customer_id__in=locked, remaining__gt=0, expires_at__lte=now)
    return list(
        lots.order_by("customer_id", "expires_at", "pk").values_list(
            "pk", "customer_id", "remaining", "expires_at"
        )
    )


def _expire(lots, keys, actor):
    """Write the expiry of ``lots`` (as _locked_due_lots gives them) under ``keys``."""
    if not lots:
        return
    text = moment_writer()
    now = text(timezone.now())
    ids = new_ids(Entry, len(lots))
    who = actor.columns()
    user = who["actor"].pk if who["actor"] is not None else None
    entries = [
        (entry, customer, Entry.Kind.EXPIRE.value, -left, keys[lot], "", "", 0, 0, text(at), now)
        + (user, who["actor_kind"], who["actor_job"], who.get("actor_customer_id"))
        for entry, (lot, customer, left, at) in zip(ids, lots, strict=True)
    ]
    allocations = [(entry, lot, left) for entry, (lot, _customer, left, _at) in zip(ids, lots, strict=True)]
    # The bulk writers use the driver's own cursor: its errors become Django's here.
    with connection.wrap_database_errors:
        insert(Entry, ENTRY_COLUMNS, entries)
        insert(Allocation, ["entry_id", "lot_id", "points"], allocations)
    taken = {}
    for _lot, customer, left, _at in lots:
        taken[customer] = taken.get(customer, 0) - left
    entry_table = Entry._meta.db_table
    with connection.cursor() as cursor:
        for start in range(0, len(lots), CHUNK):
            chunk = [lot for lot, *_rest in lots[start : start + CHUNK]]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"UPDATE {entry_table} SET remaining = 0 WHERE id IN ({marks})", chunk)  # noqa: S608
    accounts_add(taken, timezone.now())
