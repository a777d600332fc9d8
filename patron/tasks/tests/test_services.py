"""The task services on their own: the rules the pages and jobs to come will share."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from patron.actors import Actor
from patron.customers.tests.factories import make_customer
from patron.interactions.models import Interaction
from patron.tasks.models import Reminder, Task
from patron.tasks.services import task_cancel, task_complete, task_create, task_update

pytestmark = pytest.mark.django_db

DUE = datetime(2030, 5, 1, 7, 0, tzinfo=UTC)


@pytest.fixture
def somsri(somchai, thai_shop):
    return make_customer(somchai, "somsri")


@pytest.fixture
def task(lan, somsri):
    return task_create(
        by=lan,
        customer=somsri,
        title="โทรหาคุณสมศรี",
        due_at=DUE,
        assignee=lan,
        kind="call",
        remind_before_minutes=[5, 1440],
    )


def test_create_records_the_actor_and_reminders(task, lan):
    assert (task.created_by, task.actor_kind, task.actor_job) == (lan, "staff", "")
    assert sorted(task.reminders.values_list("minutes_before", "fire_at")) == [
        (5, DUE - timedelta(minutes=5)),
        (1440, DUE - timedelta(days=1)),
    ]


def test_a_scheduled_job_may_create_a_task(somsri, lan):
    task = task_create(
        by=Actor.system(job="playbook"), customer=somsri, title="Review", due_at=DUE, assignee=lan
    )
    assert (task.created_by, task.actor_kind, task.actor_job) == (None, "system", "playbook")


def test_a_customer_may_not_create_a_task(somsri, lan):
    with pytest.raises(PermissionDenied):
        task_create(by=Actor.customer(somsri), customer=somsri, title="Call me", due_at=DUE, assignee=lan)


def test_the_analyst_may_not_change_a_task(task, maria):
    with pytest.raises(PermissionDenied):
        task_update(by=maria, task=task, title="x")
    with pytest.raises(PermissionDenied):
        task_complete(by=maria, task=task)


def test_a_naive_due_time_is_refused(somsri, lan):
    with pytest.raises(ValidationError) as caught:
        task_create(by=lan, customer=somsri, title="x", due_at=datetime(2030, 1, 1), assignee=lan)
    assert "due_at" in caught.value.message_dict


def test_a_failed_interaction_rolls_the_completion_back(task, lan):
    with pytest.raises(ValidationError):
        task_complete(by=lan, task=task, interaction={"channel": "fax", "direction": "outbound"})
    task.refresh_from_db()
    assert (task.status, task.completed_at, task.reminders.count()) == ("open", None, 2)
    assert not Interaction.objects.exists()


def test_a_reminder_is_once_per_offset_in_the_database(task):
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(task=task, minutes_before=5, fire_at=DUE)


def test_the_database_wants_one_party_and_a_completion_time_when_done(task, somsri):
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(status="done")
    from patron.organisations.models import Organisation

    agency = Organisation.objects.create(name="Siam Partners", kind="agency")
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(organisation=agency)


def test_the_state_is_derived_from_the_clock(task):
    assert task.state(now=DUE - timedelta(seconds=1)) == "open"
    assert task.state(now=DUE) == "overdue"
    task.snoozed_until = DUE + timedelta(hours=1)
    assert task.state(now=DUE) == "snoozed"


def test_cancel_deletes_unsent_reminders_and_is_harmless_twice(task, lan):
    task.reminders.filter(minutes_before=1440).update(sent_at=DUE - timedelta(days=1))
    cancelled = task_cancel(by=lan, task=task)
    assert (cancelled.status, cancelled.completed_at) == ("cancelled", None)
    assert list(task.reminders.values_list("minutes_before", flat=True)) == [1440]
    assert task_cancel(by=lan, task=task).status == "cancelled"


def test_a_done_task_is_not_cancelled_and_the_analyst_may_not_cancel(task, lan, maria):
    with pytest.raises(PermissionDenied):
        task_cancel(by=maria, task=task)
    task_complete(by=lan, task=task)
    with pytest.raises(ValidationError) as caught:
        task_cancel(by=lan, task=task)
    assert "status" in caught.value.message_dict
    task.refresh_from_db()
    assert task.status == "done"
