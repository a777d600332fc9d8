"""A web import whose worker is killed half-way is marked failed, and Retry finishes it.

Real processes on a fresh SQLite data directory: `patron worker` (huey's consumer on its SQLite
queue) runs the jobs, the import page is driven through Django's test client in a `patron shell`
process of its own (the views as a browser reaches them, and the real queue), and the database
is read from here with the sqlite3 module. The worker is killed with SIGKILL (no cleanup of any
kind) once some batches are in.
"""

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

PATRON = [sys.executable, "-m", "patron.cli"]
ROWS = 200_000
LIMIT = 3  # seconds without a heartbeat before a run is taken for dead (PATRON_IMPORT_HEARTBEAT)


def environment(data, **extra):
    variables = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL", "DEBUG"}}
    variables.pop("PYTEST_CURRENT_TEST", None)
    variables.update(
        PATRON_DATA_DIR=str(data),
        DJANGO_SETTINGS_MODULE="patron.settings",
        PATRON_QUEUE_IMMEDIATE="0",
        PATRON_IMPORT_HEARTBEAT=str(LIMIT),
        **extra,
    )
    return variables


def shell(code, data):
    """Run ``code`` in `patron shell`; the JSON it prints on its last line."""
    done = subprocess.run(
        [*PATRON, "shell", "-c", code],
        env=environment(data, DEBUG="1"),  # pages find their static files without collectstatic
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


# Signed in as the shop's owner, through the views.
BROWSE = """
import json
from django.contrib.auth import get_user_model
from django.test import Client
from django.test.utils import setup_test_environment
from django.urls import reverse
from patron.imports.models import ImportRun

setup_test_environment()
client = Client()
client.force_login(get_user_model().objects.get(username="owner"))
"""

SETUP = """
import json
from pathlib import Path
from django.contrib.auth import get_user_model
from patron.imports.customers import import_customers

owner = get_user_model().objects.create_superuser("owner")
path = Path({customers!r})
import_customers(path, by=owner, source="pos", rejects_path=path.with_suffix(".rejects.csv"))
print(json.dumps(True))
"""

UPLOAD = (
    BROWSE
    + """
with open({path!r}, "rb") as file:
    data = {{"kind": "orders", "source": "pos", "file": file, "country": "TH"}}
    response = client.post(reverse("imports:list"), data)
print(json.dumps(ImportRun.objects.get().pk))
"""
)

START = (
    BROWSE
    + """
run = ImportRun.objects.get()
form = client.get(reverse("imports:run", args=[run.pk])).context["form"]
client.post(reverse("imports:start", args=[run.pk]), {n: form[n].value() or "" for n in form.fields})
print(json.dumps(ImportRun.objects.get().status))
"""
)

LOOK_AND_RETRY = (
    BROWSE
    + """
client.get(reverse("imports:list"))
run = ImportRun.objects.get()
page = client.get(reverse("imports:run", args=[run.pk])).content.decode()
seen = [run.status, run.message, 'id="retry"' in page, (run.finished_at - run.heartbeat_at).total_seconds()]
client.post(reverse("imports:retry", args=[run.pk]))
print(json.dumps(seen + [ImportRun.objects.get().status]))
"""
)


def database(data):
    return sqlite3.connect(f"file:{data / 'patron.sqlite3'}?mode=ro", uri=True, timeout=30)


def the_run(data):
    with database(data) as db:
        return db.execute(
            "SELECT status, rows_done, rows_estimated, summary FROM imports_importrun"
        ).fetchone()


def orders_in(data):
    with database(data) as db:
        return db.execute("SELECT COUNT(*), COUNT(DISTINCT external_id) FROM sales_order").fetchone()


def wait_for(condition, seconds, what, data):
    """Poll ``condition`` (generous time limits: a loaded machine is slow, not wrong)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    log = (data.parent / "worker.log").read_text(errors="replace")[-3000:]
    raise AssertionError(f"waited {seconds} s for {what}; the run: {the_run(data)}; the worker said:\n{log}")


def worker(data, log):
    return subprocess.Popen(
        [*PATRON, "worker"], env=environment(data), stdout=log, stderr=subprocess.STDOUT, text=True
    )


def test_a_killed_worker_leaves_a_failed_import_that_retry_finishes(tmp_path):
    data = tmp_path / "data"
    customers = tmp_path / "customers.csv"
    customers.write_text("id,name\n" + "".join(f"C{n},Customer {n}\n" for n in range(500)), encoding="utf-8")
    orders = tmp_path / "orders.csv"
    with orders.open("w", newline="", encoding="utf-8") as file:
        out = csv.writer(file)
        out.writerow(["order_id", "customer_id", "date", "total"])
        for n in range(ROWS):
            out.writerow(
                [f"S{n:06d}", f"C{n % 500}", f"2024-{n % 12 + 1:02d}-{n % 28 + 1:02d} 10:00", f"{n % 997}.50"]
            )
    subprocess.run([*PATRON, "migrate", "-v", "0"], env=environment(data), check=True, timeout=120)
    shell(SETUP.format(customers=str(customers)), data)

    log = (tmp_path / "worker.log").open("w")
    first = worker(data, log)
    second = None
    try:
        shell(UPLOAD.format(path=str(orders)), data)
        wait_for(lambda: the_run(data)[0] == "uploaded", 180, "the preview", data)
        assert shell(START, data) == "queued"

        def half_way():
            status, done, total, _summary = the_run(data)
            return status == "running" and 0 < done < (total or ROWS)

        wait_for(half_way, 180, "the import to be half-way", data)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        killed_at = time.monotonic()
        written = orders_in(data)[0]
        assert 0 < written < ROWS
        assert the_run(data)[0] == "running"  # until someone looks, after the limit

        time.sleep(max(0, killed_at + LIMIT + 0.5 - time.monotonic()))
        status, message, retry_offered, silent, after_retry = shell(LOOK_AND_RETRY, data)
        assert (status, retry_offered) == ("failed", True)
        assert message == f"The import stopped: its worker gave no sign of life for {LIMIT} seconds."
        assert silent > LIMIT  # marked at the first look, after the limit
        assert after_retry == "queued"

        second = worker(data, log)
        wait_for(
            lambda: the_run(data)[0] in {"finished", "failed", "refused"}, 300, "the retry to finish", data
        )
        status, _done, _total, summary = the_run(data)
        summary = json.loads(summary)
        assert status == "finished", summary
        assert orders_in(data) == (ROWS, ROWS)  # every row once
        assert (summary["read"], summary["unchanged"], summary["created"]) == (ROWS, written, ROWS - written)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
        log.close()
