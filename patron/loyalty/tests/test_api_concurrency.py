"""Redemptions of one customer's points sent side by side through POST
/api/customers/{id}/loyalty/redeem: the account's row lock takes them one at a time, so exactly
as many succeed as the balance affords, the others are refused with 409, and the balance ends at
the remainder, never below zero. The same Idempotency-Key sent side by side redeems once.

As in patron/scoring/tests/side_by_side.py: on PostgreSQL the requests are threads, one
connection each, let go at once by a barrier; on SQLite (whose test database lives in memory)
they are separate `patron` processes on a migrated SQLite file, as web workers use it, fewer of
them on the machine's few cores.
"""

import sqlite3

import pytest
from django.db import connection

from patron.accounts.services import token_create
from patron.customers.tests.factories import make_customer
from patron.loyalty.ledger import ledger_check, points_earn
from patron.loyalty.models import Account, Entry
from patron.scoring.tests.side_by_side import api_side_by_side, copy_of, patron

pytestmark = pytest.mark.django_db(transaction=True)
POINTS_EACH = 3
SETUP = """
from django.contrib.auth.models import User
from patron.accounts.services import token_create
from patron.customers.services import CustomerData, customer_create
from patron.loyalty.ledger import points_earn
by = User.objects.create_superuser("emre")
customer = customer_create(data=CustomerData(display_name="Somsri"), by=by)
points_earn(customer=customer, points={balance}, key="setup", by=by)
print(customer.pk, token_create(user=by, name="tests")[1])
"""


def redeem(client, secret, customer_id, points, key):
    response = client.post(
        f"/api/customers/{customer_id}/loyalty/redeem",
        {"points": points, "reason": "side by side"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    return response.status_code


def side_by_side(keys, balance, tmp_path, staff, migrated):
    """Redeem POINTS_EACH points once per key in ``keys``, all at once, from ``balance`` points.
    Returns [status code], the account's points and [points] of the redemptions made."""
    request = "patron.loyalty.tests.test_api_concurrency:redeem"
    if connection.vendor != "sqlite":
        emre = staff("emre")
        customer = make_customer(staff("somchai"), "somsri")
        points_earn(customer=customer, points=balance, key="setup", by=emre)
        _token, secret = token_create(user=emre, name="tests")
        codes = api_side_by_side(request, [(secret, customer.pk, POINTS_EACH, key) for key in keys])
        assert ledger_check() == []
        redeemed = list(Entry.objects.filter(kind="redeem").values_list("points", flat=True))
        return codes, Account.objects.get(customer=customer).points, redeemed
    env = copy_of(migrated, tmp_path)
    customer_id, secret = patron(env, "shell", "-c", SETUP.format(balance=balance)).split()[-2:]
    arguments = [(secret, customer_id, POINTS_EACH, key) for key in keys]
    codes = api_side_by_side(request, arguments, env=env, tmp_path=tmp_path)
    patron(env, "loyalty", "check")
    with sqlite3.connect(tmp_path / "data" / "patron.sqlite3") as db:
        (points,) = db.execute(
            "SELECT points FROM loyalty_account WHERE customer_id = ?", [customer_id]
        ).fetchone()
        redeemed = [row[0] for row in db.execute("SELECT points FROM loyalty_entry WHERE kind = 'redeem'")]
    return codes, points, redeemed


def test_concurrent_redemptions_spend_exactly_what_the_balance_affords(staff, tmp_path, migrated):
    # PostgreSQL: 50 requests at 100 points afford 33; SQLite's processes: 10 at 22 afford 7.
    requests, balance = (50, 100) if connection.vendor != "sqlite" else (10, 22)
    afforded = balance // POINTS_EACH
    codes, points, redeemed = side_by_side(
        [f"till-{n}" for n in range(requests)], balance, tmp_path, staff, migrated
    )
    assert sorted(codes) == [201] * afforded + [409] * (requests - afforded)
    assert redeemed == [-POINTS_EACH] * afforded
    assert points == balance - afforded * POINTS_EACH == balance % POINTS_EACH


def test_one_key_sent_side_by_side_redeems_once(staff, tmp_path, migrated):
    requests = 10 if connection.vendor != "sqlite" else 6
    codes, points, redeemed = side_by_side(["one-key"] * requests, 100, tmp_path, staff, migrated)
    assert codes == [201] * requests
    assert redeemed == [-POINTS_EACH]
    assert points == 100 - POINTS_EACH
