"""An import killed half-way leaves whole batches only, and running it again finishes the job.

The real `patron` command in a subprocess, on a fresh SQLite data directory: the database is
read from here with the sqlite3 module while the import runs, and the process is killed
(SIGKILL: no cleanup of any kind), interrupted (SIGINT: Ctrl-C) or terminated (SIGTERM) once
some batches are in, in the foreground or started in the background by a shell.
"""

import csv
import json
import os
import shlex
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


def environment(data_dir):
    variables = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    variables.update(PATRON_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="patron.settings")
    return variables


def patron(args, data_dir, **popen):
    return subprocess.Popen([*PATRON, *args], env=environment(data_dir), text=True, **popen)


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


def import_args(orders):
    return ["import", "orders", str(orders), "--source", "pos", "--batch-size", str(BATCH), "--json"]


def wait_for_orders(data, at_least, running):
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and running():
        if orders_in(data)[0] >= at_least:
            return
        time.sleep(0.01)
    assert running(), "the import ended before it could be interrupted"


def interrupt(data, orders, how, **output):
    output = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL} | output
    args = import_args(orders)
    process = patron(args, data, **output)
    wait_for_orders(data, 3 * BATCH, lambda: process.poll() is None)
    process.send_signal(how)
    process.wait(timeout=60)
    return args, process


def assert_stopped_in_one_sentence(data, err):
    count = orders_in(data)[0]
    assert 0 < count < ROWS and count % BATCH == 0
    # django-axes announces itself on stderr as every process starts; nothing else is said.
    said = [line for line in err.splitlines() if not line.startswith("AXES: ")]
    assert said == [
        f"Stopped: the first {count:,} rows of the file are imported, in whole batches; run the "
        "same command again to import the rest."
    ]


@pytest.mark.parametrize(
    "how", [signal.SIGKILL, signal.SIGINT, signal.SIGTERM], ids=["killed", "ctrl-c", "sigterm"]
)
def test_an_interrupted_import_leaves_whole_batches_and_a_rerun_finishes_it(shop, tmp_path, how):
    data, orders = shop
    err_file = tmp_path / "err"
    with err_file.open("w") as err:
        args, process = interrupt(data, orders, how, stderr=err)

    count, distinct, _total = orders_in(data)
    assert 0 < count < ROWS
    assert count % BATCH == 0
    assert distinct == count
    if how != signal.SIGKILL:  # Ctrl-C and SIGTERM: after the batch, one sentence, 130 or 143
        assert process.returncode == 128 + how
        assert_stopped_in_one_sentence(data, err_file.read_text())

    summary = json.loads(finish(args, data).strip().splitlines()[-1])
    assert summary["read"] == ROWS
    assert (summary["created"], summary["unchanged"], summary["rejected"]) == (ROWS - count, count, 0)
    count, distinct, total = orders_in(data)
    assert count == distinct == ROWS
    # Halves add up exactly in binary floating point, which is how SQLite sums them.
    assert Decimal(total) == sum(Decimal(f"{n % 997}.50") for n in range(ROWS))


def test_a_background_import_stops_on_sigterm_and_ctrl_c_does_not_reach_it(shop, tmp_path):
    """Started with `nohup ... &` by a shell: no terminal, SIGINT ignored (as POSIX shells start
    background jobs), SIGTERM is how it is stopped."""
    data, orders = shop
    pid_file, status_file, err_file = tmp_path / "pid", tmp_path / "status", tmp_path / "err"
    command = " ".join(shlex.quote(part) for part in [*PATRON, *import_args(orders)])
    script = (
        f"nohup {command} </dev/null >/dev/null 2>{shlex.quote(str(err_file))} & "
        f"echo $! > {shlex.quote(str(pid_file))}; wait $!; echo $? > {shlex.quote(str(status_file))}"
    )
    shell = subprocess.Popen(["/bin/sh", "-c", script], env=environment(data))
    wait_for_orders(data, 2 * BATCH, lambda: shell.poll() is None)
    pid = int(pid_file.read_text())

    # The import is held stopped while each signal is sent, so that it cannot finish the file in
    # between however fast the machine is: Ctrl-C is ignored (it goes on), then SIGTERM stops it.
    os.kill(pid, signal.SIGSTOP)
    ignored_at = orders_in(data)[0]
    os.kill(pid, signal.SIGINT)
    os.kill(pid, signal.SIGCONT)
    wait_for_orders(data, ignored_at + BATCH, lambda: shell.poll() is None)
    os.kill(pid, signal.SIGSTOP)
    os.kill(pid, signal.SIGTERM)
    os.kill(pid, signal.SIGCONT)
    shell.wait(timeout=60)

    assert status_file.read_text().strip() == "143"
    assert_stopped_in_one_sentence(data, err_file.read_text())
