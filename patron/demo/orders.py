"""The demo shop's order book: when each order was placed, where, and roughly for how much.

Everything here is decided for the whole run at once in numpy arrays, so orders can be
numbered in the order they were placed, as a till numbers them.
"""

from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np

from patron.demo.buying import simulate_purchases
from patron.demo.draw import Choice

HORIZON_DAYS = 730
DAY = 86400
PROSPECT_SHARE = 0.04  # signed up (newsletter, loyalty card) but never bought
WHOLESALE_SHARE = 0.02
WHOLESALE_SPEND = 6
VIP_SHARE = 0.05
SAME_CHANNEL = 0.7  # how often a customer buys through their usual channel
STATUSES = Choice({"completed": 0.94, "refunded": 0.035, "cancelled": 0.025})


def _hours(weights):
    return Choice(dict(zip(range(24), weights, strict=True)))


_SHOP_HOURS = _hours([0] * 9 + [2, 4, 6, 8, 7, 6, 6, 7, 8, 9, 8, 5, 2] + [0] * 2)
_ONLINE_HOURS = _hours([2, 1, 0.5, 0.3, 0.3, 0.5, 1, 2, 3, 4, 5, 6, 7, 6, 5, 5, 5, 5, 6, 7, 9, 10, 8, 5])
_OFFICE_HOURS = _hours([0] * 8 + [2, 6, 8, 8, 5, 6, 8, 8, 7, 5, 2, 0, 0, 0, 0, 0])
HOURS = {
    "store": _SHOP_HOURS,
    "web": _ONLINE_HOURS,
    "app": _ONLINE_HOURS,
    "marketplace": _ONLINE_HOURS,
    "phone": _OFFICE_HOURS,
}


@dataclass(frozen=True)
class OrderBook:
    """Per customer (index c) and per order (index k, grouped by customer, in time order)."""

    channels: list  # channel names, indexed by `channel`
    created: np.ndarray  # c: epoch second of the first order, or of signing up
    prospect: np.ndarray  # c: never bought
    wholesale: np.ndarray  # c
    vip: np.ndarray  # c: among the top VIP_SHARE by spend
    start: np.ndarray  # c: index k of the customer's first order
    count: np.ndarray  # c: number of orders
    placed: np.ndarray  # k: epoch second
    channel: np.ndarray  # k
    status: np.ndarray  # k: index into STATUSES.items
    value: np.ndarray  # k: intended order value in the currency
    number: np.ndarray  # k: order number, counting in the order the orders were placed


def book_orders(rng, profile, customers, now, first_number):
    """The order book of `customers` customers over the two years up to `now`."""
    now_epoch = int(now.timestamp())
    window_start = now_epoch - HORIZON_DAYS * DAY
    # None of the four countries has daylight saving time, so one offset holds all window.
    utc_offset = int(now.astimezone(ZoneInfo(profile.time_zone)).utcoffset().total_seconds())

    purchases = simulate_purchases(rng, customers, HORIZON_DAYS)
    prospect = rng.random(customers) < PROSPECT_SHARE
    wholesale = (rng.random(customers) < WHOLESALE_SHARE) & ~prospect
    bought = ~prospect[purchases.customer]
    customer = purchases.customer[bought]
    orders = customer.size

    sales_channels = Choice(profile.sales_channels)
    usual = sales_channels.indices(rng, customers)
    channel = np.where(
        rng.random(orders) < SAME_CHANNEL, usual[customer], sales_channels.indices(rng, orders)
    )
    placed = _local_time(
        rng, window_start + purchases.day[bought] * DAY, channel, sales_channels.items, utc_offset
    )
    latest = now_epoch - 60
    placed = np.where(placed > latest, latest - rng.integers(0, 3600, orders), placed)
    status = STATUSES.indices(rng, orders)
    low, high = (float(bound) for bound in profile.order_range)
    spend = purchases.spend[bought] * np.where(wholesale[customer], WHOLESALE_SPEND, 1)
    value = np.clip(spend * float(profile.typical_order), low, high)

    in_order = np.lexsort((placed, customer))
    customer, placed, channel, status, value = (
        array[in_order] for array in (customer, placed, channel, status, value)
    )
    number = np.empty(orders, dtype=np.int64)
    number[np.argsort(placed, kind="stable")] = first_number + np.arange(orders)

    count = np.bincount(customer, minlength=customers)
    start = np.cumsum(count) - count
    signed_up = _local_time(
        rng,
        window_start + purchases.first_day * DAY,
        np.zeros(customers, dtype=np.int64),
        ["web"],
        utc_offset,
    )
    first_order = placed[np.minimum(start, orders - 1)] if orders else signed_up
    created = np.where(count > 0, first_order, np.minimum(signed_up, latest))

    spent = np.bincount(customer, weights=value, minlength=customers)
    threshold = np.quantile(spent[count > 0], 1 - VIP_SHARE) if orders else np.inf
    return OrderBook(
        channels=sales_channels.items,
        created=created,
        prospect=prospect,
        wholesale=wholesale,
        vip=(count > 0) & (spent >= threshold),
        start=start,
        count=count,
        placed=placed,
        channel=channel,
        status=status,
        value=value,
        number=number,
    )


def _local_time(rng, moments, channel, channel_names, utc_offset):
    """Move each moment to a likely hour of its local day for its channel (shops open 9-21)."""
    local_midnight = (moments.astype(np.int64) + utc_offset) // DAY * DAY - utc_offset
    hour = np.zeros(moments.size, dtype=np.int64)
    for index, name in enumerate(channel_names):
        chosen = channel == index
        hour[chosen] = np.asarray(HOURS[name].items)[HOURS[name].indices(rng, int(chosen.sum()))]
    return local_midnight + hour * 3600 + rng.integers(0, 3600, moments.size)
