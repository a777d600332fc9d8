"""Requests side by side, as concurrent web requests reach the database.

PostgreSQL: threads, one connection each, all let go at once. SQLite: the test database lives in
memory, where a table lock fails at once instead of waiting, which no deployment sees; so there
the requests are separate `patron` processes on a migrated SQLite file, as the web workers use
it. Either way jobs go to a real queue rather than running at once, so that the requests find
the run or scan queued.
"""

import importlib
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time

from django.contrib.auth import get_user_model
from django.db import connection
from huey.contrib.djhuey import HUEY

REQUESTS = 8


def side_by_side(request, username, table, tmp_path):
    """Call ``request`` ("module:function", taking ``by``) REQUESTS times at once as ``username``.

    Returns ([(id, joined)] per request, [(id, status)] of ``table``'s rows, jobs queued).
    """
    if connection.vendor == "sqlite":
        return _in_processes(request, username, table, tmp_path)
    return _in_threads(request, username, table)


def _in_threads(request, username, table):
    module, name = request.split(":")
    function = getattr(importlib.import_module(module), name)
    by = get_user_model().objects.get(username=username)
    start, results, errors = threading.Barrier(REQUESTS), [], []

    def ask():
        try:
            start.wait()
            made, joined = function(by=by)
            results.append((made.pk, joined))
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    HUEY.immediate = False
    HUEY.flush()
    try:
        workers = [threading.Thread(target=ask) for _ in range(REQUESTS)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        queued = HUEY.pending_count()
    finally:
        HUEY.flush()
        HUEY.immediate = True
    assert errors == []
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, status FROM {table} ORDER BY id")  # noqa: S608 (a table name of ours)
        rows = cursor.fetchall()
    return results, rows, queued


def _in_processes(request, username, table, tmp_path):
    data = tmp_path / "data"
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    environment.update(
        PATRON_DATA_DIR=str(data), DJANGO_SETTINGS_MODULE="patron.settings", PATRON_QUEUE_IMMEDIATE="0"
    )
    patron = [sys.executable, "-m", "patron.cli"]

    def run(*args):
        done = subprocess.run([*patron, *args], env=environment, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout

    run("migrate", "-v", "0")
    run(
        "shell",
        "-c",
        f"from django.contrib.auth.models import User; User.objects.create_superuser({username!r})",
    )
    module, name = request.split(":")
    go = tmp_path / "go"
    script = (
        "import json, os, pathlib, time\n"
        "from django.contrib.auth.models import User\n"
        f"from {module} import {name} as request\n"
        f"by = User.objects.get(username={username!r})\n"
        f"pathlib.Path({str(tmp_path)!r}, f'ready-{{os.getpid()}}').touch()\n"
        f"while not pathlib.Path({str(go)!r}).exists(): time.sleep(0.01)\n"
        "made, joined = request(by=by)\n"
        "print(json.dumps([made.pk, joined]))\n"
    )
    processes = [
        subprocess.Popen(
            [*patron, "shell", "-c", script],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(REQUESTS)
    ]
    deadline = time.monotonic() + 300
    while len(list(tmp_path.glob("ready-*"))) < REQUESTS:  # every one set up, then all at once
        assert time.monotonic() < deadline and all(p.poll() is None for p in processes)
        time.sleep(0.05)
    go.touch()
    results = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        results.append(tuple(json.loads(out.strip().splitlines()[-1])))
    with sqlite3.connect(data / "patron.sqlite3") as db:
        rows = db.execute(f"SELECT id, status FROM {table} ORDER BY id").fetchall()  # noqa: S608
    with sqlite3.connect(data / "queue.sqlite3") as queue:
        (queued,) = queue.execute("SELECT COUNT(*) FROM task").fetchone()
    return results, rows, queued
