"""What a cancelled, refunded or returned order takes back, and gives back: the peers' bugs as
tests. Odoo kept the points of a refunded order (PR #257854); ERPNext made no negative entry on
a return (#32951); an order reversed twice must lose its points once; points of a cancelled
order already spent are taken from the customer's other points, the rest recorded as a
shortfall, and the balance never goes below zero."""

from datetime import timedelta
from decimal import Decimal

import pytest

from patron.actors import Actor
from patron.customers.tests.factories import make_customer
from patron.loyalty.earning import entry_cause, orders_settle, referral_record
from patron.loyalty.ledger import balance_of, ledger_check, points_earn, points_redeem
from patron.loyalty.models import Account, Entry
from patron.loyalty.programme import programme_update
from patron.loyalty.tests.shop import *  # noqa: F403  (the fixtures)
from patron.loyalty.tests.shop import PLACED, earned

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system(job="orders_settle")


def total(customer):
    return Account.objects.get(customer=customer).points


def test_a_refunded_order_loses_its_points(somsri, programme, record, change):
    """Odoo PR #257854: a refunded order kept its points."""
    order = record(somsri, total="1000")
    assert total(somsri) == 100
    change(order, "refunded")
    reversal = Entry.objects.get(kind="reverse")
    assert (reversal.points, reversal.order, reversal.reverses.key) == (-100, order, f"order:{order.pk}:earn")
    assert entry_cause(reversal) == "Order cancelled or refunded"
    assert total(somsri) == 0 and ledger_check() == []


def test_a_cancelled_order_takes_back_its_bonuses_too(somchai, somsri, record, change):
    programme_update(
        by=somchai, active=True, points_per_unit=Decimal("0.1"), first_purchase_bonus=50, referral_bonus=200
    )
    juan = make_customer(somchai, "juan")
    referral_record(referrer=somsri, referred=juan, by=somchai)
    order = record(juan, total="1000")
    assert (total(juan), total(somsri)) == (150, 200)
    change(order, "cancelled")
    assert (total(juan), total(somsri)) == (0, 0)
    assert sorted(earned(juan, "reverse")) == [-100, -50] and earned(somsri, "reverse") == [-200]


def test_a_partial_return_takes_back_its_share(somsri, programme, record, change):
    """ERPNext #32951: a return made no negative entry. 30% returned takes 30% of the points."""
    order = record(somsri, total="1000")
    change(order, "returned", amount="300")
    ret = order.returns.get()
    reversal = Entry.objects.get(kind="reverse")
    assert (reversal.points, reversal.key) == (-30, f"return:{ret.pk}:reverse:{reversal.reverses_id}")
    assert total(somsri) == 70
    change(order, "returned")  # the rest
    assert earned(somsri, "reverse") == [-30, -70] and total(somsri) == 0 and ledger_check() == []


def test_returns_in_thirds_add_up_to_exactly_what_the_order_earned(somsri, programme, record, change):
    order = record(somsri, total="999")  # 99 points
    for amount in ("333", "333", None):
        change(order, "returned", amount=amount)
    assert earned(somsri, "reverse") == [-33, -33, -33] and total(somsri) == 0
    order = record(somsri, total="100", placed_at=PLACED + timedelta(days=1))  # 10 points
    change(order, "returned", amount="33")  # 3.3 points: 3 now
    change(order, "returned", amount="33")  # 6.6 in all: 3 more
    change(order, "returned")  # the rest: 4, so that the three add up to the 10 earned
    assert earned(somsri, "reverse")[3:] == [-3, -3, -4] and total(somsri) == 0


def test_an_order_reversed_twice_reverses_once(somsri, programme, record, change):
    order = record(somsri, total="1000")
    points_earn(customer=somsri, points=500, key="gift", by=SYSTEM)
    change(order, "cancelled")
    orders_settle(order_ids=[order.pk], by=SYSTEM)  # the same event told again
    orders_settle(order_ids=[order.pk, order.pk], by=SYSTEM)
    assert earned(somsri, "reverse") == [-100] and total(somsri) == 500 and ledger_check() == []


def test_a_return_told_twice_reverses_once(somsri, programme, record, change):
    order = record(somsri, total="1000")
    change(order, "returned", amount="500")
    ret = order.returns.get()
    orders_settle(order_ids=[ret.pk, order.pk], by=SYSTEM)
    assert earned(somsri, "reverse") == [-50] and total(somsri) == 50


def test_spent_points_of_a_cancelled_order_come_from_other_points_then_a_shortfall(
    somsri, emre, programme, record, change
):
    order = record(somsri, total="1000")  # 100 points
    points_earn(customer=somsri, points=30, key="gift", by=SYSTEM)
    points_redeem(customer=somsri, points=120, key="coffee", by=emre)  # spends all but 10
    change(order, "cancelled")
    reversal = Entry.objects.get(kind="reverse")
    assert (reversal.points, reversal.shortfall) == (-10, 90)
    assert total(somsri) == 0 and balance_of(somsri).available == 0 and ledger_check() == []

    # Spent from the order's own points, the customer's other points cover it.
    juan = make_customer(emre, "juan")
    order = record(juan, total="1000")
    gift, _made = points_earn(customer=juan, points=300, key="juan-gift", by=SYSTEM)
    points_redeem(customer=juan, points=100, key="juan-coffee", by=emre)  # the order's lot, placed first
    change(order, "cancelled")
    reversal = Entry.objects.get(kind="reverse", customer=juan)
    assert (reversal.points, reversal.shortfall) == (-100, 0) and total(juan) == 200
    assert list(reversal.allocations.values_list("lot", "points")) == [(gift.pk, 100)]


def test_a_cancelled_order_gives_back_what_was_redeemed_on_it(somsri, emre, programme, record, change):
    points_earn(customer=somsri, points=500, key="gift", by=SYSTEM)
    order = record(somsri, total="1000")
    points_redeem(customer=somsri, points=200, key="discount", by=emre, order=order)
    assert total(somsri) == 400
    change(order, "cancelled")
    assert sorted(earned(somsri, "reverse")) == [-100, 200]
    assert total(somsri) == 500 and ledger_check() == []
    orders_settle(order_ids=[order.pk], by=SYSTEM)
    assert total(somsri) == 500


def test_a_return_gives_back_the_same_share_of_a_redemption(somsri, emre, programme, record, change):
    points_earn(customer=somsri, points=500, key="gift", by=SYSTEM)
    order = record(somsri, total="1000")
    points_redeem(customer=somsri, points=200, key="discount", by=emre, order=order)
    change(order, "returned", amount="250")  # a quarter
    assert sorted(earned(somsri, "reverse")) == [-25, 50]
    assert total(somsri) == 400 - 25 + 50 and ledger_check() == []


def test_reversals_happen_while_the_programme_is_off(somchai, somsri, programme, record, change):
    order = record(somsri, total="1000")
    programme_update(by=somchai, active=False)
    change(order, "refunded")
    assert total(somsri) == 0
