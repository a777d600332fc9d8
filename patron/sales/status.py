"""Changing an order's status once it is recorded: cancelled, refunded, or returned in full or
in part. One service, :func:`order_status_change`, which the customer page and
``PATCH /api/orders/{id}`` both call.

How each change is kept, so that net spend (:mod:`patron.sales.rules`) stays right for every
reader of those rules (scoring, the customer's totals, the home page) without a change to them:

- **Cancelled** and **refunded** change the order's own status: from then on it counts for
  nothing in spend, and a refunded order's total is money paid back. Only a completed order
  with nothing returned yet can be cancelled or refunded in full; part of it is given back as
  a partial return.
- **Returned** never changes the order's status. A return is a document of its own, as a return
  read from an import always was: an Order with status "returned", its total the amount paid
  back, counted negative in net spend on the day it was recorded, and tied to the order it
  returns by ``return_of``. An order whose returns add up to its total is shown as returned
  (:func:`shown_status`); its ``returned`` amount is the sum of its returns.
  The tie lets a subscriber to the order events (the loyalty programme to come) take back
  exactly what that order earned, pro rata: returned / total.
- A return takes its order's exchange rate, not the day's: the money paid back is the money
  received. The return that leaves nothing to return takes the rest of the order's total in the
  base currency, so that an order returned in several parts nets to exactly zero there.
- The total returned never exceeds the order's total, however many returns arrive at once: the
  order's row is locked (``select_for_update``) in the transaction that sums its returns and
  writes the new one, so a second request waits and then sees the first one's return
  (PostgreSQL; SQLite's transactions take the database's write lock when they begin).
- Every change is told once it commits (:mod:`patron.sales.events`): one event that names the
  order as changed and the return document, if any, as created; and it is recorded in the
  customer's audit trail.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from patron.accounts.permissions import require
from patron.customers.audit import Action, audit_record
from patron.sales.events import announce_recorded
from patron.sales.models import Order
from patron.sales.rules import base_total
from patron.sales.services import precision_message
from patron.workspace.money import has_more_precision_than, quantize
from patron.workspace.services import get_workspace

Status = Order.Status
CHANGES = (Status.CANCELLED.value, Status.REFUNDED.value, Status.RETURNED.value)
"""The statuses an order can be changed to."""


def with_returned(orders):
    """``orders`` with ``returned``: the total of their returns, in their currency (0 if none)."""
    returns = (
        Order.objects.filter(return_of=OuterRef("pk"))
        .order_by()
        .values("return_of")
        .annotate(amount=Sum("total"))
        .values("amount")
    )
    amount = DecimalField(max_digits=18, decimal_places=4)
    return orders.annotate(
        returned=Coalesce(Subquery(returns, output_field=amount), Value(Decimal(0)), output_field=amount)
    )


def shown_status_is(orders, status):
    """``orders`` (from :func:`with_returned`) whose shown status is ``status``: a completed
    order returned in full is among the returned ones, not the completed ones."""
    in_full = Q(status=Status.COMPLETED, total__gt=0, returned__gte=F("total"))
    if status == Status.RETURNED:
        return orders.filter(Q(status=Status.RETURNED) | in_full)
    if status == Status.COMPLETED:
        return orders.filter(status=Status.COMPLETED).exclude(in_full)
    return orders.filter(status=status)


def returned_amount(order):
    """What ``order``'s returns gave back so far, in its currency."""
    if hasattr(order, "returned"):
        return order.returned
    total = order.returns.aggregate(amount=Sum("total"))["amount"]
    return total or Decimal(0)


def shown_status(order, returned=None):
    """The status to show for ``order``: "returned" for a completed order whose returns add up to
    its total, else its own status."""
    returned = returned_amount(order) if returned is None else returned
    if order.status == Status.COMPLETED and order.total > 0 and returned >= order.total:
        return Status.RETURNED.value
    return order.status


def shown_label(order, returned=None):
    """``order``'s shown status in words: "Returned" for an order returned in full."""
    shown = shown_status(order, returned)
    if shown == Status.RETURNED and order.status == Status.COMPLETED:
        return pgettext("order status", "Returned")
    return Status(shown).label


def left_to_return(order, returned=None):
    """What may still be returned of ``order``, in its currency (0 for anything but completed)."""
    if order.status != Status.COMPLETED or order.return_of_id:
        return Decimal(0)
    returned = returned_amount(order) if returned is None else returned
    return max(order.total - returned, Decimal(0))


def _amount(value, currency):
    """The amount of a partial return, as a Decimal, or a ValidationError at ``amount``."""
    try:
        if isinstance(value, float | bool):
            raise InvalidOperation
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({"amount": [_("%(value)s is not a number.") % {"value": value}]}) from None
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({"amount": [_("Must be greater than %(minimum)s.") % {"minimum": 0}]})
    if has_more_precision_than(amount, currency):
        raise ValidationError({"amount": [precision_message(currency)]})
    return quantize(amount, currency)


def _refusal(order, status, returned):
    """Why ``order`` (locked, with ``returned`` given back so far) cannot become ``status``, or None."""
    if order.return_of_id or order.status == Status.RETURNED:
        return _("This is a return: a return cannot be cancelled, refunded or returned.")
    if order.status == Status.CANCELLED:
        if status == Status.CANCELLED:
            return _("This order is already cancelled.")
        return _("This order was cancelled: it can no longer be refunded or returned.")
    if order.status == Status.REFUNDED:
        if status == Status.REFUNDED:
            return _("This order is already refunded.")
        return _("This order was refunded: it can no longer be cancelled or returned.")
    if order.total > 0 and returned >= order.total:
        return _("This order was returned in full: nothing of it is left to cancel, refund or return.")
    if status == Status.RETURNED and order.total <= 0:
        return _("This order's total is 0: there is nothing to return.")
    if status != Status.RETURNED and returned > 0:
        return _("Part of this order was returned already: return the rest instead.")
    return None


def _label(order):
    return order.external_id or f"#{order.pk}"


def allowed_changes(order, returned=None):
    """The statuses ``order`` can be changed to now (what the page offers)."""
    returned = returned_amount(order) if returned is None else returned
    return [status for status in CHANGES if not _refusal(order, status, returned)]


def _checked(status, amount):
    if status not in CHANGES:
        raise ValidationError(
            {"status": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(CHANGES)}]}
        )
    if amount not in (None, "") and status != Status.RETURNED:
        raise ValidationError({"amount": [_("An amount is given only for a partial return.")]})


def _part(order, status, amount, returned):
    """What a change of ``order`` (with ``returned`` given back so far) to ``status`` returns:
    the amount for a return, None for any other change; a ValidationError if not possible."""
    refusal = _refusal(order, status, returned)
    if refusal:
        raise ValidationError({"status": [refusal]})
    if status != Status.RETURNED:
        return None
    left = order.total - returned
    part = quantize(left, order.currency) if amount in (None, "") else _amount(amount, order.currency)
    if part > left:
        raise ValidationError(
            {
                "amount": [
                    _("Only %(left)s %(currency)s of this order is left to return.")
                    % {"left": quantize(left, order.currency), "currency": order.currency}
                ]
            }
        )
    return part


def order_status_check(*, order, status, amount=None, by):
    """What :func:`order_status_change` would do, written nowhere: the amount a return would
    give back (None for a cancel or refund), or its ValidationError. For a page that asks to
    confirm; the change itself checks again, under its lock."""
    require(by, "sales.change_order")
    _checked(status, amount)
    return _part(order, status, amount, returned_amount(order))


def order_status_change(*, order, status, amount=None, by):
    """Cancel, refund or return ``order`` (an Order or its id); ``amount`` (in the order's
    currency) returns only that part of it. Returns the order, with ``returned`` (the total of
    its returns) and ``made_return`` (the return document this change made, or None).

    Refused with a ValidationError (at ``status`` or ``amount``) when the change is not possible;
    nothing is written then. Permission: sales.change_order.
    """
    require(by, "sales.change_order")
    _checked(status, amount)
    order_id = getattr(order, "pk", order)
    workspace = get_workspace()
    with transaction.atomic():
        # The lock: a second change of this order waits here until the first one commits.
        order = Order.objects.select_for_update().select_related("customer").get(pk=order_id)
        returned = returned_amount(order)
        part = _part(order, status, amount, returned)
        made_return = None
        if part is not None:
            made_return = _return(order, part, order.total - returned, workspace)
            changes = {
                "order": _label(order),
                "returned": [
                    f"{quantize(returned, order.currency)} {order.currency}" if returned else None,
                    f"{quantize(returned + part, order.currency)} {order.currency}",
                ],
            }
            returned += part
        else:
            changes = {"order": _label(order), "status": [order.status, status]}
            order.status = status
            order.save(update_fields=["status"])
        audit_record(customer=order.customer, actor=by, action=Action.UPDATE, changes=changes)
        announce_recorded(created=(made_return.pk,) if made_return else (), changed=(order.pk,))
    order.returned = returned
    order.made_return = made_return
    return order


def _return(order, part, left, workspace):
    """The return document that gives ``part`` of ``order`` back (``left`` being what was left)."""
    given = order.returns.aggregate(amount=Sum("total_base"))["amount"] or Decimal(0)
    rest = max(order.total_base - given, Decimal(0))
    # The last part takes the rest of the order's base total, so that the returns add up to it;
    # no part takes more than that rest, whatever the rounding of the parts before it.
    part_base = rest if part == left else min(base_total(part, order.exchange_rate, workspace.currency), rest)
    return Order.objects.create(
        customer=order.customer,
        source="patron",
        placed_at=timezone.now(),
        status=Status.RETURNED,
        channel=order.channel,
        currency=order.currency,
        total=part,
        total_base=part_base,
        exchange_rate=order.exchange_rate,
        return_of=order,
    )
