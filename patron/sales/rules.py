"""The rules of an order, in one place: the service that records one order (``order_create``),
the importer that records millions, and the readers that add orders up all call these.

- Its total in the base currency: the total times the exchange rate of its business day,
  rounded half-even to the base currency's minor unit; an order in the base currency is
  taken at a rate of 1, and one in another currency without a known rate for that day is
  refused (never booked at a guessed rate).
- The business day of its exchange rate: the day it was placed on in the workspace's time
  zone (:mod:`patron.workspace.clock`), whoever records it and from wherever.
- Which statuses count as spend: completed orders. A return (status "returned") is a
  document of its own, its total the amount paid back: it nets against spend, counted
  negative on its day. Refunded and cancelled orders count for nothing; refunded orders and
  returns are the money paid back. A return recorded in Patron names the order it returns
  (``return_of``, :mod:`patron.sales.status`), which keeps its own status and total: so a
  returned order counts once, less its returns, here as in every reader of these rules.
"""

from datetime import date, datetime
from decimal import Decimal

from patron.sales.models import Order
from patron.workspace.clock import business_day
from patron.workspace.models import ExchangeRate
from patron.workspace.money import quantize

MAX_TOTAL = Decimal(10) ** 14
"""Order.total and Order.total_base hold 18 digits, 4 of them after the point: a total (in
its currency and in the base one) must stay below this."""

SPEND = (Order.Status.COMPLETED.value,)
"""The statuses whose totals count as spend."""
RETURN = Order.Status.RETURNED.value
"""The status of a return, whose total nets against spend (counted negative)."""
NET_SPEND = (*SPEND, RETURN)
"""The statuses whose totals count in net spend: purchases, less returns."""
PAID_BACK = (Order.Status.REFUNDED.value, RETURN)
"""The statuses whose totals were paid back to the customer."""


def rate_day(placed_at: datetime, workspace=None) -> date:
    """The day whose exchange rate an order placed at ``placed_at`` takes: its business day."""
    return business_day(placed_at, workspace)


def exchange_rate(currency: str, day: date, base_currency: str) -> Decimal | None:
    """What one unit of ``currency`` is worth in ``base_currency`` on ``day``: 1 for the base
    currency itself, else the day's known rate, or None when no rate is known for that day."""
    if currency == base_currency:
        return Decimal(1)
    return ExchangeRate.objects.filter(currency=currency, date=day).values_list("rate", flat=True).first()


def base_total(total: Decimal, rate: Decimal, base_currency: str) -> Decimal:
    """An order's total in the base currency: ``total`` × ``rate``, rounded half-even to the
    base currency's minor unit."""
    return quantize(total * rate, base_currency)


def net_amount_sql(column="total_base") -> str:
    """SQL for an order's amount in net spend: its ``column``, negative for a return. Only
    meaningful for orders whose status is in NET_SPEND (see :func:`net_spend_sql`)."""
    return f"CASE WHEN status = '{RETURN}' THEN -{column} ELSE {column} END"


def net_spend_sql() -> str:
    """SQL condition: the order counts in net spend (its status is in NET_SPEND)."""
    return "status IN ({})".format(", ".join(f"'{status}'" for status in NET_SPEND))
