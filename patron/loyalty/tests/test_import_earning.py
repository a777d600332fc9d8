"""An import's orders earn in bulk (earning.imported_orders_earn) exactly what each would earn
told one by one (earning.orders_settle): the same entries, points, times and bonuses, on
orders drawn at random (lines of rated products, a tier, birthdays, first orders that an
import lists after later ones, a referral), in batches smaller than the import."""

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from patron.customers.tests.factories import make_customer
from patron.loyalty import earning
from patron.loyalty.earning import imported_orders_earn, orders_settle, referral_record
from patron.loyalty.ledger import ledger_check
from patron.loyalty.models import Account, EarnRule, Entry, Membership, Referral
from patron.loyalty.programme import programme_update
from patron.loyalty.tiers import tier_create
from patron.sales.models import Order
from patron.sales.services import LineData, order_create, product_upsert

SYSTEM = "imported_orders_earn"


def entries():
    """Every entry as what matters of it, without ids and recording times."""
    return sorted(
        Entry.objects.values_list(
            "customer", "kind", "points", "remaining", "key", "order", "available_at", "expires_at"
        )
    )


def random_shop(somchai, seed):
    rnd = random.Random(seed)
    skus = []
    for n, category in enumerate(["tea", "tea", "ceramics", "books", ""]):
        product_upsert(sku=f"P{n}", name=f"Product {n}", category=category, by=somchai)
        skus.append(f"P{n}")
    EarnRule.objects.create(applies_to=EarnRule.Applies.SKU, value="P0", multiplier=Decimal("3"))
    EarnRule.objects.create(applies_to=EarnRule.Applies.CATEGORY, value="ceramics", multiplier=Decimal("1.5"))
    people = []
    for n in range(8):
        customer = make_customer(somchai, display_name=f"Buyer {n}", country="TH")
        customer.birthday = date(1990, rnd.randint(1, 12), 15) if n % 3 else None
        customer.save(update_fields=["birthday"])
        people.append(customer)
    gold = tier_create(name="Gold", threshold=Decimal(1000), multiplier=Decimal("1.25"), by=somchai)
    Membership.objects.create(customer=people[1], tier=gold, since=timezone.now())
    referral_record(referrer=people[0], referred=people[2], by=somchai)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for n in range(60):
        lines = [
            LineData(rnd.choice(skus), str(rnd.randint(1, 3)), f"{rnd.randint(100, 99999) / 100:.2f}")
            for _ in range(rnd.randint(0, 3))
        ]
        order_create(
            customer=rnd.choice(people),
            placed_at=start + timedelta(minutes=rnd.randrange(2 * 365 * 24 * 60)),  # not in time order
            channel="store",
            total=None if lines else Decimal(rnd.randint(1, 500_000)) / 100,
            lines=lines,
            by=somchai,
            source="pos",
            external_id=f"S{n}",
            status=rnd.choice([Order.Status.COMPLETED] * 5 + [Order.Status.CANCELLED]),
        )
    return people


@pytest.mark.parametrize(
    ("seed", "first_purchase_bonus", "referral_bonus"),
    [(1, 50, 70), (2, 50, 70), (3, 50, 70), (4, 0, 70), (5, 50, 0)],
)
@pytest.mark.django_db
def test_an_import_earns_in_bulk_what_each_order_earns_alone(
    somchai, thai_shop, monkeypatch, seed, first_purchase_bonus, referral_bonus
):
    programme_update(
        by=somchai,
        active=True,
        points_per_unit=Decimal("0.37"),
        birthday_multiplier=Decimal("2"),
        first_purchase_bonus=first_purchase_bonus,
        referral_bonus=referral_bonus,
        pending_days=14,
        expiry_months=13,
    )
    started = timezone.now() - timedelta(minutes=1)
    random_shop(somchai, seed)
    monkeypatch.setattr(earning, "IMPORT_BATCH", 7)
    one_by_one = []
    order_earn = earning.order_earn
    told_alone = lambda **kw: one_by_one.append(kw["order"]) or order_earn(**kw)  # noqa: E731
    monkeypatch.setattr(earning, "order_earn", told_alone)
    made = imported_orders_earn(source="pos", started_at=started, by=somchai)
    bulk = entries()
    assert made == len(bulk) > 30
    # Only the referred customer's first order goes one by one, to pay its Referral.
    assert len(one_by_one) == (1 if referral_bonus else 0)
    assert (Referral.objects.get().paid is not None) == bool(referral_bonus)
    assert ledger_check() == []
    bulk_accounts = dict(Account.objects.values_list("customer", "points"))
    assert imported_orders_earn(source="pos", started_at=started, by=somchai) == 0  # told again

    Referral.objects.update(paid=None)
    Entry.objects.all().delete()
    Account.objects.all().delete()
    orders_settle(order_ids=list(Order.objects.values_list("pk", flat=True)), by=somchai)
    assert entries() == bulk
    assert dict(Account.objects.values_list("customer", "points")) == bulk_accounts


@pytest.mark.django_db
def test_an_import_without_the_programme_running_earns_nothing(somchai, thai_shop):
    programme_update(by=somchai, active=False, points_per_unit=Decimal("1"))
    started = timezone.now() - timedelta(minutes=1)
    random_shop(somchai, 4)
    assert imported_orders_earn(source="pos", started_at=started, by=somchai) == 0
    assert not Entry.objects.exists()
