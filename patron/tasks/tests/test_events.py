"""task_completed is told once the completion commits, and never for a completion rolled back."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from patron.customers.tests.factories import make_customer
from patron.tasks.events import task_completed
from patron.tasks.services import task_complete, task_create

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def told():
    heard = []

    def receiver(sender, task, **kwargs):
        heard.append((task.pk, task.status))

    task_completed.connect(receiver)
    yield heard
    task_completed.disconnect(receiver)


@pytest.fixture
def task(lan, somchai, thai_shop):
    customer = make_customer(somchai, "somsri")
    return task_create(
        by=lan, customer=customer, title="Call", due_at=datetime(2030, 5, 1, tzinfo=UTC), assignee=lan
    )


def test_a_completion_is_told_once(task, lan, told):
    task_complete(by=lan, task=task)
    task_complete(by=lan, task=task)  # done already: nothing new to tell
    assert told == [(task.pk, "done")]


def test_a_completion_rolled_back_is_not_told(task, lan, told):
    with pytest.raises(ValidationError):
        task_complete(by=lan, task=task, interaction={"channel": "fax", "direction": "outbound"})
    assert told == []
