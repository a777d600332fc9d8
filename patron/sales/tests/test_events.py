"""Order events from the service and the API: told once the order is committed, never when its
transaction is rolled back, and a failing subscriber breaks neither the order nor the others.

These tests commit for real (``transaction=True``): an event is told after the commit."""

import logging
from datetime import UTC, datetime

import pytest
from django.db import transaction

from patron.conftest import with_token
from patron.customers.tests.factories import make_customer
from patron.duplicates.merging import customer_merge, merge_undo
from patron.sales.events import OrdersRecorded, announce_changed, orders_recorded
from patron.sales.models import Order
from patron.sales.services import order_create
from patron.sales.tests.listening import hearing, listen

pytestmark = pytest.mark.django_db(transaction=True)
PLACED = datetime(2025, 3, 1, 3, 0, tzinfo=UTC)


@pytest.fixture
def heard():
    with hearing() as told:
        yield told


@pytest.fixture
def juan(somchai, thai_shop):
    return make_customer(somchai, "juan")


def record(customer, by, total="120.00"):
    return order_create(customer=customer, placed_at=PLACED, channel="store", total=total, by=by)


def post_order(client, by, customer):
    body = {
        "customer": customer.pk,
        "placed_at": "2025-03-01T10:00:00+07:00",
        "channel": "web",
        "total": "9.50",
    }
    return with_token(client, by).post("/api/orders", body, content_type="application/json")


def test_an_order_of_the_api_is_told_by_id_after_its_commit(client, somchai, juan, heard):
    response = post_order(client, somchai, juan)
    assert response.status_code == 201
    assert heard == [("recorded", OrdersRecorded(created=(response.json()["id"],)), False)]


def test_an_order_is_told_when_the_transaction_around_it_commits_not_before(somchai, juan, heard):
    with transaction.atomic():
        order = record(juan, somchai)
        assert heard == []
    assert heard == [("recorded", OrdersRecorded(created=(order.pk,)), False)]


def test_an_order_rolled_back_is_never_told(somchai, juan, heard):
    with pytest.raises(RuntimeError), transaction.atomic():
        record(juan, somchai)
        raise RuntimeError("the work around the order failed")
    assert not Order.objects.exists()
    assert heard == []


def test_a_change_is_told_by_id_after_its_commit(somchai, juan, heard):
    order = record(juan, somchai)
    heard.clear()
    with transaction.atomic():
        Order.objects.filter(pk=order.pk).update(status=Order.Status.REFUNDED)
        announce_changed([order.pk])
        assert heard == []
    assert heard == [("recorded", OrdersRecorded(changed=(order.pk,)), False)]


def test_orders_a_merge_moves_and_its_undo_gives_back_are_told_as_changed(somchai, juan, heard):
    twin = make_customer(somchai, display_name="Juan D.")
    orders = sorted(record(twin, somchai, total).pk for total in ("10.00", "20.00"))
    kept = record(juan, somchai).pk
    heard.clear()
    merge = customer_merge(survivor=juan, merged=twin, by=somchai)
    assert heard == [("recorded", OrdersRecorded(changed=tuple(orders)), False)]
    heard.clear()
    merge_undo(merge=merge, by=somchai)
    assert heard == [("recorded", OrdersRecorded(changed=tuple(orders)), False)]
    assert Order.objects.get(pk=kept).customer_id == juan.pk


def test_a_failing_subscriber_is_logged_and_breaks_neither_the_order_nor_the_others(
    client, somchai, juan, heard, caplog
):
    def broken(sender, **kwargs):
        raise ValueError("the loyalty ledger is down")

    orders_recorded.connect(broken, weak=False)
    after = []
    later = listen(orders_recorded, after, "after")  # connected after the broken one
    try:
        with caplog.at_level(logging.ERROR):
            response = post_order(client, somchai, juan)
    finally:
        orders_recorded.disconnect(broken)
        orders_recorded.disconnect(later)
    assert response.status_code == 201
    created = OrdersRecorded(created=(response.json()["id"],))
    assert Order.objects.filter(pk=response.json()["id"]).exists()
    assert heard == [("recorded", created, False)] and after == [("after", created, False)]
    (logged,) = [r for r in caplog.records if "broken" in r.getMessage()]
    assert "the loyalty ledger is down" in logged.getMessage() and logged.exc_info
