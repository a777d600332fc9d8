"""Uses of one coupon sent side by side through POST /api/coupons/{code}/redeem: the coupon's
row lock lets them through one at a time, so a 5-use code is used exactly 5 times, and a
one-time voucher by one checkout of two (saleor #544).

As in patron/scoring/tests/side_by_side.py: on PostgreSQL the requests are threads,
one connection each, let go at once; on SQLite they are separate `patron` processes on a
migrated SQLite file, as web workers use it (fewer of them: each is a Python process on a
small machine).
"""

import sqlite3

import pytest
from django.db import connection

from patron.accounts.services import token_create
from patron.customers.tests.factories import make_customer
from patron.loyalty.coupons import batch_create
from patron.loyalty.models import Coupon, CouponUse
from patron.scoring.tests.side_by_side import api_side_by_side, copy_of, patron

pytestmark = pytest.mark.django_db(transaction=True)
SETUP = """
from django.contrib.auth.models import User
from patron.accounts.services import token_create
from patron.customers.services import CustomerData, customer_create
from patron.loyalty.coupons import batch_create
by = User.objects.create_superuser("somchai")
customer = customer_create(data=CustomerData(display_name="Somsri"), by=by)
made = batch_create(name="Songkran", benefit="10% off", use={use!r}, max_uses={uses!r}, count=1, by=by)
print(made.coupons.get().code, customer.pk, token_create(user=by, name="tests")[1])
"""


def redeem(client, secret, code, customer, key):
    response = client.post(
        f"/api/coupons/{code}/redeem",
        {"customer": customer, "order": None},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    return response.status_code


def side_by_side(requests, *, use, uses, tmp_path, somchai, migrated):
    """``requests`` uses of one new code at once, each with its own key: [status code], and the
    code's uses as counted and as rows."""
    request = "patron.loyalty.tests.test_concurrent_coupons:redeem"
    keys = [f"checkout-{number}" for number in range(requests)]
    if connection.vendor != "sqlite":
        customer = make_customer(somchai, display_name="Somsri")
        made = batch_create(name="Songkran", benefit="10% off", use=use, max_uses=uses, count=1, by=somchai)
        code = made.coupons.get().code
        _token, secret = token_create(user=somchai, name="tests")
        statuses = api_side_by_side(request, [(secret, code, customer.pk, key) for key in keys])
        return (
            statuses,
            Coupon.objects.get(code=code).uses,
            CouponUse.objects.filter(coupon__code=code).count(),
        )
    env = copy_of(migrated, tmp_path)
    code, customer, secret = patron(env, "shell", "-c", SETUP.format(use=use, uses=uses)).split()[-3:]
    arguments = [(secret, code, int(customer), key) for key in keys]
    statuses = api_side_by_side(request, arguments, env=env, tmp_path=tmp_path)
    with sqlite3.connect(tmp_path / "data" / "patron.sqlite3") as db:
        counted = db.execute("SELECT uses FROM loyalty_coupon WHERE code = ?", (code,)).fetchone()[0]
        rows = db.execute(
            "SELECT count(*) FROM loyalty_couponuse JOIN loyalty_coupon ON coupon_id = loyalty_coupon.id "
            "WHERE code = ?",
            (code,),
        ).fetchone()[0]
    return statuses, counted, rows


def requests_for(vendor_requests):
    """20 side by side on PostgreSQL; on SQLite, where each is a process, 10."""
    return vendor_requests if connection.vendor != "sqlite" else 10


def test_a_five_use_coupon_used_side_by_side_is_used_five_times(somchai, tmp_path, migrated):
    requests = requests_for(20)
    statuses, counted, rows = side_by_side(
        requests, use="limited", uses=5, tmp_path=tmp_path, somchai=somchai, migrated=migrated
    )
    assert sorted(statuses) == [201] * 5 + [409] * (requests - 5)
    assert counted == rows == 5


def test_a_one_time_voucher_at_two_checkouts_at_once_is_used_once(somchai, tmp_path, migrated):
    """Saleor let two checkouts use a one-time voucher (saleor #544)."""
    statuses, counted, rows = side_by_side(
        2, use="single", uses=None, tmp_path=tmp_path, somchai=somchai, migrated=migrated
    )
    assert sorted(statuses) == [201, 409]
    assert counted == rows == 1
