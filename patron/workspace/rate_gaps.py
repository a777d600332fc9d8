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
from datetime import date

from django.apps import apps
from django.db import connection
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

    @property
    def runs(self):
        """The days as runs of consecutive days of the month: [(5, 5), (12, 12), (18, 22)]."""
        runs = []
        for day in self.days:
            if runs and runs[-1][1] == day.day - 1:
                runs[-1] = (runs[-1][0], day.day)
            else:
                runs.append((day.day, day.day))
        return runs


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
    """{currency: {day with a rate}}, read in one plain query: the ORM's date converters would
    take most of the time on SQLite, where a date arrives as its ISO text."""
    table = ExchangeRate._meta.db_table
    days = defaultdict(set)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT currency, date FROM {table} WHERE currency <> %s", [base])  # noqa: S608
        for currency, day in cursor.fetchall():
            days[currency].add(day if isinstance(day, date) else date.fromisoformat(day))
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
    """The working days from ``start`` to ``end`` not in ``have``, counted by ordinal (day 1,
    1 January of year 1, was a Monday)."""
    have = {day.toordinal() for day in have}
    return [
        date.fromordinal(n)
        for n in range(start.toordinal(), end.toordinal() + 1)
        if (n - 1) % 7 in WORKDAYS and n not in have
    ]


def _months(days):
    months = defaultdict(list)
    for day in days:
        months[day.replace(day=1)].append(day)
    return [MonthGap(month, months[month]) for month in sorted(months, reverse=True)]
