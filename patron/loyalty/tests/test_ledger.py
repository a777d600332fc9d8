"""The points ledger: balances derived from entries, soonest-expiring points spent first, exact
expiry and reversals, idempotency keys, and a balance that never goes below zero."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from patron.actors import Actor
from patron.customers.tests.factories import make_customer
from patron.duplicates.merging import customer_merge, merge_undo
from patron.duplicates.tests.factories import an_twice
from patron.loyalty.ledger import (
    Earning,
    KeyReused,
    NotEnoughPoints,
    balance_of,
    earn_reverse,
    ledger_check,
    points_adjust,
    points_earn,
    points_earn_many,
    points_expire,
    points_redeem,
    redemption_reverse,
)
from patron.loyalty.models import Account, Allocation, Entry

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system(job="loyalty_earn")
NOW = timezone.now()


@pytest.fixture
def somsri(somchai, thai_shop):
    return make_customer(somchai, "somsri")


def earn(customer, points, key, *, days_to_expiry=None, pending_days=0):
    expires = NOW + timedelta(days=days_to_expiry) if days_to_expiry is not None else None
    entry, _made = points_earn(
        customer=customer,
        points=points,
        key=key,
        by=SYSTEM,
        available_at=NOW + timedelta(days=pending_days) if pending_days else None,
        expires_at=expires,
    )
    return entry


def left(entry):
    return Entry.objects.get(pk=entry.pk).remaining


def test_a_redemption_spends_the_soonest_expiring_points_first(somsri, emre):
    late = earn(somsri, 100, "a", days_to_expiry=300)
    never = earn(somsri, 50, "b")
    soon = earn(somsri, 30, "c", days_to_expiry=10)
    entry, made = points_redeem(customer=somsri, points=60, key="r1", by=emre, reason="a free coffee")
    assert made and entry.points == -60 and entry.actor == emre and entry.actor_kind == "staff"
    assert (left(soon), left(late), left(never)) == (0, 70, 50)
    assert sorted(Allocation.objects.filter(entry=entry).values_list("lot", "points")) == sorted(
        [(soon.pk, 30), (late.pk, 30)]
    )
    points_redeem(customer=somsri, points=80, key="r2", by=emre)
    assert (left(late), left(never)) == (0, 40)  # points that never expire go last
    assert balance_of(somsri).available == 40 == Account.objects.get(customer=somsri).points
    assert ledger_check() == []


def test_a_redemption_beyond_the_available_points_writes_nothing(somsri, emre):
    earn(somsri, 100, "a")
    earn(somsri, 500, "pending", pending_days=14)  # the returns window
    with pytest.raises(NotEnoughPoints) as refused:
        points_redeem(customer=somsri, points=101, key="r", by=emre)
    assert refused.value.available == 100 and "100" in str(refused.value)
    assert not Entry.objects.filter(kind="redeem").exists() and not Allocation.objects.exists()
    assert (balance_of(somsri).available, balance_of(somsri).pending) == (100, 500)
    assert balance_of(somsri, now=NOW + timedelta(days=15)).available == 600


def test_the_same_key_makes_one_entry_and_another_request_under_it_is_refused(somsri, emre, somchai):
    earn(somsri, 100, "a")
    first, made = points_redeem(customer=somsri, points=10, key="pos-1", by=emre, fingerprint="x")
    again, made_again = points_redeem(customer=somsri, points=10, key="pos-1", by=emre, fingerprint="x")
    assert made and not made_again and first.pk == again.pk
    assert balance_of(somsri).available == 90
    with pytest.raises(KeyReused):
        points_redeem(customer=somsri, points=20, key="pos-1", by=emre, fingerprint="y")
    other = make_customer(somchai, "juan")
    earn(other, 100, "b")
    with pytest.raises(KeyReused):
        points_redeem(customer=other, points=10, key="pos-1", by=emre, fingerprint="x")
    assert Entry.objects.filter(kind="redeem").count() == 1


def test_expiry_takes_what_is_left_of_each_lot_once(somsri, emre):
    lot = earn(somsri, 100, "a", days_to_expiry=30)
    keep = earn(somsri, 40, "b", days_to_expiry=400)
    points_redeem(customer=somsri, points=70, key="r", by=emre)
    later = NOW + timedelta(days=31)
    assert balance_of(somsri, now=later) == type(balance_of(somsri))(available=40, pending=0, due=30)
    [expired] = points_expire(customer=somsri, by=SYSTEM, now=later)
    assert expired.points == -30 and left(lot) == 0 and left(keep) == 40
    assert points_expire(customer=somsri, by=SYSTEM, now=later) == []
    assert balance_of(somsri, now=later).available == 40 == Account.objects.get(customer=somsri).points
    assert ledger_check() == []


def test_reversing_an_earn_takes_back_exactly_what_it_earned_and_only_once(somsri, emre):
    order_lot = earn(somsri, 100, "order-1")
    earn(somsri, 50, "order-2")
    points_redeem(customer=somsri, points=120, key="r", by=emre)  # 100 of order 1, 20 of order 2
    half, _made = earn_reverse(earn=order_lot, points=40, key="return-1", by=SYSTEM)
    assert half.points == -30 and half.shortfall == 10  # only 30 points were left to take
    assert Account.objects.get(customer=somsri).points == 0
    rest, _made = earn_reverse(earn=order_lot, points=100, key="cancel-1", by=SYSTEM)
    assert rest.points == 0 and rest.shortfall == 60  # the other 60 of the 100: nothing left
    nothing, made = earn_reverse(earn=order_lot, points=100, key="cancel-again", by=SYSTEM)
    assert nothing is None and not made
    assert ledger_check() == []


def test_reversing_an_earn_takes_its_own_lot_first_and_not_what_expired(somsri, emre):
    lot = earn(somsri, 100, "order-1", days_to_expiry=5)
    other = earn(somsri, 200, "order-2")
    points_expire(customer=somsri, by=SYSTEM, now=NOW + timedelta(days=6))
    entry, _made = earn_reverse(earn=lot, points=100, key="return-1", by=SYSTEM)
    assert entry is None  # its points expired: nothing more to take, nothing from order 2
    assert left(other) == 200
    fresh = earn(somsri, 80, "order-3")
    taken, _made = earn_reverse(earn=fresh, points=30, key="return-3", by=SYSTEM)
    assert taken.points == -30 and left(fresh) == 50 and left(other) == 200


def test_a_redemption_reversed_gives_back_to_the_lots_it_took_from(somsri, emre):
    soon = earn(somsri, 30, "a", days_to_expiry=10)
    late = earn(somsri, 100, "b", days_to_expiry=300)
    spent, _made = points_redeem(customer=somsri, points=60, key="r", by=emre)
    part, _made = redemption_reverse(redemption=spent, points=20, key="return-part", by=SYSTEM)
    assert part.points == 20 and (left(soon), left(late)) == (0, 90)  # the latest-expiring first
    rest, _made = redemption_reverse(redemption=spent, key="cancel", by=SYSTEM)
    assert rest.points == 40 and (left(soon), left(late)) == (30, 100)
    assert redemption_reverse(redemption=spent, key="cancel-again", by=SYSTEM) == (None, False)
    assert Account.objects.get(customer=somsri).points == 130
    assert ledger_check() == []


def test_only_an_admin_adjusts_and_says_why(somsri, somchai, lan):
    with pytest.raises(PermissionDenied):
        points_adjust(customer=somsri, points=50, key="adj", reason="goodwill", by=lan)
    with pytest.raises(ValidationError):
        points_adjust(customer=somsri, points=50, key="adj", reason="  ", by=somchai)
    added, _made = points_adjust(customer=somsri, points=50, key="adj", reason="goodwill", by=somchai)
    assert added.remaining == 50 and balance_of(somsri).available == 50
    earn(somsri, 20, "pending", pending_days=14)
    taken, _made = points_adjust(customer=somsri, points=-60, key="adj-2", reason="double entry", by=somchai)
    assert taken.points == -60 and balance_of(somsri) == type(balance_of(somsri))(
        available=0, pending=10, due=0
    )
    with pytest.raises(NotEnoughPoints):
        points_adjust(customer=somsri, points=-11, key="adj-3", reason="too much", by=somchai)
    assert ledger_check() == []


@pytest.mark.parametrize("points", [0, -5, 2.5, "10", True])
def test_points_are_whole_and_above_zero(somsri, emre, points):
    earn(somsri, 100, "a")
    with pytest.raises(ValidationError):
        points_redeem(customer=somsri, points=points, key="r", by=emre)


def test_who_may_not_redeem_cannot(somsri, maria):
    earn(somsri, 100, "a")
    with pytest.raises(PermissionDenied):
        points_redeem(customer=somsri, points=10, key="r", by=maria)  # an analyst reads only


def test_the_database_refuses_a_balance_below_zero(somsri):
    earn(somsri, 10, "a")
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(customer=somsri).update(points=-1)


def test_the_check_names_an_account_that_disagrees_with_its_entries(somsri, emre):
    lot = earn(somsri, 100, "a")
    points_redeem(customer=somsri, points=30, key="r", by=emre)
    Account.objects.filter(customer=somsri).update(points=99)
    Entry.objects.filter(pk=lot.pk).update(remaining=71)
    problems = ledger_check()
    assert len(problems) == 2
    assert f"customer {somsri.pk}: the account holds 99 points, its entries sum to 70" in problems
    assert f"entry {lot.pk}: 71 points left, its points less allocations 70" in problems


def test_patron_loyalty_check_exits_1_on_a_ledger_that_disagrees(somsri, capsys):
    earn(somsri, 100, "a")
    call_command("loyalty", "check", "--json")
    assert json.loads(capsys.readouterr().out) == {"whole": True, "problems": []}
    Account.objects.filter(customer=somsri).update(points=7)
    with pytest.raises(CommandError) as failed:
        call_command("loyalty", "check", "--json")
    assert failed.value.returncode == 1
    assert json.loads(capsys.readouterr().out)["problems"] == [
        f"customer {somsri.pk}: the account holds 7 points, its entries sum to 100"
    ]


def test_a_merge_gives_the_survivor_the_other_records_points_and_undo_takes_them_back(somchai, thai_shop):
    shop, web = an_twice(somchai)
    earn(shop, 100, "shop")
    earn(web, 40, "web")
    merge = customer_merge(survivor=shop, merged=web, by=somchai)
    assert balance_of(shop).available == 140 and balance_of(web).total == 0
    assert ledger_check() == []
    merge_undo(merge=merge, by=somchai)
    assert (balance_of(shop).available, balance_of(web).available) == (100, 40)
    assert ledger_check() == []


def test_earning_many_at_once_skips_keys_used_and_keeps_every_account_whole(somsri, somchai):
    juan = make_customer(somchai, "juan")
    earn(somsri, 10, "order:1:earn")
    expires = NOW + timedelta(days=30)
    made = points_earn_many(
        [
            Earning(somsri.pk, 10, "order:1:earn"),  # earned already
            Earning(somsri.pk, 25, "order:2:earn", expires_at=expires),
            Earning(juan.pk, 40, "order:3:earn"),
            Earning(juan.pk, 40, "order:3:earn"),  # told twice in one batch
        ],
        by=SYSTEM,
    )
    assert made == 2
    assert (balance_of(somsri).available, balance_of(juan).available) == (35, 40)
    assert Entry.objects.get(key="order:2:earn").expires_at == expires
    assert points_earn_many([Earning(juan.pk, 40, "order:3:earn")], by=SYSTEM) == 0
    with pytest.raises(ValidationError):
        points_earn_many([Earning(juan.pk, 0, "order:4:earn")], by=SYSTEM)
    assert ledger_check() == []
