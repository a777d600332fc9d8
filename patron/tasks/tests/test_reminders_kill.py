"""Issue 18, item 7: the real worker (`patron worker`, a process of its own), killed with SIGKILL at
random points ten times while 50 reminders fall due, and started again each time; the local
SMTP server (aiosmtpd, STARTTLS) then holds every reminder's e-mail, one message (Message-ID)
each, and the database exactly one in-app notice per reminder; the reminders of tasks completed
or cancelled before they fell due (their jobs queued already) are never sent. A second copy of a
message comes only from a kill between handing it to the server and recording its reply (the
window SMTP leaves open, RFC 1047: patron.outbox.services sends such a message again rather than
risk losing it), with the same Message-ID; the test checks no message has more copies than
attempts, and prints how many there were.

The worker and the test share a database: on SQLite a file, a copy of the test database made by
SQLite's backup (no migration to run again); on PostgreSQL the test database itself (the test is
transactional, so what the worker writes is seen and then flushed). The setup runs as a
`patron shell` process on that database, like the worker (so the reminders' jobs go to the
worker's queue); the count reads the database directly. A sender's claim on a
message runs out after 3 seconds here (PATRON_MAIL_CLAIM_SECONDS), so a message left "sending"
by a killed worker is taken up again within the test; each kill falls at a random moment in the
half second after the worker's first e-mail reached the server (or three seconds after it
started, if none did), when it is firing due reminders and sending.

The worker runs two threads, as by default; sweeps and senders side by side are also tested
without kills (test_reminders_side_by_side.py, on PostgreSQL).
"""

import random
import signal
import sqlite3
import subprocess
import time
from collections import Counter

import pytest
from django.db import connection

from patron.accounts.tests.smtp import configure, start_server
from patron.scoring.tests.side_by_side import PATRON, environment, patron

REMINDERS = 50
CLOSED = 6  # tasks completed or cancelled before their reminders fall due
KILLS = 10
SPREAD_SECONDS = 20  # the reminders fall due over this long, from a second after the setup
CLAIM_SECONDS = 3

SETUP = """
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from patron.actors import Actor
from patron.customers.tests.factories import make_customer
from patron.tasks.services import task_cancel, task_complete, task_create

lan = get_user_model().objects.create_user("lan", email="lan@shop.example")
lan.groups.add(Group.objects.get(name="Marketer"))
customer = make_customer(lan, "somsri")
start = timezone.now() + timedelta(seconds=1)
for i in range({count}):
    task_create(
        by=Actor.system(job="kill-test"), customer=customer, title=f"Call {{i}}", assignee=lan,
        due_at=start + timedelta(seconds={spread} * i / {count}), remind_before_minutes=[0],
    )
# Closed before their reminders fall due (whose jobs are queued already): never sent.
for i in range({closed}):
    task = task_create(
        by=Actor.system(job="kill-test"), customer=customer, title=f"Closed {{i}}", assignee=lan,
        due_at=start + timedelta(seconds=2), remind_before_minutes=[0],
    )
    (task_complete if i % 2 else task_cancel)(by=Actor.system(job="kill-test"), task=task)
print("ready")
"""


def _count(data):
    """What the database holds, read straight from it: {reminder id: its message's Message-ID},
    the reminders' ids that have a notice (one row each), the unsent reminders, and the
    messages' (Message-ID, status, attempts)."""
    queries = {
        "reminders": "SELECT r.id, m.message_id FROM tasks_reminder r "
        "LEFT JOIN outbox_message m ON m.id = r.message_id",
        "notices": "SELECT reminder_id FROM tasks_remindernotice",
        "unsent": "SELECT id FROM tasks_reminder WHERE sent_at IS NULL",
        "messages": "SELECT message_id, status, attempts FROM outbox_message",
    }
    if connection.vendor == "sqlite":
        with sqlite3.connect(data / "patron.sqlite3") as database:
            return {name: database.execute(sql).fetchall() for name, sql in queries.items()}
    with connection.cursor() as cursor:
        return {name: (cursor.execute(sql), cursor.fetchall())[1] for name, sql in queries.items()}


def _database(tmp_path):
    """The environment of `patron` processes on this test's database (see the docstring)."""
    data = tmp_path / "data"
    data.mkdir()
    env = environment(data)
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(data / "patron.sqlite3") as copy:
            connection.connection.backup(copy)
    else:
        env["DATABASE_URL"] = (
            f"postgresql://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:{settings['PORT']}"
            f"/{settings['NAME']}"
        )
    return env, data


def _finished(data):
    counted = _count(data)
    return not counted["unsent"] and all(status == "sent" for _id, status, _tries in counted["messages"])


def _first_mail(inbox, deadline):
    """Wait for this worker's first e-mail at the server (a loaded machine may take a while to
    send one), so that kills fall while it sends; at most until ``deadline``."""
    before = len(inbox.messages)
    while len(inbox.messages) == before and before < REMINDERS and time.monotonic() < deadline:
        time.sleep(0.01)


def _started(log, process, deadline):
    """Wait until the worker says its consumer has started (its log, on stderr)."""
    while "Huey consumer started" not in log.read_text(errors="replace"):
        assert process.poll() is None, log.read_text(errors="replace")
        assert time.monotonic() < deadline, "the worker did not start"
        time.sleep(0.02)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_ten_times_sends_each_reminder_once(certificate, monkeypatch, settings, tmp_path):
    controller, inbox, url = start_server(certificate, monkeypatch, implicit_tls=False)
    configure(settings, url)
    try:
        env, data = _database(tmp_path)
        env.update(
            PATRON_EMAIL_URL=url,
            PATRON_EMAIL_FROM="Patron <shop@example.com>",
            PATRON_MAIL_CLAIM_SECONDS=str(CLAIM_SECONDS),
            PATRON_WORKERS="2",
        )
        patron(env, "shell", "-c", SETUP.format(count=REMINDERS, spread=SPREAD_SECONDS, closed=CLOSED))
        deadline = time.monotonic() + 300  # only reached when something is wrong
        chance = random.Random()
        kills = []  # the e-mails at the server when each kill fell
        for round_ in range(KILLS + 1):
            log = tmp_path / f"worker-{round_}.log"
            with log.open("wb") as err:
                worker = subprocess.Popen([*PATRON, "worker"], env=env, stdout=err, stderr=err)
            try:
                _started(log, worker, deadline)
                if round_ < KILLS:
                    _first_mail(inbox, deadline=min(deadline, time.monotonic() + 3))
                    time.sleep(chance.uniform(0, 0.5))
                    worker.send_signal(signal.SIGKILL)
                    worker.wait(10)
                    kills.append(len(inbox.messages))
                    continue
                # The last worker is left to finish: until every reminder is fired and every
                # message recorded sent, so that nothing more can reach the server.
                while not _finished(data) and time.monotonic() < deadline:
                    time.sleep(0.2)
            finally:
                if worker.poll() is None:
                    worker.send_signal(signal.SIGKILL)
                    worker.wait(10)
        counted = _count(data)
    finally:
        controller.stop()

    received = Counter(message["Message-ID"] for message in inbox.messages)
    reminders = dict(counted["reminders"])
    attempts = {message_id: tries for message_id, _status, tries in counted["messages"]}
    statuses = Counter(status for _id, status, _tries in counted["messages"])
    copies = sum(received.values()) - len(received)
    again = sum(tries > 1 for tries in attempts.values())
    print(
        f"{sum(received.values())} e-mails, {len(received)} distinct, {again} sent again after a kill; "
        f"e-mails at the kills {kills}"
    )
    assert len(reminders) == REMINDERS and counted["unsent"] == []
    # One notice per reminder, one message recorded per reminder, all sent in the end.
    assert sorted(reminder for (reminder,) in counted["notices"]) == sorted(reminders)
    assert sorted(attempts) == sorted(reminders.values()) and statuses == {"sent": REMINDERS}
    # At the server: every reminder's e-mail, and nothing else (no closed task's).
    assert sorted(received) == sorted(reminders.values()), f"{len(received)} of {REMINDERS} reminders"
    assert not [m["Subject"] for m in inbox.messages if "Closed" in m["Subject"]]
    # A second copy of a message only from a kill between handing it over and recording the
    # reply (RFC 1047), which made it go again: never more copies than attempts.
    assert all(received[message_id] <= attempts[message_id] for message_id in received), copies
