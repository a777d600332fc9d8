"""PATCH /api/orders/{id}: cancel, refund, return in full or in part, through the one service."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.utils import translation

from patron.conftest import with_token
from patron.customers.tests.factories import make_customer
from patron.sales.events import OrdersRecorded
from patron.sales.models import Order
from patron.sales.services import order_create
from patron.sales.tests.listening import hearing

pytestmark = pytest.mark.django_db
PLACED = datetime(2025, 3, 1, 3, 0, tzinfo=UTC)


@pytest.fixture
def order(somchai, thai_shop):
    customer = make_customer(somchai, "somsri")
    return order_create(customer=customer, placed_at=PLACED, channel="web", total="1000.00", by=somchai)


def patch(client, by, order_id, body, **headers):
    api = with_token(client, by)
    return api.patch(f"/api/orders/{order_id}", body, content_type="application/json", **headers)


def test_cancel_answers_the_order_with_its_new_status(client, lan, order):
    response = patch(client, lan, order.pk, {"status": "cancelled"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["status"], body["returned"], body["return_of"]) == (
        order.pk,
        "cancelled",
        "0",
        None,
    )
    assert Order.objects.get(pk=order.pk).status == "cancelled"


def test_a_partial_return_then_the_rest(client, somchai, order):
    part = patch(client, somchai, order.pk, {"status": "returned", "amount": "350.00"})
    assert part.status_code == 200, part.content
    assert (part.json()["status"], Decimal(part.json()["returned"])) == ("completed", Decimal("350.00"))
    rest = patch(client, somchai, order.pk, {"status": "returned"})
    assert (rest.json()["status"], Decimal(rest.json()["returned"])) == ("returned", Decimal("1000.00"))
    returns = client.get(f"/api/orders?status=returned&customer={order.customer_id}").json()["items"]
    assert sorted((o["return_of"], Decimal(o["total"])) for o in returns if o["return_of"]) == [
        (order.pk, Decimal("350.00")),
        (order.pk, Decimal("650.00")),
    ]
    assert order.pk in [o["id"] for o in returns]  # returned in full: listed as returned
    completed = client.get("/api/orders?status=completed").json()["items"]
    assert order.pk not in [o["id"] for o in completed]


def test_more_than_is_left_is_422_at_amount_in_the_users_language(client, somchai, order):
    body = {"status": "returned", "amount": "1000.01"}
    response = patch(client, somchai, order.pk, body, HTTP_ACCEPT_LANGUAGE="th")
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    with translation.override("th"):
        expected = translation.gettext("Only %(left)s %(currency)s of this order is left to return.")
    assert error["loc"] == ["body", "payload", "amount"]
    assert error["msg"] == expected % {"left": "1000.00", "currency": "THB"}
    assert not Order.objects.filter(return_of=order).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "returned", "amount": "10.005"}, "amount"),
        ({"status": "returned", "amount": "0"}, "amount"),
        ({"status": "cancelled", "amount": "10"}, "amount"),
        ({"status": "completed"}, "status"),
        ({"status": "lost"}, "status"),
        ({}, "status"),
        ({"status": "cancelled", "reason": "asked"}, "reason"),
    ],
)
def test_bad_changes_are_422_at_their_field_and_change_nothing(client, somchai, order, body, field):
    response = patch(client, somchai, order.pk, body)
    assert response.status_code == 422
    assert [e["loc"][-1] for e in response.json()["detail"]] == [field]
    assert list(Order.objects.values_list("status", flat=True)) == ["completed"]


def test_an_impossible_transition_is_422_at_status(client, somchai, order):
    assert patch(client, somchai, order.pk, {"status": "refunded"}).status_code == 200
    response = patch(client, somchai, order.pk, {"status": "cancelled"})
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "payload", "status"]
    assert Order.objects.get(pk=order.pk).status == "refunded"


def test_unknown_order_is_404_and_a_body_that_is_not_json_400(client, somchai, order):
    assert patch(client, somchai, order.pk + 1000, {"status": "cancelled"}).status_code == 404
    api = with_token(client, somchai)
    response = api.patch(f"/api/orders/{order.pk}", "status=cancelled", content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("name", ["emre", "maria"])
def test_roles_that_may_not_change_orders_get_403(client, staff, order, name):
    response = patch(client, staff(name), order.pk, {"status": "cancelled"})
    assert response.status_code == 403
    assert Order.objects.get(pk=order.pk).status == "completed"


def test_the_change_is_told_once_after_its_commit(client, somchai, order, django_capture_on_commit_callbacks):
    with hearing() as told, django_capture_on_commit_callbacks(execute=True):
        response = patch(client, somchai, order.pk, {"status": "returned", "amount": "100"})
    made = Order.objects.get(return_of=order)
    assert response.status_code == 200
    assert [event for _name, event, _open in told] == [
        OrdersRecorded(created=(made.pk,), changed=(order.pk,))
    ]
