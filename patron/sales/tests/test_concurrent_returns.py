"""Status changes of one order sent side by side through PATCH /api/orders/{id}: the order's row
lock lets them through one at a time, so returns never add up past the order's total and a
cancel and a return never both happen.

As in patron/scoring/tests/side_by_side.py: on PostgreSQL the requests are threads, one
connection each, let go at once; on SQLite (whose test database lives in memory, where a lock
fails at once instead of waiting) they are separate `patron` processes on a migrated SQLite
file, as web workers use it.
"""

import sqlite3
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection

from patron.accounts.services import token_create
from patron.customers.tests.factories import make_customer
from patron.sales.models import Order
from patron.sales.services import order_create
from patron.scoring.tests.side_by_side import api_side_by_side, copy_of, patron

pytestmark = pytest.mark.django_db(transaction=True)
REQUESTS = 6
SETUP = """
from datetime import UTC, datetime
from django.contrib.auth.models import User
from patron.accounts.services import token_create
from patron.customers.services import CustomerData, customer_create
from patron.sales.services import order_create
by = User.objects.create_superuser("somchai")
customer = customer_create(data=CustomerData(display_name="Somsri"), by=by)
order = order_create(customer=customer, placed_at=datetime(2025, 3, 1, 3, tzinfo=UTC), channel="store",
                     total="1000.00", by=by)
print(order.pk, token_create(user=by, name="tests")[1])
"""


def patch(client, secret, order_id, body):
    response = client.patch(
        f"/api/orders/{order_id}",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    return response.status_code


def side_by_side(bodies, tmp_path, somchai, order, migrated):
    """Send each of ``bodies`` at once; [status code] per body, and [(id, status, total,
    return_of)] of the orders afterwards."""
    request = "patron.sales.tests.test_concurrent_returns:patch"
    if connection.vendor != "sqlite":
        _token, secret = token_create(user=somchai, name="tests")
        codes = api_side_by_side(request, [(secret, order.pk, body) for body in bodies])
        rows = list(Order.objects.order_by("pk").values_list("pk", "status", "total", "return_of"))
        return codes, rows
    env = copy_of(migrated, tmp_path)
    order_id, secret = patron(env, "shell", "-c", SETUP).split()[-2:]
    codes = api_side_by_side(
        request, [(secret, order_id, body) for body in bodies], env=env, tmp_path=tmp_path
    )
    with sqlite3.connect(tmp_path / "data" / "patron.sqlite3") as db:
        rows = db.execute("SELECT id, status, total, return_of_id FROM sales_order ORDER BY id").fetchall()
    return codes, [(pk, status, Decimal(str(total)), of) for pk, status, total, of in rows]


@pytest.fixture
def order(somchai, thai_shop):
    customer = make_customer(somchai, "somsri")
    placed = datetime(2025, 3, 1, 3, tzinfo=UTC)
    return order_create(customer=customer, placed_at=placed, channel="store", total="1000.00", by=somchai)


def test_returns_side_by_side_never_add_up_past_the_total(somchai, order, tmp_path, migrated):
    bodies = [{"status": "returned", "amount": "300.00"}] * REQUESTS
    codes, rows = side_by_side(bodies, tmp_path, somchai, order, migrated)
    assert sorted(codes) == [200] * 3 + [422] * (REQUESTS - 3)
    (first, *returns) = rows
    assert first[1:] == ("completed", Decimal("1000.00"), None)
    assert [(status, of) for _pk, status, _total, of in returns] == [("returned", first[0])] * 3
    assert sum(total for _pk, _status, total, _of in returns) == Decimal("900.00")


def test_a_cancel_and_full_returns_side_by_side_leave_one_change(somchai, order, tmp_path, migrated):
    bodies = [{"status": "cancelled"}, {"status": "returned"}] * (REQUESTS // 2)
    codes, rows = side_by_side(bodies, tmp_path, somchai, order, migrated)
    assert sorted(codes) == [200] + [422] * (REQUESTS - 1)
    # Either the order is cancelled and nothing was returned, or it was returned in full once.
    pk = rows[0][0]
    assert [row[1:] for row in rows] in (
        [("cancelled", Decimal("1000.00"), None)],
        [("completed", Decimal("1000.00"), None), ("returned", Decimal("1000.00"), pk)],
    )
