"""The demo shop runs a loyalty programme: its rules, tiers, coupons and cards, and two years of
points earned, spent, expired and taken back, whole by the ledger's own check."""

import hashlib
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from patron.demo.generator import generate_shop
from patron.demo.tests.test_demo import wipe_shop
from patron.loyalty.cards import luhn_valid
from patron.loyalty.ledger import ledger_check
from patron.loyalty.models import (
    Account,
    Allocation,
    Card,
    Coupon,
    CouponBatch,
    CouponUse,
    EarnRule,
    Entry,
    Membership,
    Tier,
    TierChange,
)
from patron.loyalty.programme import programme_get
from patron.sales.models import Order

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 6, 1, 9, 30, tzinfo=UTC)


def ledger_digest():
    """The ledger by order number and customer number, leaving out ids."""
    number = "customer__external_ids__value"
    entries = Entry.objects.order_by("created_at", number, "kind", "points").values_list(
        number, "kind", "points", "remaining", "order__external_id", "created_at", "expires_at"
    )
    redeem_keys = sorted(Entry.objects.filter(kind="redeem").values_list("key", flat=True))
    cards = Card.objects.order_by("number").values_list(number, "number")
    tiers = Membership.objects.order_by(number).values_list(number, "tier__name")
    codes = Coupon.objects.filter(customer=None).order_by("code").values_list("code", "uses")
    rows = [list(entries), redeem_keys, list(cards), list(tiers), list(codes)]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_the_demo_runs_a_programme_with_rules_tiers_coupons_and_cards():
    generate_shop("TH", 400, seed=5, now=NOW)

    programme = programme_get()
    assert programme.active and programme.name
    assert programme.points_per_unit == Decimal("0.04")  # 1 point per 25 THB
    assert programme.point_value == Decimal("0.25")
    assert (programme.pending_days, programme.expiry_months, programme.tier_basis) == (7, 12, "spend")
    assert EarnRule.objects.filter(applies_to="category", multiplier=2).count() == 1
    tiers = list(Tier.objects.order_by("threshold").values_list("threshold", flat=True))
    assert tiers == [0, 4_000, 10_000, 25_000]
    members = dict(Membership.objects.values_list("tier__threshold").annotate(n=Count("pk")).order_by())
    assert len(members) >= 3 and all(members.values())
    assert TierChange.objects.exists()
    assert Tier.objects.get(threshold=10_000).upgrade_batch is not None
    assert set(CouponBatch.objects.values_list("use", flat=True)) == {"single", "limited", "per_customer"}
    assert CouponUse.objects.filter(coupon__batch__use="limited").exists()
    assert CouponUse.objects.filter(coupon__batch__use="per_customer").exists()
    cards = list(Card.objects.values_list("number", flat=True))
    assert 0 < len(cards) < 400 and all(luhn_valid(number) for number in cards)


def test_two_years_of_points_earned_redeemed_expired_and_reversed_keep_the_ledger_whole():
    generate_shop("VN", 500, seed=2, now=NOW)

    kinds = dict(Entry.objects.values_list("kind").annotate(n=Count("pk")).order_by())
    assert {"earn", "redeem", "expire", "reverse"} <= set(kinds)
    assert ledger_check() == []
    assert (
        Account.objects.aggregate(total=Sum("points"))["total"]
        == Entry.objects.aggregate(total=Sum("points"))["total"]
    )
    # Every completed order earned once; a refunded one earned and was taken back; a cancelled
    # one never earned.
    completed = Order.objects.filter(status="completed", return_of=None).count()
    refunded = Order.objects.filter(status="refunded").count()
    assert kinds["earn"] == completed + refunded
    assert not Entry.objects.filter(order__status="cancelled").exists()
    earned = Entry.objects.filter(kind="earn", order__status="refunded")
    reversed_ = Entry.objects.filter(kind="reverse", order__status="refunded")
    assert refunded and sorted(reversed_.values_list("reverses", flat=True)) == sorted(
        earned.values_list("pk", flat=True)
    )
    # Dated as they happened, over the two years, not all on the day the demo ran.
    months = Entry.objects.annotate(month=TruncMonth("created_at")).values("month").distinct().count()
    assert months >= 23
    for earn in Entry.objects.filter(kind="earn").select_related("order")[:200]:
        assert earn.available_at == earn.order.placed_at + timedelta(days=7)
        local = earn.order.placed_at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
        assert earn.expires_at == local + relativedelta(months=12)
    # Nothing past its expiry is left, and nothing expired before its time.
    assert not Entry.objects.filter(remaining__gt=0, expires_at__lte=NOW).exists()
    for expiry in Entry.objects.filter(kind="expire")[:200]:
        lot = Allocation.objects.get(entry=expiry).lot
        assert expiry.created_at >= lot.expires_at
        assert expiry.created_at <= NOW
    # Spent at the till, on an order, with keys drawn from the order numbers.
    for redeem in Entry.objects.filter(kind="redeem").select_related("order"):
        assert redeem.key == f"demo:redeem:{redeem.order.external_id}"
        assert redeem.created_at == redeem.order.placed_at
        assert redeem.points < 0 and redeem.points % 50 == 0


def test_the_same_seed_makes_the_same_ledger():
    generate_shop("PH", 250, seed=3, now=NOW)
    first = ledger_digest()
    wipe_shop()

    generate_shop("PH", 250, seed=3, now=NOW)

    assert ledger_digest() == first
    assert ledger_check() == []


def test_adding_customers_keeps_the_programme_and_its_ledger_whole():
    generate_shop("TR", 150, seed=1, now=NOW)
    programme, batches = programme_get(), CouponBatch.objects.count()

    generate_shop("TR", 100, seed=2, add=True, now=NOW)

    assert programme_get().updated_at == programme.updated_at
    assert CouponBatch.objects.count() == batches
    assert Tier.objects.count() == 4
    assert Account.objects.count() > 150
    assert ledger_check() == []
