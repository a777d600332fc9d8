"""Reset requests for one account side by side: no more e-mails than the limit, however they
interleave (each writes its row, then counts; see patron.accounts.throttle). The mail goes to a
real SMTP server.

As in test_last_admin_race.py: on PostgreSQL the requests are threads, one connection each, let
go at once; on SQLite (whose test database lives in memory) they are `patron` processes on a
migrated SQLite file.
"""

import os
import subprocess
import sys
import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from patron.accounts.models import ThrottleHit
from patron.accounts.tests.smtp import configure, start_server

pytestmark = pytest.mark.django_db(transaction=True)
EMAIL = "lan@example.vn"
REQUESTS = 6
LIMIT = 3
ASK = (
    "from django.test import Client\n"
    "{wait}"
    "answer = Client(HTTP_HOST='localhost').post({path!r}, {{'email': {email!r}}}, REMOTE_ADDR={address!r})\n"
    "print(answer.status_code)\n"
)


@pytest.fixture
def inbox(certificate, monkeypatch, settings):
    controller, inbox, url = start_server(certificate, monkeypatch, implicit_tls=False)
    configure(settings, url)
    settings.PATRON_RESET_ACCOUNT_LIMIT = LIMIT
    inbox.url = url
    yield inbox
    controller.stop()


def _in_threads(lan):
    lan.email = EMAIL
    lan.save()
    start, answers = threading.Barrier(REQUESTS), []

    def ask(number):
        try:
            client = Client()
            start.wait()
            path = reverse("accounts:password_reset")
            answers.append(client.post(path, {"email": EMAIL}, REMOTE_ADDR=f"192.0.2.{number}").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=[number]) for number in range(REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers, ThrottleHit.objects.filter(scope="reset-account").count()


def _in_processes(tmp_path, url):
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    environment.update(
        PATRON_DATA_DIR=str(tmp_path / "data"),
        DJANGO_SETTINGS_MODULE="patron.settings",
        PATRON_EMAIL_URL=url,
        PATRON_EMAIL_FROM="Patron <shop@example.com>",
        PATRON_RESET_ACCOUNT_LIMIT=str(LIMIT),
    )
    patron = [sys.executable, "-m", "patron.cli"]

    def run(*args):
        done = subprocess.run([*patron, *args], env=environment, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""

    run("migrate", "-v", "0")
    made = "from django.contrib.auth.models import User; "
    made += f"User.objects.create_user('lan', email={EMAIL!r}, password='lan-pass-2024')"
    run("shell", "-c", made)
    go = tmp_path / "go"
    wait = (
        f"import os, pathlib, time\npathlib.Path({str(tmp_path)!r}, f'ready-{{os.getpid()}}').touch()\n"
        f"while not pathlib.Path({str(go)!r}).exists(): time.sleep(0.005)\n"
    )
    path = reverse("accounts:password_reset")
    processes = [
        subprocess.Popen(
            [*patron, "shell", "-c", ASK.format(wait=wait, path=path, email=EMAIL, address=f"192.0.2.{n}")],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(REQUESTS)
    ]
    deadline = time.monotonic() + 300
    while len(list(tmp_path.glob("ready-*"))) < REQUESTS:  # all set up, then all at once
        assert time.monotonic() < deadline and all(p.poll() is None for p in processes)
        time.sleep(0.02)
    go.touch()
    answers = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        answers.append(int(out.strip().splitlines()[-1]))
    count = "from patron.accounts.models import ThrottleHit; print(ThrottleHit.objects.filter(scope='reset-account').count())"  # noqa: E501
    return answers, int(run("shell", "-c", count))


def test_requests_side_by_side_send_no_more_than_the_limit(tmp_path, lan, inbox):
    sqlite = connection.vendor == "sqlite"
    answers, counted = _in_processes(tmp_path, inbox.url) if sqlite else _in_threads(lan)
    assert answers == [302] * REQUESTS  # every request gets the usual answer
    # At most the limit sent (a burst may be refused more than strictly needed, never less), and
    # exactly the e-mails sent are counted.
    assert len(inbox.messages) <= LIMIT
    assert counted == len(inbox.messages)
