"""Every order path earns through one service: the order form, POST /api/orders, PATCH
/api/orders/{id}, and `patron import orders` (whose re-import earns nothing twice)."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from patron.conftest import with_token
from patron.customers.services import CustomerData, customer_create
from patron.loyalty.ledger import ledger_check
from patron.loyalty.models import Account, Entry
from patron.loyalty.programme import programme_update
from patron.loyalty.tests.shop import *  # noqa: F403  (the fixtures)
from patron.loyalty.tests.shop import earned
from patron.sales.models import Order

ORDERS = (
    "order_id,customer_id,date,total,status\n"
    "S1,C1,2026-03-05 14:20,1250.00,completed\n"
    "S2,C1,2026-04-01 09:00,99.50,completed\n"
    "S3,C2,2026-04-02 18:30,420,completed\n"
    "S4,C2,2026-04-03 18:30,500,cancelled\n"
)


@pytest.mark.django_db
def test_an_order_of_the_api_earns_and_its_cancel_reverses(
    client, somchai, somsri, programme, products, django_capture_on_commit_callbacks
):
    api = with_token(client, somchai)
    body = {
        "customer": somsri.pk,
        "placed_at": "2026-03-01T09:30:00+07:00",
        "channel": "store",
        "lines": [{"sku": "TEA-1", "quantity": 2, "unit_price": "120.00"}],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/orders", body, content_type="application/json")
    assert response.status_code == 201
    order_id = response.json()["id"]
    entry = Entry.objects.get(kind="earn")
    assert (entry.points, entry.order_id, entry.key) == (24, order_id, f"order:{order_id}:earn")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.patch(
            f"/api/orders/{order_id}", {"status": "cancelled"}, content_type="application/json"
        )
    assert response.status_code == 200
    assert earned(somsri, "reverse") == [-24] and Account.objects.get(customer=somsri).points == 0


@pytest.mark.django_db
def test_a_sale_of_the_order_form_earns(
    client, somchai, somsri, programme, products, django_capture_on_commit_callbacks
):
    client.force_login(somchai)
    data = {
        "placed_at": "2026-03-01T10:00",
        "channel": "store",
        "currency": "THB",
        "external_id": "",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "100",
        "lines-0-product": "TEA-1",
        "lines-0-quantity": "3",
        "lines-0-unit_price": "100",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("sales:record", args=[somsri.pk]), data)
    assert response.status_code == 302
    order = Order.objects.get()
    assert Entry.objects.get(kind="earn").key == f"order:{order.pk}:earn"
    assert earned(somsri) == [30]


def patron_import(path):
    out = StringIO()
    args = [
        "import",
        "orders",
        str(path),
        "--source",
        "pos",
        "--as",
        "somchai",
        "--batch-size",
        "2",
        "--json",
    ]
    call_command(*args, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db(transaction=True)
def test_an_import_earns_once_and_a_reimport_earns_nothing_more(somchai, thai_shop, tmp_path):
    programme_update(by=somchai, active=True, points_per_unit=Decimal("0.1"), first_purchase_bonus=5)
    for ref in ("C1", "C2"):
        customer_create(
            data=CustomerData(display_name=ref, country="TH", external_ids=[("pos", ref)]), by=somchai
        )
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS, encoding="utf-8")
    assert patron_import(path)["created"] == 4
    c1 = Order.objects.get(external_id="S1").customer
    c2 = Order.objects.get(external_id="S3").customer
    # S1 125 + first-purchase 5, S2 9 (9.95 rounded down); S3 42 + 5; S4 cancelled: nothing.
    assert sorted(earned(c1)) == [5, 9, 125] and sorted(earned(c2)) == [5, 42]
    assert all(entry.actor_job == "imported_orders_earn" for entry in Entry.objects.all())

    summary = patron_import(path)  # the same file again
    assert summary["created"] == 0
    assert Entry.objects.count() == 5

    # A re-import that refunds S2 takes its points back, once.
    path.write_text(ORDERS.replace("99.50,completed", "99.50,refunded"), encoding="utf-8")
    patron_import(path)
    patron_import(path)
    assert earned(c1, "reverse") == [-9]
    assert Account.objects.get(customer=c1).points == 130 and ledger_check() == []


@pytest.mark.django_db
def test_an_event_of_many_orders_is_settled_by_the_job(
    somsri, somchai, programme, products, django_capture_on_commit_callbacks
):
    """More orders than a receiver settles at once go to the orders_settle job (run at once in
    tests: PATRON_QUEUE_IMMEDIATE), with the same result."""
    from datetime import timedelta

    from patron.loyalty.jobs import AT_ONCE, orders_recorded_settle
    from patron.loyalty.tests.shop import PLACED
    from patron.sales.events import OrdersRecorded
    from patron.sales.services import order_create

    ids = [
        order_create(
            customer=somsri, placed_at=PLACED + timedelta(minutes=i), channel="store", total="100", by=somchai
        ).pk
        for i in range(AT_ONCE + 1)
    ]
    assert not Entry.objects.exists()  # their events were never told
    with django_capture_on_commit_callbacks(execute=True) as queued:
        orders_recorded_settle(sender=None, event=OrdersRecorded(created=tuple(ids)))
    assert len(queued) == 1  # one job, queued once the transaction commits
    assert earned(somsri) == [10] * (AT_ONCE + 1)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        orders_recorded_settle(sender=None, event=OrdersRecorded(changed=tuple(ids)))  # told again
    assert len(queued) == 1 and Entry.objects.count() == AT_ONCE + 1
