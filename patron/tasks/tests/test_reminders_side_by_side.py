"""Sweeps side by side (two workers, or two threads of one, each firing every due reminder and
sending every waiting e-mail at once) still fire each reminder once and send each e-mail once.
PostgreSQL, in threads with a connection each (on SQLite every write transaction takes the
database's lock at its start, so sweeps cannot overlap there)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from patron.customers.tests.factories import make_customer
from patron.outbox.models import Message
from patron.outbox.services import mail_deliver_waiting
from patron.scoring.tests.side_by_side import in_threads
from patron.tasks.models import Reminder, ReminderNotice
from patron.tasks.reminders import reminders_fire_due
from patron.tasks.services import task_create

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks side by side: PostgreSQL"),
]

SWEEPS = 4
REMINDERS = 30


def test_sweeps_side_by_side_fire_and_send_each_reminder_once(smtp_server, lan, somchai, thai_shop):
    assert connection.vendor == "postgresql"
    lan.email = "lan@shop.example"
    lan.save()
    customer = make_customer(somchai, "somsri")
    due = timezone.now() + timedelta(days=1)
    for number in range(REMINDERS):
        task_create(
            by=lan,
            customer=customer,
            title=f"Call {number}",
            due_at=due,
            assignee=lan,
            remind_before_minutes=[0],
        )
    later = due + timedelta(minutes=1)
    fired = in_threads([lambda: reminders_fire_due(now=later) for _ in range(SWEEPS)])
    assert sum(fired) == REMINDERS
    assert ReminderNotice.objects.count() == REMINDERS and not Reminder.objects.filter(sent_at=None).exists()
    # Each firing queued its e-mail, sent once its transaction committed (the queue runs jobs at
    # once in tests): one each.
    assert len(smtp_server.messages) == REMINDERS
    assert len({message["Message-ID"] for message in smtp_server.messages}) == REMINDERS
    # The same messages waiting again, four senders at once: each still goes once.
    smtp_server.messages.clear()
    Message.objects.update(status="queued", next_attempt_at=timezone.now(), sent_at=None)
    sent = in_threads([mail_deliver_waiting for _ in range(SWEEPS)])
    assert sum(sent) == REMINDERS and len(smtp_server.messages) == REMINDERS
    assert len({message["Message-ID"] for message in smtp_server.messages}) == REMINDERS
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}
