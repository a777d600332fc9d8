"""The nightly expiry, a batch of customers at a time (expiry.points_expire_all), makes exactly
what ledger.points_expire makes one customer at a time: the same entries under the same keys,
the same allocations, lots and balances, on the same ledger; a second run makes nothing, and
the ledger stays whole, also with redemptions side by side on PostgreSQL."""

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from patron.actors import Actor
from patron.customers.services import CustomerData, customer_create
from patron.loyalty.expiry import points_expire_all
from patron.loyalty.ledger import (
    NotEnoughPoints,
    ledger_check,
    points_earn,
    points_expire,
    points_redeem,
    redemption_reverse,
)
from patron.loyalty.models import Account, Allocation, Entry

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system(job="points_expire_all")
NOW = timezone.now()
NIGHT = NOW + timedelta(days=40)
"""When the expiry runs: lots expiring within 40 days of now are past it."""


class Undone(Exception):
    pass


def earn(customer, points, key, *, expires_in=None, pending_days=0):
    entry, _made = points_earn(
        customer=customer,
        points=points,
        key=key,
        by=SYSTEM,
        available_at=NOW + timedelta(days=pending_days) if pending_days else None,
        expires_at=NOW + timedelta(days=expires_in) if expires_in is not None else None,
    )
    return entry


@pytest.fixture
def ledger(somchai, thai_shop, emre):
    """Customers whose lots are due, partly spent, pending, never expiring, spent in full, or
    given points back after they expired once; and some with nothing due."""
    people = [customer_create(data=CustomerData(display_name=f"Member {n}"), by=somchai) for n in range(8)]
    spent, pending, never, nothing, twice, full, many, later = people
    earn(spent, 100, "spent-due", expires_in=10)
    earn(spent, 40, "spent-later", expires_in=300)
    points_redeem(customer=spent, points=70, key="spent-redeem", by=emre)
    earn(pending, 25, "pending-due", expires_in=20, pending_days=30)  # pending still, yet past expiry
    earn(pending, 50, "pending-never")
    earn(never, 70, "never")
    earn(nothing, 15, "nothing-later", expires_in=90, pending_days=5)
    earn(twice, 100, "twice-due", expires_in=10)
    redemption, _made = points_redeem(customer=twice, points=60, key="twice-redeem", by=emre)
    points_expire(customer=twice, by=SYSTEM, now=NOW + timedelta(days=11))  # its 40 left expire
    redemption_reverse(redemption=redemption, key="twice-back", by=SYSTEM)  # 60 back, past expiry
    earn(full, 30, "full-due", expires_in=5)
    earn(full, 10, "full-later", expires_in=200)
    points_redeem(customer=full, points=30, key="full-redeem", by=emre)  # the due lot, all of it
    for n, days in enumerate([3, 3, 15, 39]):
        earn(many, 10 + n, f"many-{n}", expires_in=days)
    earn(later, 5, "later-due", expires_in=39)
    earn(later, 8, "later-not-yet", expires_in=41)
    return people


def state():
    """The ledger by keys, ids aside (PostgreSQL's sequences do not roll back)."""
    expired = Entry.objects.filter(kind=Entry.Kind.EXPIRE)
    return {
        "expired": sorted(
            expired.values_list("customer_id", "key", "points", "available_at", "actor_kind", "actor_job")
        ),
        "allocations": sorted(Allocation.objects.values_list("entry__key", "lot__key", "points")),
        "lots": dict(Entry.objects.filter(points__gt=0).values_list("key", "remaining")),
        "accounts": dict(Account.objects.values_list("customer_id", "points")),
    }


def one_at_a_time(now):
    """The per-customer path: ledger.points_expire for each customer with points due."""
    due = Entry.objects.filter(remaining__gt=0, expires_at__lte=now).values_list("customer", flat=True)
    done = {"customers": 0, "entries": 0, "points": 0}
    for customer in sorted(set(due)):
        made = points_expire(customer=customer, by=SYSTEM, now=now)
        done["customers"] += bool(made)
        done["entries"] += len(made)
        done["points"] -= sum(entry.points for entry in made)
    return done


def undone(run):
    """What ``run`` returns and leaves, then undone."""
    try:
        with transaction.atomic():
            result = run(), state()
            raise Undone
    except Undone:
        return result


@pytest.mark.parametrize("batch", [1, 3, 2_000])
def test_the_batches_make_what_one_customer_at_a_time_makes(ledger, batch):
    before = state()
    expected = undone(lambda: one_at_a_time(NIGHT))
    assert state() == before
    got = undone(lambda: points_expire_all(by=SYSTEM, now=NIGHT, batch=batch))
    assert got == expected
    counts, after = got
    assert counts == {"customers": 5, "entries": 8, "points": 30 + 25 + 60 + 10 + 11 + 12 + 13 + 5}
    spent, pending, never, nothing, twice, full, many, later = ledger
    assert after["accounts"] == {
        spent.pk: 40,
        pending.pk: 50,
        never.pk: 70,
        nothing.pk: 15,
        twice.pk: 0,
        full.pk: 10,
        many.pk: 0,
        later.pk: 8,
    }
    assert after["lots"]["spent-due"] == 0 and after["lots"]["later-not-yet"] == 8
    again = Entry.objects.get(key="twice-due").pk  # expired once, given 60 back, expired again
    assert (twice.pk, f"expire:{again}:2", -60) in [row[:3] for row in after["expired"]]


def test_a_second_run_makes_nothing_and_the_ledger_stays_whole(ledger, capsys):
    first = points_expire_all(by=SYSTEM, now=NIGHT, batch=3)
    assert first["entries"] == 8
    after = state()
    assert points_expire_all(by=SYSTEM, now=NIGHT, batch=3) == {"customers": 0, "entries": 0, "points": 0}
    assert state() == after
    assert ledger_check() == []
    call_command("loyalty", "check")  # exits 1 on any disagreement
    assert "whole" in capsys.readouterr().out
    # The per-customer path finds nothing left either: the same keys, the same lots.
    assert one_at_a_time(NIGHT) == {"customers": 0, "entries": 0, "points": 0}


def test_an_expiry_below_zero_is_refused_and_writes_nothing(ledger):
    spent = ledger[0]
    Account.objects.filter(customer=spent).update(points=10)  # a cache that lost 30 points
    before = state()
    with pytest.raises(Exception, match="loyalty_account_not_negative"):
        points_expire_all(by=SYSTEM, now=NIGHT)
    assert state() == before


@pytest.mark.django_db(transaction=True)
def test_redemptions_side_by_side_with_the_expiry_see_each_batch_whole(staff):
    """Each customer: 100 points expiring before the night, 50 that never expire, and 60 redeemed
    while the night runs. Whichever takes the account's lock first, they end with 50 points:
    the redemption spent 60 of the 100 and the expiry the other 40, or the expiry took the 100
    and the redemption was refused. A batch read before its lock would expire spent points."""
    if connection.vendor != "postgresql":
        pytest.skip("threads share one database on PostgreSQL; SQLite's test database is in memory")
    somchai, emre = staff("somchai"), staff("emre")
    people = [customer_create(data=CustomerData(display_name=f"Member {n}"), by=somchai) for n in range(24)]
    for person in people:
        earn(person, 100, f"soon-{person.pk}", expires_in=10)
        earn(person, 50, f"never-{person.pk}")
    start, outcomes, errors = threading.Barrier(len(people) + 1), [], []

    def redeem(person):
        try:
            start.wait()
            points_redeem(customer=person, points=60, key=f"till-{person.pk}", by=emre)
            outcomes.append("redeemed")
        except NotEnoughPoints:
            outcomes.append("refused")
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    def expire():
        try:
            start.wait()
            points_expire_all(by=SYSTEM, now=NIGHT, batch=5)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=redeem, args=(person,)) for person in people]
    threads.append(threading.Thread(target=expire))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(outcomes) == len(people)
    assert set(Account.objects.values_list("points", flat=True)) == {50}
    assert Entry.objects.filter(kind=Entry.Kind.EXPIRE).count() == len(people)
    assert points_expire_all(by=SYSTEM, now=NIGHT) == {"customers": 0, "entries": 0, "points": 0}
    assert ledger_check() == []
