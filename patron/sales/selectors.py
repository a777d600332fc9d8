from django.db.models import Count, Max, Min, Q, Sum

from patron.sales.models import Order
from patron.sales.rules import PAID_BACK, SPEND


def order_list(*, customer=None, status=None, channel=None, since=None, until=None):
    orders = Order.objects.select_related("customer")
    if customer is not None:
        orders = orders.filter(customer=customer)
    if status:
        orders = orders.filter(status=status)
    if channel:
        orders = orders.filter(channel=channel)
    if since:
        orders = orders.filter(placed_at__gte=since)
    if until:
        orders = orders.filter(placed_at__lt=until)
    return orders


def purchase_timeline(customer, limit=50):
    return list(customer.orders.prefetch_related("lines__product").order_by("-placed_at", "-id")[:limit])


def purchase_totals(customer):
    """Totals in the base currency: orders, completed orders, spend, money paid back (refunds and
    returns), first and last (:mod:`patron.sales.rules`)."""
    return customer.orders.aggregate(
        orders=Count("id"),
        completed=Count("id", filter=Q(status__in=SPEND)),
        spend=Sum("total_base", filter=Q(status__in=SPEND)),
        refunded=Sum("total_base", filter=Q(status__in=PAID_BACK)),
        first=Min("placed_at"),
        last=Max("placed_at"),
    )
