"""What sales adds to the customer page: the purchases card and the purchase timeline."""

from patron.customers.ui import customer_panels
from patron.sales.selectors import purchase_timeline, purchase_totals
from patron.web.panels import Panel


def _purchases(request, customer, **page):
    return {"totals": purchase_totals(customer)}


def _timeline(request, customer, **page):
    return {"orders": purchase_timeline(customer)}


customer_panels.register(Panel("purchases", "sales/panels/purchases.html", order=30, context=_purchases))
customer_panels.register(
    Panel("timeline", "sales/panels/timeline.html", order=60, context=_timeline, wide=True)
)
