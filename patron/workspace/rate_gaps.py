"""Which rates are missing: for each currency that orders use or that has rates, the business
days (Monday to Friday, counted in the workspace's time zone) from the first day it was needed
to today without a rate, by month; and first, the days on which orders in that currency were
placed but no rate is saved (a rate deleted after its orders were recorded, or orders that came
in before the rule).

Computed in Python over the set of saved dates, one query for the rates and one for the days
of orders, whatever the number of days: ten years of twenty currencies is 73,000 dates.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.apps import apps
from django.db.models.functions import TruncDate

from patron.accounts.permissions import require
from patron.workspace.clock import business_today, business_zone
from patron.workspace.models import ExchangeRate
from patron.workspace.rates import KEEP
from patron.workspace.services import get_workspace

WORKDAYS = range(5)
"""Monday to Friday (date.weekday()): the days banks quote rates."""


@dataclass
class MonthGap:
    month: date  # its first day
    days: list


@dataclass
class CurrencyGaps:
    currency: str
    since: date
    order_days: list = field(default_factory=list)  # days with orders and no rate
    months: list = field(default_factory=list)  # MonthGap, newest first

    @property
    def missing(self):
        return sum(len(month.days) for month in self.months)


def rate_gaps(*, by, today=None):
    """[CurrencyGaps] of every currency with a missing rate, by code."""
    require(by, KEEP)
    workspace = get_workspace()
    today = today or business_today(workspace)
    rated = _rate_days(workspace.currency)
    ordered = _order_days(workspace)
    gaps = []
    for currency in sorted(set(rated) | set(ordered)):
        have, need = rated[currency], ordered[currency]
        since = min(have | need)
        found = CurrencyGaps(
            currency, since, order_days=sorted(d for d in need if d not in have and d <= today)
        )
        found.months = _months(_missing(since, today, have))
        if found.order_days or found.months:
            gaps.append(found)
    return gaps


def _rate_days(base):
    days = defaultdict(set)
    rows = ExchangeRate.objects.exclude(currency=base).values_list("currency", "date")
    for currency, day in rows.iterator(chunk_size=10_000):
        days[currency].add(day)
    return days


def _order_days(workspace):
    """{currency: {business day of an order}} of the orders not in the base currency."""
    # sales depends on workspace, not the other way round: the model is looked up by name.
    order = apps.get_model("sales", "Order")
    rows = (
        order.objects.exclude(currency=workspace.currency)
        .annotate(day=TruncDate("placed_at", tzinfo=business_zone(workspace)))
        .values_list("currency", "day")
        .distinct()
    )
    days = defaultdict(set)
    for currency, day in rows:
        days[currency].add(day)
    return days


def _missing(start, end, have):
    day, missing = start, []
    while day <= end:
        if day.weekday() in WORKDAYS and day not in have:
            missing.append(day)
        day += timedelta(days=1)
    return missing


def _months(days):
    months = defaultdict(list)
    for day in days:
        months[day.replace(day=1)].append(day)
    return [MonthGap(month, months[month]) for month in sorted(months, reverse=True)]
