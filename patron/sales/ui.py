"""What sales adds to the customer page: the purchases card (with the button that records a
sale) and the purchase timeline (each order's status, and the control that changes it)."""

from patron.customers.ui import customer_panels
from patron.sales.selectors import purchase_timeline, purchase_totals
from patron.sales.status import allowed_changes, shown_label, shown_status
from patron.web.panels import Panel


def _purchases(request, customer, **page):
    return {
        "totals": purchase_totals(customer),
        # A merged record's orders live on the survivor; an erased person gets no new sales.
        "can_record": request.user.has_perm("sales.add_order")
        and not customer.merged_into_id
        and not customer.erased_at,
    }


def _timeline(request, customer, **page):
    can_change = request.user.has_perm("sales.change_order")
    orders = purchase_timeline(customer)
    for order in orders:
        order.shown = shown_label(order, order.returned)
        # Part of a completed order given back: said under its status.
        order.partly_returned = order.returned if shown_status(order, order.returned) == "completed" else 0
        order.changes = allowed_changes(order, order.returned) if can_change else []
    return {"orders": orders, "can_change": can_change}


customer_panels.register(Panel("purchases", "sales/panels/purchases.html", order=30, context=_purchases))
customer_panels.register(
    Panel("timeline", "sales/panels/timeline.html", order=60, context=_timeline, wide=True)
)
