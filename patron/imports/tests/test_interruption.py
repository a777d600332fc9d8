"""An import killed half-way leaves whole batches only, and running it again finishes the job.

The real `patron` command in a subprocess, on a fresh SQLite data directory: the database is
read from here with the sqlite3 module while the import runs, and the process is killed
(SIGKILL: no cleanup of any kind) or interrupted (SIGINT: Ctrl-C) once some batches are in.
"""

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from decimal import Decimal

import pytest

PATRON = [sys.executable, "-m", "patron.cli"]
ROWS = 60_000
BATCH = 1_000


def patron(args, data_dir, **popen):
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    environment.update(PATRON_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="patron.settings")
    return subprocess.Popen([*PATRON, *args], env=environment, text=True, **popen)


def finish(args, data_dir):
    process = patron(args, data_dir, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return out


@pytest.fixture
def shop(tmp_path):
    """A migrated data directory with an admin and 500 customers known to the POS, and an export."""
    data = tmp_path / "data"
    customers = tmp_path / "customers.csv"
    customers.write_text("id,name\n" + "".join(f"C{n},Customer {n}\n" for n in range(500)), encoding="utf-8")
    finish(["migrate", "-v", "0"], data)
    finish(
        ["shell", "-c", "from django.contrib.auth.models import User; User.objects.create_superuser('o')"],
        data,
    )
    finish(["import", "customers", str(customers), "--source", "pos", "--json"], data)
    orders = tmp_path / "orders.csv"
    with orders.open("w", newline="", encoding="utf-8") as file:
        out = csv.writer(file)
        out.writerow(["order_id", "customer_id", "date", "total"])
        for n in range(ROWS):
            out.writerow(
                [f"S{n:06d}", f"C{n % 500}", f"2024-{n % 12 + 1:02d}-{n % 28 + 1:02d} 10:00", f"{n % 997}.50"]
            )
    return data, orders


def orders_in(data):
    with sqlite3.connect(f"file:{data / 'patron.sqlite3'}?mode=ro", uri=True, timeout=30) as db:
        count, distinct, total = db.execute(
            "SELECT COUNT(*), COUNT(DISTINCT external_id), SUM(total) FROM sales_order"
        ).fetchone()
    return count, distinct, total


def interrupt(data, orders, how):
    args = ["import", "orders", str(orders), "--source", "pos", "--batch-size", str(BATCH), "--json"]
    process = patron(args, data, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        count = orders_in(data)[0]
        if count >= 3 * BATCH:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the import ended before it could be interrupted"
    process.send_signal(how)
    process.wait(timeout=60)
    return args


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT], ids=["killed", "ctrl-c"])
def test_an_interrupted_import_leaves_whole_batches_and_a_rerun_finishes_it(shop, how):
    data, orders = shop
    args = interrupt(data, orders, how)

    count, distinct, _total = orders_in(data)
    assert 0 < count < ROWS
    assert count % BATCH == 0
    assert distinct == count

    summary = json.loads(finish(args, data).strip().splitlines()[-1])
    assert summary["read"] == ROWS
    assert (summary["created"], summary["unchanged"], summary["rejected"]) == (ROWS - count, count, 0)
    count, distinct, total = orders_in(data)
    assert count == distinct == ROWS
    # Halves add up exactly in binary floating point, which is how SQLite sums them.
    assert Decimal(total) == sum(Decimal(f"{n % 997}.50") for n in range(ROWS))
