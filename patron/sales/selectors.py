from django.db.models import Count, Max, Min, Q, Sum

from patron.sales.models import Order, Product
from patron.sales.rules import PAID_BACK, SPEND
from patron.sales.status import with_returned


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
    """The customer's latest orders, each with its lines, what its returns gave back
    (``returned``) and, for a return, the order it returns."""
    orders = with_returned(customer.orders.select_related("return_of").prefetch_related("lines__product"))
    return list(orders.order_by("-placed_at", "-id")[:limit])


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


PRODUCT_MATCHES = 20
"""How many products a search answers at most (the order form's suggestions)."""


def product_matches(text, limit=PRODUCT_MATCHES):
    """Products whose SKU or name holds ``text`` (case aside), SKUs that start with it first."""
    text = (text or "").strip()
    if not text:
        return list(Product.objects.order_by("name", "sku")[:limit])
    found = Product.objects.filter(Q(sku__icontains=text) | Q(name__icontains=text))
    return sorted(
        found[: limit * 5], key=lambda p: (not p.sku.lower().startswith(text.lower()), p.name, p.sku)
    )[:limit]


def product_for(text):
    """The product ``text`` names, as typed on the order form: its SKU, else its full name, else
    the one product whose SKU or name holds it. Returns (product or None, how many matched)."""
    text = (text or "").strip()
    exact = Product.objects.filter(sku=text).first() or Product.objects.filter(sku__iexact=text).first()
    if exact:
        return exact, 1
    named = list(Product.objects.filter(name__iexact=text)[:2])
    if len(named) == 1:
        return named[0], 1
    if named:
        return None, Product.objects.filter(name__iexact=text).count()
    found = list(Product.objects.filter(Q(sku__icontains=text) | Q(name__icontains=text))[:2])
    if len(found) == 1:
        return found[0], 1
    count = Product.objects.filter(Q(sku__icontains=text) | Q(name__icontains=text)).count() if found else 0
    return None, count
