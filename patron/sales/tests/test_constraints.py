"""An order's status and channel are checked by the database, not only by the forms and the API."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from patron.customers.models import Customer
from patron.customers.tests.constraints import accepted, refused
from patron.sales.models import Order

pytestmark = pytest.mark.django_db


@pytest.fixture
def order():
    customer = Customer.objects.create(display_name="Nguyễn Văn An")
    return Order.objects.create(
        customer=customer,
        placed_at=datetime(2026, 11, 2, 3, 4, tzinfo=UTC),
        channel=Order.SalesChannel.STORE,
        currency="VND",
        total=Decimal(150000),
        total_base=Decimal(150000),
    )


def test_an_unknown_status_is_refused(order):
    rows = Order.objects.filter(pk=order.pk)
    refused(rows, "order_status_known", status="lost")
    refused(rows, "order_status_known", status="")
    refused(rows, "order_status_known", status="Completed")
    for status in Order.Status.values:
        accepted(rows, status=status)


def test_an_unknown_channel_is_refused(order):
    rows = Order.objects.filter(pk=order.pk)
    refused(rows, "order_channel_known", channel="fax")
    refused(rows, "order_channel_known", channel="")
    for channel in Order.SalesChannel.values:
        accepted(rows, channel=channel)
