"""Points an order earns: the rate in Decimal, rounded down; multipliers by SKU or category
(by each line's share), tier and birthday month; the first-purchase and referral bonuses; the
pending period and expiry; only completed orders, only while the programme runs; once."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from patron.actors import Actor
from patron.customers.models import Customer
from patron.customers.tests.factories import make_customer
from patron.loyalty.earning import entry_cause, order_earn, order_points, orders_settle, referral_record
from patron.loyalty.ledger import balance_of, ledger_check
from patron.loyalty.models import Entry, Membership, Referral, Tier
from patron.loyalty.programme import earn_rule_add, programme_update
from patron.loyalty.tests.shop import *  # noqa: F403  (the fixtures)
from patron.loyalty.tests.shop import PLACED, earned
from patron.sales.models import Order

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system(job="orders_settle")


def test_an_order_earns_its_base_total_times_the_rate_rounded_down(programme, somsri, record):
    order = record(somsri, total="999.99")  # 99.999 points
    assert earned(somsri) == [99]
    entry = Entry.objects.get(kind="earn")
    assert (entry.order, entry.key, entry.actor_kind, entry.actor_job) == (
        order,
        f"order:{order.pk}:earn",
        "system",
        "orders_settle",
    )
    assert entry_cause(entry) == "Points for an order"
    assert balance_of(somsri).available == 99 and ledger_check() == []


def test_decimal_arithmetic_where_a_float_would_lose_a_point(somchai, somsri, record):
    """0.29 x 100 is 28.999999999999996 in binary floating point, rounded down to 28: Decimal
    gives the 29 points earned."""
    assert int(0.29 * 100) == 28
    programme_update(by=somchai, active=True, points_per_unit=Decimal("0.29"))
    record(somsri, total="100")
    assert earned(somsri) == [29]


def test_the_order_total_in_base_currency_earns(somchai, somsri, programme, record):
    from patron.workspace.models import ExchangeRate

    ExchangeRate.objects.create(currency="USD", date=date(2026, 3, 1), rate=Decimal("35.5"))
    order = record(somsri, total="10.00", currency="USD")
    assert order.total_base == Decimal("355.0000")
    assert earned(somsri) == [35]


def test_rules_by_sku_and_category_weigh_each_lines_share(somchai, somsri, programme, products, record):
    earn_rule_add(applies_to="category", value="tea", multiplier="3", by=somchai)
    earn_rule_add(applies_to="category", value="ceramics", multiplier="2", by=somchai)
    earn_rule_add(applies_to="sku", value="CUP-1", multiplier="0.5", by=somchai)  # before its category
    # 300 of tea at x3 and 100 of cups at x0.5: (900 + 50) / 400 = 2.375; 400 x 0.1 x 2.375 = 95.
    record(somsri, lines=[("TEA-1", 2, 150), ("CUP-1", 1, 100)])
    assert earned(somsri) == [95]


def test_an_order_without_lines_earns_at_the_base_rate(somchai, somsri, programme, record):
    earn_rule_add(applies_to="category", value="tea", multiplier="3", by=somchai)
    record(somsri, total="400")
    assert earned(somsri) == [40]


def test_the_tier_multiplier_of_the_customers_membership(somsri, programme, record):
    gold = Tier.objects.create(name="Gold", threshold=10000, multiplier=Decimal("1.5"))
    Membership.objects.create(customer=somsri, tier=gold, since=timezone.now())
    record(somsri, total="1000")
    assert earned(somsri) == [150]


def test_the_birthday_month_in_the_workspaces_time_zone(somchai, somsri, record):
    programme_update(
        by=somchai, active=True, points_per_unit=Decimal("0.1"), birthday_multiplier=Decimal("2")
    )
    Customer.objects.filter(pk=somsri.pk).update(birthday=date(1990, 3, 15))
    somsri.refresh_from_db()
    # 28 February 20:00 UTC is 1 March 03:00 in Bangkok: the birthday month there.
    record(somsri, total="100", placed_at=PLACED.replace(month=2, day=28, hour=20))
    # 31 March 18:00 UTC is 1 April in Bangkok: no longer.
    record(somsri, total="100", placed_at=PLACED.replace(day=31, hour=18))
    assert earned(somsri) == [20, 10]


def test_the_first_purchase_bonus_once_on_the_first_completed_order(somchai, somsri, record):
    programme_update(by=somchai, active=True, points_per_unit=Decimal("0.1"), first_purchase_bonus=50)
    record(somsri, total="100", status="cancelled", placed_at=PLACED - timedelta(days=9))  # not completed
    first = record(somsri, total="100")
    record(somsri, total="100", placed_at=PLACED + timedelta(days=1))
    assert earned(somsri) == [10, 50, 10]
    bonus = Entry.objects.get(key=f"customer:{somsri.pk}:first-purchase")
    assert bonus.order == first and entry_cause(bonus) == "First-purchase bonus"


def test_the_referral_bonus_goes_to_the_referrer_when_the_referred_first_order_completes(
    somchai, emre, somsri, record
):
    programme_update(by=somchai, active=True, points_per_unit=Decimal("0.1"), referral_bonus=200)
    juan = make_customer(somchai, "juan")
    referral = referral_record(referrer=somsri, referred=juan, by=emre)
    assert (referral.actor, referral.actor_kind) == (emre, "staff")
    record(juan, total="100", status="cancelled")  # not completed: nothing for anyone
    assert earned(somsri) == []
    order = record(juan, total="100")
    record(juan, total="100", placed_at=PLACED + timedelta(days=1))
    assert earned(somsri) == [200] and earned(juan) == [10, 10]
    referral.refresh_from_db()
    assert referral.paid.order == order and referral.paid.customer == somsri


def test_a_referral_is_refused_for_oneself_twice_or_after_a_purchase(
    somchai, maria, somsri, programme, record
):
    juan = make_customer(somchai, "juan")
    with pytest.raises(ValidationError) as refused:
        referral_record(referrer=somsri, referred=somsri, by=somchai)
    assert "cannot refer themselves" in str(refused.value)
    with pytest.raises(PermissionDenied):
        referral_record(referrer=somsri, referred=juan, by=maria)  # an Analyst reads only
    referral_record(referrer=somsri, referred=juan, by=somchai)
    with pytest.raises(ValidationError, match="recorded already"):
        referral_record(referrer=somsri, referred=juan, by=somchai)
    record(somsri, total="100")
    with pytest.raises(ValidationError, match="bought already"):
        referral_record(referrer=juan, referred=somsri, by=somchai)
    assert Referral.objects.count() == 1


def test_the_pending_period_and_expiry_after_months(somchai, somsri, record):
    programme_update(by=somchai, active=True, points_per_unit=Decimal(1), pending_days=14, expiry_months=12)
    placed = timezone.now() - timedelta(days=2)
    record(somsri, total="100", placed_at=placed)
    entry = Entry.objects.get(kind="earn")
    assert entry.available_at == placed + timedelta(days=14)
    assert entry.expires_at.astimezone(placed.tzinfo) > placed + timedelta(days=364)
    assert entry.expires_at.date().replace(year=placed.year) in {
        placed.date(),
        (placed + timedelta(days=1)).date(),
    }
    balance = balance_of(somsri)
    assert (balance.available, balance.pending) == (0, 100)


def test_expiry_on_a_fixed_date_at_its_start_in_the_workspaces_zone(somchai, somsri, record):
    programme_update(by=somchai, active=True, points_per_unit=Decimal(1), expires_on=date(2027, 3, 31))
    record(somsri, total="100")
    expires = Entry.objects.get(kind="earn").expires_at
    assert expires.isoformat() == "2027-03-30T17:00:00+00:00"  # 31 March 00:00 in Bangkok


def test_only_completed_orders_earn_and_only_while_the_programme_runs(somchai, somsri, programme, record):
    record(somsri, total="100", status="refunded")
    record(somsri, total="100", status="cancelled")
    programme_update(by=somchai, active=False)
    record(somsri, total="100")
    assert earned(somsri) == []
    assert not Entry.objects.exists()


def test_an_order_told_again_earns_once(somsri, programme, record):
    order = record(somsri, total="500")
    orders_settle(order_ids=[order.pk, order.pk], by=SYSTEM)
    orders_settle(order_ids=[order.pk], by=SYSTEM)
    assert order_earn(order=Order.objects.get(pk=order.pk), by=SYSTEM) == []
    assert earned(somsri) == [50] and balance_of(somsri).available == 50


def test_order_points_of_a_large_total_stays_exact(somchai, somsri, record):
    programme_update(by=somchai, active=True, points_per_unit=Decimal("0.0001"))
    order = record(somsri, total="99999999999.99")
    assert order_points(order) == 9999999 == earned(somsri)[0]
