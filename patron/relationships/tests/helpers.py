"""What the relationships tests share: customers with orders, at a level."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from patron.customers.tests.factories import make_customer
from patron.relationships.services import level_set
from patron.sales.models import Product
from patron.sales.services import LineData, order_create


def bought(by, customer, *, days_ago=0, sku=None, category="", at=None):
    """A completed order of ``customer``, placed ``days_ago`` days ago (or ``at``), with one line
    of the product ``sku`` (made with ``category``) when given."""
    lines = []
    if sku:
        Product.objects.get_or_create(sku=sku, defaults={"name": sku, "category": category})
        lines = [LineData(sku=sku, quantity=Decimal("1"), unit_price=Decimal("1000"))]
    placed = at or timezone.now() - timedelta(days=days_ago)
    return order_create(
        customer=customer,
        placed_at=placed,
        channel="store",
        total=None if lines else "1000",
        lines=lines,
        by=by,
    )


def at_level(by, key, level, owner=None):
    """A customer of the cast (factories.PEOPLE) at ``level``, owned by ``owner``."""
    customer = make_customer(by, key)
    if owner is not None:
        customer.owner = owner
        customer.save(update_fields=["owner"])
    level_set(by=by, customer=customer, level=level, reason="Set for the test")
    customer.refresh_from_db()
    return customer
