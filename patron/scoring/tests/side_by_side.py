"""Requests side by side, as concurrent web requests reach the database.

PostgreSQL: threads, one connection each, all let go at once. SQLite: the test database lives in
memory, where a table lock fails at once instead of waiting, which no deployment sees; so there
the requests are separate `patron` processes on a migrated SQLite file, as the web workers use
it, each set up first and then all let go at once.

``side_by_side`` runs a service REQUESTS times as one user, with jobs going to a real queue
rather than running at once, so that the requests find the run or scan queued.
``api_side_by_side`` sends API requests (a function of the test module taking a test Client),
for the tests of row locks behind the API: returns, redemptions, coupon uses.
"""

import importlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from huey.contrib.djhuey import HUEY

REQUESTS = 8
PATRON = [sys.executable, "-m", "patron.cli"]


def environment(data, **more):
    """The environment of a `patron` process on the data directory ``data`` (its own SQLite
    file, not the test database)."""
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    env.update(PATRON_DATA_DIR=str(data), DJANGO_SETTINGS_MODULE="patron.settings", **more)
    return env


def patron(env, *args):
    """`patron *args` in ``env``; what it printed."""
    done = subprocess.run([*PATRON, *args], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def copy_of(migrated, tmp_path):
    """The environment of `patron` processes on a copy of the ``migrated`` SQLite file (the
    conftest fixture), in ``tmp_path``/data."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copyfile(migrated, data / "patron.sqlite3")
    return environment(data)


def in_threads(calls):
    """Call each of ``calls`` in a thread of its own, one connection each, all let go at once;
    what they returned, in the order they finished."""
    start, results, errors = threading.Barrier(len(calls)), [], []

    def run(call):
        try:
            start.wait()
            results.append(call())
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


def in_processes(scripts, env, tmp_path):
    """Run each of ``scripts``, (setup, act) Python for `patron shell -c`, in a process of its
    own: every one's setup first, then all their acts at once. The last line each printed, in
    the order of ``scripts``."""
    go = tmp_path / "go"
    wait = (
        "import os as _os, pathlib as _pathlib, time as _time\n"
        f"_pathlib.Path({str(tmp_path)!r}, f'ready-{{_os.getpid()}}').touch()\n"
        f"while not _pathlib.Path({str(go)!r}).exists(): _time.sleep(0.01)\n"
    )
    processes = [
        subprocess.Popen(
            [*PATRON, "shell", "-c", setup + wait + act],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for setup, act in scripts
    ]
    deadline = time.monotonic() + 300
    while len(list(tmp_path.glob("ready-*"))) < len(scripts):  # every one set up, then all at once
        assert time.monotonic() < deadline and all(p.poll() is None for p in processes)
        time.sleep(0.05)
    go.touch()
    lines = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        lines.append(out.strip().splitlines()[-1])
    return lines


def api_side_by_side(request, arguments, *, env=None, tmp_path=None):
    """Call ``request`` ("module:function", taking a django.test.Client and then one tuple of
    ``arguments``) once per tuple, all at once: in threads on this test's database, or, given
    ``env`` (see copy_of), in `patron` processes on its SQLite file. What each call returned
    (JSON), in the order they finished in threads and of ``arguments`` in processes."""
    module, name = request.split(":")
    if env is None:
        function = getattr(importlib.import_module(module), name)
        return in_threads([lambda args=args: function(Client(), *args) for args in arguments])
    setup = (
        "import json\n"
        "from django.test import Client\n"
        f"from {module} import {name} as request\n"
        "client = Client(HTTP_HOST='localhost')\n"
    )
    scripts = [
        (setup, f"print(json.dumps(request(client, *json.loads({json.dumps(args)!r}))))\n")
        for args in arguments
    ]
    return [json.loads(line) for line in in_processes(scripts, env, tmp_path)]


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

    def ask():
        made, joined = function(by=by)
        return made.pk, joined

    HUEY.immediate = False
    HUEY.flush()
    try:
        results = in_threads([ask] * REQUESTS)
        queued = HUEY.pending_count()
    finally:
        HUEY.flush()
        HUEY.immediate = True
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, status FROM {table} ORDER BY id")  # noqa: S608 (a table name of ours)
        rows = cursor.fetchall()
    return results, rows, queued


def _in_processes(request, username, table, tmp_path):
    data = tmp_path / "data"
    env = environment(data, PATRON_QUEUE_IMMEDIATE="0")
    patron(env, "migrate", "-v", "0")
    patron(
        env,
        "shell",
        "-c",
        f"from django.contrib.auth.models import User; User.objects.create_superuser({username!r})",
    )
    module, name = request.split(":")
    setup = (
        "import json\n"
        "from django.contrib.auth.models import User\n"
        f"from {module} import {name} as request\n"
        f"by = User.objects.get(username={username!r})\n"
    )
    act = "made, joined = request(by=by)\nprint(json.dumps([made.pk, joined]))\n"
    results = [tuple(json.loads(line)) for line in in_processes([(setup, act)] * REQUESTS, env, tmp_path)]
    with sqlite3.connect(data / "patron.sqlite3") as db:
        rows = db.execute(f"SELECT id, status FROM {table} ORDER BY id").fetchall()  # noqa: S608
    with sqlite3.connect(data / "queue.sqlite3") as queue:
        (queued,) = queue.execute("SELECT COUNT(*) FROM task").fetchone()
    return results, rows, queued
