"""Read-only sums of orders for the home page and the customer list's purchase filters.

Purchases are the orders of :data:`patron.sales.rules.SPEND`; revenue is net spend as
:mod:`patron.sales.rules` defines it (its SQL helpers, as the scoring reads it), so a return
or refund counts here exactly as it does in the scores.
"""

from decimal import Decimal

from django.db.models import BooleanField, Case, DecimalField, Exists, OuterRef, Sum, Value, When
from django.db.models.expressions import RawSQL

from patron.sales.models import Order
from patron.sales.rules import SPEND, net_amount_sql, net_spend_sql

MONEY = DecimalField(max_digits=18, decimal_places=4)


def purchases_between(start, end=None):
    """Orders that count as purchases placed from ``start`` (included) to ``end`` (excluded)."""
    orders = Order.objects.filter(status__in=SPEND, placed_at__gte=start)
    return orders if end is None else orders.filter(placed_at__lt=end)


def buyers_count(start, end=None) -> int:
    """Customers with a purchase from ``start`` to ``end``."""
    return purchases_between(start, end).values("customer_id").distinct().count()


def _purchase_before(moment, customer="customer_id"):
    """The customer (``customer``: the outer query's field holding them) bought before ``moment``."""
    customer = OuterRef(customer)
    return Exists(Order.objects.filter(customer=customer, status__in=SPEND, placed_at__lt=moment))


def first_buyers_count(start, end=None) -> int:
    """Customers whose first purchase ever falls from ``start`` to ``end``."""
    firsts = purchases_between(start, end).filter(~_purchase_before(start))
    return firsts.values("customer_id").distinct().count()


def bought_between(start, end=None):
    """For a customer queryset: the customer has a purchase from ``start`` to ``end``."""
    return Exists(purchases_between(start, end).filter(customer=OuterRef("pk")))


def first_bought_between(start, end=None):
    """For a customer queryset: the customer's first purchase ever falls from ``start`` to ``end``."""
    return bought_between(start, end) & ~_purchase_before(start, customer="pk")


def net_revenue(bounds) -> list[Decimal]:
    """Net spend in the base currency between each pair of consecutive moments of ``bounds``
    (n + 1 moments give n sums), in one pass over the orders of the whole span."""
    if len(bounds) < 2:
        return []
    # The SQL of rules.py, with no parameter: net spend as the scoring reads it.
    amount = RawSQL(net_amount_sql(), (), output_field=MONEY)  # noqa: S611
    sums = {
        f"s{i}": Sum(
            Case(
                When(placed_at__gte=start, placed_at__lt=end, then=amount),
                default=Value(0),
                output_field=MONEY,
            )
        )
        for i, (start, end) in enumerate(zip(bounds, bounds[1:], strict=False))
    }
    counted = Order.objects.filter(
        RawSQL(net_spend_sql(), (), output_field=BooleanField()),  # noqa: S611
        placed_at__gte=bounds[0],
        placed_at__lt=bounds[-1],
    )
    totals = counted.aggregate(**sums)
    return [totals[f"s{i}"] or Decimal(0) for i in range(len(bounds) - 1)]


def latest_order_id() -> int:
    """The newest order's id (0 without orders): cheap, from the primary key."""
    return Order.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
