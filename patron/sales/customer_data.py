"""What the sales app holds about a customer (see patron/customers/registry.py)."""

from collections import defaultdict

from patron.customers.registry import Holding, OnErase, OnMerge, register
from patron.sales.events import announce_changed
from patron.sales.models import Order, OrderLine


def _orders(customer_ids):
    """Each order with its lines: product SKU and name, quantity, unit price."""
    orders = list(Order.objects.filter(customer__in=customer_ids).order_by("placed_at", "pk").values())
    lines = defaultdict(list)
    rows = OrderLine.objects.filter(order__in=[order["id"] for order in orders]).order_by("pk")
    for order, sku, name, quantity, price in rows.values_list(
        "order_id", "product__sku", "product__name", "quantity", "unit_price"
    ):
        lines[order].append({"sku": sku, "product": name, "quantity": quantity, "unit_price": price})
    return [{**order, "lines": lines[order["id"]]} for order in orders]


# An erased person's orders stay as anonymous sales, so that revenue figures do not change. Orders
# a merge or its undo gives another customer are told as changed (patron.sales.events).
register(Holding("orders", Order, OnMerge.MOVE, OnErase.ANONYMISE, export=_orders, moved=announce_changed))
