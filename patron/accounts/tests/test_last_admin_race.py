"""Two Admins, each the other's only fellow Admin, step down at the same moment: one of them
must stay. The guard locks every Admin's row and counts again, so the second waits for the
first and then finds itself the last.

As in patron/scoring/tests/side_by_side.py: on PostgreSQL the two are threads, one connection
each, let go at once; on SQLite (whose test database lives in memory, where a lock fails at
once instead of waiting) they are `patron` processes on a migrated SQLite file.
"""

import os
import subprocess
import sys
import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import connection

from patron.accounts import people
from patron.accounts.roles import ADMIN, MARKETER

pytestmark = pytest.mark.django_db(transaction=True)
ADMINS = ["somchai", "lan"]
STEP_DOWN = (
    "from django.contrib.auth.models import User\n"
    "from django.core.exceptions import ValidationError\n"
    "from patron.accounts import people\n"
    "me = User.objects.get(username={name!r})\n"
    "{wait}"
    "try:\n"
    "    people.role_set(user=me, role='Marketer', by=me)\n"
    "except ValidationError:\n"
    "    print('refused')\n"
    "else:\n"
    "    print('done')\n"
)
COUNT = (
    "from django.contrib.auth.models import User\n"
    "print(User.objects.filter(groups__name='Admin', is_active=True).count())\n"
)


def _in_threads():
    users = get_user_model()
    for name in ADMINS:
        users.objects.create_user(name, password="x").groups.add(Group.objects.get(name=ADMIN))
    start, results = threading.Barrier(len(ADMINS)), []

    def step_down(name):
        try:
            me = users.objects.get(username=name)
            start.wait()
            people.role_set(user=me, role=MARKETER, by=me)
            results.append("done")
        except ValidationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=step_down, args=[name]) for name in ADMINS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(results), users.objects.filter(groups__name=ADMIN, is_active=True).count()


def _in_processes(tmp_path):
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    environment.update(PATRON_DATA_DIR=str(tmp_path / "data"), DJANGO_SETTINGS_MODULE="patron.settings")
    patron = [sys.executable, "-m", "patron.cli"]

    def run(*args):
        done = subprocess.run([*patron, *args], env=environment, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""

    run("migrate", "-v", "0")
    for name in ADMINS:
        made = f"from django.contrib.auth.models import User, Group; User.objects.create_user({name!r}).groups.add(Group.objects.get(name='Admin'))"  # noqa: E501
        run("shell", "-c", made)
    go = tmp_path / "go"
    wait = (
        f"import os, pathlib, time\npathlib.Path({str(tmp_path)!r}, f'ready-{{os.getpid()}}').touch()\n"
        f"while not pathlib.Path({str(go)!r}).exists(): time.sleep(0.005)\n"
    )
    processes = [
        subprocess.Popen(
            [*patron, "shell", "-c", STEP_DOWN.format(name=name, wait=wait)],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ADMINS
    ]
    deadline = time.monotonic() + 300
    while len(list(tmp_path.glob("ready-*"))) < len(ADMINS):  # both set up, then both at once
        assert time.monotonic() < deadline and all(p.poll() is None for p in processes)
        time.sleep(0.02)
    go.touch()
    results = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        results.append(out.strip().splitlines()[-1])
    return sorted(results), int(run("shell", "-c", COUNT))


def test_two_admins_stepping_down_at_once_leave_one(tmp_path):
    results, admins_left = _in_processes(tmp_path) if connection.vendor == "sqlite" else _in_threads()
    assert results == ["done", "refused"] and admins_left == 1
