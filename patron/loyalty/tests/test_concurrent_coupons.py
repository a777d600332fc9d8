"""Uses of one coupon sent side by side through POST /api/coupons/{code}/redeem: the coupon's
row lock lets them through one at a time, so a 5-use code is used exactly 5 times, and a
one-time voucher by one checkout of two (saleor #544).

As in patron/sales/tests/test_concurrent_returns.py: on PostgreSQL the requests are threads,
one connection each, let go at once; on SQLite they are separate `patron` processes on a
migrated SQLite file, as web workers use it (fewer of them: each is a Python process on a
small machine).
"""

import json
import shutil
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
from django.db import connection
from django.test import Client

from patron.accounts.services import token_create
from patron.customers.tests.factories import make_customer
from patron.loyalty.coupons import batch_create
from patron.loyalty.models import Coupon, CouponUse
from patron.sales.tests.test_concurrent_returns import _environment

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
    if connection.vendor == "sqlite":
        return _in_processes(requests, use, uses, tmp_path, migrated)
    customer = make_customer(somchai, display_name="Somsri")
    code = batch_create(name="Songkran", benefit="10% off", use=use, max_uses=uses, count=1, by=somchai)
    code = code.coupons.get().code
    _token, secret = token_create(user=somchai, name="tests")
    start, codes, errors = threading.Barrier(requests), [], []

    def send(number):
        try:
            client = Client()
            start.wait()
            codes.append(redeem(client, secret, code, customer.pk, f"checkout-{number}"))
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return codes, Coupon.objects.get(code=code).uses, CouponUse.objects.filter(coupon__code=code).count()


def _in_processes(requests, use, uses, tmp_path, migrated):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copyfile(migrated, data / "patron.sqlite3")
    environment = _environment(data)
    patron = [sys.executable, "-m", "patron.cli"]
    setup = SETUP.format(use=use, uses=uses)
    done = subprocess.run(
        [*patron, "shell", "-c", setup], env=environment, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    code, customer, secret = done.stdout.split()[-3:]
    go = tmp_path / "go"
    processes = []
    for number in range(requests):
        script = (
            "import pathlib, os, time\n"
            "from django.test import Client\n"
            "from patron.loyalty.tests.test_concurrent_coupons import redeem\n"
            "client = Client(HTTP_HOST='localhost')\n"
            f"pathlib.Path({str(tmp_path)!r}, f'ready-{{os.getpid()}}').touch()\n"
            f"while not pathlib.Path({str(go)!r}).exists(): time.sleep(0.01)\n"
            f"print(redeem(client, {secret!r}, {code!r}, {customer}, {json.dumps(f'checkout-{number}')}))\n"
        )
        processes.append(
            subprocess.Popen(
                [*patron, "shell", "-c", script],
                env=environment,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    deadline = time.monotonic() + 300
    while len(list(tmp_path.glob("ready-*"))) < requests:  # every one set up, then all at once
        assert time.monotonic() < deadline and all(p.poll() is None for p in processes)
        time.sleep(0.05)
    go.touch()
    statuses = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        statuses.append(int(out.strip().splitlines()[-1]))
    with sqlite3.connect(data / "patron.sqlite3") as db:
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
