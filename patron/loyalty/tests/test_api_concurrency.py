"""Redemptions of one customer's points sent side by side through POST
/api/customers/{id}/loyalty/redeem: the account's row lock takes them one at a time, so exactly
as many succeed as the balance affords, the others are refused with 409, and the balance ends at
the remainder, never below zero. The same Idempotency-Key sent side by side redeems once.

As in patron/sales/tests/test_concurrent_returns.py: on PostgreSQL the requests are threads, one
connection each, let go at once by a barrier; on SQLite (whose test database lives in memory)
they are separate `patron` processes on a migrated SQLite file, as web workers use it, fewer of
them on the machine's few cores.
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
from patron.loyalty.ledger import ledger_check, points_earn
from patron.loyalty.models import Account, Entry
from patron.sales.tests.test_concurrent_returns import _environment

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
    if connection.vendor == "sqlite":
        return _in_processes(keys, balance, tmp_path, migrated)
    emre = staff("emre")
    customer = make_customer(staff("somchai"), "somsri")
    points_earn(customer=customer, points=balance, key="setup", by=emre)
    _token, secret = token_create(user=emre, name="tests")
    start, codes, errors = threading.Barrier(len(keys)), [], []

    def send(key):
        try:
            client = Client()
            start.wait()
            codes.append(redeem(client, secret, customer.pk, POINTS_EACH, key))
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert ledger_check() == []
    redeemed = list(Entry.objects.filter(kind="redeem").values_list("points", flat=True))
    return codes, Account.objects.get(customer=customer).points, redeemed


def _in_processes(keys, balance, tmp_path, migrated):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copyfile(migrated, data / "patron.sqlite3")
    environment = _environment(data)
    patron = [sys.executable, "-m", "patron.cli"]
    done = subprocess.run(
        [*patron, "shell", "-c", SETUP.format(balance=balance)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    customer_id, secret = done.stdout.split()[-2:]
    go = tmp_path / "go"
    processes = []
    for key in keys:
        script = (
            "import pathlib, os, time\n"
            "from django.test import Client\n"
            "from patron.loyalty.tests.test_api_concurrency import redeem\n"
            "client = Client(HTTP_HOST='localhost')\n"
            f"pathlib.Path({str(tmp_path)!r}, f'ready-{{os.getpid()}}').touch()\n"
            f"while not pathlib.Path({str(go)!r}).exists(): time.sleep(0.01)\n"
            f"print(redeem(client, {secret!r}, {customer_id}, {POINTS_EACH}, {json.dumps(key)}))\n"
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
    while len(list(tmp_path.glob("ready-*"))) < len(keys):  # every one set up, then all at once
        assert time.monotonic() < deadline and all(p.poll() is None for p in processes)
        time.sleep(0.05)
    go.touch()
    codes = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        codes.append(int(out.strip().splitlines()[-1]))
    checked = subprocess.run(
        [*patron, "loyalty", "check"], env=environment, capture_output=True, text=True, timeout=300
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    with sqlite3.connect(data / "patron.sqlite3") as db:
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
