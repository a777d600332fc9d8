"""A small Thai shop whose figures can be checked by hand, at a fixed moment of its clock."""

from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from unittest import mock

from patron.customers.models import Customer
from patron.sales.models import Order

# 00:30 on 1 March 2026 in Bangkok, still 28 February in UTC: March is the business month.
NOW = datetime(2026, 2, 28, 17, 30, tzinfo=UTC)


@contextmanager
def clock(moment=NOW):
    """The wall clock at ``moment``: the business day and month follow from it (the edge of the
    system: nothing of Patron's own is replaced)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def customer(name):
    return Customer.objects.create(display_name=name, country="TH")


def order(who, placed_at, total, status="completed"):
    return Order.objects.create(
        customer=who,
        placed_at=placed_at,
        status=status,
        channel="store",
        currency="THB",
        total=Decimal(total),
        total_base=Decimal(total),
    )


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def home(client, user):
    client.force_login(user)
    with clock():
        response = client.get("/")
    assert response.status_code == 200
    return response
